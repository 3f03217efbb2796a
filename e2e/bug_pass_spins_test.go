package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BUG (fixed in 8ac2f77; kept as a regression test): after a failed write, a
// sync pass never ends and refetches the same companies forever.
//
// In sync.Engine.writeAll (sync/engine.go), once a batch cannot be stored even
// company by company (firstErr set: PostgreSQL restarted, a connection was
// lost), every later result of the pass is released untouched
// (SyncStateRelease, which also sets last_attempt_at = NULL), even after the
// database is fine again. The claimer goroutine of RunPass keeps claiming
// while its context is live, and SyncStateClaim accepts rows whose
// last_attempt_at is NULL (db/queries/sync_state.sql), so it claims the
// released companies again in the same pass: claim → fetch → release → claim,
// forever. Nothing is stored any more, the vendor is called in a loop
// (spending the quota), and because the pass never returns, cron's
// SkipIfStillRunning skips every later tick: the daemon has stopped syncing
// until it is restarted. A fast PostgreSQL restart during a busy pass is
// enough (TestDatabaseFaults fails this way in most runs: pgxpool hands out
// connections idle for less than a second without a ping, so the batch, the
// company's retry and its failure record can all fail).
//
// Deterministic reproduction: a proxy between the daemon and PostgreSQL drops
// the connection when the first batch reads its stored cases, when the first
// company's retry does, and when its failure is recorded. The database is
// fine from then on: every company must be synced within 30 s, each fetched
// at most a few times, and no pass may claim more companies than there are.
func TestBugPassSpinsAfterWriteError(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{companies: 80, latency: 20 * time.Millisecond})
	// One pass at a time: no catch-up pass at start (the sync job ran just
	// now), so the listener's start-up pass is the only one until the tick.
	_, err := e.db.Pool.Exec(context.Background(), `INSERT INTO arbsync.job_runs (job, last_success_at) VALUES ('sync', now())`)
	require.NoError(t, err)
	proxy, dsn := newPGProxy(t, e.db.DSN)
	proxy.dropOn("CasesStored", 2)
	proxy.dropOn("SyncStateFailed", 1)
	p := startProcess(t, "daemon", envWith(e.vars, []string{"DATABASE_URL=" + dsn, "ARBSYNC_SYNC_SCHEDULE=@every 1s",
		"ARBSYNC_SYNC_BATCH=10", "ARBSYNC_UPSTREAM_CONCURRENCY=4", "ARBSYNC_UPSTREAM_QPS=1000"}), "run")
	// The dropped connections fail the writes (and the pass) they hit.
	p.allowErrors("unable to store batch", "job failed", "notify-triggered sync pass failed")
	ok := false
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok' AND leased_by IS NULL`) == len(e.codes) {
			ok = true
			break
		}
	}
	// A fetch asks for every page: count fetches, not requests.
	most := int64(0)
	for _, code := range e.codes {
		truth, _ := e.sim.Truth(code)
		pages := max(1, (int64(len(truth.Cases))+49)/50)
		most = max(most, e.sim.Requests(code)/pages)
	}
	t.Logf("companies=%d synced=%d upstream_requests=%d most_fetches_of_one_company=%d dropped=%d",
		len(e.codes), e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok'`), e.sim.Stats().Requests, most,
		proxy.droppedOn("CasesStored")+proxy.droppedOn("SyncStateFailed"))
	require.Positive(t, proxy.droppedOn("CasesStored"), "the fault was injected")
	require.True(t, ok, "every company synced within 30 s of one failed write; log:\n%s", tail(p.log()))
	p.stop(t)
	runs := qMap(t, e.db.Pool, `SELECT id::text, concat_ws(' ', trigger, 'attempted', companies_attempted, 'outcome', outcome,
		'took', finished_at - started_at) FROM arbsync.sync_runs WHERE companies_attempted > $1`, len(e.codes))
	require.Empty(t, runs, "a pass claims each of the %d companies at most once", len(e.codes))
	require.LessOrEqual(t, most, int64(4), "no company fetched in a loop; passes: %v; log:\n%s",
		qMap(t, e.db.Pool, `SELECT id::text, concat_ws(' ', trigger, 'attempted', companies_attempted, 'outcome', outcome, errors_by_type::text) FROM arbsync.sync_runs`),
		grepLines(p.log(), "sync", 60))
}
