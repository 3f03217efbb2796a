package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/devpg"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
)

// fallbackLine is a substring of the warning the daemon logs, once, when its
// LISTEN does not receive and it polls for watchlist edits instead.
const fallbackLine = "polling for watchlist edits every"

// Deployments put PgBouncer in transaction mode in front of PostgreSQL.
// Everything goes through Debian's pgbouncer here, with nothing configured
// for arbsync (no ignore_startup_parameters, no DSN setting): `migrate up`,
// `sync -all` (the cases are the simulator's), and the daemon, which gets
// ready, runs its catch-up rescore and weekly thresholds, answers the lookup
// API, delivers the alerts, and syncs a company an admin inserts within
// seconds:
//   - with DATABASE_URL alone, its LISTEN (through the bouncer) does not
//     receive; the daemon says so once, at warn level, and polls;
//   - with ARBSYNC_LISTEN_DATABASE_URL straight to PostgreSQL, it listens
//     there and never falls back.
func TestPgBouncerTransactionMode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		direct bool // set ARBSYNC_LISTEN_DATABASE_URL to the server itself
	}{
		{"DATABASE_URL only: polls", false},
		{"direct ARBSYNC_LISTEN_DATABASE_URL: listens", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testBehindPgBouncer(t, tc.direct)
		})
	}
}

func testBehindPgBouncer(t *testing.T, direct bool) {
	ctx := context.Background()
	d := testdb.NewEmpty(t)
	b, err := devpg.StartBouncer(ctx, d.DSN, devpg.BouncerOptions{})
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("pgbouncer log:\n%s", tail(b.Log()))
		}
		b.Stop()
	})
	bouncerDSN, err := b.URL(d.DSN)
	require.NoError(t, err)

	priv, _, err := upstream.GenerateKeyPair(t.TempDir(), "bouncer")
	require.NoError(t, err)
	pk, err := upstream.LoadPrivateKey(priv)
	require.NoError(t, err)
	s, err := sim.New(sim.Config{Protocol: "signed", PublicKey: &pk.PublicKey, AppID: "bouncer", Seed: 23, StartDate: simDate})
	require.NoError(t, err)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	e := &env{db: d, sim: s, keyPath: priv}
	addr := freeAddr(t)
	recv := newReceiver(t, "bouncer-webhook-secret", 0)
	e.vars = []string{
		"DATABASE_URL=" + bouncerDSN,
		"ARBSYNC_UPSTREAM_URL=" + srv.URL,
		"ARBSYNC_UPSTREAM_APP_ID=bouncer",
		"ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE=" + priv,
		"ARBSYNC_UPSTREAM_CONCURRENCY=4",
		"ARBSYNC_HTTP_ADDR=" + addr,
		"ARBSYNC_LOOKUP_TOKEN=bouncer-lookup-token",
		"ARBSYNC_TIMEZONE=UTC",
		"ARBSYNC_SYNC_LEASE=10s",
		"ARBSYNC_LOG_LEVEL=debug",
		"ARBSYNC_REPORT_DIR=" + t.TempDir(),
		"ARBSYNC_ALERT_CHANNELS=hook",
		"ARBSYNC_ALERT_HOOK_KIND=webhook",
		"ARBSYNC_ALERT_HOOK_URL=" + recv.srv.URL + "/",
		"ARBSYNC_ALERT_HOOK_SECRET=bouncer-webhook-secret",
	}
	if direct {
		e.vars = append(e.vars, "ARBSYNC_LISTEN_DATABASE_URL="+d.DSN)
	}

	r := runCmd(t, e.vars, "", "migrate", "up")
	require.Equal(t, 0, r.code, "migrate up through PgBouncer: %s%s", r.stdout, r.stderr)
	require.Contains(t, r.stdout, "schema is current")
	r = runCmd(t, e.vars, "", "migrate", "status")
	require.Equal(t, 0, r.code, "migrate status: %s%s", r.stdout, r.stderr)
	require.Contains(t, r.stdout, "applied")
	require.NotContains(t, r.stdout, "pending", "every migration applied")

	insert := func(code string) {
		t.Helper()
		p := s.Profile(code)
		_, err := d.Pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, $3)`, code, p.Name, p.Industry)
		require.NoError(t, err)
		e.codes = append(e.codes, code)
	}
	for i := 0; len(e.codes) < 12; i++ {
		if code := uscc.Generate(i%34, uint64(61000+i)); s.Known(code) {
			insert(code)
		}
	}
	r = runCmd(t, e.vars, "", "sync", "-all")
	require.Equal(t, 0, r.code, "sync -all through PgBouncer: %s%s", r.stdout, r.stderr)
	require.Positive(t, e.requireMatchesTruth(t), "the simulated companies have cases")
	require.Equal(t, len(e.codes), e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok'`))

	// The tick is hourly and has just run.
	_, err = d.Pool.Exec(ctx, `INSERT INTO arbsync.job_runs (job, last_success_at) VALUES ('sync', now())`)
	require.NoError(t, err)
	p := startProcess(t, "daemon", envWith(e.vars, []string{"ARBSYNC_SYNC_SCHEDULE=@every 1h"}), "run")
	listening := p.watch("listening for watchlist edits")
	polling := p.watch(fallbackLine)
	waitUntil(t, 30*time.Second, func() bool { return httpStatus("http://"+addr+"/readyz") == http.StatusOK },
		func() string { return "/readyz through PgBouncer; log:\n" + tail(p.log()) })
	if direct {
		select {
		case <-listening:
		case <-time.After(30 * time.Second):
			t.Fatalf("the daemon does not listen on ARBSYNC_LISTEN_DATABASE_URL; log:\n%s", tail(p.log()))
		}
	} else {
		select {
		case line := <-polling:
			require.Contains(t, line, `"level":"warn"`)
			require.Contains(t, line, "ARBSYNC_LISTEN_DATABASE_URL", "the warning names the fix")
		case <-time.After(30 * time.Second):
			t.Fatalf("the daemon did not say it polls; log:\n%s", tail(p.log()))
		}
	}

	// The catch-up rescore and weekly thresholds run through the bouncer.
	waitUntil(t, 60*time.Second, func() bool {
		return e.count(t, `SELECT count(*) FROM arbsync.job_runs WHERE job IN ('rescore', 'thresholds') AND last_success_at IS NOT NULL`) == 2
	}, func() string {
		return fmt.Sprintf("rescore and thresholds succeed: %v; log:\n%s", qMap(t, d.Pool, `SELECT job, concat_ws(' ', last_outcome, last_error) FROM arbsync.job_runs`), tail(p.log()))
	})

	// The lookup API reads through the bouncer.
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/v1/companies/"+e.codes[0]+"/risk", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer bouncer-lookup-token")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "lookup: %s", body)
	require.Contains(t, string(body), e.codes[0])

	// An admin's insert is synced within seconds. The listener's start-up
	// pass (every due company) is over by then, and the tick is hourly: only
	// a notification, or the polling, can sync it.
	waitUntil(t, 30*time.Second, func() bool {
		return e.count(t, `SELECT count(*) FROM arbsync.sync_runs WHERE trigger = 'notify' AND finished_at IS NOT NULL`) > 0
	}, func() string { return "the listener's start-up pass; log:\n" + tail(p.log()) })
	code := uscc.Generate(5, 61999)
	require.True(t, s.Known(code))
	inserted := time.Now()
	insert(code)
	waitUntil(t, 30*time.Second, func() bool {
		return e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE credit_code = $1 AND status = 'ok'`, code) == 1
	}, func() string { return "the inserted company is synced; log:\n" + tail(p.log()) })
	took := time.Since(inserted)
	e.requireMatchesTruth(t)

	// Every alert (the syncs and the weekly run made some) is delivered.
	alerts := e.count(t, `SELECT count(*) FROM arbsync.alerts`)
	require.Positive(t, alerts, "the watchlist has risky companies")
	waitUntil(t, 30*time.Second, func() bool {
		got := recv.byKey()
		for k := range qMap(t, d.Pool, `SELECT dedup_key, '' FROM arbsync.alerts`) {
			if len(got[k]) == 0 {
				return false
			}
		}
		return true
	}, func() string {
		return fmt.Sprintf("%d alerts delivered; outbox log:\n%s", alerts, grepLines(p.log(), `"component":"outbox"`, 20))
	})
	_, badSigs := recv.count()
	require.Zero(t, badSigs)
	p.stop(t)

	log := p.log()
	fallbacks := strings.Count(log, fallbackLine)
	if direct {
		require.Zero(t, fallbacks, "a LISTEN that receives never falls back:\n%s", grepLines(log, fallbackLine, 5))
	} else {
		require.Equal(t, 1, fallbacks, "the fallback is logged once:\n%s", grepLines(log, fallbackLine, 5))
		require.NotContains(t, log, "listening for watchlist edits", "a LISTEN through the bouncer is not taken for working")
	}
	t.Logf("behind PgBouncer (direct LISTEN %v): inserted company synced in %s; %d alerts delivered", direct, took.Round(10*time.Millisecond), alerts)
}
