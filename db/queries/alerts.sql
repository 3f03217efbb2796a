-- name: AlertsAppend :execrows
-- Writes alerts to the outbox; a dedup key already present is skipped. Only
-- level alerts have a level, previous level, score and threshold (the
-- others pass '' and 0); event_kind and channel are '' where they do not
-- apply.
INSERT INTO arbsync.alerts (dedup_key, kind, event_kind, channel, credit_code, score_id, level, previous_level, score, threshold, message)
SELECT u.dedup_key, u.kind, nullif(u.event_kind, ''), nullif(u.channel, ''), u.credit_code, nullif(u.score_id, 0),
       nullif(u.level, ''), nullif(u.previous_level, ''),
       CASE WHEN u.kind = 'level' THEN u.score::numeric / 100 END,
       CASE WHEN u.kind = 'level' THEN u.threshold::numeric / 100 END,
       u.message
FROM (
    SELECT
        unnest(@dedup_keys::text[]) AS dedup_key,
        unnest(@kinds::text[]) AS kind,
        unnest(@event_kinds::text[]) AS event_kind,
        unnest(@channels::text[]) AS channel,
        unnest(@credit_codes::text[]) AS credit_code,
        unnest(@score_ids::bigint[]) AS score_id,
        unnest(@levels::text[]) AS level,
        unnest(@previous_levels::text[]) AS previous_level,
        unnest(@scores::bigint[]) AS score,
        unnest(@thresholds::bigint[]) AS threshold,
        unnest(@messages::jsonb[]) AS message
) AS u
ON CONFLICT (dedup_key) DO NOTHING;

-- name: AlertsNotify :exec
-- Wakes the delivery worker when the transaction commits.
SELECT pg_notify('arbsync_alerts', '');

-- name: DeliveriesFanOut :execrows
-- Creates a pending delivery to a channel of every recent message it takes:
-- level alerts of its levels, event alerts of its event kinds, and the
-- digest, weekly and report-file messages addressed to it. Messages older
-- than max_age are not fanned out, so a channel added later does not
-- receive the whole history.
INSERT INTO arbsync.alert_deliveries (alert_id, channel)
SELECT a.id, @channel::text
FROM arbsync.alerts a
WHERE a.created_at > now() - make_interval(secs => @max_age_seconds::float8)
  AND CASE a.kind
        WHEN 'level' THEN a.level = ANY(@levels::text[])
        WHEN 'event' THEN a.event_kind = ANY(@event_kinds::text[])
        ELSE a.channel = @channel::text
      END
  AND NOT EXISTS (SELECT FROM arbsync.alert_deliveries d WHERE d.alert_id = a.id AND d.channel = @channel::text)
ON CONFLICT (alert_id, channel) DO NOTHING;

-- name: DeliveriesClaim :many
-- Claims a channel's next due deliveries for the replica that holds the
-- channel's lease (none when it does not): only the lease holder sends.
-- Each claimed row gets a lease of its own, so a replica taking the channel
-- over never sends a row another may still be sending.
WITH holder AS (
    SELECT 1 FROM arbsync.alert_channels c
    WHERE c.channel = @channel::text AND c.leased_by = @replica::text AND c.lease_until > now()
), due AS (
    SELECT d.id
    FROM arbsync.alert_deliveries d
    WHERE d.status = 'pending'
      AND d.channel = @channel::text
      AND d.next_attempt_at <= now()
      AND (d.lease_until IS NULL OR d.lease_until < now())
      AND EXISTS (SELECT FROM holder)
    ORDER BY d.next_attempt_at, d.id
    LIMIT @max_rows
    FOR UPDATE SKIP LOCKED
)
UPDATE arbsync.alert_deliveries d
SET leased_by = @replica::text, lease_until = now() + make_interval(secs => @lease_seconds::float8)
FROM due, arbsync.alerts a
WHERE d.id = due.id AND a.id = d.alert_id
RETURNING d.id, d.alert_id, d.channel, d.attempts, a.message;

-- name: DeliveryRelease :exec
-- Hands a claimed delivery back unsent (its sender is stopping), so the
-- channel's next holder sends it at once.
UPDATE arbsync.alert_deliveries
SET leased_by = NULL, lease_until = NULL
WHERE id = @id::bigint AND leased_by = @replica::text;

-- name: DeliveryRecord :exec
-- Records one attempt and the delivery's new state.
WITH attempt AS (
    INSERT INTO arbsync.alert_delivery_attempts (delivery_id, attempt, started_at, outcome, error)
    VALUES (@id::bigint, @attempt::int, @started_at::timestamptz, @outcome::text, sqlc.narg('error'))
)
UPDATE arbsync.alert_deliveries ad
SET attempts = @attempt::int,
    status = @status::text,
    last_attempt_at = @started_at::timestamptz,
    next_attempt_at = @next_attempt_at,
    sent_at = CASE WHEN @status::text = 'sent' THEN now() ELSE ad.sent_at END,
    last_error = sqlc.narg('error'),
    leased_by = NULL,
    lease_until = NULL
WHERE ad.id = @id::bigint;

-- name: DeliveriesPending :one
SELECT count(*) FROM arbsync.alert_deliveries WHERE status = 'pending';
