package outbox_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/scoring"
)

// An alert names at most three cases, those that account for the most of
// what the score lost, with their numbers; cases that do not count (filed
// by the company, under rule 2) are never among them.
func TestTopCases(t *testing.T) {
	asOf := scoring.NewDate(2026, time.November, 24)
	c := func(daysAgo int, yuan int64, res scoring.Outcome, role scoring.Role) scoring.Case {
		return scoring.Case{FilingDate: asOf.AddDays(-daysAgo), ClaimAmount: money.Yuan(yuan), Result: res, Role: role, Title: "案件"}
	}
	cases := []scoring.Case{
		c(10, 1_000, scoring.OutcomeSettled, scoring.RoleRespondent),  // 8 + 0.15
		c(20, 100_000, scoring.OutcomeLose, scoring.RoleApplicant),    // the company's own claim: rule 2 leaves it out
		c(30, 50_000, scoring.OutcomeLose, scoring.RoleUnknown),       // 8 + 7.5 + 10
		c(40, 20_000, scoring.OutcomePartial, scoring.RoleRespondent), // 8 + 3 + 5
		c(50, 5_000, scoring.OutcomeWin, scoring.RoleRespondent),      // 8 + 0.75
	}
	nos := []string{"N10", "N20", "N30", "N40", "N50"}
	top := outbox.TopCases(scoring.Rule2, cases, nos, asOf)
	require.Len(t, top, outbox.MaxTopCases)
	var got []string
	for _, tc := range top {
		got = append(got, tc.CaseNo+" "+tc.Points.String()+" "+string(tc.Why))
	}
	require.Equal(t, []string{"N30 23.00 recent", "N40 14.75 recent", "N50 8.75 recent"}, got)

	// Under rule 1 the company's own claim counts, and is the largest.
	require.Equal(t, "N20", outbox.TopCases(scoring.Rule1, cases, nos, asOf)[0].CaseNo)
	// Without numbers the cases are still named by title and date.
	require.Empty(t, outbox.TopCases(scoring.Rule2, cases, nil, asOf)[0].CaseNo)
	require.Nil(t, outbox.TopCases(scoring.Rule2, nil, nil, asOf), "no case, nothing to name")
}
