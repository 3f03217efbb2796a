package bench

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// phase is what a measured phase cost the database.
type phase struct {
	Elapsed    time.Duration
	CaseWrites int64  // rows inserted, updated or deleted in arbsync.cases
	EventRows  int64  // rows inserted, updated or deleted in arbsync.case_events
	WAL        int64  // WAL bytes, cluster-wide
	WALKinds   string // breakdown by resource manager, when pg_walinspect is available
	CPU        string
}

// measure runs fn on a pool of its own (application name app) and reports
// its wall time, the case and case event rows it wrote and the WAL it
// produced. It starts from a checkpoint, so each phase pays the same
// full-page images, and it closes fn's sessions before reading the
// statistics, which backends flush when they exit.
func measure(ctx context.Context, d *database, app string, conns int32, fn func(pool *pgxpool.Pool) error) (phase, error) {
	checkpoint(ctx, d.Pool)
	before, err := tableWrites(ctx, d.Pool, "arbsync.cases")
	if err != nil {
		return phase{}, err
	}
	eventsBefore, err := tableWrites(ctx, d.Pool, "arbsync.case_events")
	if err != nil {
		return phase{}, err
	}
	lsn, err := walPosition(ctx, d.Pool)
	if err != nil {
		return phase{}, err
	}
	pool, err := d.connect(ctx, app, conns)
	if err != nil {
		return phase{}, err
	}
	runtime.GC() // setup garbage is not the phase's to collect
	cpu := startCPU(d.pm)
	start := time.Now()
	err = fn(pool)
	p := phase{Elapsed: time.Since(start), CPU: cpu.String()}
	pool.Close()
	if err != nil {
		return p, err
	}
	if p.WAL, err = walSince(ctx, d.Pool, lsn); err != nil {
		return p, err
	}
	p.WALKinds = walBreakdown(ctx, d.Pool, lsn)
	if err := sessionsGone(ctx, d.Pool, app); err != nil {
		return p, err
	}
	after, err := tableWrites(ctx, d.Pool, "arbsync.cases")
	if err != nil {
		return p, err
	}
	p.CaseWrites = after - before
	eventsAfter, err := tableWrites(ctx, d.Pool, "arbsync.case_events")
	if err != nil {
		return p, err
	}
	p.EventRows = eventsAfter - eventsBefore
	return p, nil
}

// perSecond is n per second of d.
func perSecond(n int64, d time.Duration) float64 { return float64(n) / d.Seconds() }

// mib formats bytes as MiB.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
