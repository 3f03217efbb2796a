package scoring_test

import (
	"fmt"

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
