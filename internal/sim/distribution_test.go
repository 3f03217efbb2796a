package sim

import (
	"slices"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/stretchr/testify/require"
)

// simDate is the simulated date the tests look at.
func simDate() time.Time { return time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) }

// TestDistributionShapes checks the shapes ARCHITECTURE.md “The vendor” asks of the data over
// 3,000 simulated companies: who files, how cases end, how much is claimed,
// how many cases companies have, which industries they are in.
func TestDistributionShapes(t *testing.T) {
	const companies = 3000
	var (
		cases, respondent, closed, settled, adjudicated int
		win, lose, partial                              int
		claims                                          []money.Fen
		perCompany                                      []int
		sections                                        = map[string]int{}
	)
	for n := range companies {
		code := uscc.Generate(n%34, uint64(n))
		p := Profile(1, code)
		sections[p.Section]++
		co := TruthAt(1, code, simDate())
		perCompany = append(perCompany, len(co.Cases))
		for _, c := range co.Cases {
			cases++
			claims = append(claims, c.ClaimAmount)
			if c.Role == upstream.RoleRespondent {
				respondent++
			}
			if c.Result == upstream.ResultPending {
				continue
			}
			closed++
			switch c.Result {
			case upstream.ResultSettled:
				settled++
			case upstream.ResultWin:
				win++
				adjudicated++
			case upstream.ResultLose:
				lose++
				adjudicated++
			case upstream.ResultPartial:
				partial++
				adjudicated++
			}
		}
	}
	slices.Sort(claims)
	slices.Sort(perCompany)
	share := func(a, b int) float64 { return float64(a) / float64(b) }
	t.Logf("%d cases; respondent %.3f; settled %.3f of closed; adjudicated win %.3f lose %.3f partial %.3f; median claim %s; cases per company median %d p90 %d p99 %d max %d",
		cases, share(respondent, cases), share(settled, closed), share(win, adjudicated), share(lose, adjudicated), share(partial, adjudicated),
		claims[len(claims)/2], perCompany[companies/2], perCompany[companies*9/10], perCompany[companies*99/100], perCompany[companies-1])

	require.Greater(t, cases, 5000, "too few cases to judge the shapes")
	require.InDelta(t, 0.93, share(respondent, cases), 0.03, "company is respondent in 90-96%% of cases")
	require.InDelta(t, 0.625, share(settled, closed), 0.175, "mediation/settlement closes 45-80%% of cases")
	require.InDelta(t, 0.16, share(win, adjudicated), 0.04, "employers fully win 12-20%% of adjudicated cases")
	require.InDelta(t, 0.275, share(lose, adjudicated), 0.055, "employers fully lose 22-33%% of adjudicated cases")
	require.InDelta(t, 0.55, share(partial, adjudicated), 0.05, "partial wins are 50-60%% of adjudicated cases")
	median := claims[len(claims)/2]
	require.True(t, median >= money.Yuan(16000) && median <= money.Yuan(25000), "median claim %s should be near 20,000 yuan", median)
	require.Greater(t, claims[len(claims)*99/100], 5*median, "claims are right-skewed")

	require.LessOrEqual(t, perCompany[companies/2], 5, "a typical company has few cases")
	require.GreaterOrEqual(t, perCompany[companies*99/100], 20, "a few companies have many cases")
	heavy := sections["C"] + sections["E"] + sections["F"] + sections["G"] + sections["H"] + sections["I"] + sections["L"]
	require.Greater(t, share(heavy, companies), 0.6, "manufacturing, construction, retail, logistics, catering, IT and business services dominate")
	require.Greater(t, sections["F"]+sections["C"], sections["J"]*5)
}
