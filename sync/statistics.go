package casesync

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/db"
)

// statsKeeper refreshes the planner statistics of the tables a sync fills
// while it fills them. Plans follow the statistics, and autovacuum takes up
// to a minute to notice a table that grew: a plan made from the statistics
// of a nearly empty arbsync.cases (a sequential scan with the company list
// as a filter) makes every batch scan every case stored so far. During a
// first sync of a large watchlist that once cost 15 of 21 s of a
// 50,000-company run (measured while the write path's statements were
// prepared once per connection and kept such a plan; by default they are
// now planned on every run, from the statistics of the moment).
type statsKeeper struct {
	pool  *pgxpool.Pool
	log   zerolog.Logger
	every time.Duration // least time between checks

	mu   sync.Mutex // held while checking or analyzing
	last time.Time
}

// afterWrite is called by a writer after a batch that wrote rows. At most
// one writer checks at a time, and not more often than every; the others
// carry on writing.
func (k *statsKeeper) afterWrite(ctx context.Context) {
	if !k.mu.TryLock() {
		return
	}
	defer k.mu.Unlock()
	if time.Since(k.last) < k.every {
		return
	}
	k.last = time.Now()
	if err := k.refresh(ctx); err != nil {
		// Only speed is at stake; autovacuum will get there.
		k.log.Debug().Err(err).Msg("unable to refresh planner statistics")
	}
}

func (k *statsKeeper) refresh(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	q := db.New(k.pool)
	stale, err := q.SyncTablesStale(ctx)
	if err != nil {
		return fmt.Errorf("read table statistics: %w", err)
	}
	for _, t := range stale {
		start := time.Now()
		if err := analyzeTable(ctx, q, t); err != nil {
			return fmt.Errorf("analyze %s: %w", t, err)
		}
		k.log.Debug().Str("table", t).Dur("took", time.Since(start)).Msg("refreshed planner statistics")
	}
	return nil
}

func analyzeTable(ctx context.Context, q *db.Queries, table string) error {
	switch table {
	case "cases":
		return q.AnalyzeCases(ctx)
	case "scores":
		return q.AnalyzeScores(ctx)
	case "current_scores":
		return q.AnalyzeCurrentScores(ctx)
	case "sync_state":
		return q.AnalyzeSyncState(ctx)
	}
	return nil
}
