package scoring_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
)

func ExampleScore() {
	claim, _ := money.Parse("23000.50")
	filed, _ := scoring.ParseDate("2026-06-15")
	old, _ := scoring.ParseDate("2019-05-01")
	asOf, _ := scoring.ParseDate("2026-11-24")
	cases := []scoring.Case{
		{FilingDate: filed, ClaimAmount: claim, Result: scoring.OutcomeWin, ExecutionStatus: scoring.ExecutionExecuted},
		{FilingDate: old, Result: scoring.OutcomeLose, ExecutionStatus: scoring.ExecutionUnexecuted},
	}
	r := scoring.Score(cases, asOf, scoring.DefaultThresholds())
	fmt.Println(r.Score, r.Level, r.CountDeduction, r.AmountDeduction, r.UnexecutedDeduction)
	next, ok := scoring.NextChange(cases, asOf)
	fmt.Println(next, ok)
	// Output:
	// 43.50 warning 20.00 11.50 25.00
	// 2027-06-15 true
}

func ExampleReadInput() {
	in, err := scoring.ReadInput(strings.NewReader(`{"asOf": "2026-11-24", "cases": [
	  {"filingDate": "2026-03-01", "claimAmount": "12,000", "result": "lose", "executionStatus": "unexecuted"}]}`))
	fmt.Println(err)
	in, _ = scoring.ReadInput(strings.NewReader(`{"asOf": "2026-11-24", "cases": [
	  {"filingDate": "2026-03-01", "claimAmount": "10", "result": "pending", "executionStatus": "not_applicable"}]}`))
	res := scoring.Score(in.Cases, in.AsOf, in.Thresholds)
	_ = scoring.WriteBreakdown(os.Stdout, res)
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
