-- name: ChannelLeaseAcquire :one
-- Takes a channel's send lease when it is free, expired or already ours.
-- Returns no row when another replica holds it; else the channel's pause.
INSERT INTO arbsync.alert_channels (channel, leased_by, lease_until, updated_at)
VALUES (@channel::text, @replica::text, now() + make_interval(secs => @lease_seconds::float8), now())
ON CONFLICT (channel) DO UPDATE
SET leased_by = excluded.leased_by,
    lease_until = excluded.lease_until,
    updated_at = now()
WHERE arbsync.alert_channels.leased_by IS NULL
   OR arbsync.alert_channels.lease_until < now()
   OR arbsync.alert_channels.leased_by = excluded.leased_by
RETURNING paused_until;

-- name: ChannelLeaseRenew :one
-- Extends a lease this replica holds. No row: the lease was lost (another
-- replica took it after it expired), and the caller must stop sending.
UPDATE arbsync.alert_channels
SET lease_until = now() + make_interval(secs => @lease_seconds::float8), updated_at = now()
WHERE channel = @channel::text AND leased_by = @replica::text
RETURNING paused_until;

-- name: ChannelLeaseRelease :exec
-- Gives a lease up (at shutdown), so another replica takes the channel at once.
UPDATE arbsync.alert_channels
SET leased_by = NULL, lease_until = NULL, updated_at = now()
WHERE channel = @channel::text AND leased_by = @replica::text;

-- name: ChannelPause :exec
-- Records that the service throttled the channel: no replica sends to it
-- before paused_until.
UPDATE arbsync.alert_channels
SET paused_until = greatest(coalesce(paused_until, '-infinity'), now() + make_interval(secs => @pause_seconds::float8)),
    updated_at = now()
WHERE channel = @channel::text;
