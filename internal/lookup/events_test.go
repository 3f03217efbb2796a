package lookup_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/lookup"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/sim/simtest"
	"github.com/arbsync/arbsync/internal/upstream"
)

func TestAnswerListsTheCompanysRecentEvents(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	// A company whose cases the vendor changes within the next half year.
	later := b.sim.Date().AddDate(0, 0, 180)
	code := findCode(t, 600, func(code string) bool {
		now, ok := b.sim.Truth(code)
		if !ok || len(now.Cases) == 0 || len(now.Cases) > 40 {
			return false
		}
		then := sim.TruthAt(simtest.Seed, code, later)
		return !reflect.DeepEqual(now.Cases, then.Cases)
	})
	b.watch(t, code)
	b.syncNow(t, code)

	// The first sync is the company's baseline: nothing has happened yet.
	first := b.get(t, code, "")
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(first.body, &raw))
	require.JSONEq(t, `[]`, string(raw["recentEvents"]), "an empty list, not null")
	require.Positive(t, b.count(t, `SELECT count(*) FROM bi.case_events WHERE credit_code = $1 AND is_baseline`, code))

	// Half a year later the vendor shows new and decided cases.
	b.sim.Advance(180)
	r := b.get(t, code, "refresh=true").response(t)
	require.Equal(t, lookup.SourceUpstream, r.Source)
	stored := b.count(t, `SELECT count(*) FROM arbsync.case_events WHERE credit_code = $1`, code)
	require.Positive(t, stored, "the vendor's changes were recorded")
	require.Len(t, r.RecentEvents, min(stored, 20))

	truth, _ := b.sim.Truth(code)
	byID := map[string]upstream.Case{}
	for _, c := range truth.Cases {
		byID[c.CaseID] = c
	}
	kinds := map[string]int{}
	for i, e := range r.RecentEvents {
		kinds[e.Kind]++
		require.NotEqual(t, "baseline", e.Kind)
		require.WithinDuration(t, time.Now(), e.DetectedAt, time.Hour, "detected by the refresh")
		if i > 0 {
			require.False(t, e.DetectedAt.After(r.RecentEvents[i-1].DetectedAt), "newest first")
		}
		c, current := byID[e.CaseID]
		if current {
			require.Equal(t, c.CaseNo, e.CaseNo)
			require.Equal(t, c.Title, e.Title)
		}
		switch e.Kind {
		case "filed":
			require.Nil(t, e.Old)
			require.Equal(t, string(c.Result), e.New.Result)
			require.Equal(t, c.ClaimAmount.String(), e.New.ClaimAmount)
		case "decided":
			require.Equal(t, &lookup.EventValues{Result: "pending"}, e.Old)
			require.Equal(t, &lookup.EventValues{Result: string(c.Result)}, e.New)
		case "removed":
			require.False(t, current)
			require.Nil(t, e.Old)
			require.Nil(t, e.New)
			require.Nil(t, e.UpstreamUpdatedAt)
		}
		if e.Kind != "removed" {
			require.Equal(t, c.UpdatedAt.UTC(), *e.UpstreamUpdatedAt)
		}
	}
	require.Positive(t, kinds["filed"]+kinds["decided"], "new or decided cases: %v", kinds)
}
