package cli

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/daemon"
	"github.com/arbsync/arbsync/internal/scoringdb"
)

func runCommand() *command {
	return &command{
		name:    "run",
		summary: "the daemon: schedules, watchlist notifications, alert delivery, HTTP",
		about: "Runs the daemon until SIGTERM or Ctrl-C, then exits 0: the sync, daily rescore and weekly thresholds schedules " +
			"and the daily digest schedules (jobs missed while no daemon ran run at start), syncing watchlist edits within seconds of the database's notification, " +
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
	a := app.App{Config: cfg, Log: log, Pool: pool, Registry: reg}
	engine, assessor, err := a.SyncEngine()
	if err != nil {
		return err
	}
	dist := scoringdb.NewDistribution(pool, log.With().Str("component", "metrics").Logger())
	if err := reg.Register(dist); err != nil {
		return err
	}
	rs := rescorer{assessor: assessor, weekly: a.WeeklyJob(), pool: pool, cfg: cfg, log: log.With().Str("component", "rescore").Logger()}
	jobs := []daemon.Job{{
		Name: "rescore", Schedule: cfg.RescoreSchedule, Exclusive: true,
		Run:     rescoreJob(rs, dist),
		AtStart: ruleChanged(rs),
	}, {
		Name: ThresholdsJobName, Schedule: cfg.ThresholdsSchedule, Exclusive: true,
		Run: weeklyJob(a.WeeklyJob(), a.Digest(), cfg),
	}}
	if a.DigestChannels() {
		jobs = append(jobs, daemon.Job{Name: DigestJobName, Schedule: cfg.DigestSchedule, Exclusive: true, Run: a.Digest().Run})
	}
	worker, err := a.Outbox()
	if err != nil {
		return err
	}
	deps := daemon.Deps{Config: cfg, Log: log, Pool: pool, Registry: reg, Sync: engine, Jobs: jobs, Outbox: worker}
	if cfg.LookupToken.IsSet() {
		h, err := a.Lookup(engine)
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
