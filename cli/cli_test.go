package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/config"
	"github.com/arbsync/arbsync/testdb"
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

func TestRunRefusesStaleSchemaThenStartsAfterMigrate(t *testing.T) {
	t.Parallel()
	d := testdb.NewEmpty(t)
	addr := freeAddr(t)
	env := envMap(map[string]string{"DATABASE_URL": d.DSN, "ARBSYNC_HTTP_ADDR": addr})

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
	require.Contains(t, stderr.String(), `unknown migrate action "sideways"`)
	stderr.Reset()
	require.Equal(t, ExitFailure, Main(context.Background(), []string{"migrate", "up"}, nil, &bytes.Buffer{}, &stderr, envMap(nil)))
	require.True(t, strings.Contains(stderr.String(), "DATABASE_URL: is required"), stderr.String())
}
