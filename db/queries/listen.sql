-- The watchlist listener's session (see daemon/listen.go). LISTEN needs a
-- session of its own: it does not work through a transaction-pooling
-- PgBouncer, which is why the listener probes it.

-- name: ListenWatchlist :exec
-- Watchlist edits: the watchlist trigger notifies with the credit code.
LISTEN arbsync_watchlist;

-- name: ListenAlerts :exec
-- New alerts (AlertsNotify), for the delivery worker.
LISTEN arbsync_alerts;

-- name: ListenProbe :exec
-- The listener's own probes (ListenProbeSend).
LISTEN arbsync_listen_probe;

-- name: ListenProbeSend :exec
-- Sent through the pool, with a payload unique to one probe: the listener's
-- session receives it only if a NOTIFY from any connection reaches it.
SELECT pg_notify('arbsync_listen_probe', @payload::text);
