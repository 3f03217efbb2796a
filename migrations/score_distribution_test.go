package migrations_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
)

// bins returns, per 10-point bin, the sum of arbsync.score_distribution_deltas
// and a direct count of arbsync.current_scores (zero bins left out).
func bins(t *testing.T, pool *pgxpool.Pool) (sums, counted map[int]int64) {
	t.Helper()
	read := func(sql string) map[int]int64 {
		rows, err := pool.Query(context.Background(), sql)
		require.NoError(t, err)
		defer rows.Close()
		out := map[int]int64{}
		for rows.Next() {
			var bin int
			var n int64
			require.NoError(t, rows.Scan(&bin, &n))
			if n != 0 {
				out[bin] = n
			}
		}
		require.NoError(t, rows.Err())
		return out
	}
	return read(`SELECT bin, sum(delta)::bigint FROM arbsync.score_distribution_deltas GROUP BY bin`),
		read(`SELECT least(floor(score / 10), 9)::int, count(*) FROM arbsync.current_scores GROUP BY 1`)
}

func requireBins(t *testing.T, pool *pgxpool.Pool, want map[int]int64, when string) {
	t.Helper()
	sums, counted := bins(t, pool)
	require.Equal(t, want, counted, "current_scores %s", when)
	require.Equal(t, counted, sums, "the deltas' sums equal current_scores per bin %s", when)
}

func deltaRows(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM arbsync.score_distribution_deltas`).Scan(&n))
	return n
}

const upsertScore = `INSERT INTO arbsync.current_scores (credit_code, score_id, as_of, rule_version, score, level,
		recent_cases, recent_claim_amount, decided_cases, lose_cases, partial_cases, lose_rate, unexecuted_cases,
		count_deduction, amount_deduction, lose_rate_deduction, unexecuted_deduction)
	SELECT c, 0, '2026-11-24', 1, s, 'ok', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
	FROM unnest($1::text[], $2::numeric[]) AS u(c, s)
	ON CONFLICT (credit_code) DO UPDATE SET score = excluded.score`

// The triggers on arbsync.current_scores keep the per-bin deltas equal to
// the table through every kind of write: inserts, INSERT … ON CONFLICT DO
// UPDATE (the score upsert: both its inserted and its updated rows),
// updates that keep the score, deletes and TRUNCATE.
func TestScoreDistributionFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	requireBins(t, pool, map[int]int64{}, "when empty")

	_, err := pool.Exec(ctx, upsertScore, []string{"a", "b", "c", "d"}, []float64{0, 9.99, 55, 100})
	require.NoError(t, err)
	requireBins(t, pool, map[int]int64{0: 2, 5: 1, 9: 1}, "after inserts (100 is in the last bin)")

	// One statement that updates a (0 → 42), keeps b's bin (9.99 → 5) and
	// inserts e.
	_, err = pool.Exec(ctx, upsertScore, []string{"a", "b", "e"}, []float64{42, 5, 99.5})
	require.NoError(t, err)
	requireBins(t, pool, map[int]int64{0: 1, 4: 1, 5: 1, 9: 2}, "after an upsert that inserts and updates")

	// An update that moves no score adds no row.
	rows := deltaRows(t, pool)
	_, err = pool.Exec(ctx, `UPDATE arbsync.current_scores SET level = 'urgent'`)
	require.NoError(t, err)
	require.Equal(t, rows, deltaRows(t, pool), "a level change writes no delta")
	_, err = pool.Exec(ctx, `UPDATE arbsync.current_scores SET score = 100 - score WHERE credit_code IN ('c', 'd')`)
	require.NoError(t, err)
	requireBins(t, pool, map[int]int64{0: 2, 4: 2, 9: 1}, "after a plain UPDATE")

	_, err = pool.Exec(ctx, `DELETE FROM arbsync.current_scores WHERE credit_code IN ('a', 'e')`)
	require.NoError(t, err)
	requireBins(t, pool, map[int]int64{0: 2, 4: 1}, "after a DELETE")

	_, err = pool.Exec(ctx, `TRUNCATE arbsync.current_scores`)
	require.NoError(t, err)
	requireBins(t, pool, map[int]int64{}, "after TRUNCATE")
	require.Zero(t, deltaRows(t, pool))
	_, err = pool.Exec(ctx, upsertScore, []string{"f"}, []float64{71})
	require.NoError(t, err)
	requireBins(t, pool, map[int]int64{7: 1}, "after an insert following TRUNCATE")

	// Both tables in one TRUNCATE, as someone resetting the scores might.
	_, err = pool.Exec(ctx, `TRUNCATE arbsync.current_scores, arbsync.score_distribution_deltas`)
	require.NoError(t, err)
	requireBins(t, pool, map[int]int64{}, "after TRUNCATE of both tables")
}

// The migration counts the scores already stored when it runs.
func TestScoreDistributionMigrationCountsExistingScores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	m := migrator(t, pool)
	_, err := m.DownTo(ctx, 12)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, upsertScore, []string{"a", "b", "c"}, []float64{12, 18, 100})
	require.NoError(t, err)

	_, err = m.Up(ctx)
	require.NoError(t, err)
	requireBins(t, pool, map[int]int64{1: 2, 9: 1}, "right after the migration")
	_, err = pool.Exec(ctx, upsertScore, []string{"a", "d"}, []float64{35, 64})
	require.NoError(t, err)
	requireBins(t, pool, map[int]int64{1: 1, 3: 1, 6: 1, 9: 1}, "after a write following the migration")
}
