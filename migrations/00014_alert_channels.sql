-- +goose Up
-- One row per alert channel: which replica sends to it now (a lease the
-- sender renews while it works), and until when the service asked us to
-- stop (a throttle answer). A robot's rate limit is the robot's, so however
-- many replicas run, one sender at a time serves a channel.
CREATE TABLE arbsync.alert_channels (
    channel      text PRIMARY KEY,
    leased_by    text,
    lease_until  timestamptz,
    paused_until timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE arbsync.alert_channels IS '告警渠道：每个渠道同一时间只由一个副本发送（租约，发送期间续约），并记录服务方限流要求的暂停时间';
COMMENT ON COLUMN arbsync.alert_channels.channel IS '渠道名（ARBSYNC_ALERT_CHANNELS 中的名称）';
COMMENT ON COLUMN arbsync.alert_channels.leased_by IS '当前负责发送的副本';
COMMENT ON COLUMN arbsync.alert_channels.lease_until IS '租约到期时间；到期未续约则其他副本可接手';
COMMENT ON COLUMN arbsync.alert_channels.paused_until IS '服务方限流后暂停发送至此时间（任何副本都遵守）';
COMMENT ON COLUMN arbsync.alert_channels.updated_at IS '最近更新时间';

-- Each channel's sender claims its own due deliveries.
CREATE INDEX alert_deliveries_channel_due_idx ON arbsync.alert_deliveries (channel, next_attempt_at) WHERE status = 'pending';
DROP INDEX arbsync.alert_deliveries_due_idx;

-- +goose Down
CREATE INDEX alert_deliveries_due_idx ON arbsync.alert_deliveries (next_attempt_at) WHERE status = 'pending';
DROP INDEX arbsync.alert_deliveries_channel_due_idx;
DROP TABLE arbsync.alert_channels;
