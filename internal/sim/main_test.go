package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/stretchr/testify/require"
)

// runSim is `arbsync sim` with args.
func runSim(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	serve := sim.Flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	return serve(ctx, stderr)
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMainServesAndStops runs `arbsync sim` with a key pair from keygen,
// fetches through the real client, and stops it by cancelling ctx.
func TestMainServesAndStops(t *testing.T) {
	dir := t.TempDir()
	priv, pub, err := upstream.GenerateKeyPair(dir, "sim")
	require.NoError(t, err)
	keyFile := filepath.Join(dir, "access.key")
	require.NoError(t, os.WriteFile(keyFile, []byte(accessKey+"\n"), 0o600))

	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- runSim(ctx, []string{
			"-listen", "127.0.0.1:0", "-protocol", "both", "-public-key", pub, "-app-id", "demo",
			"-access-id", "demo-ak", "-access-key-file", keyFile, "-seed", "11", "-date", "2026-11-24",
			"-latency", "1ms", "-unknown-share", "0", "-error-rate", "5001=0.0,garbage=0",
		}, logs)
	}()
	var addr string
	require.Eventually(t, func() bool {
		for _, line := range strings.Split(logs.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil && m["message"] == "simulator listening" {
				addr, _ = m["addr"].(string)
				return true
			}
		}
		return false
	}, 5*time.Second, 10*time.Millisecond)

	key, err := upstream.LoadPrivateKey(priv)
	require.NoError(t, err)
	c, err := upstream.New(upstream.Config{BaseURL: "http://" + addr, AppID: "demo", PrivateKey: key})
	require.NoError(t, err)
	defer c.Close()
	code := "91110105MA01ABCD3X"
	got, err := c.Fetch(ctx, code)
	require.NoError(t, err)
	require.Equal(t, sim.TruthAt(11, code, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)).CompanyName, got.CompanyName)

	resp, err := http.Get("http://" + addr + "/_sim/stats")
	require.NoError(t, err)
	var st sim.Stats
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	resp.Body.Close()
	require.EqualValues(t, 1, st.Requests)
	require.Equal(t, "2026-11-24", st.Date)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("the simulator did not stop after ctx was cancelled")
	}
	require.NotContains(t, logs.String(), accessKey, "the access key is never logged")
}

// TestMainRejectsBadFlags: start-up errors say what is wrong.
func TestMainRejectsBadFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-protocol", "signed"}, "needs a public key"},
		{[]string{"-protocol", "tianyuan", "-access-id", "x", "-access-key", "short"}, "32 hex characters"},
		{[]string{"-protocol", "carrier-pigeon"}, "protocol"},
		{[]string{"-error-rate", "5001"}, "KEY=PROBABILITY"},
		{[]string{"-error-rate", "5001=2"}, "between 0 and 1"},
		{[]string{"-date", "24/11/2026"}, "2026-11-24"},
		{[]string{"-public-key", "/nonexistent.pem"}, "public key"},
	} {
		var stderr lockedBuffer
		err := runSim(context.Background(), tt.args, &stderr)
		require.Error(t, err, "%v", tt.args)
		require.Contains(t, err.Error(), tt.want, "%v", tt.args)
	}
}
