package scorejson_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/arbsync/arbsync/internal/scorejson"
	"github.com/arbsync/arbsync/scoring"
)

func ExampleReadInput() {
	in, err := scorejson.ReadInput(strings.NewReader(`{"asOf": "2026-11-24", "cases": [
	  {"filingDate": "2026-03-01", "claimAmount": "12,000", "result": "lose", "executionStatus": "unexecuted"}]}`))
	fmt.Println(err)
	// One lost case of 100 yuan under rule 2: 0.4·80 + 0.3·99.95 + 0.2·0 +
	// 0.1·100 = 71.985, rounded half-up once to 71.99.
	in, _ = scorejson.ReadInput(strings.NewReader(`{"asOf": "2026-11-24", "cases": [
	  {"caseNo": "京朝劳人仲字〔2026〕第7号", "filingDate": "2026-03-01", "claimAmount": "100", "result": "lose", "executionStatus": "executed"}]}`))
	_ = scorejson.WriteBreakdown(os.Stdout, scoring.Rule2, in)
	// Output:
	// cases[0].claimAmount: amount "12,000" is not a decimal number of yuan
	// {
	//   "ruleVersion": 2,
	//   "asOf": "2026-11-24",
	//   "windowStart": "2025-11-25",
	//   "windowEnd": "2026-11-24",
	//   "score": 71.99,
	//   "level": "ok",
	//   "thresholds": {
	//     "warning": 60.00,
	//     "urgent": 40.00
	//   },
	//   "recentCases": 1,
	//   "recentClaimTotal": "100.00",
	//   "decidedCases": 1,
	//   "loseCases": 1,
	//   "partialCases": 0,
	//   "loseRate": 1.0000,
	//   "unexecutedCases": 0,
	//   "excludedCases": 0,
	//   "indicators": {
	//     "count": 80.00,
	//     "amount": 99.95,
	//     "loseRate": 0.00,
	//     "execution": 100.00
	//   },
	//   "weights": {
	//     "count": 0.4000,
	//     "amount": 0.3000,
	//     "loseRate": 0.2000,
	//     "execution": 0.1000
	//   },
	//   "countDeduction": 8.00,
	//   "amountDeduction": 0.02,
	//   "loseRateDeduction": 20.00,
	//   "unexecutedDeduction": 0.00,
	//   "latestCase": {
	//     "title": "",
	//     "filingDate": "2026-03-01",
	//     "recent": true
	//   },
	//   "cases": [
	//     {
	//       "index": 0,
	//       "caseNo": "京朝劳人仲字〔2026〕第7号",
	//       "title": "",
	//       "filingDate": "2026-03-01",
	//       "counts": true,
	//       "why": "recent",
	//       "points": 28.01
	//     }
	//   ]
	// }
}
