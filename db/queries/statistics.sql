-- name: SyncTablesStale :many
-- The tables a sync writes whose planner statistics are stale: changed by
-- more than 1,000 rows plus their size at the last ANALYZE (so a table that
-- grows from empty is analyzed at about 1k, 2k, 4k, … rows). Autovacuum
-- catches up within a minute; a first sync of a large watchlist outgrows
-- its statistics much faster, and plans made for an empty table (a
-- sequential scan per batch) would make it quadratic.
SELECT c.relname::text AS table_name
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'arbsync'
  AND c.relname IN ('cases', 'scores', 'current_scores', 'sync_state')
  AND pg_catalog.pg_stat_get_mod_since_analyze(c.oid) >
      1000 + greatest(pg_catalog.pg_stat_get_live_tuples(c.oid) - pg_catalog.pg_stat_get_mod_since_analyze(c.oid), 0)
ORDER BY c.relname;

-- name: AnalyzeCases :exec
ANALYZE arbsync.cases;

-- name: AnalyzeScores :exec
ANALYZE arbsync.scores;

-- name: AnalyzeCurrentScores :exec
ANALYZE arbsync.current_scores;

-- name: AnalyzeSyncState :exec
ANALYZE arbsync.sync_state;
