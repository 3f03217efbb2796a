// Package simtest starts the upstream simulator for tests, as the daemon
// meets a vendor: the signed protocol over real HTTP, with one RSA key per
// test binary, and an upstream client and sync engine wired to it by the
// daemon's own wiring (package app) from the daemon's configuration.
package simtest

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/sync"
)

// AppID is the simulator's app id.
const AppID = "test-app"

// Key is one RSA-2048 key for the whole test binary (generating one costs
// about 100 ms).
var Key = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// StartDate is the simulator's first day.
func StartDate() time.Time { return time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) }

// Options change the simulator a test gets.
type Options struct {
	UnknownShare float64                         // share of credit codes the vendor does not know
	Front        func(http.Handler) http.Handler // wraps the simulator (fault proxies)
}

// Seed is the seed of the simulator Start runs: sim.TruthAt(Seed, code,
// date) is what it serves for code on date.
const Seed = 7

// Start runs a signed-protocol simulator (seed Seed, from StartDate) behind
// an HTTP server closed when the test ends, and returns it with its URL.
func Start(t testing.TB, o Options) (*sim.Server, string) {
	t.Helper()
	s, err := sim.New(sim.Config{
		Protocol:     "signed",
		PublicKey:    &Key().PublicKey,
		AppID:        AppID,
		Seed:         Seed,
		StartDate:    StartDate(),
		UnknownShare: o.UnknownShare,
	})
	if err != nil {
		t.Fatalf("simulator: %v", err)
	}
	var h http.Handler = s.Handler()
	if o.Front != nil {
		h = o.Front(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// Config is the daemon's default configuration (config.Default) pointed
// at the simulator at url, with what tests change: the signed protocol as
// AppID with Key, at most 8 requests in flight (and so 8 fetch workers),
// retried after 1–5 ms, claims of 50 companies held for a minute, dates in
// UTC, and replica "replica-1". A test changes more in the value it gets.
func Config(url string) config.Config {
	cfg := config.Default()
	u := &cfg.Upstream
	u.Protocol, u.BaseURL, u.AppID, u.PrivateKey = upstream.ProtocolSigned, url, AppID, Key()
	u.Concurrency = 8
	u.BackoffBase, u.BackoffCap = time.Millisecond, 5*time.Millisecond
	cfg.SyncBatch, cfg.SyncLease = 50, time.Minute
	cfg.Timezone = time.UTC
	cfg.ReplicaID = "replica-1"
	return cfg
}

// Client is the upstream client the daemon builds from cfg (see Config).
func Client(t testing.TB, cfg config.Config) *upstream.Client {
	t.Helper()
	client, err := app.App{Config: cfg}.Upstream()
	if err != nil {
		t.Fatalf("upstream client: %v", err)
	}
	return client
}

// Engine is the sync engine the daemon builds from cfg over client, with
// the daemon's scoring hook (today being the simulator's date), in write
// transactions of at most 40 companies.
func Engine(t testing.TB, pool *pgxpool.Pool, client *upstream.Client, s *sim.Server, cfg config.Config, log zerolog.Logger) *casesync.Engine {
	t.Helper()
	a := app.App{Config: cfg, Log: log, Pool: pool, Now: s.Date}
	assessor, err := a.Assessor()
	if err != nil {
		t.Fatalf("assessor: %v", err)
	}
	opts := a.SyncOptions(a.SyncHook(assessor))
	opts.WriteBatch = 40
	e, err := a.Engine(client, opts)
	if err != nil {
		t.Fatalf("sync engine: %v", err)
	}
	return e
}
