package upstream_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
)

const (
	testAppID     = "app-test"
	testAccessID  = "ak-test"
	testAccessKey = "00112233445566778899aabbccddeeff"
	testSeed      = 7
)

// testKey is one RSA-2048 key for the whole test binary (generation takes
// a noticeable fraction of a second).
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func simDate() time.Time { return time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) }

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testBundle is a real simulator on a loopback listener and what a test
// needs to talk to it and observe the client.
type testBundle struct {
	sim  *sim.Server
	url  string
	logs *syncBuffer
	reg  *prometheus.Registry
}

// setup starts a simulator speaking both protocols; simMod adjusts its
// config before start.
func setup(t testing.TB, simMod func(*sim.Config)) *testBundle {
	t.Helper()
	cfg := sim.Config{
		Protocol:  sim.ProtocolBoth,
		PublicKey: &testKey().PublicKey,
		AppID:     testAppID,
		AccessID:  testAccessID,
		AccessKey: testAccessKey,
		Seed:      testSeed,
		StartDate: simDate(),
	}
	if simMod != nil {
		simMod(&cfg)
	}
	srv, err := sim.New(cfg)
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &testBundle{sim: srv, url: hs.URL, logs: &syncBuffer{}, reg: prometheus.NewRegistry()}
}

// clientConfig is a client config for protocol with fast backoff.
func (b *testBundle) clientConfig(protocol string) upstream.Config {
	return upstream.Config{
		Protocol:    protocol,
		BaseURL:     b.url,
		AppID:       testAppID,
		PrivateKey:  testKey(),
		AccessID:    testAccessID,
		AccessKey:   testAccessKey,
		Timeout:     5 * time.Second,
		BackoffBase: time.Millisecond,
		BackoffCap:  5 * time.Millisecond,
		Logger:      zerolog.New(b.logs).Level(zerolog.DebugLevel),
		Registerer:  b.reg,
	}
}

// client builds a client for protocol; mod adjusts the config.
func (b *testBundle) client(t testing.TB, protocol string, mod func(*upstream.Config)) *upstream.Client {
	t.Helper()
	cfg := b.clientConfig(protocol)
	if mod != nil {
		mod(&cfg)
	}
	c, err := upstream.New(cfg)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// codeWithCases returns the first generated credit code whose company has
// at least min cases on the simulator's date.
func (b *testBundle) codeWithCases(t testing.TB, min int) string {
	t.Helper()
	for n := uint64(0); n < 20000; n++ {
		code := uscc.Generate(int(n%34), n)
		if co, ok := b.sim.Truth(code); ok && len(co.Cases) >= min {
			return code
		}
	}
	t.Fatalf("no company with %d cases among 20,000 codes", min)
	return ""
}

// withoutRaw returns the cases with Raw cleared, for comparison with Truth.
func withoutRaw(cases []upstream.Case) []upstream.Case {
	out := make([]upstream.Case, len(cases))
	for i, c := range cases {
		c.Raw = nil
		out[i] = c
	}
	return out
}
