package bench

// How the benchmark wires the real pieces: the simulator on a loopback
// listener, and the upstream client, the sync engine, the assessor and the
// weekly job built by the daemon's own wiring (package app) from the
// daemon's default configuration (config.Default). What the benchmark sets
// differently it sets explicitly, in that configuration or in the options
// the wiring returns: its replica name, the simulator's URL, protocol and
// keys, the client's QPS, the seed baseline's concurrency and the write
// batch (-write-batch).

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

	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/secret"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/sync"
)

// The benchmark's names at the simulator and in the leases.
const (
	appID    = "arbsync-bench"
	accessID = "arbsync-bench"
	replica  = "arbsync-bench"
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

// daemonApp is the daemon's wiring on pool with the daemon's default
// configuration, but for what the benchmark sets explicitly: its replica
// name and, when url is not "", the simulator at url speaking proto (with
// the benchmark's keys) and the client's QPS (0: unlimited).
func (r *runner) daemonApp(pool *pgxpool.Pool, proto, url string, qps float64) app.App {
	cfg := config.Default()
	cfg.ReplicaID = replica
	if url != "" {
		u := &cfg.Upstream
		u.Protocol, u.BaseURL, u.QPS = proto, url, qps
		switch proto {
		case upstream.ProtocolSigned:
			u.AppID, u.PrivateKey = appID, r.key
		case upstream.ProtocolTianyuan:
			u.AccessID, u.AccessKey = accessID, r.accessKey
		}
	}
	return app.App{Config: cfg, Log: r.engineLog(), Pool: pool}
}

// newEngine builds the sync engine over f as the daemon does, the scoring
// hook inside every write transaction when hook is set, with the
// benchmark's write batch.
func (r *runner) newEngine(a app.App, f upstream.Fetcher, hook bool) (*casesync.Engine, error) {
	var h casesync.ChangeHook
	if hook {
		s, err := a.Assessor()
		if err != nil {
			return nil, err
		}
		h = a.SyncHook(s)
	}
	opts := a.SyncOptions(h)
	opts.WriteBatch = r.cfg.WriteBatch
	return a.Engine(f, opts)
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
	pool, err := d.connect(ctx, "arbsync", app.PoolConns)
	if err != nil {
		return passResult{}, err
	}
	defer pool.Close()
	a := r.daemonApp(pool, proto, url, clientQPS)
	client, err := a.Upstream()
	if err != nil {
		return passResult{}, err
	}
	defer client.Close()
	engine, err := r.newEngine(a, client, true)
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
