-- +goose Up
-- Besides level alerts the outbox carries case-event alerts (fanned out to
-- the channels that subscribe to the event's kind), the parts of each
-- channel's daily digest and weekly summary, and the weekly report as a file
-- (each addressed to one channel). Only level alerts have a level and a
-- score.
ALTER TABLE arbsync.alerts
    ADD COLUMN kind text NOT NULL DEFAULT 'level' CHECK (kind IN ('level', 'event', 'digest', 'weekly', 'report_file')),
    ADD COLUMN event_kind text,
    ADD COLUMN channel text,
    ALTER COLUMN level DROP NOT NULL,
    ALTER COLUMN previous_level DROP NOT NULL,
    ALTER COLUMN score DROP NOT NULL,
    ALTER COLUMN threshold DROP NOT NULL,
    ADD CONSTRAINT alerts_kind_fields CHECK (
        CASE kind
            WHEN 'level' THEN level IS NOT NULL AND previous_level IS NOT NULL AND score IS NOT NULL AND threshold IS NOT NULL
            WHEN 'event' THEN event_kind IS NOT NULL
            ELSE channel IS NOT NULL
        END);
COMMENT ON TABLE arbsync.alerts IS '告警发件箱：等级告警（企业进入预警/紧急或等级变差，与评分变化同一事务写入）、案件事件告警（与案件变化同一事务写入）、每日摘要与每周汇总的各部分、以及周报文件消息';
COMMENT ON COLUMN arbsync.alerts.dedup_key IS '去重键：等级告警为 企业:原因:等级；事件为 event:企业:案件:类型:发现时间；摘要为 digest:渠道:日期:第几部分/共几部分；周汇总为 weekly:渠道:周一日期:部分；周报文件为 report_file:渠道:周一日期';
COMMENT ON COLUMN arbsync.alerts.credit_code IS '统一社会信用代码（摘要、周汇总与周报文件为空字符串）';
COMMENT ON COLUMN arbsync.alerts.level IS '告警等级：warning 预警、urgent 紧急（仅等级告警）';
COMMENT ON COLUMN arbsync.alerts.previous_level IS '此前等级：none 首次评分、ok、warning、urgent（仅等级告警）';
COMMENT ON COLUMN arbsync.alerts.score IS '风险评分（仅等级告警）';
COMMENT ON COLUMN arbsync.alerts.threshold IS '被突破的阈值（仅等级告警）';
COMMENT ON COLUMN arbsync.alerts.kind IS '消息类型：level 等级告警、event 案件事件、digest 每日摘要、weekly 每周汇总、report_file 周报文件（仅企业微信）';
COMMENT ON COLUMN arbsync.alerts.event_kind IS '案件事件类型（event 消息：filed、decided、result_changed、execution_changed、amounts_changed、removed、restored）';
COMMENT ON COLUMN arbsync.alerts.channel IS '收件渠道（digest、weekly、report_file 消息只发往这一个渠道；其他消息按渠道订阅分发）';
-- What a channel's delivery looks for besides level alerts.
CREATE INDEX alerts_kind_created_idx ON arbsync.alerts (kind, created_at);

-- One row per channel and day (daily digest) or week (weekly summary) once
-- its parts are in the outbox, written in the same transaction: a second
-- replica, a rerun or a catch-up finds it and writes nothing, so each is
-- sent once. A day with nothing to say has a row with parts = 0.
CREATE TABLE arbsync.digests (
    channel    text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('daily', 'weekly')),
    period     date NOT NULL,
    parts      integer NOT NULL CHECK (parts >= 0),
    events     integer NOT NULL CHECK (events >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, kind, period)
);
COMMENT ON TABLE arbsync.digests IS '摘要记录：每个渠道每天的每日摘要、每周的每周汇总各一行，与其消息同一事务写入（保证只发一次）';
COMMENT ON COLUMN arbsync.digests.channel IS '渠道名';
COMMENT ON COLUMN arbsync.digests.kind IS '类型：daily 每日摘要、weekly 每周汇总';
COMMENT ON COLUMN arbsync.digests.period IS '所总结的日期（每日摘要）或周一日期（每周汇总）';
COMMENT ON COLUMN arbsync.digests.parts IS '消息分成的部分数（按渠道长度限制拆分；0 表示当天无内容、未发送）';
COMMENT ON COLUMN arbsync.digests.events IS '所总结的案件事件数';
COMMENT ON COLUMN arbsync.digests.created_at IS '生成时间';

CREATE OR REPLACE VIEW bi.alerts AS
SELECT
    a.id AS alert_id,
    a.credit_code,
    w.company_name,
    a.level,
    a.previous_level,
    a.score,
    a.threshold,
    a.created_at,
    a.dedup_key,
    (SELECT count(*) FROM arbsync.alert_deliveries d WHERE d.alert_id = a.id AND d.status = 'sent')    AS channels_sent,
    (SELECT count(*) FROM arbsync.alert_deliveries d WHERE d.alert_id = a.id AND d.status = 'pending') AS channels_pending,
    (SELECT count(*) FROM arbsync.alert_deliveries d WHERE d.alert_id = a.id AND d.status = 'failed')  AS channels_failed,
    a.kind,
    a.event_kind,
    a.channel
FROM arbsync.alerts a
LEFT JOIN arbsync.watchlist w ON w.credit_code = a.credit_code;
COMMENT ON VIEW bi.alerts IS '告警与消息记录（等级告警、案件事件、每日摘要、每周汇总、周报文件）及各渠道投递汇总';
COMMENT ON COLUMN bi.alerts.level IS '告警等级（仅等级告警）';
COMMENT ON COLUMN bi.alerts.previous_level IS '此前等级（仅等级告警）';
COMMENT ON COLUMN bi.alerts.score IS '风险评分（仅等级告警）';
COMMENT ON COLUMN bi.alerts.threshold IS '被突破的阈值（仅等级告警）';
COMMENT ON COLUMN bi.alerts.kind IS '消息类型：level 等级告警、event 案件事件、digest 每日摘要、weekly 每周汇总、report_file 周报文件';
COMMENT ON COLUMN bi.alerts.event_kind IS '案件事件类型（仅 event）';
COMMENT ON COLUMN bi.alerts.channel IS '收件渠道（仅 digest、weekly、report_file）';

CREATE VIEW bi.digests AS
SELECT d.channel, d.kind, d.period, d.parts, d.events, d.created_at
FROM arbsync.digests d;
COMMENT ON VIEW bi.digests IS '每日摘要与每周汇总：每个渠道每天/每周一行';
COMMENT ON COLUMN bi.digests.channel IS '渠道名';
COMMENT ON COLUMN bi.digests.kind IS '类型：daily 每日摘要、weekly 每周汇总';
COMMENT ON COLUMN bi.digests.period IS '所总结的日期或周一日期';
COMMENT ON COLUMN bi.digests.parts IS '消息部分数（0 表示无内容、未发送）';
COMMENT ON COLUMN bi.digests.events IS '所总结的案件事件数';
COMMENT ON COLUMN bi.digests.created_at IS '生成时间';
GRANT SELECT ON bi.alerts, bi.digests TO arbsync_bi, arbsync_admin;

-- +goose Down
DROP VIEW bi.digests;
DROP VIEW bi.alerts;
CREATE VIEW bi.alerts AS
SELECT
    a.id AS alert_id,
    a.credit_code,
    w.company_name,
    a.level,
    a.previous_level,
    a.score,
    a.threshold,
    a.created_at,
    a.dedup_key,
    (SELECT count(*) FROM arbsync.alert_deliveries d WHERE d.alert_id = a.id AND d.status = 'sent')    AS channels_sent,
    (SELECT count(*) FROM arbsync.alert_deliveries d WHERE d.alert_id = a.id AND d.status = 'pending') AS channels_pending,
    (SELECT count(*) FROM arbsync.alert_deliveries d WHERE d.alert_id = a.id AND d.status = 'failed')  AS channels_failed
FROM arbsync.alerts a
LEFT JOIN arbsync.watchlist w ON w.credit_code = a.credit_code;
COMMENT ON VIEW bi.alerts IS '告警记录及各渠道投递汇总';
GRANT SELECT ON bi.alerts TO arbsync_bi, arbsync_admin;
DROP TABLE arbsync.digests;
DROP INDEX arbsync.alerts_kind_created_idx;
DELETE FROM arbsync.alert_delivery_attempts t USING arbsync.alert_deliveries d, arbsync.alerts a
    WHERE t.delivery_id = d.id AND d.alert_id = a.id AND a.kind <> 'level';
DELETE FROM arbsync.alert_deliveries d USING arbsync.alerts a WHERE d.alert_id = a.id AND a.kind <> 'level';
DELETE FROM arbsync.alerts WHERE kind <> 'level';
ALTER TABLE arbsync.alerts
    DROP CONSTRAINT alerts_kind_fields,
    ALTER COLUMN level SET NOT NULL,
    ALTER COLUMN previous_level SET NOT NULL,
    ALTER COLUMN score SET NOT NULL,
    ALTER COLUMN threshold SET NOT NULL,
    DROP COLUMN channel,
    DROP COLUMN event_kind,
    DROP COLUMN kind;
