// Package daemon wires the long-running arbsync process together: the
// database pool, the HTTP listener, the cron schedules and the watchlist
// listener. It owns no business logic; each job lives in its own package and
// is the same code the one-shot CLI commands run.
package daemon

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/arbsync/arbsync/config"
	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/httpapi"
)

// Daemon is the running process.
type Daemon struct {
	cfg      config.Config
	log      zerolog.Logger
	pool     *pgxpool.Pool
	registry *prometheus.Registry
	migrator *db.Migrator
}

// New prepares the daemon. It refuses a database whose schema is not current.
func New(ctx context.Context, cfg config.Config, log zerolog.Logger, pool *pgxpool.Pool) (*Daemon, error) {
	m, err := db.NewMigrator(pool)
	if err != nil {
		return nil, err
	}
	if err := m.CheckCurrent(ctx); err != nil {
		m.Close()
		return nil, fmt.Errorf("refusing to start: %w", err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Daemon{cfg: cfg, log: log, pool: pool, registry: reg, migrator: m}, nil
}

// Run serves until ctx is cancelled (SIGTERM), then shuts down gracefully.
func (d *Daemon) Run(ctx context.Context) error {
	defer d.migrator.Close()
	d.log.Info().Str("replica", d.cfg.ReplicaID).Str("database", d.cfg.DatabaseTarget).Msg("arbsync daemon starting")
	g, ctx := errgroup.WithContext(ctx)
	if d.cfg.HTTPAddr != "" {
		srv := httpapi.New(httpapi.Options{
			Addr:     d.cfg.HTTPAddr,
			Gatherer: d.registry,
			Ready:    d.ready,
			Logger:   d.log.With().Str("component", "http").Logger(),
		})
		g.Go(func() error { return srv.Serve(ctx) })
	}
	g.Go(func() error {
		<-ctx.Done()
		return nil
	})
	err := g.Wait()
	d.log.Info().Msg("arbsync daemon stopped")
	return err
}

func (d *Daemon) ready(ctx context.Context) error {
	if err := d.pool.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable")
	}
	return d.migrator.CheckCurrent(ctx)
}
