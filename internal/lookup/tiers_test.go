package lookup_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/lookup"
)

func TestFreshCompanyIsServedFromPostgresThenCache(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	code := b.knownCode(t, 200)
	b.watch(t, code)
	b.syncNow(t, code)
	calls := b.sim.Requests(code)
	truth, _ := b.sim.Truth(code)

	first := b.get(t, strings.ToLower(code), "").response(t)
	require.Equal(t, lookup.SourcePostgres, first.Source)
	require.Equal(t, code, first.CreditCode, "the code is normalized")
	require.Equal(t, b.sim.Profile(code).Name, first.CompanyName)
	require.Equal(t, b.sim.Profile(code).Industry, first.Industry.Code)
	require.NotEmpty(t, first.Industry.Name)
	require.NotNil(t, first.Score)
	require.NotNil(t, first.Level)
	require.NotNil(t, first.Components)
	require.NotNil(t, first.Thresholds)
	require.Equal(t, "fixed", first.Thresholds.Source)
	require.Equal(t, min(len(truth.Cases), 5), len(first.LatestCases))
	for i := 1; i < len(first.LatestCases); i++ {
		require.GreaterOrEqual(t, first.LatestCases[i-1].FilingDate, first.LatestCases[i].FilingDate, "newest first")
	}
	require.False(t, first.Stale)
	require.Less(t, first.FreshnessSeconds, int64(60))
	require.Nil(t, first.RefreshError)

	// The answer agrees with the database's own view for BI.
	var score float64
	var level string
	require.NoError(t, b.pool.QueryRow(context.Background(),
		`SELECT score::float8, level FROM bi.company_risk WHERE credit_code = $1`, code).Scan(&score, &level))
	require.Equal(t, score, *first.Score)
	require.Equal(t, level, *first.Level)

	second := b.get(t, code, "").response(t)
	require.Equal(t, lookup.SourceCache, second.Source)
	require.Equal(t, *first.Score, *second.Score)
	require.Equal(t, first.LatestCases, second.LatestCases)
	require.Equal(t, calls, b.sim.Requests(code), "no upstream call")

	require.NoError(t, testutil.GatherAndCompare(b.reg, strings.NewReader(`
# HELP arbsync_cache_requests_total Risk lookups asked of a cache tier (local: in-process cache; postgres: fresh data in the database), by result (hit, miss).
# TYPE arbsync_cache_requests_total counter
arbsync_cache_requests_total{result="hit",tier="local"} 1
arbsync_cache_requests_total{result="hit",tier="postgres"} 1
arbsync_cache_requests_total{result="miss",tier="local"} 1
arbsync_cache_requests_total{result="miss",tier="postgres"} 0
# HELP arbsync_cache_hit_ratio Hits over requests of a cache tier since start.
# TYPE arbsync_cache_hit_ratio gauge
arbsync_cache_hit_ratio{tier="local"} 0.5
arbsync_cache_hit_ratio{tier="postgres"} 1
`), "arbsync_cache_requests_total", "arbsync_cache_hit_ratio"))
	require.Equal(t, 2.0, b.metric(t, "arbsync_lookup_requests_total", map[string]string{"code": "200"}))
}

func TestWithoutCacheEveryAnswerComesFromPostgres(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{cacheSize: -1})
	code := b.knownCode(t, 250)
	b.watch(t, code)
	b.syncNow(t, code)

	require.Equal(t, lookup.SourcePostgres, b.get(t, code, "").response(t).Source)
	require.Equal(t, lookup.SourcePostgres, b.get(t, code, "").response(t).Source, "nothing was cached")
	require.Equal(t, 2.0, b.metric(t, "arbsync_cache_requests_total", map[string]string{"tier": "local", "result": "miss"}))
}

func TestRefreshFetchesAKnownCompanyOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	code := b.knownCode(t, 300)
	b.watch(t, code)
	b.syncNow(t, code)
	calls := b.sim.Requests(code)

	require.Equal(t, lookup.SourcePostgres, b.get(t, code, "").response(t).Source)
	r := b.get(t, code, "refresh=true").response(t)
	require.Equal(t, lookup.SourceUpstream, r.Source)
	require.Equal(t, calls+1, b.sim.Requests(code), "one upstream call")
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM arbsync.sync_runs WHERE trigger = 'lookup'`))

	// The refreshed answer is cached.
	require.Equal(t, lookup.SourceCache, b.get(t, code, "").response(t).Source)
	require.Equal(t, calls+1, b.sim.Requests(code))
}

func TestStaleDataIsFetchedLive(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	code := b.knownCode(t, 400)
	b.watch(t, code)
	b.syncNow(t, code)
	calls := b.sim.Requests(code)
	_, err := b.pool.Exec(context.Background(),
		`UPDATE arbsync.sync_state SET last_success_at = now() - interval '2 days' WHERE credit_code = $1`, code)
	require.NoError(t, err)

	r := b.get(t, code, "").response(t)
	require.Equal(t, lookup.SourceUpstream, r.Source)
	require.False(t, r.Stale)
	require.Less(t, r.FreshnessSeconds, int64(60))
	require.Equal(t, calls+1, b.sim.Requests(code))
	require.Equal(t, 1.0, b.metric(t, "arbsync_cache_requests_total", map[string]string{"tier": "postgres", "result": "miss"}))
}

func TestStaleDataSurvivesAFailedRefresh(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	code := b.knownCode(t, 450)
	b.watch(t, code)
	b.syncNow(t, code)
	_, err := b.pool.Exec(context.Background(),
		`UPDATE arbsync.sync_state SET last_success_at = now() - interval '3 days' WHERE credit_code = $1`, code)
	require.NoError(t, err)
	require.NoError(t, b.sim.SetFaults(simBusy()))

	r := b.get(t, code, "").response(t)
	require.Equal(t, lookup.SourcePostgres, r.Source)
	require.True(t, r.Stale)
	require.GreaterOrEqual(t, r.FreshnessSeconds, int64(3*24*3600))
	require.NotNil(t, r.RefreshError)
	require.Equal(t, "upstream_busy", r.RefreshError.Code)
	require.NotNil(t, r.Score)
}

func TestWithoutEngineNothingIsFetched(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{noEngine: true})
	code := b.knownCode(t, 500)
	b.get(t, code, "industry=C").error(t, http.StatusNotFound, "not_watched")
	b.watch(t, code)
	b.get(t, code, "").error(t, http.StatusConflict, "live_fetch_disabled")
	require.Zero(t, b.sim.Stats().Requests)
}
