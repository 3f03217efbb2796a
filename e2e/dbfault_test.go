package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/devpg"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
)

// dbWorld is a PostgreSQL cluster of the test's own (so it can be stopped
// and restarted), a migrated database on it, and a simulator.
type dbWorld struct {
	cluster *devpg.Cluster
	dsn     string
	admin   *pgxpool.Pool // application_name arbsync-admin
	sim     *sim.Server
	vars    []string
	codes   []string
}

func newDBWorld(t *testing.T, companies int, latency time.Duration) *dbWorld {
	t.Helper()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "arbsync-dbfault-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755)) // the server may run as user postgres
	c, err := devpg.Open(ctx, filepath.Join(dir, "data"), devpg.Options{Fast: true})
	require.NoError(t, err)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Stop(context.Background()) })
	conn, err := pgx.Connect(ctx, c.DSN())
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "CREATE DATABASE arbsync")
	require.NoError(t, err)
	conn.Close(ctx)
	w := &dbWorld{cluster: c, dsn: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/arbsync?sslmode=disable", c.Port)}

	priv, _, err := upstream.GenerateKeyPair(t.TempDir(), "dbfault")
	require.NoError(t, err)
	pk, err := upstream.LoadPrivateKey(priv)
	require.NoError(t, err)
	w.sim, err = sim.New(sim.Config{Protocol: "signed", PublicKey: &pk.PublicKey, AppID: "dbfault", Seed: 31, StartDate: simDate,
		Latency: latency, Jitter: latency / 2})
	require.NoError(t, err)
	srv := httptest.NewServer(w.sim.Handler())
	t.Cleanup(srv.Close)
	w.vars = []string{
		"DATABASE_URL=" + w.dsn,
		"ARBSYNC_UPSTREAM_URL=" + srv.URL,
		"ARBSYNC_UPSTREAM_APP_ID=dbfault",
		"ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE=" + priv,
		"ARBSYNC_UPSTREAM_CONCURRENCY=4",
		"ARBSYNC_UPSTREAM_QPS=1000",
		"ARBSYNC_TIMEZONE=UTC",
		"ARBSYNC_SYNC_LEASE=10s",
		"ARBSYNC_SYNC_BATCH=20",
		"ARBSYNC_SHUTDOWN_GRACE=5s",
		"ARBSYNC_REPORT_DIR=" + t.TempDir(),
		"ARBSYNC_LOG_LEVEL=debug",
	}
	r := runCmd(t, w.vars, "", "migrate", "up")
	require.Equal(t, 0, r.code, "migrate up: %s%s", r.stdout, r.stderr)

	w.admin, err = db.Connect(ctx, w.dsn, db.PoolOptions{MaxConns: 4, ApplicationName: "arbsync-admin"})
	require.NoError(t, err)
	t.Cleanup(w.admin.Close)
	for i := 0; len(w.codes) < companies; i++ {
		code := uscc.Generate(i%34, uint64(52000+i))
		if !w.sim.Known(code) {
			continue
		}
		w.insert(t, code)
	}
	return w
}

func (w *dbWorld) insert(t *testing.T, code string) {
	t.Helper()
	p := w.sim.Profile(code)
	_, err := w.admin.Exec(context.Background(), `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, $3)`, code, p.Name, p.Industry)
	require.NoError(t, err)
	w.codes = append(w.codes, code)
}

// count runs a counting query, retrying while the server is coming back.
func (w *dbWorld) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	var err error
	for range 100 {
		if err = w.admin.QueryRow(context.Background(), sql, args...).Scan(&n); err == nil {
			return n
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: %v", sql, err)
	return 0
}

// terminate ends the daemon's server sessions: its pool (application_name
// arbsync) and, when listen is set, its LISTEN connection (application_name
// arbsync-listen).
func (w *dbWorld) terminate(t *testing.T, pool, listen bool) int {
	t.Helper()
	return w.count(t, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = 'arbsync' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
		  AND ((application_name = 'arbsync' AND $1) OR (application_name = 'arbsync-listen' AND $2))`, pool, listen)
}

// listening reports how many sessions wait in LISTEN.
func (w *dbWorld) listening(t *testing.T) int {
	t.Helper()
	return w.count(t, `SELECT count(*) FROM pg_stat_activity WHERE datname = 'arbsync' AND backend_type = 'client backend' AND application_name = 'arbsync-listen'`)
}

// requireConverged checks every company's stored cases against the
// simulator's truth: each case once, nothing lost, nothing extra, one score
// row per company. It returns the number of cases.
func (w *dbWorld) requireConverged(t *testing.T) int {
	t.Helper()
	want := map[string]string{}
	for _, code := range w.codes {
		truth, ok := w.sim.Truth(code)
		require.True(t, ok)
		for _, c := range truth.Cases {
			want[code+"/"+c.CaseID] = fmt.Sprintf("%s|%s|%d", c.Result, c.ExecutionStatus, c.ClaimAmount)
		}
	}
	got := qMap(t, w.admin, `SELECT credit_code || '/' || case_id, result || '|' || execution_status || '|' || (claim_amount*100)::bigint::text
		FROM arbsync.cases WHERE removed_at IS NULL`)
	var diffs []string
	n := diffMaps("case", want, got, 20, &diffs)
	require.Zero(t, n, "cases differ from the simulator's truth:\n%s", strings.Join(diffs, "\n"))
	require.Equal(t, len(want), w.count(t, `SELECT count(*) FROM arbsync.cases`), "no stray or removed rows")
	require.Equal(t, len(w.codes), w.count(t, `SELECT count(*) FROM arbsync.scores`), "one score row per company")
	require.Equal(t, len(w.codes), w.count(t, `SELECT count(DISTINCT credit_code) FROM arbsync.scores`))
	return len(want)
}

// Database faults during passes (ARCHITECTURE.md “Targets”): a PostgreSQL stop and start, a
// fast restart, and the daemon's sessions killed with pg_terminate_backend.
// The daemon keeps running, /readyz goes unready and recovers, interrupted
// passes resume on later ticks, and the database ends exactly at the
// simulator's truth. Then, on a daemon whose only sync trigger is LISTEN (the
// tick is hourly), a restart and a killed LISTEN session: the listener comes
// back and a watchlist insert is synced within seconds.
func TestDatabaseFaults(t *testing.T) {
	t.Parallel()
	began := time.Now()
	ctx := context.Background()
	w := newDBWorld(t, bySize(200, 1000), 40*time.Millisecond)
	addr := freeAddr(t)
	ready := "http://" + addr + "/readyz"
	p := startProcess(t, "daemon-a", envWith(w.vars, []string{"ARBSYNC_HTTP_ADDR=" + addr, "ARBSYNC_SYNC_SCHEDULE=@every 2s", "ARBSYNC_REPLICA_ID=dbfault-a"}), "run")
	// Stopping PostgreSQL and killing sessions mid-pass fails passes and
	// writes: the daemon reports each and retries.
	p.allowErrors("unable to store batch", "job failed", "notify-triggered sync pass failed")
	waitUntil(t, 30*time.Second, func() bool { return httpStatus(ready) == http.StatusOK }, func() string { return fmt.Sprintf("ready; log:\n%s", tail(p.log())) })
	progress := func(min int) {
		t.Helper()
		waitUntil(t, 60*time.Second, func() bool {
			return w.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok'`) >= min
		}, func() string { return fmt.Sprintf("sync progresses; log:\n%s", tail(p.log())) })
	}
	n := len(w.codes)

	// 1. Stop the server mid-pass, keep it down, start it again.
	progress(n / 10)
	require.NoError(t, w.cluster.Stop(ctx))
	downAt := time.Now()
	require.Eventually(t, func() bool { return httpStatus(ready) == http.StatusServiceUnavailable }, 15*time.Second, 50*time.Millisecond,
		"/readyz goes unready while the database is down")
	unreadyAfter := time.Since(downAt)
	time.Sleep(2 * time.Second)
	require.False(t, p.exited(), "the daemon survives the database going away; log:\n%s", tail(p.log()))
	require.NoError(t, w.cluster.Start(ctx))
	upAt := time.Now()
	waitUntil(t, 30*time.Second, func() bool { return httpStatus(ready) == http.StatusOK }, func() string { return fmt.Sprintf("/readyz recovers; log:\n%s", tail(p.log())) })
	readyAfter := time.Since(upAt)

	// 2. A fast restart during a pass.
	before := w.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok'`)
	restarts := 0
	if before < n {
		progress(min(n, before+n/10))
		require.NoError(t, w.cluster.Restart(ctx))
		restarts++
	}
	restarts++ // the one of part 4

	// 3. The daemon's sessions killed during passes, twice.
	kills := 0
	for range 2 {
		before := w.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok'`)
		if before >= n {
			break
		}
		progress(min(n, before+n/20))
		kills += w.terminate(t, true, true)
	}

	waitUntil(t, bySize(90*time.Second, 4*time.Minute), func() bool {
		return w.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok' AND leased_by IS NULL`) == n
	}, func() string {
		return fmt.Sprintf("every company synced after the faults; not yet: %v\nlog:\n%s", qMap(t, w.admin, `SELECT credit_code, concat_ws(' ', status,
			last_error_code, last_error, 'next', next_sync_at, 'lease', leased_by, lease_until) FROM arbsync.sync_state
			WHERE status <> 'ok' OR leased_by IS NOT NULL`), tail(p.log()))
	})
	require.False(t, p.exited(), "the daemon never exits")
	require.Equal(t, http.StatusOK, httpStatus(ready))
	failedPasses := w.count(t, `SELECT count(*) FROM arbsync.sync_runs WHERE outcome = 'error' OR finished_at IS NULL`)
	cases := w.requireConverged(t)
	p.stop(t)

	// 4. LISTEN survives a restart and a killed session: with an hourly tick,
	// only the listener can sync a new company within seconds.
	// daemon-a's LISTEN session can outlive its process for a moment: wait
	// until it is gone, so the count below is daemon-b's.
	waitUntil(t, 10*time.Second, func() bool { return w.listening(t) == 0 }, func() string { return "daemon-a's LISTEN session ended" })
	q := startProcess(t, "daemon-b", envWith(w.vars, []string{"ARBSYNC_HTTP_ADDR=off", "ARBSYNC_SYNC_SCHEDULE=@every 1h", "ARBSYNC_REPLICA_ID=dbfault-b"}), "run")
	// The faults below make daemon-b's notify-triggered passes fail.
	q.allowErrors("notify-triggered sync pass failed", "unable to store batch")
	listens := q.watch("listening for watchlist edits")
	select {
	case <-listens:
	case <-time.After(30 * time.Second):
		t.Fatalf("daemon-b is not listening; log:\n%s", tail(q.log()))
	}
	waitUntil(t, 30*time.Second, func() bool { return w.listening(t) == 1 }, func() string { return fmt.Sprintf("listening; log:\n%s", tail(q.log())) })
	var listenBack []time.Duration
	for i, fault := range []string{"restart", "terminate"} {
		back := q.watch("listening for watchlist edits")
		at := time.Now()
		if fault == "restart" {
			require.NoError(t, w.cluster.Restart(ctx))
		} else {
			require.Equal(t, 1, w.terminate(t, false, true), "the LISTEN session is found by its application_name")
		}
		select {
		case <-back:
		case <-time.After(20 * time.Second):
			t.Fatalf("the listener did not come back within 20 s after a %s; log:\n%s", fault, tail(q.log()))
		}
		require.Eventually(t, func() bool { return w.listening(t) == 1 }, 10*time.Second, 20*time.Millisecond)
		listenBack = append(listenBack, time.Since(at))
		code := uscc.Generate(i, uint64(53900+i))
		require.True(t, w.sim.Known(code))
		inserted := time.Now()
		w.insert(t, code)
		waitUntil(t, 5*time.Second, func() bool {
			return w.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE credit_code = $1 AND status = 'ok'`, code) == 1
		}, func() string {
			return fmt.Sprintf("a company inserted after the %s is synced within seconds; log:\n%s", fault, tail(q.log()))
		})
		t.Logf("after a %s: listener back in %s, inserted company synced in %s", fault, listenBack[i].Round(10*time.Millisecond), time.Since(inserted).Round(10*time.Millisecond))
	}
	require.False(t, q.exited())
	cases = w.requireConverged(t)
	q.stop(t)
	t.Logf("suite=db_faults size=%s companies=%d cases=%d stop_start=1 fast_restarts=%d sessions_terminated=%d unready_after=%s ready_after_start=%s failed_passes=%d listen_back_restart=%s listen_back_terminate=%s differences=0 elapsed=%s",
		sizeName(), len(w.codes), cases, restarts, kills+1, unreadyAfter.Round(10*time.Millisecond), readyAfter.Round(10*time.Millisecond), failedPasses,
		listenBack[0].Round(10*time.Millisecond), listenBack[1].Round(10*time.Millisecond), time.Since(began).Round(time.Second))
}
