package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
)

func serve(t *testing.T, opts Options) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	opts.Logger = zerolog.Nop()
	srv := New(opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ServeListener(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return "http://" + ln.Addr().String()
}

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body
}

func TestProbesAndErrors(t *testing.T) {
	var fail atomic.Bool
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "arbsync_test_total", Help: "test"}))
	base := serve(t, Options{Gatherer: reg, ReadyCacheFor: time.Nanosecond, Ready: func(context.Context) error {
		if fail.Load() {
			return errors.New("database unreachable")
		}
		return nil
	}})

	code, body := getJSON(t, base+"/healthz")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ok", body["status"])

	code, body = getJSON(t, base+"/readyz")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ready", body["status"])

	fail.Store(true)
	code, body = getJSON(t, base+"/readyz")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, map[string]any{"code": "not_ready", "message": "database unreachable"}, body["error"])

	code, body = getJSON(t, base+"/nope")
	require.Equal(t, http.StatusNotFound, code)
	require.Equal(t, "not_found", body["error"].(map[string]any)["code"])

	resp, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	// Bodies over 1 MiB are refused.
	big := strings.NewReader(strings.Repeat("x", 2<<20))
	resp2, err := http.Post(base+"/healthz", "text/plain", big)
	if err == nil {
		defer resp2.Body.Close()
		require.NotEqual(t, http.StatusOK, resp2.StatusCode)
	}
}

func TestSlowHeadersAreCutOff(t *testing.T) {
	base := serve(t, Options{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n")) // never finishes the headers
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(15*time.Second)))
	// The server gives up on the request (ReadHeaderTimeout, 5 s) and
	// closes the connection: the read ends with EOF, not our own deadline.
	_, err = io.ReadAll(conn)
	var ne net.Error
	require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server kept the half-sent request open: %v", err)
}
