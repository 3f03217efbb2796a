-- name: SyncStateClaim :many
-- Claims due companies for this replica with a lease, in one statement.
-- Any number of replicas may run it at once: SKIP LOCKED hands each row to
-- one of them, and a crashed replica's leases expire.
WITH due AS (
    SELECT s.credit_code
    FROM arbsync.sync_state s
    JOIN arbsync.watchlist w ON w.credit_code = s.credit_code
    WHERE w.enabled
      AND (s.next_sync_at <= now() OR @ignore_schedule::boolean)
      AND (s.next_sync_at <> 'infinity'::timestamptz OR coalesce(cardinality(@only_codes::text[]), 0) > 0)
      AND (s.lease_until IS NULL OR s.lease_until < now())
      AND (s.last_attempt_at IS NULL OR s.last_attempt_at < @pass_started::timestamptz)
      AND (coalesce(cardinality(@only_codes::text[]), 0) = 0 OR s.credit_code = ANY(@only_codes::text[]))
    ORDER BY s.next_sync_at
    LIMIT @max_rows
    FOR UPDATE OF s SKIP LOCKED
)
UPDATE arbsync.sync_state s
SET leased_by = @replica::text,
    lease_until = now() + make_interval(secs => @lease_seconds::float8),
    last_attempt_at = now()
FROM due, arbsync.watchlist w
WHERE s.credit_code = due.credit_code AND w.credit_code = s.credit_code
RETURNING s.credit_code, w.company_name, s.last_content_hash, s.consecutive_failures;

-- name: SyncStateLockOwned :many
-- Locks the companies this replica still holds, inside the write
-- transaction: a company whose lease was lost is not written. first_sync
-- is true until the company's first complete, successful fetch is stored
-- (that write records its cases as baseline events).
SELECT credit_code, (last_success_at IS NULL)::boolean AS first_sync FROM arbsync.sync_state
WHERE credit_code = ANY(@credit_codes::text[]) AND leased_by = @replica::text
FOR UPDATE;

-- name: SyncStateSucceeded :exec
-- Records complete, successful fetches. An edit of the watchlist row during
-- the fetch (next_sync_at moved past last_attempt_at) keeps the company due.
UPDATE arbsync.sync_state s
SET status = 'ok',
    last_success_at = now(),
    next_sync_at = CASE WHEN s.next_sync_at > s.last_attempt_at THEN s.next_sync_at
                        ELSE now() + w.refresh_interval END,
    consecutive_failures = 0,
    last_error_code = NULL,
    last_error = NULL,
    last_content_hash = u.content_hash,
    upstream_name = u.upstream_name,
    leased_by = NULL,
    lease_until = NULL
FROM (SELECT
        unnest(@credit_codes::text[]) AS credit_code,
        unnest(@content_hashes::bytea[]) AS content_hash,
        unnest(@upstream_names::text[]) AS upstream_name
    ) AS u,
     arbsync.watchlist w
WHERE s.credit_code = u.credit_code AND w.credit_code = s.credit_code AND s.leased_by = @replica::text;

-- name: SyncStateFailed :exec
-- Records failed fetches; nothing else about the company changes.
UPDATE arbsync.sync_state s
SET status = u.status,
    consecutive_failures = s.consecutive_failures + 1,
    last_error_code = u.error_code,
    last_error = u.error_message,
    next_sync_at = CASE WHEN s.next_sync_at > s.last_attempt_at THEN s.next_sync_at -- edited meanwhile
                        WHEN u.status = 'not_found' THEN 'infinity'::timestamptz -- parked until an edit
                        ELSE u.next_sync_at END,
    leased_by = NULL,
    lease_until = NULL
FROM (SELECT
        unnest(@credit_codes::text[]) AS credit_code,
        unnest(@statuses::text[]) AS status,
        unnest(@error_codes::text[]) AS error_code,
        unnest(@error_messages::text[]) AS error_message,
        unnest(@next_sync_ats::timestamptz[]) AS next_sync_at
    ) AS u
WHERE s.credit_code = u.credit_code AND s.leased_by = @replica::text;

-- name: SyncStateRelease :exec
-- Gives back leases untouched (shutdown, stopped pass, failed write). The
-- company stays due; last_attempt_at keeps the claim time, so the pass that
-- released it does not claim it again, and the next pass does.
UPDATE arbsync.sync_state
SET leased_by = NULL, lease_until = NULL
WHERE credit_code = ANY(@credit_codes::text[]) AND leased_by = @replica::text;

-- name: SyncStateBacklog :one
SELECT count(*) FROM arbsync.sync_state s
JOIN arbsync.watchlist w ON w.credit_code = s.credit_code
WHERE w.enabled AND s.next_sync_at <= now();

-- name: SyncStateGet :one
SELECT * FROM arbsync.sync_state WHERE credit_code = @credit_code;

-- name: SyncStateEdited :many
-- Companies that a watchlist insert or edit made due and that no pass has
-- claimed since: what the watchlist's notifications announce, for a daemon
-- whose LISTEN does not receive them. Only edits of the last window_seconds
-- are looked at (so the due index keeps it cheap); an older one, from a
-- transaction that stayed open longer, is left to the sync tick.
SELECT s.credit_code
FROM arbsync.sync_state s
JOIN arbsync.watchlist w ON w.credit_code = s.credit_code
WHERE s.next_sync_at > now() - make_interval(secs => @window_seconds::float8)
  AND s.next_sync_at <= now()
  AND w.enabled
  AND (s.lease_until IS NULL OR s.lease_until < now())
  AND (s.last_attempt_at IS NULL OR s.last_attempt_at <= w.updated_at)
ORDER BY s.next_sync_at
LIMIT @max_rows;
