package bench

// Measurement SQL. This is benchmark tooling, not application code, so it
// talks to PostgreSQL's statistics and WAL functions directly instead of
// through sqlc: nothing in arbsync itself needs these queries.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// walPosition is the WAL insert position (pg_current_wal_insert_lsn).
// WAL is cluster-wide: the difference of two positions counts every
// database's writes, which on the devpg cluster is only the benchmark's.
func walPosition(ctx context.Context, pool *pgxpool.Pool) (string, error) {
	var lsn string
	err := pool.QueryRow(ctx, "SELECT pg_current_wal_insert_lsn()::text").Scan(&lsn)
	return lsn, err
}

// walSince returns the WAL bytes written since from.
func walSince(ctx context.Context, pool *pgxpool.Pool, from string) (int64, error) {
	var n int64
	err := pool.QueryRow(ctx, "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn)::bigint", from).Scan(&n)
	return n, err
}

// tableWrites is n_tup_ins + n_tup_upd + n_tup_del of a table from
// pg_stat_user_tables. Backends report their counts when a transaction
// ends (at most once a second) and when they exit, so callers first close
// the pool that wrote and wait for its sessions to end (sessionsGone).
func tableWrites(ctx context.Context, pool *pgxpool.Pool, table string) (int64, error) {
	var n int64
	err := pool.QueryRow(ctx, `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint
		FROM pg_stat_user_tables WHERE relid = $1::regclass`, table).Scan(&n)
	return n, err
}

// sessionsGone waits until no session of this database carries the
// application name app, then a little longer so that their exit-time
// statistics flush has landed.
func sessionsGone(ctx context.Context, pool *pgxpool.Pool, app string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = $1`, app).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("sessions of %s still open after 30 s", app)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	return nil
}

// checkpoint forces a checkpoint so that every measured phase starts from
// the same WAL state (the first change of each page after a checkpoint
// writes a full-page image). It needs superuser or pg_checkpoint; on a
// server where it is refused the figures are noisier, not wrong.
func checkpoint(ctx context.Context, pool *pgxpool.Pool) {
	_, _ = pool.Exec(ctx, "CHECKPOINT")
}

// vacuumAnalyze vacuums and analyzes tables after a bulk load, so that
// autovacuum does not start in the middle of a measurement and the planner
// knows the table sizes.
func vacuumAnalyze(ctx context.Context, pool *pgxpool.Pool, tables ...string) error {
	for _, t := range tables {
		if _, err := pool.Exec(ctx, "VACUUM (ANALYZE) "+t); err != nil {
			return fmt.Errorf("vacuum %s: %w", t, err)
		}
	}
	return nil
}

// walBreakdown describes the WAL between from and the flushed end by
// resource manager, with the share of full-page images, using the
// pg_walinspect extension (PostgreSQL 15+, superuser). It returns "" when
// the extension is not available: the breakdown is a diagnostic, not a
// figure.
func walBreakdown(ctx context.Context, pool *pgxpool.Pool, from string) string {
	if _, err := pool.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS pg_walinspect"); err != nil {
		return ""
	}
	rows, err := pool.Query(ctx, `SELECT split_part("resource_manager/record_type", '/', 1),
			sum(record_size)::bigint, sum(fpi_size)::bigint
		FROM pg_get_wal_stats($1::pg_lsn, pg_current_wal_flush_lsn())
		GROUP BY 1 ORDER BY sum(combined_size) DESC`, from)
	if err != nil {
		return ""
	}
	defer rows.Close()
	var parts []string
	var fpi int64
	for rows.Next() {
		var rm string
		var rec, img int64
		if err := rows.Scan(&rm, &rec, &img); err != nil {
			return ""
		}
		fpi += img
		if rec+img >= 1<<20 {
			parts = append(parts, fmt.Sprintf("%s %s", rm, mib(rec+img)))
		}
	}
	if rows.Err() != nil || len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("WAL by kind: %s; full-page images %s of it", strings.Join(parts, ", "), mib(fpi))
}
