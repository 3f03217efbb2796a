package lookup_test

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/lookup"
)

func TestConcurrentLookupsOfAnUnknownCompanyShareOneFetch(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	code := b.knownCode(t, 1000)
	truth, _ := b.sim.Truth(code)
	industry := b.sim.Profile(code).Industry

	const n = 20
	replies := make([]reply, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			replies[i] = b.get(t, code, "industry="+industry)
		})
	}
	close(start)
	wg.Wait()

	require.EqualValues(t, 1, b.sim.Requests(code), "exactly one upstream call")
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM arbsync.sync_runs WHERE trigger = 'lookup'`), "one shared load ran one pass")
	first := replies[0].response(t)
	require.NotNil(t, first.Score)
	sources := map[string]int{}
	for _, r := range replies {
		resp := r.response(t)
		require.Equal(t, *first.Score, *resp.Score)
		require.Equal(t, first.LatestCases, resp.LatestCases)
		sources[resp.Source]++
	}
	require.Positive(t, sources[lookup.SourceUpstream], "sources: %v", sources)
	require.Equal(t, n, sources[lookup.SourceUpstream]+sources[lookup.SourceCache]+sources[lookup.SourcePostgres])

	// It is on the watchlist now, and its cases are stored.
	var enabled bool
	var note, ind, name string
	require.NoError(t, b.pool.QueryRow(context.Background(),
		`SELECT enabled, note, industry_code, company_name FROM arbsync.watchlist WHERE credit_code = $1`, code).
		Scan(&enabled, &note, &ind, &name))
	require.True(t, enabled)
	require.Equal(t, "added by ERP lookup", note)
	require.Equal(t, industry, ind)
	require.Equal(t, code, name, "no ?name=: the code holds the place")
	require.Equal(t, truth.CompanyName, first.CompanyName, "answers show the vendor's name")
	require.Equal(t, len(truth.Cases), b.count(t, `SELECT count(*) FROM arbsync.cases WHERE credit_code = $1`, code))
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM arbsync.current_scores WHERE credit_code = $1`, code))

	// Later lookups do not call the vendor.
	require.Equal(t, lookup.SourceCache, b.get(t, code, "").response(t).Source)
	require.EqualValues(t, 1, b.sim.Requests(code))
}

func TestUnknownCompanyNeedsAnIndustry(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	code := b.knownCode(t, 1100)
	msg := b.get(t, code, "").error(t, http.StatusBadRequest, "missing_industry")
	require.Contains(t, msg, "industry")
	msg = b.get(t, code, "industry=99").error(t, http.StatusBadRequest, "invalid_industry")
	require.Contains(t, msg, `"99"`)
	require.Zero(t, b.count(t, `SELECT count(*) FROM arbsync.watchlist`), "nothing was written")
	require.Zero(t, b.sim.Requests(code))

	// A name given is kept.
	r := b.get(t, code, "industry="+b.sim.Profile(code).Industry+"&name=ACME%20Ltd").response(t)
	require.Equal(t, "ACME Ltd", r.CompanyName)
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM arbsync.watchlist WHERE company_name = 'ACME Ltd'`))
}

func TestBusyUpstreamIs503WithRetryAfter(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	code := b.knownCode(t, 1200)
	require.NoError(t, b.sim.SetFaults(simBusy()))

	r := b.get(t, code, "industry=C")
	r.error(t, http.StatusServiceUnavailable, "upstream_busy")
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	require.NoError(t, err, "Retry-After is whole seconds")
	require.GreaterOrEqual(t, secs, 1)
	require.LessOrEqual(t, secs, 3600)
	calls := b.sim.Requests(code)
	require.Positive(t, calls)

	// Until the backoff ends, lookups answer from the sync state without
	// asking the vendor again.
	b.get(t, code, "").error(t, http.StatusServiceUnavailable, "upstream_busy")
	require.Equal(t, calls, b.sim.Requests(code))
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE credit_code = $1 AND status = 'failing' AND last_error_code = 'busy'`, code))
}

func TestCompanyTheVendorDoesNotKnowIs404(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{unknownShare: 0.5})
	code := findCode(t, 1300, func(c string) bool { return !b.sim.Known(c) })

	msg := b.get(t, code, "industry=F").error(t, http.StatusNotFound, "not_found")
	require.Contains(t, msg, code)
	require.EqualValues(t, 1, b.sim.Requests(code))
	b.get(t, code, "").error(t, http.StatusNotFound, "not_found")
	require.EqualValues(t, 1, b.sim.Requests(code), "the answer is remembered")
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE credit_code = $1 AND status = 'not_found'`, code))
}

func TestChecksumOverrideCodesAreServed(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	good := b.knownCode(t, 1400)
	code := good[:17] + otherCheckChar(good[17])
	_, err := b.pool.Exec(context.Background(),
		`INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, checksum_override) VALUES ($1, 'Pilot Co', 'C', true)`, code)
	require.NoError(t, err)

	r := b.get(t, code, "").response(t)
	require.Equal(t, lookup.SourceUpstream, r.Source)
	require.Equal(t, "Pilot Co", r.CompanyName)
}
