package upstream_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/stretchr/testify/require"
)

var protocols = []string{upstream.ProtocolSigned, upstream.ProtocolTianyuan}

// TestFetchReturnsTruth fetches a company with many cases over many pages
// and gets exactly what the vendor holds, with the raw records kept.
func TestFetchReturnsTruth(t *testing.T) {
	b := setup(t, nil)
	code := b.codeWithCases(t, 40)
	truth, ok := b.sim.Truth(code)
	require.True(t, ok)
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			b.sim.ResetStats()
			c := b.client(t, proto, func(cfg *upstream.Config) { cfg.PageSize = 7 })
			got, err := c.Fetch(context.Background(), code)
			require.NoError(t, err)
			require.Equal(t, truth.CompanyName, got.CompanyName)
			require.Equal(t, code, got.CreditCode)
			require.Equal(t, truth.Cases, withoutRaw(got.Cases))
			for _, cs := range got.Cases {
				require.True(t, json.Valid(cs.Raw), "raw record of %s is kept as JSON", cs.CaseID)
			}
			pages := (len(truth.Cases) + 6) / 7
			if proto == upstream.ProtocolSigned {
				require.EqualValues(t, pages, b.sim.Requests(code), "one request per page")
			} else {
				// The judicial product also lists non-labor lawsuits, which
				// the client drops: at least as many pages.
				require.GreaterOrEqual(t, b.sim.Requests(code), int64(pages))
			}
		})
	}
}

// TestFetchHonoursThePageSizeCap asks for pages larger than the vendor
// serves and still gets every case.
func TestFetchHonoursThePageSizeCap(t *testing.T) {
	b := setup(t, func(c *sim.Config) { c.PageSizeMax = 20 })
	code := b.codeWithCases(t, 45)
	truth, _ := b.sim.Truth(code)
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			b.sim.ResetStats()
			c := b.client(t, proto, func(cfg *upstream.Config) { cfg.PageSize = 100 })
			got, err := c.Fetch(context.Background(), code)
			require.NoError(t, err)
			require.Equal(t, truth.Cases, withoutRaw(got.Cases))
			require.GreaterOrEqual(t, b.sim.Requests(code), int64((len(truth.Cases)+19)/20))
		})
	}
}

// TestFetchIsDeterministic: two simulators with the same seed and date give
// identical answers, byte for byte in the raw records.
func TestFetchIsDeterministic(t *testing.T) {
	b1, b2 := setup(t, nil), setup(t, nil)
	code := b1.codeWithCases(t, 10)
	for _, proto := range protocols {
		got1, err := b1.client(t, proto, nil).Fetch(context.Background(), code)
		require.NoError(t, err)
		got2, err := b2.client(t, proto, nil).Fetch(context.Background(), code)
		require.NoError(t, err)
		require.Equal(t, got1, got2, proto)
	}
}

// TestFetchFollowsTheSimulatedDate watches time pass: new cases appear,
// pending ones close, and updatedAt moves exactly when a case changes.
func TestFetchFollowsTheSimulatedDate(t *testing.T) {
	b := setup(t, nil)
	code := b.codeWithCases(t, 30)
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			b.sim.SetDate(simDate().AddDate(0, -8, 0))
			c := b.client(t, proto, nil)
			before, err := c.Fetch(context.Background(), code)
			require.NoError(t, err)
			b.sim.Advance(240)
			after, err := c.Fetch(context.Background(), code)
			require.NoError(t, err)
			truth, _ := b.sim.Truth(code)
			require.Equal(t, truth.Cases, withoutRaw(after.Cases))

			old := map[string]upstream.Case{}
			for _, cs := range before.Cases {
				old[cs.CaseID] = cs
			}
			var added, closed, changed, same int
			for _, cs := range after.Cases {
				prev, ok := old[cs.CaseID]
				if !ok {
					added++
					continue
				}
				if prev.Result == upstream.ResultPending && cs.Result != upstream.ResultPending {
					closed++
				}
				x, y := prev, cs
				x.Raw, y.Raw, x.UpdatedAt = nil, nil, y.UpdatedAt
				contentSame := equalCases(x, y)
				require.Equal(t, contentSame, prev.UpdatedAt.Equal(cs.UpdatedAt),
					"case %s: updatedAt must change exactly when the content does", cs.CaseID)
				if contentSame {
					same++
				} else {
					changed++
				}
			}
			t.Logf("%d cases before, %d after: %d new, %d closed, %d changed, %d unchanged", len(before.Cases), len(after.Cases), added, closed, changed, same)
			require.Positive(t, added, "new cases arrive")
			require.Positive(t, closed, "pending cases close")
			require.Positive(t, same, "old cases stay as they were")
		})
	}
	b.sim.SetDate(simDate())
}

func equalCases(a, b upstream.Case) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// TestFetchUnknownCompany: the vendor does not know the code.
func TestFetchUnknownCompany(t *testing.T) {
	b := setup(t, func(c *sim.Config) { c.UnknownShare = 1 })
	code := uscc.Generate(0, 123)
	for _, proto := range protocols {
		_, err := b.client(t, proto, nil).Fetch(context.Background(), code)
		requireKind(t, err, upstream.KindNotFound)
		require.EqualValues(t, 1, b.sim.Requests(code), "not found is not retried")
		b.sim.ResetStats()
	}
}
