-- +goose Up
CREATE TABLE arbsync.alerts (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedup_key      text NOT NULL UNIQUE,
    credit_code    text NOT NULL,
    score_id       bigint,
    level          text NOT NULL CHECK (level IN ('warning', 'urgent')),
    previous_level text NOT NULL CHECK (previous_level IN ('none', 'ok', 'warning', 'urgent')),
    score          numeric(5, 2) NOT NULL,
    threshold      numeric(5, 2) NOT NULL,
    message        jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE arbsync.alerts IS '告警发件箱：企业进入预警/紧急或等级变差时，与评分变化在同一事务写入一行';
COMMENT ON COLUMN arbsync.alerts.id IS '告警编号';
COMMENT ON COLUMN arbsync.alerts.dedup_key IS '去重键（企业 + 评分记录 + 等级），接收方可据此去重';
COMMENT ON COLUMN arbsync.alerts.credit_code IS '统一社会信用代码';
COMMENT ON COLUMN arbsync.alerts.score_id IS '触发告警的评分记录编号';
COMMENT ON COLUMN arbsync.alerts.level IS '告警等级：warning 预警、urgent 紧急';
COMMENT ON COLUMN arbsync.alerts.previous_level IS '此前等级：none 首次评分、ok、warning、urgent';
COMMENT ON COLUMN arbsync.alerts.score IS '风险评分';
COMMENT ON COLUMN arbsync.alerts.threshold IS '被突破的阈值';
COMMENT ON COLUMN arbsync.alerts.message IS '告警内容（企业、评分、阈值、等级、近一年案件数、金额、最新案件）';
COMMENT ON COLUMN arbsync.alerts.created_at IS '产生时间';
CREATE INDEX alerts_credit_code_idx ON arbsync.alerts (credit_code, created_at);

CREATE TABLE arbsync.alert_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id        bigint NOT NULL REFERENCES arbsync.alerts (id),
    channel         text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    sent_at         timestamptz,
    last_error      text,
    leased_by       text,
    lease_until     timestamptz,
    UNIQUE (alert_id, channel)
);
COMMENT ON TABLE arbsync.alert_deliveries IS '告警投递：每条告警每个渠道一行，记录状态、尝试次数与下次重试时间';
COMMENT ON COLUMN arbsync.alert_deliveries.id IS '投递编号';
COMMENT ON COLUMN arbsync.alert_deliveries.alert_id IS '告警编号';
COMMENT ON COLUMN arbsync.alert_deliveries.channel IS '渠道名（配置 ARBSYNC_ALERT_CHANNELS 中的名称）';
COMMENT ON COLUMN arbsync.alert_deliveries.status IS '状态：pending 待发送/重试、sent 已送达、failed 永久失败（签名或关键词错误，需运维处理）';
COMMENT ON COLUMN arbsync.alert_deliveries.attempts IS '已尝试次数';
COMMENT ON COLUMN arbsync.alert_deliveries.next_attempt_at IS '下次尝试时间';
COMMENT ON COLUMN arbsync.alert_deliveries.last_attempt_at IS '最近尝试时间';
COMMENT ON COLUMN arbsync.alert_deliveries.sent_at IS '送达时间';
COMMENT ON COLUMN arbsync.alert_deliveries.last_error IS '最近错误（不含密钥）';
COMMENT ON COLUMN arbsync.alert_deliveries.leased_by IS '正在投递的副本';
COMMENT ON COLUMN arbsync.alert_deliveries.lease_until IS '投递租约到期时间';
CREATE INDEX alert_deliveries_due_idx ON arbsync.alert_deliveries (next_attempt_at) WHERE status = 'pending';

CREATE TABLE arbsync.alert_delivery_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id bigint NOT NULL REFERENCES arbsync.alert_deliveries (id),
    attempt     integer NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT now(),
    outcome     text NOT NULL CHECK (outcome IN ('sent', 'retriable', 'throttled', 'permanent')),
    error       text
);
COMMENT ON TABLE arbsync.alert_delivery_attempts IS '告警投递尝试：每次尝试一行';
COMMENT ON COLUMN arbsync.alert_delivery_attempts.id IS '尝试编号';
COMMENT ON COLUMN arbsync.alert_delivery_attempts.delivery_id IS '投递编号';
COMMENT ON COLUMN arbsync.alert_delivery_attempts.attempt IS '第几次尝试';
COMMENT ON COLUMN arbsync.alert_delivery_attempts.started_at IS '开始时间';
COMMENT ON COLUMN arbsync.alert_delivery_attempts.finished_at IS '结束时间';
COMMENT ON COLUMN arbsync.alert_delivery_attempts.outcome IS '结果：sent 成功、retriable 可重试、throttled 被限流、permanent 永久失败';
COMMENT ON COLUMN arbsync.alert_delivery_attempts.error IS '错误信息（不含密钥）';
CREATE INDEX alert_delivery_attempts_delivery_idx ON arbsync.alert_delivery_attempts (delivery_id);

-- +goose Down
DROP TABLE arbsync.alert_delivery_attempts;
DROP TABLE arbsync.alert_deliveries;
DROP TABLE arbsync.alerts;
