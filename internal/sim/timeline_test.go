package sim

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/stretchr/testify/require"
)

// TestTimelineInvariants walks 400 companies through three years in
// 30-day steps: cases keep their identity, close but never reopen, vanish
// rarely and never come back, and updatedAt moves exactly when a case's
// content changes.
func TestTimelineInvariants(t *testing.T) {
	var added, closedN, changed, removed int
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for n := range 400 {
		code := uscc.Generate(n%34, uint64(n)+100000)
		prev := map[string]upstream.Case{}
		gone := map[string]bool{}
		for d := start; !d.After(simDate()); d = d.AddDate(0, 0, 30) {
			co := TruthAt(5, code, d)
			endOfDay := d.Add(24*time.Hour - chinaOffset*time.Second)
			cur := map[string]upstream.Case{}
			for _, c := range co.Cases {
				cur[c.CaseID] = c
				require.False(t, gone[c.CaseID], "case %s came back after removal", c.CaseID)
				require.False(t, c.UpdatedAt.After(endOfDay), "case %s updated after the simulated date", c.CaseID)
				require.False(t, c.FilingDate.After(d))
				p, ok := prev[c.CaseID]
				if !ok {
					added++
					continue
				}
				require.Equal(t, p.CaseNo, c.CaseNo)
				require.Equal(t, p.FilingDate, c.FilingDate)
				require.Equal(t, p.ClaimAmount, c.ClaimAmount)
				require.Equal(t, p.Title, c.Title)
				require.False(t, p.Result != upstream.ResultPending && c.Result == upstream.ResultPending, "case %s reopened", c.CaseID)
				if p.Result == upstream.ResultPending && c.Result != upstream.ResultPending {
					closedN++
				}
				x, y := p, c
				x.UpdatedAt = y.UpdatedAt
				same := jsonEqual(x, y)
				require.Equal(t, same, p.UpdatedAt.Equal(c.UpdatedAt), "case %s: updatedAt moves exactly with content", c.CaseID)
				require.False(t, c.UpdatedAt.Before(p.UpdatedAt))
				if !same {
					changed++
				}
			}
			for id := range prev {
				if _, ok := cur[id]; !ok {
					gone[id] = true
					removed++
				}
			}
			prev = cur
		}
	}
	t.Logf("over 3 years: %d cases appeared, %d closed, %d changed, %d removed", added, closedN, changed, removed)
	require.Positive(t, closedN)
	require.Positive(t, removed, "the vendor removes a case now and then")
	require.Less(t, removed*20, added, "removals are rare")
}

func jsonEqual(a, b upstream.Case) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// TestCaseNumbersMatchCommittee: a case number carries its committee's
// abbreviation and the filing year; titles name the company.
func TestCaseNumbersMatchCommittee(t *testing.T) {
	for n := range 300 {
		code := uscc.Generate(n%34, uint64(n))
		p := Profile(9, code)
		for _, c := range TruthAt(9, code, simDate()).Cases {
			var pl *place
			for i := range places {
				if places[i].committee == c.Committee {
					pl = &places[i]
				}
			}
			require.NotNil(t, pl, "committee %q is a known one", c.Committee)
			prefix, _, _ := strings.Cut(pl.caseNo, "%d")
			require.True(t, strings.HasPrefix(c.CaseNo, prefix), "%s starts with %s", c.CaseNo, prefix)
			require.Contains(t, c.CaseNo, strconv.Itoa(c.FilingDate.Year()))
			require.True(t, strings.HasSuffix(c.CaseNo, "号"))
			require.True(t, strings.HasSuffix(c.Title, "劳动争议") || strings.HasSuffix(c.Title, "人事争议"), c.Title)
			if c.Role != upstream.RoleThirdParty {
				require.Contains(t, c.Title, p.Name)
			}
			require.True(t, upstream.IsLaborCause(c.Cause, ""), c.Cause)
		}
	}
}

// TestProfileIsPure: the same seed and code give the same company, a
// different seed another one, and the name is plausible.
func TestProfileIsPure(t *testing.T) {
	code := uscc.Generate(0, 42)
	require.Equal(t, Profile(1, code), Profile(1, code))
	require.Equal(t, TruthAt(1, code, simDate()), TruthAt(1, code, simDate()))
	differ := 0
	for s := int64(2); s < 12; s++ {
		if Profile(s, code).Name != Profile(1, code).Name {
			differ++
		}
	}
	require.Greater(t, differ, 7)
	p := Profile(1, code)
	require.True(t, strings.HasPrefix(p.Name, p.City), p.Name)
	require.Regexp(t, `^(0[1-9]|[1-8][0-9]|9[0-7])$`, p.Industry)
	require.Positive(t, p.Employees)
}

// BenchmarkTruthAt measures generating one company's cases.
func BenchmarkTruthAt(b *testing.B) {
	codes := make([]string, 1024)
	for i := range codes {
		codes[i] = uscc.Generate(i%34, uint64(i))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		TruthAt(1, codes[i%len(codes)], simDate())
	}
}
