-- Queries of the watchlist CSV import and export (package watchlist).

-- name: WatchlistImportParseIntervals :many
-- Parses refresh_interval texts with PostgreSQL's own interval input
-- ('6 hours', '1 day 02:00:00', 'P1D'). Read-only; it fails as a whole on
-- the first text PostgreSQL rejects, so callers retry texts one at a time
-- to name the bad ones.
SELECT t.input::text AS input, t.input::interval AS value
FROM unnest(@inputs::text[]) AS t(input);

-- name: WatchlistImportLock :exec
-- Serializes an import against other writers of the watchlist until the
-- transaction ends; readers (the daemon, BI) are not blocked.
LOCK TABLE arbsync.watchlist IN SHARE ROW EXCLUSIVE MODE;

-- name: WatchlistImportPlan :one
-- Counts what WatchlistImportUpsert would do with the same arguments,
-- without writing: rows that would be inserted and rows that would change.
-- The input and wanted CTEs are the same text in both queries.
WITH input AS (
    SELECT unnest(@credit_codes::text[]) AS credit_code,
           unnest(@company_names::text[]) AS company_name,
           unnest(@industry_codes::text[]) AS industry_code,
           unnest(@enabled::boolean[]) AS enabled,
           unnest(@notes::text[]) AS note,
           unnest(@refresh_intervals::interval[]) AS refresh_interval,
           unnest(@checksum_overrides::boolean[]) AS checksum_override
), wanted AS (
    SELECT i.credit_code, i.company_name, i.industry_code, i.enabled, i.checksum_override,
           CASE WHEN @keep_notes::boolean THEN coalesce(cur.note, '') ELSE i.note END AS note,
           coalesce(i.refresh_interval, cur.refresh_interval, interval '24 hours') AS refresh_interval,
           cur.credit_code IS NULL AS is_new,
           (cur.company_name, cur.industry_code, cur.enabled, replace(cur.note, E'\r\n', E'\n'),
            cur.refresh_interval, cur.checksum_override)
           IS DISTINCT FROM
           (i.company_name, i.industry_code, i.enabled,
            replace(CASE WHEN @keep_notes::boolean THEN cur.note ELSE i.note END, E'\r\n', E'\n'),
            coalesce(i.refresh_interval, cur.refresh_interval), i.checksum_override) AS differs
    FROM input i
    LEFT JOIN arbsync.watchlist cur ON cur.credit_code = i.credit_code
)
SELECT count(*) FILTER (WHERE is_new)::int AS inserted,
       count(*) FILTER (WHERE differs AND NOT is_new)::int AS updated
FROM wanted;

-- name: WatchlistImportUpsert :one
-- Inserts new codes and updates existing ones, one chunk of an import.
-- A NULL refresh interval keeps the stored one (24 hours for a new row);
-- keep_notes keeps stored notes ('' for a new row). A row whose values would
-- not change is not written (no trigger, audit row or notification); the
-- ON CONFLICT condition repeats that check for rows written concurrently.
-- Notes compare CR LF as LF, because CSV readers turn a quoted CR LF into LF.
WITH input AS (
    SELECT unnest(@credit_codes::text[]) AS credit_code,
           unnest(@company_names::text[]) AS company_name,
           unnest(@industry_codes::text[]) AS industry_code,
           unnest(@enabled::boolean[]) AS enabled,
           unnest(@notes::text[]) AS note,
           unnest(@refresh_intervals::interval[]) AS refresh_interval,
           unnest(@checksum_overrides::boolean[]) AS checksum_override
), wanted AS (
    SELECT i.credit_code, i.company_name, i.industry_code, i.enabled, i.checksum_override,
           CASE WHEN @keep_notes::boolean THEN coalesce(cur.note, '') ELSE i.note END AS note,
           coalesce(i.refresh_interval, cur.refresh_interval, interval '24 hours') AS refresh_interval,
           cur.credit_code IS NULL AS is_new,
           (cur.company_name, cur.industry_code, cur.enabled, replace(cur.note, E'\r\n', E'\n'),
            cur.refresh_interval, cur.checksum_override)
           IS DISTINCT FROM
           (i.company_name, i.industry_code, i.enabled,
            replace(CASE WHEN @keep_notes::boolean THEN cur.note ELSE i.note END, E'\r\n', E'\n'),
            coalesce(i.refresh_interval, cur.refresh_interval), i.checksum_override) AS differs
    FROM input i
    LEFT JOIN arbsync.watchlist cur ON cur.credit_code = i.credit_code
), written AS (
    INSERT INTO arbsync.watchlist AS w
        (credit_code, company_name, industry_code, enabled, note, refresh_interval, checksum_override)
    SELECT credit_code, company_name, industry_code, enabled, note, refresh_interval, checksum_override
    FROM wanted
    WHERE differs
    ON CONFLICT (credit_code) DO UPDATE
    SET company_name = excluded.company_name,
        industry_code = excluded.industry_code,
        enabled = excluded.enabled,
        note = CASE WHEN replace(w.note, E'\r\n', E'\n') = replace(excluded.note, E'\r\n', E'\n')
                    THEN w.note ELSE excluded.note END,
        refresh_interval = excluded.refresh_interval,
        checksum_override = excluded.checksum_override
    WHERE (w.company_name, w.industry_code, w.enabled, replace(w.note, E'\r\n', E'\n'),
           w.refresh_interval, w.checksum_override)
          IS DISTINCT FROM
          (excluded.company_name, excluded.industry_code, excluded.enabled, replace(excluded.note, E'\r\n', E'\n'),
           excluded.refresh_interval, excluded.checksum_override)
    RETURNING (w.xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
       count(*) FILTER (WHERE NOT inserted)::int AS updated
FROM written;

-- name: WatchlistExportPage :many
-- One keyset page of the export, in credit-code order.
SELECT credit_code, company_name, industry_code, enabled, note, refresh_interval, checksum_override
FROM arbsync.watchlist
WHERE credit_code > @after::text
ORDER BY credit_code
LIMIT @max_rows::int;
