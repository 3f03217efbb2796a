-- +goose Up
-- The bi schema is the contract with BI tools: stable view names and columns.
-- Views run with their owner's rights, so arbsync_bi needs no table access.

CREATE VIEW bi.company_risk AS
SELECT
    w.credit_code,
    w.company_name,
    w.enabled,
    w.industry_code,
    ind.name                     AS industry_name,
    ind.level                    AS industry_level,
    ind.section_code,
    sec.name                     AS section_name,
    cs.score,
    cs.level,
    cs.warning_threshold,
    cs.urgent_threshold,
    cs.threshold_source,
    cs.recent_cases,
    cs.recent_claim_amount,
    cs.lose_rate,
    cs.unexecuted_cases,
    cs.count_deduction,
    cs.amount_deduction,
    cs.lose_rate_deduction,
    cs.unexecuted_deduction,
    cs.latest_case_title,
    cs.as_of                     AS score_as_of,
    cs.computed_at               AS scored_at,
    ss.status                    AS sync_status,
    ss.last_success_at           AS last_sync_at,
    now() - ss.last_success_at   AS data_age,
    (ss.last_success_at IS NULL OR ss.last_success_at < now() - 2 * w.refresh_interval) AS is_stale
FROM arbsync.watchlist w
JOIN arbsync.industries ind ON ind.code = w.industry_code
JOIN arbsync.industries sec ON sec.code = ind.section_code
LEFT JOIN arbsync.current_scores cs ON cs.credit_code = w.credit_code
LEFT JOIN arbsync.sync_state ss ON ss.credit_code = w.credit_code;
COMMENT ON VIEW bi.company_risk IS '企业风险总览：每家监控企业一行，含行业、当前评分与各项扣分、适用阈值、等级与数据新鲜度';
COMMENT ON COLUMN bi.company_risk.credit_code IS '统一社会信用代码';
COMMENT ON COLUMN bi.company_risk.company_name IS '企业名称';
COMMENT ON COLUMN bi.company_risk.enabled IS '是否启用同步';
COMMENT ON COLUMN bi.company_risk.industry_code IS '行业代码';
COMMENT ON COLUMN bi.company_risk.industry_name IS '行业名称';
COMMENT ON COLUMN bi.company_risk.industry_level IS '行业层级（section 门类 / division 大类）';
COMMENT ON COLUMN bi.company_risk.section_code IS '门类代码';
COMMENT ON COLUMN bi.company_risk.section_name IS '门类名称';
COMMENT ON COLUMN bi.company_risk.score IS '当前风险评分（0–100，越低越危险；未评分为空）';
COMMENT ON COLUMN bi.company_risk.level IS '风险等级：ok、warning、urgent';
COMMENT ON COLUMN bi.company_risk.warning_threshold IS '适用的预警阈值';
COMMENT ON COLUMN bi.company_risk.urgent_threshold IS '适用的紧急阈值';
COMMENT ON COLUMN bi.company_risk.threshold_source IS '阈值来源：fixed、section、division';
COMMENT ON COLUMN bi.company_risk.recent_cases IS '近一年仲裁案件数';
COMMENT ON COLUMN bi.company_risk.recent_claim_amount IS '近一年请求金额合计（元）';
COMMENT ON COLUMN bi.company_risk.lose_rate IS '败诉率';
COMMENT ON COLUMN bi.company_risk.unexecuted_cases IS '未执行或部分执行案件数';
COMMENT ON COLUMN bi.company_risk.count_deduction IS '次数扣分';
COMMENT ON COLUMN bi.company_risk.amount_deduction IS '金额扣分';
COMMENT ON COLUMN bi.company_risk.lose_rate_deduction IS '败诉率扣分';
COMMENT ON COLUMN bi.company_risk.unexecuted_deduction IS '执行情况扣分';
COMMENT ON COLUMN bi.company_risk.latest_case_title IS '最新案件标题';
COMMENT ON COLUMN bi.company_risk.score_as_of IS '评分基准日';
COMMENT ON COLUMN bi.company_risk.scored_at IS '评分计算时间';
COMMENT ON COLUMN bi.company_risk.sync_status IS '同步状态';
COMMENT ON COLUMN bi.company_risk.last_sync_at IS '最近成功同步时间';
COMMENT ON COLUMN bi.company_risk.data_age IS '数据时长（距最近成功同步）';
COMMENT ON COLUMN bi.company_risk.is_stale IS '数据是否过期（超过两个刷新间隔未成功同步）';

CREATE VIEW bi.cases AS
SELECT
    c.credit_code,
    w.company_name,
    c.case_id,
    c.case_no,
    c.title,
    c.cause,
    c.role,
    c.claim_amount,
    c.award_amount,
    c.result,
    c.filing_date,
    c.closing_date,
    c.execution_status,
    c.unexecuted_amount,
    c.committee,
    c.upstream_updated_at,
    c.first_seen_at,
    c.removed_at,
    (c.removed_at IS NOT NULL) AS is_removed
FROM arbsync.cases c
LEFT JOIN arbsync.watchlist w ON w.credit_code = c.credit_code;
COMMENT ON VIEW bi.cases IS '劳动仲裁案件明细（含已移除案件，is_removed 标记）';
COMMENT ON COLUMN bi.cases.credit_code IS '统一社会信用代码';
COMMENT ON COLUMN bi.cases.company_name IS '企业名称（已移出名单时为空）';
COMMENT ON COLUMN bi.cases.case_id IS '上游案件编号';
COMMENT ON COLUMN bi.cases.case_no IS '案号';
COMMENT ON COLUMN bi.cases.title IS '案件标题';
COMMENT ON COLUMN bi.cases.cause IS '案由';
COMMENT ON COLUMN bi.cases.role IS '企业诉讼地位';
COMMENT ON COLUMN bi.cases.claim_amount IS '请求金额（元）';
COMMENT ON COLUMN bi.cases.award_amount IS '裁决金额（元）';
COMMENT ON COLUMN bi.cases.result IS '结果（企业角度）';
COMMENT ON COLUMN bi.cases.filing_date IS '立案日期';
COMMENT ON COLUMN bi.cases.closing_date IS '结案日期';
COMMENT ON COLUMN bi.cases.execution_status IS '执行情况';
COMMENT ON COLUMN bi.cases.unexecuted_amount IS '未执行金额（元）';
COMMENT ON COLUMN bi.cases.committee IS '仲裁委员会';
COMMENT ON COLUMN bi.cases.upstream_updated_at IS '上游更新时间';
COMMENT ON COLUMN bi.cases.first_seen_at IS '首次获取时间';
COMMENT ON COLUMN bi.cases.removed_at IS '移除时间';
COMMENT ON COLUMN bi.cases.is_removed IS '是否已被上游移除';

CREATE VIEW bi.score_history AS
SELECT
    s.id AS score_id,
    s.credit_code,
    w.company_name,
    s.as_of,
    s.rule_version,
    s.score,
    s.level,
    s.recent_cases,
    s.recent_claim_amount,
    s.decided_cases,
    s.lose_cases,
    s.partial_cases,
    s.lose_rate,
    s.unexecuted_cases,
    s.count_deduction,
    s.amount_deduction,
    s.lose_rate_deduction,
    s.unexecuted_deduction,
    s.warning_threshold,
    s.urgent_threshold,
    s.latest_case_title,
    s.computed_at
FROM arbsync.scores s
LEFT JOIN arbsync.watchlist w ON w.credit_code = s.credit_code;
COMMENT ON VIEW bi.score_history IS '评分历史：每次评分变化一行';
COMMENT ON COLUMN bi.score_history.score_id IS '评分记录编号';
COMMENT ON COLUMN bi.score_history.credit_code IS '统一社会信用代码';
COMMENT ON COLUMN bi.score_history.company_name IS '企业名称';
COMMENT ON COLUMN bi.score_history.as_of IS '评分基准日';
COMMENT ON COLUMN bi.score_history.rule_version IS '评分规则版本';
COMMENT ON COLUMN bi.score_history.score IS '风险评分';
COMMENT ON COLUMN bi.score_history.level IS '风险等级';
COMMENT ON COLUMN bi.score_history.recent_cases IS '近一年案件数';
COMMENT ON COLUMN bi.score_history.recent_claim_amount IS '近一年请求金额合计（元）';
COMMENT ON COLUMN bi.score_history.decided_cases IS '近一年有结果案件数';
COMMENT ON COLUMN bi.score_history.lose_cases IS '近一年败诉案件数';
COMMENT ON COLUMN bi.score_history.partial_cases IS '近一年部分败诉案件数';
COMMENT ON COLUMN bi.score_history.lose_rate IS '败诉率';
COMMENT ON COLUMN bi.score_history.unexecuted_cases IS '未执行或部分执行案件数';
COMMENT ON COLUMN bi.score_history.count_deduction IS '次数扣分';
COMMENT ON COLUMN bi.score_history.amount_deduction IS '金额扣分';
COMMENT ON COLUMN bi.score_history.lose_rate_deduction IS '败诉率扣分';
COMMENT ON COLUMN bi.score_history.unexecuted_deduction IS '执行情况扣分';
COMMENT ON COLUMN bi.score_history.warning_threshold IS '当时的预警阈值';
COMMENT ON COLUMN bi.score_history.urgent_threshold IS '当时的紧急阈值';
COMMENT ON COLUMN bi.score_history.latest_case_title IS '最新案件标题';
COMMENT ON COLUMN bi.score_history.computed_at IS '计算时间';

CREATE VIEW bi.industry_thresholds AS
SELECT
    t.week,
    t.industry_code,
    i.name AS industry_name,
    t.industry_level,
    i.section_code,
    t.severity,
    t.n,
    t.q,
    t.raw,
    t.shrunk,
    t.final,
    t.previous,
    t.final - t.previous AS change,
    t.bound_applied,
    t.p10,
    t.p25,
    t.p50,
    t.p75,
    t.p90,
    t.mean,
    t.flagged_fixed,
    t.flagged_dynamic,
    t.method_version,
    t.computed_at
FROM arbsync.industry_thresholds t
JOIN arbsync.industries i ON i.code = t.industry_code;
COMMENT ON VIEW bi.industry_thresholds IS '行业动态阈值：每周每个行业每个严重度一行';
COMMENT ON COLUMN bi.industry_thresholds.week IS 'ISO 周一日期';
COMMENT ON COLUMN bi.industry_thresholds.industry_code IS '行业代码';
COMMENT ON COLUMN bi.industry_thresholds.industry_name IS '行业名称';
COMMENT ON COLUMN bi.industry_thresholds.industry_level IS '行业层级';
COMMENT ON COLUMN bi.industry_thresholds.section_code IS '门类代码';
COMMENT ON COLUMN bi.industry_thresholds.severity IS '严重度';
COMMENT ON COLUMN bi.industry_thresholds.n IS '企业数';
COMMENT ON COLUMN bi.industry_thresholds.q IS '分位点（告警预算）';
COMMENT ON COLUMN bi.industry_thresholds.raw IS '原始阈值';
COMMENT ON COLUMN bi.industry_thresholds.shrunk IS '收缩后阈值';
COMMENT ON COLUMN bi.industry_thresholds.final IS '最终阈值';
COMMENT ON COLUMN bi.industry_thresholds.previous IS '上周阈值';
COMMENT ON COLUMN bi.industry_thresholds.change IS '较上周变化';
COMMENT ON COLUMN bi.industry_thresholds.bound_applied IS '生效的约束';
COMMENT ON COLUMN bi.industry_thresholds.p10 IS '第 10 百分位';
COMMENT ON COLUMN bi.industry_thresholds.p25 IS '第 25 百分位';
COMMENT ON COLUMN bi.industry_thresholds.p50 IS '中位数';
COMMENT ON COLUMN bi.industry_thresholds.p75 IS '第 75 百分位';
COMMENT ON COLUMN bi.industry_thresholds.p90 IS '第 90 百分位';
COMMENT ON COLUMN bi.industry_thresholds.mean IS '平均分';
COMMENT ON COLUMN bi.industry_thresholds.flagged_fixed IS '固定阈值标记数';
COMMENT ON COLUMN bi.industry_thresholds.flagged_dynamic IS '动态阈值标记数';
COMMENT ON COLUMN bi.industry_thresholds.method_version IS '方法版本';
COMMENT ON COLUMN bi.industry_thresholds.computed_at IS '计算时间';

CREATE VIEW bi.sync_health AS
SELECT
    w.credit_code,
    w.company_name,
    w.enabled,
    w.refresh_interval,
    ss.status,
    ss.next_sync_at,
    ss.last_attempt_at,
    ss.last_success_at,
    ss.consecutive_failures,
    ss.last_error_code,
    ss.last_error,
    (ss.lease_until IS NOT NULL AND ss.lease_until > now()) AS in_progress
FROM arbsync.watchlist w
LEFT JOIN arbsync.sync_state ss ON ss.credit_code = w.credit_code;
COMMENT ON VIEW bi.sync_health IS '同步健康：每家监控企业的同步状态、下次同步时间与最近错误';
COMMENT ON COLUMN bi.sync_health.credit_code IS '统一社会信用代码';
COMMENT ON COLUMN bi.sync_health.company_name IS '企业名称';
COMMENT ON COLUMN bi.sync_health.enabled IS '是否启用';
COMMENT ON COLUMN bi.sync_health.refresh_interval IS '刷新间隔';
COMMENT ON COLUMN bi.sync_health.status IS '同步状态';
COMMENT ON COLUMN bi.sync_health.next_sync_at IS '下次同步时间';
COMMENT ON COLUMN bi.sync_health.last_attempt_at IS '最近尝试时间';
COMMENT ON COLUMN bi.sync_health.last_success_at IS '最近成功时间';
COMMENT ON COLUMN bi.sync_health.consecutive_failures IS '连续失败次数';
COMMENT ON COLUMN bi.sync_health.last_error_code IS '最近错误类型';
COMMENT ON COLUMN bi.sync_health.last_error IS '最近错误信息';
COMMENT ON COLUMN bi.sync_health.in_progress IS '是否正在同步（持有有效租约）';

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
COMMENT ON COLUMN bi.alerts.alert_id IS '告警编号';
COMMENT ON COLUMN bi.alerts.credit_code IS '统一社会信用代码';
COMMENT ON COLUMN bi.alerts.company_name IS '企业名称';
COMMENT ON COLUMN bi.alerts.level IS '告警等级';
COMMENT ON COLUMN bi.alerts.previous_level IS '此前等级';
COMMENT ON COLUMN bi.alerts.score IS '风险评分';
COMMENT ON COLUMN bi.alerts.threshold IS '被突破的阈值';
COMMENT ON COLUMN bi.alerts.created_at IS '产生时间';
COMMENT ON COLUMN bi.alerts.dedup_key IS '去重键';
COMMENT ON COLUMN bi.alerts.channels_sent IS '已送达渠道数';
COMMENT ON COLUMN bi.alerts.channels_pending IS '待发送渠道数';
COMMENT ON COLUMN bi.alerts.channels_failed IS '永久失败渠道数';

GRANT SELECT ON ALL TABLES IN SCHEMA bi TO arbsync_bi;
GRANT SELECT ON ALL TABLES IN SCHEMA bi TO arbsync_admin;

-- +goose Down
DROP VIEW bi.alerts;
DROP VIEW bi.sync_health;
DROP VIEW bi.industry_thresholds;
DROP VIEW bi.score_history;
DROP VIEW bi.cases;
DROP VIEW bi.company_risk;
