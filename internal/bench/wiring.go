package bench

// How the benchmark wires the real pieces: the simulator on a loopback
// listener, the upstream client, the sync engine and the assessor, with
// the settings `arbsync sync` uses (cli.newEngine, cli.newUpstream,
// config defaults).

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/internal/secret"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/sync"
)

// Settings the daemon runs with by default (config package defaults).
const (
	appID           = "arbsync-bench"
	accessID        = "arbsync-bench"
	replica         = "arbsync-bench"
	daemonWorkers   = 16 // ARBSYNC_UPSTREAM_CONCURRENCY default; cli sets Workers to it
	daemonClaim     = 200
	daemonTimeout   = 15 * time.Second
	daemonPoolConns = 0 // cli's pool: pgxpool's default size
)

// makeKeys writes an RSA-2048 key pair (arbsync keygen's format) for the
// signed protocol, and picks a tianyuan access key.
func (r *runner) makeKeys() error {
	priv, pub, err := upstream.GenerateKeyPair(r.dir, "bench")
	if err != nil {
		return err
	}
	if r.key, err = upstream.LoadPrivateKey(priv); err != nil {
		return err
	}
	if r.pubKey, err = upstream.LoadPublicKey(pub); err != nil {
		return err
	}
	r.keyPEM = priv
	var k [16]byte
	_, _ = rand.Read(k[:])
	r.accessKey = secret.Value(hex.EncodeToString(k[:]))
	return nil
}

// simOptions shape a simulator beyond its protocol.
type simOptions struct {
	QPS     float64
	Latency time.Duration
	Jitter  time.Duration
}

// startSim serves a simulator speaking proto on a real loopback listener.
func (r *runner) startSim(proto string, o simOptions) (*sim.Server, string, func(), error) {
	s, err := sim.New(sim.Config{
		Protocol:  proto,
		PublicKey: r.pubKey,
		AppID:     appID,
		AccessID:  accessID,
		AccessKey: r.accessKey,
		Seed:      r.cfg.Seed,
		StartDate: r.date,
		QPS:       o.QPS,
		Latency:   o.Latency,
		Jitter:    o.Jitter,
	})
	if err != nil {
		return nil, "", nil, err
	}
	ts := httptest.NewServer(s.Handler())
	return s, ts.URL, ts.Close, nil
}

// newClient builds the upstream client as cli.newUpstream does; qps 0 is
// unlimited.
func (r *runner) newClient(proto, url string, qps float64, concurrency int) (*upstream.Client, error) {
	cfg := upstream.Config{
		Protocol:    proto,
		BaseURL:     url,
		QPS:         qps,
		Concurrency: concurrency,
		Timeout:     daemonTimeout,
	}
	switch proto {
	case upstream.ProtocolSigned:
		cfg.AppID, cfg.PrivateKey = appID, r.key
	case upstream.ProtocolTianyuan:
		cfg.AccessID, cfg.AccessKey = accessID, r.accessKey
	}
	return upstream.New(cfg)
}

// newAssessor is the scorer as cli.newAssessor builds it.
func newAssessor() *scoringdb.Assessor {
	return &scoringdb.Assessor{Fixed: scoring.DefaultThresholds(), Location: chinaTime}
}

// newEngine builds the sync engine as cli.newEngine does: the scoring hook
// runs inside every write transaction.
func (r *runner) newEngine(pool *pgxpool.Pool, f upstream.Fetcher, hook bool) (*casesync.Engine, error) {
	opts := casesync.Options{
		Replica:    replica,
		ClaimBatch: daemonClaim,
		Lease:      5 * time.Minute,
		Workers:    daemonWorkers,
		WriteBatch: r.cfg.WriteBatch,
		Grace:      30 * time.Second,
	}
	if hook {
		opts.Hook = newAssessor().SyncHook()
	}
	return casesync.New(pool, f, opts, r.engineLog(), nil)
}

// engineLog passes the engine's warnings and errors to the progress log.
func (r *runner) engineLog() zerolog.Logger {
	return zerolog.New(zerolog.ConsoleWriter{Out: r.log, NoColor: true}).Level(zerolog.WarnLevel).With().Timestamp().Logger()
}

// passResult is an engine pass as syncAll measured it.
type passResult struct {
	casesync.PassResult
	Elapsed   time.Duration
	Requests  int64 // answered "ok" by the simulator
	Rejected  int64 // answered anything else
	Companies int
	CPU       string
}

// syncAll loads n companies into a fresh database and runs one engine
// pass over all of them against a simulator, as `arbsync sync -all` does.
func (r *runner) syncAll(ctx context.Context, label, proto string, n int, so simOptions, clientQPS float64) (passResult, error) {
	d, err := r.srv.newDatabase(ctx, label)
	if err != nil {
		return passResult{}, err
	}
	defer d.Pool.Close()
	if err := loadWatchlist(ctx, d.Pool, makeCompanies(r.cfg.Seed, n), false); err != nil {
		return passResult{}, err
	}
	if err := vacuumAnalyze(ctx, d.Pool, "arbsync.watchlist", "arbsync.sync_state"); err != nil {
		return passResult{}, err
	}
	s, url, stop, err := r.startSim(proto, so)
	if err != nil {
		return passResult{}, err
	}
	defer stop()
	pool, err := d.connect(ctx, "arbsync", daemonPoolConns)
	if err != nil {
		return passResult{}, err
	}
	defer pool.Close()
	client, err := r.newClient(proto, url, clientQPS, daemonWorkers)
	if err != nil {
		return passResult{}, err
	}
	defer client.Close()
	engine, err := r.newEngine(pool, client, true)
	if err != nil {
		return passResult{}, err
	}
	checkpoint(ctx, d.Pool)
	s.ResetStats()
	runtime.GC()
	cpu := startCPU(d.pm)
	start := time.Now()
	res, err := engine.RunPass(ctx, casesync.PassOptions{Trigger: "manual", IgnoreSchedule: true})
	out := passResult{PassResult: res, Elapsed: time.Since(start), Companies: n, CPU: cpu.String()}
	if err != nil {
		return out, fmt.Errorf("sync pass: %w", err)
	}
	st := s.Stats()
	out.Requests = st.ByOutcome["ok"]
	out.Rejected = st.Requests - out.Requests
	if res.Succeeded != n || res.Failed != 0 {
		return out, fmt.Errorf("sync pass: %d of %d companies succeeded, %d failed (%v)", res.Succeeded, n, res.Failed, res.ErrorsByKind)
	}
	return out, nil
}
