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
	in, _ = scorejson.ReadInput(strings.NewReader(`{"asOf": "2026-11-24", "cases": [
	  {"filingDate": "2026-03-01", "claimAmount": "10", "result": "pending", "executionStatus": "not_applicable"}]}`))
	res := scoring.Score(in.Cases, in.AsOf, in.Thresholds)
	_ = scorejson.WriteBreakdown(os.Stdout, res)
	// Output:
	// cases[0].claimAmount: amount "12,000" is not a decimal number of yuan
	// {
	//   "ruleVersion": 1,
	//   "asOf": "2026-11-24",
	//   "windowStart": "2025-11-25",
	//   "windowEnd": "2026-11-24",
	//   "score": 80.00,
	//   "level": "ok",
	//   "thresholds": {
	//     "warning": 60.00,
	//     "urgent": 40.00
	//   },
	//   "recentCases": 1,
	//   "recentClaimTotal": "10.00",
	//   "decidedCases": 0,
	//   "loseCases": 0,
	//   "partialCases": 0,
	//   "loseRate": 0.0000,
	//   "unexecutedCases": 0,
	//   "countDeduction": 20.00,
	//   "amountDeduction": 0.01,
	//   "loseRateDeduction": 0.00,
	//   "unexecutedDeduction": 0.00,
	//   "latestCase": {
	//     "title": "",
	//     "filingDate": "2026-03-01",
	//     "recent": true
	//   }
	// }
}
