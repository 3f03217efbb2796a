// Package daemon wires the long-running arbsync process together: the
// database pool, the HTTP listener, the cron schedules and the watchlist
// listener. It owns no business logic; each job lives in its own package and
// is the same code the one-shot CLI commands run.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/backoff"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/httpapi"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/sync"
)

// Deps are the parts the daemon runs, built by the caller from the
// configuration (so tests can build them the same way).
type Deps struct {
	Config   config.Config
	Log      zerolog.Logger
	Pool     *pgxpool.Pool
	Registry *prometheus.Registry
	Sync     *casesync.Engine
	// Outbox delivers alerts; nil disables delivery.
	Outbox *outbox.Worker
	// Jobs are further scheduled jobs (rescore, thresholds, deliveries).
	Jobs []Job
	// Routes registers extra HTTP routes (the lookup API).
	Routes func(*httpapiMux)
}

type httpapiMux = httpapi.Mux

// Daemon is the running process.
type Daemon struct {
	d        Deps
	migrator *db.Migrator
	runner   *runner
}

// New prepares the daemon. It refuses a database whose schema is not current.
func New(ctx context.Context, d Deps) (*Daemon, error) {
	m, err := db.NewMigrator(d.Pool)
	if err != nil {
		return nil, err
	}
	if err := m.CheckCurrent(ctx); err != nil {
		m.Close()
		return nil, fmt.Errorf("refusing to start: %w", err)
	}
	jm := newJobMetrics(d.Registry, d.Pool, d.Log.With().Str("component", "metrics").Logger())
	return &Daemon{
		d:        d,
		migrator: m,
		runner:   &runner{pool: d.Pool, replica: d.Config.ReplicaID, log: d.Log.With().Str("component", "scheduler").Logger(), metrics: jm},
	}, nil
}

// SyncJobName is the job_runs name of the sync tick.
const SyncJobName = "sync"

// Run serves until ctx is cancelled (SIGTERM), then shuts down gracefully:
// it stops claiming, lets in-flight companies finish or releases them, and
// returns nil.
func (dm *Daemon) Run(ctx context.Context) error {
	defer dm.migrator.Close()
	cfg, log := dm.d.Config, dm.d.Log
	log.Info().Str("replica", cfg.ReplicaID).Str("database", cfg.DatabaseTarget).Msg("arbsync daemon starting")

	jobs := []Job{{
		Name:     SyncJobName,
		Schedule: cfg.SyncSchedule,
		Run: func(ctx context.Context) error {
			_, err := dm.d.Sync.RunPass(ctx, casesync.PassOptions{Trigger: "schedule"})
			return err
		},
	}}
	jobs = append(jobs, dm.d.Jobs...)

	c := cron.New(
		cron.WithLocation(cfg.Timezone),
		cron.WithLogger(cronLogger{log.With().Str("component", "cron").Logger()}),
		// SkipIfStillRunning outermost, Recover innermost: a panic is
		// recovered inside the skip wrapper, which then frees its slot.
		cron.WithChain(cron.SkipIfStillRunning(cronLogger{log}), cron.Recover(cronLogger{log})),
	)
	g, gctx := errgroup.WithContext(ctx)
	for _, j := range jobs {
		sched, err := cron.ParseStandard(j.Schedule)
		if err != nil {
			return fmt.Errorf("job %s: schedule %q: %w", j.Name, j.Schedule, err)
		}
		c.Schedule(sched, cron.FuncJob(func() { _ = dm.runner.run(ctx, j) }))
		// Catch up runs missed while no daemon was running.
		overdue, err := dm.runner.overdue(ctx, j, sched, time.Now().In(cfg.Timezone))
		if err != nil {
			return fmt.Errorf("job %s: read last run: %w", j.Name, err)
		}
		why := "job missed a scheduled run: running it now"
		if !overdue && j.AtStart != nil {
			if overdue, err = j.AtStart(ctx); err != nil {
				return fmt.Errorf("job %s: %w", j.Name, err)
			}
			why = "job has work left at start: running it now"
		}
		if overdue {
			log.Info().Str("job", j.Name).Msg(why)
			g.Go(func() error {
				dm.catchUp(gctx, j, sched)
				return nil
			})
		}
	}
	c.Start()

	if cfg.HTTPAddr != "" {
		srv := httpapi.New(httpapi.Options{
			Addr:     cfg.HTTPAddr,
			Gatherer: dm.d.Registry,
			Ready:    dm.ready,
			Logger:   log.With().Str("component", "http").Logger(),
			Extra:    dm.d.Routes,
		})
		g.Go(func() error { return srv.Serve(gctx) })
	}
	wake := make(chan struct{}, 1)
	l := newListener(cfg, dm.d.Pool, dm.d.Sync, wake, log.With().Str("component", "listen").Logger())
	g.Go(func() error { return l.run(gctx) })
	if dm.d.Outbox != nil {
		g.Go(func() error { return dm.d.Outbox.Run(gctx, wake) })
	}

	<-gctx.Done()
	log.Info().Msg("stopping: no new claims; finishing in-flight companies")
	stopped := c.Stop()
	select {
	case <-stopped.Done():
	case <-time.After(cfg.ShutdownGrace + 30*time.Second):
		log.Warn().Msg("scheduled jobs did not finish in time")
	}
	err := g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	log.Info().Msg("arbsync daemon stopped")
	return err
}

// catchUpRetry is how often a missed exclusive job whose lease another
// (perhaps dead) replica holds is tried again.
const catchUpRetry = 30 * time.Second

// catchUp runs a job that missed its schedule. If another replica holds its
// lease (it may be running the job, or have died holding it), it retries
// until the job has run somewhere or this replica gets the lease.
func (dm *Daemon) catchUp(ctx context.Context, j Job, sched cron.Schedule) {
	for {
		err := dm.runner.run(ctx, j)
		if !errors.Is(err, ErrLeaseHeld) {
			return
		}
		if backoff.Sleep(ctx, catchUpRetry) != nil {
			return
		}
		overdue, err := dm.runner.overdue(ctx, j, sched, time.Now().In(dm.d.Config.Timezone))
		if err == nil && !overdue {
			return // another replica caught it up
		}
	}
}

func (dm *Daemon) ready(ctx context.Context) error {
	if err := dm.d.Pool.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable")
	}
	return dm.migrator.CheckCurrent(ctx)
}
