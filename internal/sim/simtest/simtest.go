// Package simtest starts the upstream simulator for tests, as the daemon
// meets a vendor: the signed protocol over real HTTP, with one RSA key per
// test binary, and an upstream client and sync engine wired to it the way
// the daemon wires them.
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

	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/scoring"
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

// Start runs a signed-protocol simulator (seed 7, from StartDate) behind
// an HTTP server closed when the test ends, and returns it with its URL.
func Start(t testing.TB, o Options) (*sim.Server, string) {
	t.Helper()
	s, err := sim.New(sim.Config{
		Protocol:     "signed",
		PublicKey:    &Key().PublicKey,
		AppID:        AppID,
		Seed:         7,
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

// Client is an upstream client for the simulator at url. Fields of c left
// zero get the test defaults: concurrency 8, retries after 1–5 ms.
func Client(t testing.TB, url string, c upstream.Config) *upstream.Client {
	t.Helper()
	c.Protocol = upstream.ProtocolSigned
	c.BaseURL = url
	c.AppID = AppID
	c.PrivateKey = Key()
	if c.Concurrency == 0 {
		c.Concurrency = 8
	}
	if c.BackoffBase == 0 {
		c.BackoffBase = time.Millisecond
		c.BackoffCap = 5 * time.Millisecond
	}
	client, err := upstream.New(c)
	if err != nil {
		t.Fatalf("upstream client: %v", err)
	}
	return client
}

// Engine is a sync engine over client with the daemon's scoring hook (fixed
// thresholds by default, today being the simulator's date) and small
// batches. o.Replica names it; zero batch sizes get the test defaults.
func Engine(t testing.TB, pool *pgxpool.Pool, client *upstream.Client, s *sim.Server, o casesync.Options, log zerolog.Logger) *casesync.Engine {
	t.Helper()
	a := &scoringdb.Assessor{Fixed: scoring.DefaultThresholds(), Today: func() scoring.Date { return scoring.DateOf(s.Date().UTC()) }}
	o.Hook = a.SyncHook()
	if o.Replica == "" {
		o.Replica = "replica-1"
	}
	if o.Workers == 0 {
		o.Workers = 8
	}
	if o.ClaimBatch == 0 {
		o.ClaimBatch = 50
	}
	if o.WriteBatch == 0 {
		o.WriteBatch = 40
	}
	if o.Lease == 0 {
		o.Lease = time.Minute
	}
	e, err := casesync.New(pool, client, o, log, nil)
	if err != nil {
		t.Fatalf("sync engine: %v", err)
	}
	return e
}
