-- name: WatchlistGet :one
SELECT * FROM arbsync.watchlist WHERE credit_code = @credit_code;

-- name: WatchlistCount :one
SELECT count(*) AS total, count(*) FILTER (WHERE enabled) AS enabled FROM arbsync.watchlist;

-- name: WatchlistUpsert :exec
INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, enabled, note, checksum_override)
VALUES (@credit_code, @company_name, @industry_code, @enabled, @note, @checksum_override)
ON CONFLICT (credit_code) DO UPDATE
SET company_name = excluded.company_name,
    industry_code = excluded.industry_code,
    enabled = excluded.enabled,
    note = excluded.note,
    checksum_override = excluded.checksum_override
WHERE (arbsync.watchlist.company_name, arbsync.watchlist.industry_code, arbsync.watchlist.enabled,
       arbsync.watchlist.note, arbsync.watchlist.checksum_override)
      IS DISTINCT FROM
      (excluded.company_name, excluded.industry_code, excluded.enabled, excluded.note, excluded.checksum_override);

-- name: WatchlistList :many
SELECT w.credit_code, w.company_name, w.industry_code, w.enabled, w.note, w.checksum_override
FROM arbsync.watchlist w
WHERE w.credit_code > @after
ORDER BY w.credit_code
LIMIT @max_rows;

-- name: WatchlistIndustries :many
-- Company names and industries, for scoring and alert messages.
SELECT w.credit_code, w.company_name, w.industry_code, i.section_code,
       (CASE WHEN i.level = 'division' THEN i.code ELSE '' END)::text AS division,
       i.name AS industry_name
FROM arbsync.watchlist w
JOIN arbsync.industries i ON i.code = w.industry_code
WHERE w.credit_code = ANY(@credit_codes::text[]);
