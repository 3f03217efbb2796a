-- +goose Up
-- A company's first successful sync is its baseline: the cases it already
-- had are not news. They are marked on the case row (one byte in the COPY
-- that stores them) instead of one event row each, which would cost the
-- first sync about a fifth of its speed (measured with `make bench`: 0.45
-- of a raw COPY instead of 0.55); bi.case_events shows them as baseline
-- events. Cases stored before this migration are the baseline of their
-- companies (the first DEFAULT fills them without rewriting the table).
ALTER TABLE arbsync.cases ADD COLUMN baseline boolean NOT NULL DEFAULT true;
ALTER TABLE arbsync.cases ALTER COLUMN baseline SET DEFAULT false;
COMMENT ON COLUMN arbsync.cases.baseline IS '基线案件：企业首次成功同步时已有的案件（不是新发生的变化，不产生告警；bi.case_events 中显示为 baseline 事件）';

-- What changed in a company's cases, appended by the sync in the same
-- transaction that stores the change (a kill or rerun commits both or
-- neither, so an event is never lost or repeated). Kept forever, like the
-- cases. Each row carries only the values its kind is about; the others are
-- NULL. No foreign keys: they would cost a check per row on the write path,
-- and cases and sync runs are never deleted.
CREATE TABLE arbsync.case_events (
    credit_code           text NOT NULL,
    case_id               text NOT NULL,
    kind                  text NOT NULL CHECK (kind IN ('filed', 'decided', 'result_changed',
                                                        'execution_changed', 'amounts_changed', 'removed', 'restored')),
    old_result            text,
    new_result            text,
    old_execution_status  text,
    new_execution_status  text,
    old_claim_amount      numeric(16, 2),
    new_claim_amount      numeric(16, 2),
    old_award_amount      numeric(16, 2),
    new_award_amount      numeric(16, 2),
    old_unexecuted_amount numeric(16, 2),
    new_unexecuted_amount numeric(16, 2),
    upstream_updated_at   timestamptz,
    detected_at           timestamptz NOT NULL,
    sync_run_id           bigint
);
COMMENT ON TABLE arbsync.case_events IS '案件事件：同步在写入案件变化的同一事务中追加的变化记录（新立案、裁决、执行、金额、移除、重新出现；企业首次同步时已有的案件为基线，记在 arbsync.cases.baseline，不在此表）；永久保留';
COMMENT ON COLUMN arbsync.case_events.credit_code IS '统一社会信用代码';
COMMENT ON COLUMN arbsync.case_events.case_id IS '上游案件编号（与 arbsync.cases 的 credit_code、case_id 对应）';
COMMENT ON COLUMN arbsync.case_events.kind IS '事件类型：filed 新立案（首次发现的案件）、decided 裁决（结果由 pending 变为结案结果）、result_changed 结果变更（其他结果变化）、execution_changed 执行情况变更、amounts_changed 金额变更（请求、裁决或未执行金额）、removed 移除（完整成功的获取不再返回）、restored 重新出现（已移除的案件再次返回）';
COMMENT ON COLUMN arbsync.case_events.old_result IS '变化前结果（decided、result_changed）';
COMMENT ON COLUMN arbsync.case_events.new_result IS '变化后结果（decided、result_changed；filed 为立案时结果）';
COMMENT ON COLUMN arbsync.case_events.old_execution_status IS '变化前执行情况（execution_changed）';
COMMENT ON COLUMN arbsync.case_events.new_execution_status IS '变化后执行情况（execution_changed；filed 为首次发现时的执行情况）';
COMMENT ON COLUMN arbsync.case_events.old_claim_amount IS '变化前请求金额（元，amounts_changed）';
COMMENT ON COLUMN arbsync.case_events.new_claim_amount IS '变化后请求金额（元，amounts_changed；filed 为首次发现时的金额）';
COMMENT ON COLUMN arbsync.case_events.old_award_amount IS '变化前裁决金额（元，amounts_changed）';
COMMENT ON COLUMN arbsync.case_events.new_award_amount IS '变化后裁决金额（元，amounts_changed；filed 为首次发现时的金额）';
COMMENT ON COLUMN arbsync.case_events.old_unexecuted_amount IS '变化前未执行金额（元，amounts_changed）';
COMMENT ON COLUMN arbsync.case_events.new_unexecuted_amount IS '变化后未执行金额（元，amounts_changed；filed 为首次发现时的金额）';
COMMENT ON COLUMN arbsync.case_events.upstream_updated_at IS '上游记录更新时间（变化后版本的 updatedAt；removed 为空：上游不再返回该案件）';
COMMENT ON COLUMN arbsync.case_events.detected_at IS '发现时间：写入该变化的同步事务时间（filed 与案件的 first_seen_at 相同）';
COMMENT ON COLUMN arbsync.case_events.sync_run_id IS '发现该变化的同步批次（arbsync.sync_runs.id；批次之外的写入为空）';
-- A company's events, newest first (the lookup, BI per company):
CREATE INDEX case_events_company_idx ON arbsync.case_events (credit_code, detected_at);
-- Events by time (digests, the weekly report, BI):
CREATE INDEX case_events_detected_at_idx ON arbsync.case_events (detected_at);

CREATE VIEW bi.case_events AS
SELECT
    e.detected_at,
    e.kind,
    (CASE e.kind
        WHEN 'baseline' THEN '基线'
        WHEN 'filed' THEN '新立案'
        WHEN 'decided' THEN '裁决'
        WHEN 'result_changed' THEN '结果变更'
        WHEN 'execution_changed' THEN '执行情况变更'
        WHEN 'amounts_changed' THEN '金额变更'
        WHEN 'removed' THEN '移除'
        WHEN 'restored' THEN '重新出现'
    END)::text AS kind_name,
    (e.kind = 'baseline') AS is_baseline,
    e.credit_code,
    w.company_name,
    e.case_id,
    c.case_no,
    c.title,
    e.old_result,
    e.new_result,
    e.old_execution_status,
    e.new_execution_status,
    e.old_claim_amount,
    e.new_claim_amount,
    e.old_award_amount,
    e.new_award_amount,
    e.old_unexecuted_amount,
    e.new_unexecuted_amount,
    e.upstream_updated_at,
    e.sync_run_id
FROM arbsync.case_events e
LEFT JOIN arbsync.watchlist w ON w.credit_code = e.credit_code
LEFT JOIN arbsync.cases c ON c.credit_code = e.credit_code AND c.case_id = e.case_id
UNION ALL
SELECT
    c.first_seen_at, 'baseline', '基线', true, c.credit_code, w.company_name, c.case_id, c.case_no, c.title,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM arbsync.cases c
LEFT JOIN arbsync.watchlist w ON w.credit_code = c.credit_code
WHERE c.baseline;
COMMENT ON VIEW bi.case_events IS '案件事件：每次同步发现的案件变化，以及每家企业首次同步时已有案件的基线记录（is_baseline 标记；基线不是新发生的变化，统计新增事件时应排除；基线记录只有企业、案件与发现时间）';
COMMENT ON COLUMN bi.case_events.detected_at IS '发现时间（写入该变化的同步时间；基线记录为案件首次发现时间）';
COMMENT ON COLUMN bi.case_events.kind IS '事件类型：baseline、filed、decided、result_changed、execution_changed、amounts_changed、removed、restored';
COMMENT ON COLUMN bi.case_events.kind_name IS '事件类型（中文）：基线、新立案、裁决、结果变更、执行情况变更、金额变更、移除、重新出现';
COMMENT ON COLUMN bi.case_events.is_baseline IS '是否为基线记录（企业首次成功同步时已有的案件；不是新发生的变化，不告警）';
COMMENT ON COLUMN bi.case_events.credit_code IS '统一社会信用代码';
COMMENT ON COLUMN bi.case_events.company_name IS '企业名称（已移出名单时为空）';
COMMENT ON COLUMN bi.case_events.case_id IS '上游案件编号';
COMMENT ON COLUMN bi.case_events.case_no IS '案号（案件当前的案号）';
COMMENT ON COLUMN bi.case_events.title IS '案件标题（案件当前的标题）';
COMMENT ON COLUMN bi.case_events.old_result IS '变化前结果（decided、result_changed）';
COMMENT ON COLUMN bi.case_events.new_result IS '变化后结果（decided、result_changed；filed 为立案时结果）';
COMMENT ON COLUMN bi.case_events.old_execution_status IS '变化前执行情况（execution_changed）';
COMMENT ON COLUMN bi.case_events.new_execution_status IS '变化后执行情况（execution_changed；filed 为首次发现时的执行情况）';
COMMENT ON COLUMN bi.case_events.old_claim_amount IS '变化前请求金额（元，amounts_changed）';
COMMENT ON COLUMN bi.case_events.new_claim_amount IS '变化后请求金额（元，amounts_changed；filed 为首次发现时的金额）';
COMMENT ON COLUMN bi.case_events.old_award_amount IS '变化前裁决金额（元，amounts_changed）';
COMMENT ON COLUMN bi.case_events.new_award_amount IS '变化后裁决金额（元，amounts_changed；filed 为首次发现时的金额）';
COMMENT ON COLUMN bi.case_events.old_unexecuted_amount IS '变化前未执行金额（元，amounts_changed）';
COMMENT ON COLUMN bi.case_events.new_unexecuted_amount IS '变化后未执行金额（元，amounts_changed；filed 为首次发现时的金额）';
COMMENT ON COLUMN bi.case_events.upstream_updated_at IS '上游记录更新时间（变化后版本；移除事件与基线记录为空）';
COMMENT ON COLUMN bi.case_events.sync_run_id IS '同步批次编号（arbsync.sync_runs.id；基线记录为空）';

GRANT SELECT ON bi.case_events TO arbsync_bi, arbsync_admin;

-- +goose Down
DROP VIEW bi.case_events;
DROP TABLE arbsync.case_events;
ALTER TABLE arbsync.cases DROP COLUMN baseline;
