-- +goose Up
-- Scoring rule 2 (ARCHITECTURE.md "Scoring"): a score of rule 2 also stores
-- its four indicator scores (NULL under rule 1, which has none) and how many
-- cases it left out because the company did not answer them; the four
-- deduction columns keep their names and hold, under rule 2, the points each
-- weighted indicator takes off. A week's thresholds record the rule of the
-- scores they were computed from, so that a change of rule is seen: the
-- thresholds of one rule's distribution mean nothing for another's.
ALTER TABLE arbsync.scores
    ADD COLUMN count_score     numeric(5, 2) CHECK (count_score BETWEEN 0 AND 100),
    ADD COLUMN amount_score    numeric(5, 2) CHECK (amount_score BETWEEN 0 AND 100),
    ADD COLUMN lose_rate_score numeric(5, 2) CHECK (lose_rate_score BETWEEN 0 AND 100),
    ADD COLUMN execution_score numeric(5, 2) CHECK (execution_score BETWEEN 0 AND 100),
    ADD COLUMN excluded_cases  integer NOT NULL DEFAULT 0;
ALTER TABLE arbsync.current_scores
    ADD COLUMN count_score     numeric(5, 2),
    ADD COLUMN amount_score    numeric(5, 2),
    ADD COLUMN lose_rate_score numeric(5, 2),
    ADD COLUMN execution_score numeric(5, 2),
    ADD COLUMN excluded_cases  integer NOT NULL DEFAULT 0;
ALTER TABLE arbsync.industry_thresholds ADD COLUMN rule_version integer NOT NULL DEFAULT 1;
-- Every week stored so far was computed from rule 1's scores (the only
-- rule there was); from now on the weekly job names the rule.
ALTER TABLE arbsync.industry_thresholds ALTER COLUMN rule_version DROP DEFAULT;

COMMENT ON COLUMN arbsync.scores.rule_version IS '评分规则版本：1 为种子代码草图（各项直接从 100 分中扣减），2 为种子表格（四项指标各自计分后按 40/30/20/10% 加权，默认）';
COMMENT ON COLUMN arbsync.scores.count_deduction IS '次数扣分：规则 1 为每件近一年案件 20 分；规则 2 为次数指标扣去的加权分 0.4 ×（100 − 次数得分）';
COMMENT ON COLUMN arbsync.scores.amount_deduction IS '金额扣分：规则 1 为每万元 5 分、上限 150 分；规则 2 为 0.3 ×（100 − 金额得分）';
COMMENT ON COLUMN arbsync.scores.lose_rate_deduction IS '败诉率扣分：规则 1 为 150 × 败诉率（每 10% 扣 15 分）；规则 2 为 0.2 ×（100 − 败诉率得分）';
COMMENT ON COLUMN arbsync.scores.unexecuted_deduction IS '执行情况扣分：规则 1 为每件未执行 25 分；规则 2 为 0.1 ×（100 − 执行得分）';
COMMENT ON COLUMN arbsync.scores.count_score IS '次数得分（规则 2）：max(0, 100 − 20 × 近一年案件数)，权重 40%；规则 1 为空';
COMMENT ON COLUMN arbsync.scores.amount_score IS '金额得分（规则 2）：max(0, 100 − 5 × 近一年请求金额 / 1 万元)，权重 30%；规则 1 为空';
COMMENT ON COLUMN arbsync.scores.lose_rate_score IS '败诉率得分（规则 2）：max(0, 100 − 150 × 败诉率)，权重 20%；规则 1 为空';
COMMENT ON COLUMN arbsync.scores.execution_score IS '执行得分（规则 2）：max(0, 100 − 25 × 未执行案件数)，权重 10%；规则 1 为空';
COMMENT ON COLUMN arbsync.scores.excluded_cases IS '未计分案件数：规则 2 只计企业为被申请人（或未标注身份）的案件，企业作为申请人或第三人的案件不计分；规则 1 为 0';
COMMENT ON COLUMN arbsync.current_scores.rule_version IS '评分规则版本：1 为种子代码草图（各项直接从 100 分中扣减），2 为种子表格（四项指标各自计分后按 40/30/20/10% 加权，默认）';
COMMENT ON COLUMN arbsync.current_scores.count_deduction IS '次数扣分：规则 1 为每件近一年案件 20 分；规则 2 为次数指标扣去的加权分 0.4 ×（100 − 次数得分）';
COMMENT ON COLUMN arbsync.current_scores.amount_deduction IS '金额扣分：规则 1 为每万元 5 分、上限 150 分；规则 2 为 0.3 ×（100 − 金额得分）';
COMMENT ON COLUMN arbsync.current_scores.lose_rate_deduction IS '败诉率扣分：规则 1 为 150 × 败诉率（每 10% 扣 15 分）；规则 2 为 0.2 ×（100 − 败诉率得分）';
COMMENT ON COLUMN arbsync.current_scores.unexecuted_deduction IS '执行情况扣分：规则 1 为每件未执行 25 分；规则 2 为 0.1 ×（100 − 执行得分）';
COMMENT ON COLUMN arbsync.current_scores.count_score IS '次数得分（规则 2）：max(0, 100 − 20 × 近一年案件数)，权重 40%；规则 1 为空';
COMMENT ON COLUMN arbsync.current_scores.amount_score IS '金额得分（规则 2）：max(0, 100 − 5 × 近一年请求金额 / 1 万元)，权重 30%；规则 1 为空';
COMMENT ON COLUMN arbsync.current_scores.lose_rate_score IS '败诉率得分（规则 2）：max(0, 100 − 150 × 败诉率)，权重 20%；规则 1 为空';
COMMENT ON COLUMN arbsync.current_scores.execution_score IS '执行得分（规则 2）：max(0, 100 − 25 × 未执行案件数)，权重 10%；规则 1 为空';
COMMENT ON COLUMN arbsync.current_scores.excluded_cases IS '未计分案件数：规则 2 只计企业为被申请人（或未标注身份）的案件，企业作为申请人或第三人的案件不计分；规则 1 为 0';
COMMENT ON TABLE arbsync.scores IS '评分历史：每家企业每次评分或其组成变化一行（含规则版本、每项指标得分与扣分、评分日期）；规则 2 下各项计数只含企业为被申请人（或未标注身份）的案件';
COMMENT ON TABLE arbsync.current_scores IS '当前评分：每家企业一行，为评分历史中最新的一条；等级按 applied_thresholds 中的当前适用阈值，随每周阈值更新；规则 2 下各项计数只含企业为被申请人（或未标注身份）的案件';
COMMENT ON COLUMN arbsync.industry_thresholds.rule_version IS '计算本阈值所用评分的规则版本（只用该规则的当前评分；换规则后上周阈值不作为本周的参照）';

-- The bi views gain the new columns at their end (CREATE OR REPLACE VIEW
-- can only append).
CREATE OR REPLACE VIEW bi.company_risk AS
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
    th.warning_threshold,
    th.urgent_threshold,
    th.threshold_source,
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
    (ss.last_success_at IS NULL OR ss.last_success_at < now() - 2 * w.refresh_interval) AS is_stale,
    cs.rule_version,
    cs.count_score,
    cs.amount_score,
    cs.lose_rate_score,
    cs.execution_score,
    cs.excluded_cases
FROM arbsync.watchlist w
JOIN arbsync.industries ind ON ind.code = w.industry_code
JOIN arbsync.industries sec ON sec.code = ind.section_code
LEFT JOIN arbsync.applied_thresholds th ON th.industry_code = w.industry_code
LEFT JOIN arbsync.current_scores cs ON cs.credit_code = w.credit_code
LEFT JOIN arbsync.sync_state ss ON ss.credit_code = w.credit_code;
COMMENT ON COLUMN bi.company_risk.rule_version IS '评分规则版本（1 或 2）';
COMMENT ON COLUMN bi.company_risk.count_deduction IS '次数扣分：规则 1 为每件近一年案件 20 分；规则 2 为次数指标扣去的加权分 0.4 ×（100 − 次数得分）';
COMMENT ON COLUMN bi.company_risk.amount_deduction IS '金额扣分：规则 1 为每万元 5 分、上限 150 分；规则 2 为 0.3 ×（100 − 金额得分）';
COMMENT ON COLUMN bi.company_risk.lose_rate_deduction IS '败诉率扣分：规则 1 为 150 × 败诉率（每 10% 扣 15 分）；规则 2 为 0.2 ×（100 − 败诉率得分）';
COMMENT ON COLUMN bi.company_risk.unexecuted_deduction IS '执行情况扣分：规则 1 为每件未执行 25 分；规则 2 为 0.1 ×（100 − 执行得分）';
COMMENT ON COLUMN bi.company_risk.count_score IS '次数得分（规则 2）：max(0, 100 − 20 × 近一年案件数)，权重 40%；规则 1 为空';
COMMENT ON COLUMN bi.company_risk.amount_score IS '金额得分（规则 2）：max(0, 100 − 5 × 近一年请求金额 / 1 万元)，权重 30%；规则 1 为空';
COMMENT ON COLUMN bi.company_risk.lose_rate_score IS '败诉率得分（规则 2）：max(0, 100 − 150 × 败诉率)，权重 20%；规则 1 为空';
COMMENT ON COLUMN bi.company_risk.execution_score IS '执行得分（规则 2）：max(0, 100 − 25 × 未执行案件数)，权重 10%；规则 1 为空';
COMMENT ON COLUMN bi.company_risk.excluded_cases IS '未计分案件数：规则 2 只计企业为被申请人（或未标注身份）的案件，企业作为申请人或第三人的案件不计分；规则 1 为 0';

CREATE OR REPLACE VIEW bi.score_history AS
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
    s.computed_at,
    s.count_score,
    s.amount_score,
    s.lose_rate_score,
    s.execution_score,
    s.excluded_cases
FROM arbsync.scores s
LEFT JOIN arbsync.watchlist w ON w.credit_code = s.credit_code;
COMMENT ON COLUMN bi.score_history.rule_version IS '评分规则版本：1 为种子代码草图（各项直接从 100 分中扣减），2 为种子表格（四项指标各自计分后按 40/30/20/10% 加权，默认）';
COMMENT ON COLUMN bi.score_history.count_deduction IS '次数扣分：规则 1 为每件近一年案件 20 分；规则 2 为次数指标扣去的加权分 0.4 ×（100 − 次数得分）';
COMMENT ON COLUMN bi.score_history.amount_deduction IS '金额扣分：规则 1 为每万元 5 分、上限 150 分；规则 2 为 0.3 ×（100 − 金额得分）';
COMMENT ON COLUMN bi.score_history.lose_rate_deduction IS '败诉率扣分：规则 1 为 150 × 败诉率（每 10% 扣 15 分）；规则 2 为 0.2 ×（100 − 败诉率得分）';
COMMENT ON COLUMN bi.score_history.unexecuted_deduction IS '执行情况扣分：规则 1 为每件未执行 25 分；规则 2 为 0.1 ×（100 − 执行得分）';
COMMENT ON COLUMN bi.score_history.count_score IS '次数得分（规则 2）：max(0, 100 − 20 × 近一年案件数)，权重 40%；规则 1 为空';
COMMENT ON COLUMN bi.score_history.amount_score IS '金额得分（规则 2）：max(0, 100 − 5 × 近一年请求金额 / 1 万元)，权重 30%；规则 1 为空';
COMMENT ON COLUMN bi.score_history.lose_rate_score IS '败诉率得分（规则 2）：max(0, 100 − 150 × 败诉率)，权重 20%；规则 1 为空';
COMMENT ON COLUMN bi.score_history.execution_score IS '执行得分（规则 2）：max(0, 100 − 25 × 未执行案件数)，权重 10%；规则 1 为空';
COMMENT ON COLUMN bi.score_history.excluded_cases IS '未计分案件数：规则 2 只计企业为被申请人（或未标注身份）的案件，企业作为申请人或第三人的案件不计分；规则 1 为 0';

CREATE OR REPLACE VIEW bi.industry_thresholds AS
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
    t.computed_at,
    t.rule_version
FROM arbsync.industry_thresholds t
JOIN arbsync.industries i ON i.code = t.industry_code;
COMMENT ON COLUMN bi.industry_thresholds.rule_version IS '计算本阈值所用评分的规则版本';

-- +goose Down
-- The views lose columns: they are dropped and created as they were, with
-- their comments and grants.
DROP VIEW bi.industry_thresholds;
DROP VIEW bi.score_history;
DROP VIEW bi.company_risk;

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
    th.warning_threshold,
    th.urgent_threshold,
    th.threshold_source,
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
LEFT JOIN arbsync.applied_thresholds th ON th.industry_code = w.industry_code
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

GRANT SELECT ON bi.company_risk, bi.score_history, bi.industry_thresholds TO arbsync_bi, arbsync_admin;

COMMENT ON COLUMN arbsync.scores.rule_version IS '评分规则版本';
COMMENT ON COLUMN arbsync.scores.count_deduction IS '次数扣分（每件 20 分）';
COMMENT ON COLUMN arbsync.scores.amount_deduction IS '金额扣分（每万元 5 分，上限 150）';
COMMENT ON COLUMN arbsync.scores.lose_rate_deduction IS '败诉率扣分（每 10% 扣 15 分）';
COMMENT ON COLUMN arbsync.scores.unexecuted_deduction IS '执行情况扣分（每件 25 分）';
COMMENT ON COLUMN arbsync.current_scores.rule_version IS '评分规则版本';
COMMENT ON COLUMN arbsync.current_scores.count_deduction IS '次数扣分';
COMMENT ON COLUMN arbsync.current_scores.amount_deduction IS '金额扣分';
COMMENT ON COLUMN arbsync.current_scores.lose_rate_deduction IS '败诉率扣分';
COMMENT ON COLUMN arbsync.current_scores.unexecuted_deduction IS '执行情况扣分';
COMMENT ON TABLE arbsync.scores IS '评分历史：每家企业每次评分或其组成变化一行（含每项扣分、规则版本与评分日期）';
COMMENT ON TABLE arbsync.current_scores IS '当前评分：每家企业一行，为评分历史中最新的一条；等级按 applied_thresholds 中的当前适用阈值，随每周阈值更新';
ALTER TABLE arbsync.industry_thresholds DROP COLUMN rule_version;
ALTER TABLE arbsync.scores
    DROP COLUMN count_score,
    DROP COLUMN amount_score,
    DROP COLUMN lose_rate_score,
    DROP COLUMN execution_score,
    DROP COLUMN excluded_cases;
ALTER TABLE arbsync.current_scores
    DROP COLUMN count_score,
    DROP COLUMN amount_score,
    DROP COLUMN lose_rate_score,
    DROP COLUMN execution_score,
    DROP COLUMN excluded_cases;
