package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/upstream"
)

func envMap(m map[string]string) config.Env {
	e := config.OSEnv()
	e.Getenv = func(k string) string { return m[k] }
	return e
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// upstreamEnv starts a simulator and returns the variables that point the
// daemon at it.
func upstreamEnv(t *testing.T) (map[string]string, *sim.Server) {
	t.Helper()
	dir := t.TempDir()
	priv, pub, err := upstream.GenerateKeyPair(dir, "test")
	require.NoError(t, err)
	pk, err := upstream.LoadPublicKey(pub)
	require.NoError(t, err)
	s, err := sim.New(sim.Config{Protocol: "signed", PublicKey: pk, AppID: "cli-test", Seed: 3})
	require.NoError(t, err)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return map[string]string{
		"ARBSYNC_REPORT_DIR":                t.TempDir(),
		"ARBSYNC_UPSTREAM_URL":              srv.URL,
		"ARBSYNC_UPSTREAM_APP_ID":           "cli-test",
		"ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE": priv,
	}, s
}

func TestRunRefusesStaleSchemaThenStartsAfterMigrate(t *testing.T) {
	t.Parallel()
	d := testdb.NewEmpty(t)
	addr := freeAddr(t)
	vars, _ := upstreamEnv(t)
	vars["DATABASE_URL"] = d.DSN
	vars["ARBSYNC_HTTP_ADDR"] = addr
	env := envMap(vars)

	var stderr bytes.Buffer
	code := Main(context.Background(), []string{"run"}, nil, &bytes.Buffer{}, &stderr, env)
	require.Equal(t, ExitFailure, code)
	require.Contains(t, stderr.String(), "refusing to start")
	require.Contains(t, stderr.String(), "arbsync migrate up")

	var stdout bytes.Buffer
	require.Equal(t, ExitOK, Main(context.Background(), []string{"migrate", "up"}, nil, &stdout, &stderr, env), stderr.String())
	require.Contains(t, stdout.String(), "schema is current")

	stdout.Reset()
	require.Equal(t, ExitOK, Main(context.Background(), []string{"migrate", "status"}, nil, &stdout, &stderr, env))
	require.Regexp(t, `00009 +applied`, stdout.String())
	require.NotContains(t, stdout.String(), "pending")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"run"}, nil, &bytes.Buffer{}, &bytes.Buffer{}, env) }()
	require.Eventually(t, func() bool {
		resp, err := http.Get(fmt.Sprintf("http://%s/readyz", addr))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 20*time.Second, 50*time.Millisecond, "/readyz answers ready")
	cancel()
	select {
	case c := <-done:
		require.Equal(t, ExitOK, c, "the daemon exits 0 on SIGTERM")
	case <-time.After(20 * time.Second):
		t.Fatal("daemon did not stop")
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	require.Equal(t, ExitUsage, Main(context.Background(), []string{"frobnicate"}, nil, &bytes.Buffer{}, &stderr, envMap(nil)))
	require.Contains(t, stderr.String(), `unknown command "frobnicate"`)
	stderr.Reset()
	require.Equal(t, ExitUsage, Main(context.Background(), []string{"migrate", "sideways"}, nil, &bytes.Buffer{}, &stderr, envMap(nil)))
	require.Contains(t, stderr.String(), `arbsync migrate: unknown subcommand "sideways" (want up, down or status)`)
	stderr.Reset()
	require.Equal(t, ExitFailure, Main(context.Background(), []string{"migrate", "up"}, nil, &bytes.Buffer{}, &stderr, envMap(nil)))
	require.True(t, strings.Contains(stderr.String(), "DATABASE_URL: is required"), stderr.String())
}

// A running daemon syncs a company inserted into the watchlist within
// seconds, without waiting for its cron tick.
func TestDaemonSyncsWatchlistInsertAtOnce(t *testing.T) {
	t.Parallel()
	d := testdb.NewDatabase(t)
	vars, s := upstreamEnv(t)
	vars["DATABASE_URL"] = d.DSN
	vars["ARBSYNC_HTTP_ADDR"] = "off"
	vars["ARBSYNC_SYNC_SCHEDULE"] = "0 0 1 1 *" // once a year: only the notification can explain a sync
	env := envMap(vars)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr safeBuffer
	go func() { done <- Main(ctx, []string{"run"}, nil, &bytes.Buffer{}, &stderr, env) }()
	defer func() {
		cancel()
		require.Equal(t, ExitOK, <-done, stderr.String())
	}()
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "listening for watchlist edits") }, 20*time.Second, 20*time.Millisecond)

	code := "91440300708461136T"
	_, err := d.Pool.Exec(context.Background(), `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '深圳测试公司', '64')`, code)
	require.NoError(t, err)
	inserted := time.Now()
	require.Eventually(t, func() bool {
		var status string
		_ = d.Pool.QueryRow(context.Background(), `SELECT status FROM arbsync.sync_state WHERE credit_code = $1`, code).Scan(&status)
		return status == "ok" || status == "not_found"
	}, 10*time.Second, 20*time.Millisecond, "the insert is synced within seconds")
	t.Logf("synced %v after the insert", time.Since(inserted).Round(time.Millisecond))
	require.Positive(t, s.Requests(code))
	truth, known := s.Truth(code)
	if known {
		var n int
		require.NoError(t, d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM arbsync.cases WHERE credit_code = $1`, code).Scan(&n))
		require.Equal(t, len(truth.Cases), n)
	}
}
