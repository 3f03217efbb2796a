package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/uscc"
)

// BUG (fixed in ce6015e; kept as a regression test): the watchlist listener's
// reconnect backoff never resets.
//
// daemon.listener.run (daemon/listen.go) doubles its wait after every lost
// connection (1 s, 2 s, 4 s, … up to 30 s) and never goes back to 1 s after a
// connection that worked. So after a handful of ordinary blips over the
// daemon's life (a PostgreSQL restart, a failover, an idle-session timeout in
// a proxy), every later loss leaves the daemon deaf to watchlist edits for
// 30 s: an admin's insert waits up to 30 s plus the next sync tick instead of
// "within seconds" (ARCHITECTURE.md “The database”). The backoff should restart from 1 s once a
// LISTEN has succeeded.
//
// The test kills the LISTEN session five times, each time after the listener
// is back, and requires every reconnection, and the sync of a company
// inserted right after it, within 5 s (the tick is hourly, so only the
// listener can sync it).
func TestBugListenBackoffNeverResets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, envOpts{})
	_, err := e.db.Pool.Exec(ctx, `INSERT INTO arbsync.job_runs (job, last_success_at) VALUES ('sync', now())`)
	require.NoError(t, err)
	p := startProcess(t, "daemon", envWith(e.vars, []string{"ARBSYNC_SYNC_SCHEDULE=@every 1h"}), "run")
	const session = `FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND application_name = 'arbsync-listen'`
	listening := func() int { return e.count(t, `SELECT count(*) `+session) }
	listenLog := func() string { return grepLines(p.log(), `"component":"listen"`, 10) }
	// The session is there as soon as it connects; it works once its probe
	// came back, which the log says.
	waitUntil(t, 30*time.Second, func() bool {
		return strings.Contains(p.log(), "listening for watchlist edits") && listening() == 1
	}, func() string { return tail(p.log()) })
	var took []string
	for i := range 5 {
		back := p.watch("listening for watchlist edits")
		var n int
		require.NoError(t, e.db.Pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) `+session).Scan(&n))
		require.Equal(t, 1, n, "loss %d: one working LISTEN session to kill; log:\n%s", i+1, listenLog())
		at := time.Now()
		select {
		case <-back:
		case <-time.After(5 * time.Second):
			t.Fatalf("loss %d: the listener was not back within 5 s (back after: %v); log:\n%s", i+1, took, listenLog())
		}
		took = append(took, time.Since(at).Round(100*time.Millisecond).String())
		waitUntil(t, 5*time.Second, func() bool { return listening() == 1 }, func() string { return "LISTEN again" })
		code := uscc.Generate(7, uint64(99100+i))
		require.True(t, e.sim.Known(code))
		prof := e.sim.Profile(code)
		_, err := e.db.Pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, $3)`, code, prof.Name, prof.Industry)
		require.NoError(t, err)
		waitUntil(t, 5*time.Second, func() bool {
			return e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE credit_code = $1 AND status = 'ok'`, code) == 1
		}, func() string { return fmt.Sprintf("loss %d: inserted company synced", i+1) })
	}
	t.Logf("listener back after each loss: %v", took)
	p.stop(t)
}
