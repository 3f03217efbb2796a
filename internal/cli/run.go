package cli

import (
	"context"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/daemon"
	"github.com/arbsync/arbsync/internal/lookup"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/sync"
)

func runCommand() *command {
	return &command{
		name:    "run",
		summary: "the daemon: schedules, watchlist notifications, alert delivery, HTTP",
		about: "Runs the daemon until SIGTERM or Ctrl-C, then exits 0: the sync, daily rescore and weekly thresholds schedules " +
			"(jobs missed while no daemon ran run at start), syncing watchlist edits within seconds of the database's notification, " +
			"alert delivery, and one HTTP listener for /metrics, /healthz, /readyz and the ERP lookup API. " +
			"It refuses to start on a database whose schema is not current (run `arbsync migrate up`). " +
			"It takes no flags: everything comes from the environment below.",
		more: printRunEnvironment,
		run:  runDaemon,
	}
}

func runDaemon(ctx context.Context, c *command, args []string, io IO) error {
	if err := c.parse(c.flags(), args, io); err != nil {
		return err
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true, Upstream: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	assessor, err := newAssessor(cfg, reg)
	if err != nil {
		return err
	}
	engine, err := newEngine(cfg, log, pool, reg, assessor)
	if err != nil {
		return err
	}
	dist := scoringdb.NewDistribution(pool, log.With().Str("component", "metrics").Logger())
	if err := reg.Register(dist); err != nil {
		return err
	}
	jobs := []daemon.Job{{
		Name: "rescore", Schedule: cfg.RescoreSchedule, Exclusive: true,
		Run: rescoreJob(assessor, pool, dist),
	}, {
		Name: ThresholdsJobName, Schedule: cfg.ThresholdsSchedule, Exclusive: true,
		Run: weeklyJob(newWeeklyJob(cfg, log, pool), cfg),
	}}
	senders, err := alerts.BuildSenders(cfg.Channels, &http.Client{Timeout: 15 * time.Second}, time.Now)
	if err != nil {
		return err
	}
	worker, err := outbox.New(pool, outbox.Options{Replica: cfg.ReplicaID, Senders: senders}, log, reg)
	if err != nil {
		return err
	}
	deps := daemon.Deps{Config: cfg, Log: log, Pool: pool, Registry: reg, Sync: engine, Jobs: jobs, Outbox: worker}
	if cfg.LookupToken.IsSet() {
		h, err := lookup.New(lookup.Options{
			Pool: pool, Engine: engine, Token: cfg.LookupToken.Reveal(), Registerer: reg,
			Logger: log.With().Str("component", "lookup").Logger(),
		})
		if err != nil {
			return err
		}
		deps.Routes = h.Register
	} else {
		log.Info().Msg("ARBSYNC_LOOKUP_TOKEN is not set: the ERP lookup API is off")
	}
	d, err := daemon.New(ctx, deps)
	if err != nil {
		return err
	}
	return d.Run(ctx)
}

// newEngine builds the upstream client and the sync engine from cfg.
func newEngine(cfg config.Config, log zerolog.Logger, pool *pgxpool.Pool, reg prometheus.Registerer, a *scoringdb.Assessor) (*casesync.Engine, error) {
	client, err := newUpstream(cfg, log, reg)
	if err != nil {
		return nil, err
	}
	var metrics *casesync.Metrics
	if reg != nil {
		if metrics, err = casesync.NewMetrics(reg); err != nil {
			return nil, err
		}
	}
	return casesync.New(pool, client, casesync.Options{
		Replica:    cfg.ReplicaID,
		ClaimBatch: cfg.SyncBatch,
		Lease:      cfg.SyncLease,
		Workers:    cfg.Upstream.Concurrency,
		Grace:      cfg.ShutdownGrace,
		Hook:       a.SyncHook(),
	}, log, metrics)
}
