package casesync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/sync"
)

func TestFirstPassStoresExactlyTheSimulatorsCases(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: 40})
	res := b.pass(t, casesync.PassOptions{Trigger: "manual"})
	require.Equal(t, 40, res.Attempted)
	require.Equal(t, 40, res.Succeeded)
	require.Zero(t, res.Failed)
	total := b.requireMatchesTruth(t, b.codes)
	require.Greater(t, total, 20, "the simulated companies have cases")
	require.Equal(t, total, res.Inserted)
	require.Equal(t, total, b.count(t, `SELECT count(*) FROM arbsync.cases`))

	// The run is recorded with its counts, and every company is ok and scheduled.
	var attempted, inserted, calls int
	var outcome string
	require.NoError(t, b.pool.QueryRow(context.Background(),
		`SELECT companies_attempted, cases_inserted, upstream_calls, outcome FROM arbsync.sync_runs WHERE id = $1`, res.RunID).Scan(&attempted, &inserted, &calls, &outcome))
	require.Equal(t, 40, attempted)
	require.EqualValues(t, b.sim.Stats().Requests, calls, "every request the simulator saw is counted")
	require.Equal(t, total, inserted)
	require.Equal(t, "ok", outcome)
	require.Equal(t, 40, b.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok' AND next_sync_at > now() + interval '23 hours' AND leased_by IS NULL`))

	// Nothing is due any more: a second scheduled pass claims nothing.
	again := b.pass(t, casesync.PassOptions{Trigger: "schedule"})
	require.Zero(t, again.Attempted)

	// Every company got a score.
	require.Equal(t, 40, b.count(t, `SELECT count(*) FROM bi.company_risk WHERE score IS NOT NULL`))
}

func TestUnchangedResyncWritesNoCaseRows(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: 30})
	b.pass(t, casesync.PassOptions{})
	before := b.rowVersions(t)
	require.NotEmpty(t, before)
	scores := b.count(t, `SELECT count(*) FROM arbsync.scores`)

	res := b.pass(t, casesync.PassOptions{IgnoreSchedule: true})
	require.Equal(t, 30, res.Succeeded)
	require.Zero(t, res.Changed)
	require.Zero(t, res.Inserted+res.Updated+res.Removed)
	require.Equal(t, before, b.rowVersions(t), "no case row was rewritten")
	require.Equal(t, scores, b.count(t, `SELECT count(*) FROM arbsync.scores`), "no score row was added")
}

func TestClockAdvanceIsReflectedExactly(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: 60})
	b.pass(t, casesync.PassOptions{})
	b.requireMatchesTruth(t, b.codes)

	var inserted, updated, removed int
	for range 4 {
		b.sim.Advance(90)
		res := b.pass(t, casesync.PassOptions{IgnoreSchedule: true})
		require.Zero(t, res.Failed)
		inserted += res.Inserted
		updated += res.Updated
		removed += res.Removed
		b.requireMatchesTruth(t, b.codes)
	}
	require.Positive(t, inserted, "new cases arrived over a year")
	require.Positive(t, updated, "cases closed or were executed")
	t.Logf("over 360 simulated days: %d inserted, %d updated, %d removed", inserted, updated, removed)
	// Removed cases keep their row, marked.
	require.Equal(t, removed, b.count(t, `SELECT count(*) FROM arbsync.cases WHERE removed_at IS NOT NULL`))
}

// failPage2 answers HTTP 502 to every request for a second page, in front of
// the real simulator.
func failPage2(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct {
			PageNum int `json:"pageNum"`
		}
		_ = json.Unmarshal(body, &req)
		if req.PageNum >= 2 {
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

func TestFailureMidPaginationTouchesNothing(t *testing.T) {
	t.Parallel()
	var broken sync.Mutex
	fail := false
	b := setup(t, setupOpts{companies: -1, front: func(next http.Handler) http.Handler {
		bad := failPage2(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			broken.Lock()
			f := fail
			broken.Unlock()
			if f {
				bad.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}})
	// Find companies with more than one page of cases (> 50).
	var multi []string
	for i := 0; len(multi) < 2 && i < 20000; i++ {
		code := ucode(i)
		if c, ok := b.sim.Truth(code); ok && len(c.Cases) > 50 {
			multi = append(multi, code)
		}
	}
	require.Len(t, multi, 2, "the simulator has companies with several pages")
	for _, code := range multi {
		p := b.sim.Profile(code)
		_, err := b.pool.Exec(context.Background(), `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, $3)`, code, p.Name, p.Industry)
		require.NoError(t, err)
	}
	b.pass(t, casesync.PassOptions{})
	b.requireMatchesTruth(t, multi)
	before := b.rowVersions(t)

	b.sim.Advance(120)
	broken.Lock()
	fail = true
	broken.Unlock()
	res := b.pass(t, casesync.PassOptions{IgnoreSchedule: true})
	require.Equal(t, 2, res.Failed)
	require.Zero(t, res.Inserted+res.Updated+res.Removed)
	require.Equal(t, before, b.rowVersions(t), "a failed fetch changes no case")
	require.Equal(t, 2, b.count(t, `SELECT count(*) FROM arbsync.sync_state
		WHERE status = 'failing' AND consecutive_failures = 1 AND last_error_code = 'busy' AND next_sync_at > now() AND leased_by IS NULL`))

	// Once the upstream heals, the next pass brings the companies up to date.
	broken.Lock()
	fail = false
	broken.Unlock()
	b.pass(t, casesync.PassOptions{IgnoreSchedule: true})
	b.requireMatchesTruth(t, multi)
}

func TestBusyUpstreamLeavesCasesAndBacksOff(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: 10})
	b.pass(t, casesync.PassOptions{})
	before := b.rowVersions(t)
	b.sim.Advance(200)
	require.NoError(t, b.sim.SetFaults(simBusy()))
	res := b.pass(t, casesync.PassOptions{IgnoreSchedule: true})
	require.Equal(t, 10, res.Failed)
	require.Equal(t, 10, res.ErrorsByKind["busy"])
	require.Equal(t, before, b.rowVersions(t))
	require.Equal(t, 10, b.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'failing' AND next_sync_at > now() + interval '1 minute'`))
	var errorsByType []byte
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT errors_by_type FROM arbsync.sync_runs WHERE id = $1`, res.RunID).Scan(&errorsByType))
	require.JSONEq(t, `{"busy": 10}`, string(errorsByType))
}

func TestConcurrentEnginesFetchEachCompanyOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: 150})
	pool2 := newPool(t, b.db.DSN)
	e2 := b.newEngine(t, pool2, "replica-2")
	var wg sync.WaitGroup
	results := make([]casesync.PassResult, 2)
	errs := make([]error, 2)
	for i, e := range []*casesync.Engine{b.engine, e2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = e.RunPass(context.Background(), casesync.PassOptions{})
		}()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	require.Equal(t, 150, results[0].Attempted+results[1].Attempted, "every company claimed exactly once")
	for _, code := range b.codes {
		c, _ := b.sim.Truth(code)
		pages := max(1, (len(c.Cases)+49)/50)
		require.EqualValues(t, pages, b.sim.Requests(code), "requests for %s", code)
	}
	b.requireMatchesTruth(t, b.codes)
	t.Logf("replica-1 took %d companies, replica-2 took %d", results[0].Attempted, results[1].Attempted)
}

func TestNotFoundIsParkedUntilEdited(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: -1, unknownShare: 0.5})
	var unknown string
	for i := 0; unknown == ""; i++ {
		if c := ucode(i); !b.sim.Known(c) {
			unknown = c
		}
	}
	_, err := b.pool.Exec(context.Background(), `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '某某有限公司', 'C')`, unknown)
	require.NoError(t, err)
	res := b.pass(t, casesync.PassOptions{})
	require.Equal(t, 1, res.Failed)
	require.Equal(t, 1, res.ErrorsByKind["not_found"])
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'not_found' AND next_sync_at = 'infinity'`))

	// Neither a scheduled pass nor --all retries it.
	before := b.sim.Requests(unknown)
	require.Zero(t, b.pass(t, casesync.PassOptions{}).Attempted)
	require.Zero(t, b.pass(t, casesync.PassOptions{IgnoreSchedule: true}).Attempted)
	require.Equal(t, before, b.sim.Requests(unknown))

	// An admin's edit makes it due again.
	_, err = b.pool.Exec(context.Background(), `UPDATE arbsync.watchlist SET note = 'checked the code' WHERE credit_code = $1`, unknown)
	require.NoError(t, err)
	require.Equal(t, 1, b.pass(t, casesync.PassOptions{}).Attempted)
	require.Equal(t, before+1, b.sim.Requests(unknown))
}

func TestPermissionErrorStopsThePass(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: 120})
	require.NoError(t, b.sim.SetFaults(simPermission()))
	res, err := b.engine.RunPass(context.Background(), casesync.PassOptions{})
	require.NoError(t, err)
	require.True(t, res.Stopped)
	require.Less(t, res.Failed, 120, "the pass stopped before trying every company")
	require.Positive(t, res.Released, "unstarted companies were given back")
	require.Zero(t, b.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE leased_by IS NOT NULL`), "no lease is left behind")
	require.Equal(t, 120-res.Failed, b.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE next_sync_at <= now()`), "released companies stay due")
	var outcome string
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT outcome FROM arbsync.sync_runs WHERE id = $1`, res.RunID).Scan(&outcome))
	require.Equal(t, "stopped", outcome)
}

func TestCancelledPassReleasesLeases(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: 100})
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, b.sim.SetFaults(simSlow()))
	go func() {
		for b.sim.Stats().Requests < 5 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	res, err := b.engine.RunPass(ctx, casesync.PassOptions{})
	require.NoError(t, err)
	require.Positive(t, res.Released)
	require.Zero(t, b.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE leased_by IS NOT NULL`))
	// Every company is either synced completely or untouched.
	synced := b.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok'`)
	require.Equal(t, res.Succeeded, synced)
	var ok []string
	rows, err := b.pool.Query(context.Background(), `SELECT credit_code FROM arbsync.sync_state WHERE status = 'ok'`)
	require.NoError(t, err)
	for rows.Next() {
		var c string
		require.NoError(t, rows.Scan(&c))
		ok = append(ok, c)
	}
	b.requireMatchesTruth(t, ok)
	require.Equal(t, 0, b.count(t, `SELECT count(*) FROM arbsync.cases c JOIN arbsync.sync_state s USING (credit_code) WHERE s.status <> 'ok'`))
	var outcome string
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT outcome FROM arbsync.sync_runs WHERE id = $1`, res.RunID).Scan(&outcome))
	require.Equal(t, "cancelled", outcome)
}

func TestLostLeaseIsNotWritten(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: 1})
	code := b.codes[0]
	// Another replica holds the lease: a write for it is refused.
	_, err := b.pool.Exec(context.Background(), `UPDATE arbsync.sync_state SET leased_by = 'other', lease_until = now() + interval '1 hour'`)
	require.NoError(t, err)
	company, _ := b.sim.Truth(code)
	counts, err := b.engine.Store().Write(context.Background(), []casesync.Fetched{casesync.NewFetched(code, nil, company)}, nil)
	require.NoError(t, err)
	require.Equal(t, 1, counts.LeaseLost)
	require.Zero(t, b.count(t, `SELECT count(*) FROM arbsync.cases`))
	st, err := db.New(b.pool).SyncStateGet(context.Background(), code)
	require.NoError(t, err)
	require.Equal(t, "other", *st.LeasedBy)
	require.True(t, strings.HasPrefix(st.Status, "new"))
}
