-- name: DigestLastPeriod :one
-- The latest day (daily) or week (weekly) a channel's digest was recorded
-- for; no row when it never was.
SELECT period FROM arbsync.digests WHERE channel = @channel::text AND kind = @kind::text
ORDER BY period DESC LIMIT 1;

-- name: DigestRecord :execrows
-- Records that a channel's digest of a period is in the outbox (in the
-- transaction that writes its parts). 0 rows: it already was, and the
-- caller must roll its parts back.
INSERT INTO arbsync.digests (channel, kind, period, parts, events)
VALUES (@channel::text, @kind::text, @period::date, @parts::int, @events::int)
ON CONFLICT (channel, kind, period) DO NOTHING;

-- name: DigestEvents :many
-- The case events detected in [from, to), with the company and the case
-- as stored now; amounts are yuan as text, '' where the event does not
-- carry them. Grouped by company, in order.
SELECT e.credit_code, coalesce(w.company_name, '')::text AS company_name, e.kind, e.case_id,
       coalesce(c.case_no, '')::text AS case_no, coalesce(c.title, '')::text AS title, c.filing_date,
       coalesce(e.old_result, '')::text AS old_result, coalesce(e.new_result, '')::text AS new_result,
       coalesce(e.old_execution_status, '')::text AS old_execution_status, coalesce(e.new_execution_status, '')::text AS new_execution_status,
       coalesce(e.new_claim_amount::text, '')::text AS new_claim_amount,
       coalesce(e.old_unexecuted_amount::text, '')::text AS old_unexecuted_amount,
       coalesce(e.new_unexecuted_amount::text, '')::text AS new_unexecuted_amount,
       coalesce(c.unexecuted_amount::text, '')::text AS unexecuted_amount,
       e.detected_at
FROM arbsync.case_events e
LEFT JOIN arbsync.watchlist w ON w.credit_code = e.credit_code
LEFT JOIN arbsync.cases c ON c.credit_code = e.credit_code AND c.case_id = e.case_id
WHERE e.detected_at >= @from_time::timestamptz AND e.detected_at < @to_time::timestamptz
ORDER BY e.credit_code, e.detected_at, e.case_id, e.kind;

-- name: DigestLevelAlerts :many
-- The level alerts raised in [from, to): companies that entered warning
-- or urgent, or got worse.
SELECT a.credit_code, coalesce(w.company_name, '')::text AS company_name, a.level::text AS level,
       coalesce(a.previous_level, '')::text AS previous_level, a.score::text AS score, a.threshold::text AS threshold
FROM arbsync.alerts a
LEFT JOIN arbsync.watchlist w ON w.credit_code = a.credit_code
WHERE a.kind = 'level' AND a.created_at >= @from_time::timestamptz AND a.created_at < @to_time::timestamptz
ORDER BY CASE a.level WHEN 'urgent' THEN 0 ELSE 1 END, a.score, a.credit_code;

-- name: DigestSyncProblems :many
-- Enabled companies whose data is failing (the vendor refuses or errs) or
-- stale (no success for twice their refresh interval, or none yet a day
-- after they were added), as of as_of: at most max_rows, the longest
-- without data first, with the total count.
WITH p AS (SELECT @as_of::timestamptz AS as_of)
SELECT w.credit_code, w.company_name, ss.status, ss.last_success_at, ss.consecutive_failures,
       coalesce(ss.last_error, '')::text AS last_error, count(*) OVER () AS total
FROM p, arbsync.watchlist w
JOIN arbsync.sync_state ss ON ss.credit_code = w.credit_code
WHERE w.enabled
  AND (ss.status IN ('not_found', 'forbidden', 'failing')
       OR (ss.last_success_at IS NULL AND w.created_at < p.as_of - make_interval(days => 1))
       OR ss.last_success_at < p.as_of - 2 * w.refresh_interval)
ORDER BY ss.last_success_at NULLS FIRST, w.credit_code
LIMIT @max_rows;
