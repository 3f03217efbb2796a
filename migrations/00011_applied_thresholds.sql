-- +goose Up
-- The thresholds in force are a fact about an industry, not about each
-- company: one row per industry (117), written when the weekly job applies
-- a week. Storing them on every current score made each weekly run rewrite
-- every company's row (measured: 10.9 s and 774 MB of WAL for 1,000,000
-- companies); now a weekly run rewrites only the companies whose level
-- changes. bi.company_risk keeps its columns, now joined from here.
CREATE TABLE arbsync.applied_thresholds (
    industry_code     text PRIMARY KEY REFERENCES arbsync.industries (code) ON DELETE CASCADE,
    warning_threshold numeric(5, 2) NOT NULL,
    urgent_threshold  numeric(5, 2) NOT NULL,
    threshold_source  text NOT NULL CHECK (threshold_source IN ('fixed', 'section', 'division')),
    week              date,
    applied_at        timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE arbsync.applied_thresholds IS '当前适用阈值：每个行业一行（大类取本大类动态阈值，否则门类，否则固定阈值），由每周阈值任务写入；评分与 BI 均以此为准';
COMMENT ON COLUMN arbsync.applied_thresholds.industry_code IS '行业代码（门类或大类）';
COMMENT ON COLUMN arbsync.applied_thresholds.warning_threshold IS '适用的预警阈值';
COMMENT ON COLUMN arbsync.applied_thresholds.urgent_threshold IS '适用的紧急阈值';
COMMENT ON COLUMN arbsync.applied_thresholds.threshold_source IS '预警阈值来源：fixed 固定、section 门类动态、division 大类动态';
COMMENT ON COLUMN arbsync.applied_thresholds.week IS '阈值所属的周（周一）；从未应用过动态阈值时为空';
COMMENT ON COLUMN arbsync.applied_thresholds.applied_at IS '应用时间';

-- Until the weekly job first applies a week (the daemon does at its first
-- start), every industry has the seed's fixed thresholds, or the newest
-- stored week's where one exists.
WITH latest AS (
    SELECT industry_code, severity, final
    FROM arbsync.industry_thresholds
    WHERE week = (SELECT max(week) FROM arbsync.industry_thresholds)
)
INSERT INTO arbsync.applied_thresholds (industry_code, warning_threshold, urgent_threshold, threshold_source, week)
SELECT i.code,
       coalesce(dw.final, sw.final, 60),
       coalesce(du.final, su.final, 40),
       CASE WHEN dw.final IS NOT NULL THEN 'division' WHEN sw.final IS NOT NULL THEN 'section' ELSE 'fixed' END,
       (SELECT max(week) FROM arbsync.industry_thresholds)
FROM arbsync.industries i
LEFT JOIN latest dw ON i.level = 'division' AND dw.industry_code = i.code AND dw.severity = 'warning'
LEFT JOIN latest du ON i.level = 'division' AND du.industry_code = i.code AND du.severity = 'urgent'
LEFT JOIN latest sw ON sw.industry_code = i.section_code AND sw.severity = 'warning'
LEFT JOIN latest su ON su.industry_code = i.section_code AND su.severity = 'urgent';

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
    (ss.last_success_at IS NULL OR ss.last_success_at < now() - 2 * w.refresh_interval) AS is_stale
FROM arbsync.watchlist w
JOIN arbsync.industries ind ON ind.code = w.industry_code
JOIN arbsync.industries sec ON sec.code = ind.section_code
LEFT JOIN arbsync.applied_thresholds th ON th.industry_code = w.industry_code
LEFT JOIN arbsync.current_scores cs ON cs.credit_code = w.credit_code
LEFT JOIN arbsync.sync_state ss ON ss.credit_code = w.credit_code;

ALTER TABLE arbsync.current_scores
    DROP COLUMN warning_threshold,
    DROP COLUMN urgent_threshold,
    DROP COLUMN threshold_source;
COMMENT ON TABLE arbsync.current_scores IS '当前评分：每家企业一行，为评分历史中最新的一条；等级按 applied_thresholds 中的当前适用阈值，随每周阈值更新';

-- +goose Down
ALTER TABLE arbsync.current_scores
    ADD COLUMN warning_threshold numeric(5, 2),
    ADD COLUMN urgent_threshold numeric(5, 2),
    ADD COLUMN threshold_source text NOT NULL DEFAULT 'fixed' CHECK (threshold_source IN ('fixed', 'section', 'division'));
UPDATE arbsync.current_scores c
SET warning_threshold = th.warning_threshold, urgent_threshold = th.urgent_threshold, threshold_source = th.threshold_source
FROM arbsync.watchlist w
JOIN arbsync.applied_thresholds th ON th.industry_code = w.industry_code
WHERE w.credit_code = c.credit_code;
UPDATE arbsync.current_scores SET warning_threshold = 60, urgent_threshold = 40 WHERE warning_threshold IS NULL;
ALTER TABLE arbsync.current_scores
    ALTER COLUMN warning_threshold SET NOT NULL,
    ALTER COLUMN urgent_threshold SET NOT NULL;
COMMENT ON COLUMN arbsync.current_scores.warning_threshold IS '适用的预警阈值';
COMMENT ON COLUMN arbsync.current_scores.urgent_threshold IS '适用的紧急阈值';
COMMENT ON COLUMN arbsync.current_scores.threshold_source IS '阈值来源：fixed 固定、section 门类动态、division 大类动态';
COMMENT ON TABLE arbsync.current_scores IS '当前评分：每家企业一行，为评分历史中最新的一条，阈值与等级随每周阈值更新';

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

DROP TABLE arbsync.applied_thresholds;
