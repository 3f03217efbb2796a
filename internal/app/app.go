// Package app builds arbsync's components from the configuration: the
// connection pool's settings, the vendor client, the sync engine, the
// assessor, the weekly thresholds job, the alert senders and the worker that
// delivers the outbox to them, and the ERP lookup API. It is the one place
// they are wired: the daemon, the one-shot commands, the benchmark and the
// test fixtures all build them here, so that each runs what the daemon runs.
//
// A caller that must differ from the daemon says so explicitly, by setting
// fields of the config.Config it builds from (config.Default for tests and
// the benchmark), or of the options this package returns (SyncOptions,
// UpstreamConfig) before building from them.
package app

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/digest"
	"github.com/arbsync/arbsync/internal/lookup"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/internal/thresholdsdb"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/sync"
)

// PoolConns is the most connections an arbsync pool opens unless
// DATABASE_URL sets pool_max_conns: a sync pass holds up to three (claims
// and two writers), and the outbox, the jobs and lookups need theirs
// meanwhile.
const PoolConns = 8

// PoolOptions are the pool settings of every arbsync command.
func PoolOptions() db.PoolOptions {
	return db.PoolOptions{ApplicationName: "arbsync", DefaultMaxConns: PoolConns}
}

// Connect opens the pool on cfg.DatabaseURL with PoolOptions.
func Connect(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	return db.Connect(ctx, cfg.DatabaseURL.Reveal(), PoolOptions())
}

// App is what the components are built from.
type App struct {
	Config config.Config
	// Log is the root logger; each component logs under its own
	// "component" name.
	Log  zerolog.Logger
	Pool *pgxpool.Pool
	// Registry receives every component's metrics; nil (one-shot commands,
	// tests) registers none.
	Registry *prometheus.Registry
	// Now is the clock (nil: time.Now); tests set the simulator's date.
	Now func() time.Time
}

// Today is the as-of date of scores and weeks: the clock's date in the
// configured zone (ARBSYNC_TIMEZONE). It is the one place arbsync turns the
// clock into a date.
func (a App) Today() scoring.Date {
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	return scoring.DateOf(now().In(a.Config.Timezone))
}

// registerer is Registry as the components take it: a nil interface, not
// a nil pointer in one, when there is none.
func (a App) registerer() prometheus.Registerer {
	if a.Registry == nil {
		return nil
	}
	return a.Registry
}

func (a App) logger(component string) zerolog.Logger {
	return a.Log.With().Str("component", component).Logger()
}

// UpstreamConfig is the vendor client's configuration: the configured
// options (config.Load read the private key) with the client's logger and
// the metrics registry.
func (a App) UpstreamConfig() upstream.Config {
	uc := a.Config.Upstream
	uc.Logger = a.logger("upstream")
	uc.Registerer = a.registerer()
	return uc
}

// Upstream builds the vendor client from UpstreamConfig.
func (a App) Upstream() (*upstream.Client, error) { return upstream.New(a.UpstreamConfig()) }

// Assessor builds the scorer: the configured rule (ARBSYNC_SCORE_RULE) and
// fixed thresholds, as-of dates from Today.
func (a App) Assessor() (*scoringdb.Assessor, error) {
	th := a.Config.Thresholds
	fixed := scoring.Thresholds{Warning: th.FixedWarning, Urgent: th.FixedUrgent}
	s := &scoringdb.Assessor{Rule: a.Config.ScoreRule, Fixed: fixed, Today: a.Today}
	if reg := a.registerer(); reg != nil {
		s.Metrics = scoringdb.NewMetrics(reg)
	}
	return s, nil
}

// SyncOptions are the sync engine's options: claims of the configured batch
// held for the configured lease, one fetch worker per request the vendor
// client may have in flight, the configured shutdown grace, and hook (nil:
// none) inside every write transaction.
func (a App) SyncOptions(hook casesync.ChangeHook) casesync.Options {
	c := a.Config
	return casesync.Options{
		Replica:    c.ReplicaID,
		ClaimBatch: c.SyncBatch,
		Lease:      c.SyncLease,
		Workers:    c.Upstream.Concurrency,
		Grace:      c.ShutdownGrace,
		Hook:       hook,
	}
}

// Engine builds the sync engine over f with opts (SyncOptions, or what a
// benchmark or test changed in them). f may be nil for an engine that only
// writes (WriteFetched).
func (a App) Engine(f upstream.Fetcher, opts casesync.Options) (*casesync.Engine, error) {
	var metrics *casesync.Metrics
	if reg := a.registerer(); reg != nil {
		metrics = casesync.NewMetrics(reg)
	}
	return casesync.New(a.Pool, f, opts, a.Log, metrics)
}

// SyncEngine builds the assessor, the vendor client and the sync engine
// over that client with the assessor's scoring hook: what `arbsync run` and
// `arbsync sync` run. The assessor also serves the daily rescore and counts
// what the hook did.
func (a App) SyncEngine() (*casesync.Engine, *scoringdb.Assessor, error) {
	s, err := a.Assessor()
	if err != nil {
		return nil, nil, err
	}
	client, err := a.Upstream()
	if err != nil {
		return nil, nil, err
	}
	e, err := a.Engine(client, a.SyncOptions(a.SyncHook(s)))
	return e, s, err
}

// SyncHook is what runs in every sync write transaction: s scores the
// companies whose cases changed (and raises their level alerts), and the
// case events of the kinds some channel subscribes to raise event alerts.
func (a App) SyncHook(s *scoringdb.Assessor) casesync.ChangeHook {
	return casesync.Hooks(s.SyncHook(), outbox.EventHook(a.EventKinds(), a.Config.Timezone))
}

// EventKinds are the case-event kinds any configured channel takes as they
// happen (ARBSYNC_ALERT_<NAME>_EVENTS).
func (a App) EventKinds() []string {
	var kinds []string
	for _, c := range a.Config.Channels {
		for _, k := range c.Events {
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	return kinds
}

// WeeklyJob builds the weekly thresholds job with the configured rule and
// parameters, weeks from Today.
func (a App) WeeklyJob() *thresholdsdb.Job {
	return &thresholdsdb.Job{Pool: a.Pool, Rule: a.Config.ScoreRule, Params: a.Config.Thresholds, Today: a.Today, Log: a.logger("thresholds")}
}

// Outbox builds a sender for each configured alert channel (each with the
// alerts package's HTTP client) and the worker that delivers the outbox to
// them.
func (a App) Outbox() (*outbox.Worker, error) {
	senders, err := alerts.BuildSenders(a.Config.Channels, nil, time.Now)
	if err != nil {
		return nil, err
	}
	return outbox.New(a.Pool, outbox.Options{Replica: a.Config.ReplicaID, Senders: senders}, a.Log, a.registerer()), nil
}

// Digest builds the job that writes the daily digests and weekly summaries
// of the channels that take them (ARBSYNC_ALERT_<NAME>_DIGEST=daily).
func (a App) Digest() *digest.Job {
	return &digest.Job{Pool: a.Pool, Channels: a.Config.Channels, Zone: a.Config.Timezone, Now: a.Now, Log: a.logger("digest")}
}

// DigestChannels reports whether any channel takes digests.
func (a App) DigestChannels() bool {
	return slices.ContainsFunc(a.Config.Channels, func(c alerts.ChannelConfig) bool { return c.Digest })
}

// Lookup builds the ERP lookup API, answered with the configured token;
// engine fetches companies live (nil: from PostgreSQL only).
func (a App) Lookup(engine *casesync.Engine) (*lookup.Handler, error) {
	return lookup.New(lookup.Options{
		Pool: a.Pool, Engine: engine, Token: a.Config.LookupToken.Reveal(),
		Registerer: a.registerer(), Logger: a.logger("lookup"),
	})
}
