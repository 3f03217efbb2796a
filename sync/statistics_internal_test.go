package casesync

import (
	"context"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
)

// A table the sync filled beyond its statistics gets analyzed (so cached
// plans made for an empty table are replaced); tables that did not change
// are left alone, and a second check finds nothing to do.
func TestStatsKeeperAnalyzesTablesThatOutgrewTheirStatistics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	code := uscc.Generate(3, 42)
	_, err := pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '统计测试有限公司', 'C')`, code)
	require.NoError(t, err)

	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO arbsync.cases (credit_code, case_id, role, result, filing_date, execution_status, raw, content_hash)
		SELECT $1, 'case-' || i, 'respondent', 'pending', date '2026-01-01', 'not_applicable', '{}', '\x00'
		FROM generate_series(1, 1500) AS i`, code)
	require.NoError(t, err)
	// Publish this session's table counters now rather than within seconds.
	_, err = conn.Exec(ctx, `SELECT pg_stat_force_next_flush()`)
	require.NoError(t, err)
	conn.Release()

	lastAnalyze := func(table string) (analyzed bool) {
		t.Helper()
		require.NoError(t, pool.QueryRow(ctx, `SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables
			WHERE schemaname = 'arbsync' AND relname = $1`, table).Scan(&analyzed))
		return analyzed
	}
	require.False(t, lastAnalyze("cases"))

	k := &statsKeeper{pool: pool, log: zerolog.Nop()}
	require.NoError(t, k.refresh(ctx))
	require.True(t, lastAnalyze("cases"), "1,500 new cases in an empty table: analyzed")
	require.False(t, lastAnalyze("scores"), "no score was written: not analyzed")

	var reltuples float64
	require.NoError(t, pool.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'arbsync.cases'::regclass`).Scan(&reltuples))
	require.Equal(t, 1500.0, reltuples, "the planner now knows the table's size")
	stale, err := db.New(pool).SyncTablesStale(ctx)
	require.NoError(t, err)
	require.Empty(t, stale, "nothing is stale any more")
}
