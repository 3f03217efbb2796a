-- +goose Up
-- Backtest runs (`arbsync thresholds backtest`): every run is kept, with
-- one result row per rule, method, severity, outcome and section, so that
-- the weekly report can quote the latest run and BI can compare runs.
CREATE TABLE arbsync.backtest_runs (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    computed_at      timestamptz NOT NULL DEFAULT now(),
    from_week        date NOT NULL CHECK (extract(isodow FROM from_week) = 1),
    to_week          date NOT NULL CHECK (extract(isodow FROM to_week) = 1 AND to_week >= from_week),
    horizon_days     integer NOT NULL CHECK (horizon_days > 0),
    weeks            integer NOT NULL CHECK (weeks > 0),
    skipped_weeks    integer NOT NULL DEFAULT 0 CHECK (skipped_weeks >= 0),
    companies        integer NOT NULL CHECK (companies >= 0),
    observations     bigint NOT NULL CHECK (observations >= 0),
    rules            integer[] NOT NULL,
    backtest_version integer NOT NULL,
    method_version   integer NOT NULL,
    look_ahead       text NOT NULL
);
COMMENT ON TABLE arbsync.backtest_runs IS '回测批次：每次运行 arbsync thresholds backtest 一行，记录回测的周、观察期、企业数与方法版本';
COMMENT ON COLUMN arbsync.backtest_runs.id IS '回测编号';
COMMENT ON COLUMN arbsync.backtest_runs.computed_at IS '计算时间';
COMMENT ON COLUMN arbsync.backtest_runs.from_week IS '第一周（周一）';
COMMENT ON COLUMN arbsync.backtest_runs.to_week IS '最后一周（周一）';
COMMENT ON COLUMN arbsync.backtest_runs.horizon_days IS '观察期天数：每周之后多少天内的新案件计入结果';
COMMENT ON COLUMN arbsync.backtest_runs.weeks IS '回测的周数';
COMMENT ON COLUMN arbsync.backtest_runs.skipped_weeks IS '因观察期尚未结束而略过的周数';
COMMENT ON COLUMN arbsync.backtest_runs.companies IS '企业数（启用且同步成功过的监控企业）';
COMMENT ON COLUMN arbsync.backtest_runs.observations IS '观测数：企业 × 周';
COMMENT ON COLUMN arbsync.backtest_runs.rules IS '比较的评分规则版本';
COMMENT ON COLUMN arbsync.backtest_runs.backtest_version IS '回测方法版本（结果指标、等告警量比较、置信区间）';
COMMENT ON COLUMN arbsync.backtest_runs.method_version IS '动态阈值方法版本';
COMMENT ON COLUMN arbsync.backtest_runs.look_ahead IS '仍存在的前视偏差说明';

CREATE TABLE arbsync.backtest_results (
    run_id         bigint NOT NULL REFERENCES arbsync.backtest_runs (id) ON DELETE CASCADE,
    rule_version   integer NOT NULL,
    method         text NOT NULL CHECK (method IN ('fixed', 'dynamic')),
    severity       text NOT NULL CHECK (severity IN ('warning', 'urgent')),
    outcome        text NOT NULL CHECK (outcome IN ('any', 'serious')),
    section_code   text NOT NULL,
    companies      integer NOT NULL,
    observations   bigint NOT NULL,
    positives      bigint NOT NULL,
    volume         bigint NOT NULL,
    flagged        double precision NOT NULL,
    hits           double precision NOT NULL,
    base_rate      double precision,
    precision      double precision,
    precision_low  double precision,
    precision_high double precision,
    recall         double precision,
    recall_low     double precision,
    recall_high    double precision,
    lift           double precision,
    lift_low       double precision,
    lift_high      double precision,
    auc            double precision,
    auc_low        double precision,
    auc_high       double precision,
    precision_diff      double precision,
    precision_diff_low  double precision,
    precision_diff_high double precision,
    auc_diff            double precision,
    auc_diff_low        double precision,
    auc_diff_high       double precision,
    PRIMARY KEY (run_id, rule_version, method, severity, outcome, section_code)
);
COMMENT ON TABLE arbsync.backtest_results IS '回测结果：每次回测按评分规则、阈值方法、告警级别、结果指标与门类各一行（门类为空表示全部企业）';
COMMENT ON COLUMN arbsync.backtest_results.run_id IS '回测编号';
COMMENT ON COLUMN arbsync.backtest_results.rule_version IS '评分规则版本';
COMMENT ON COLUMN arbsync.backtest_results.method IS '阈值方法：fixed 固定（全局截断，告警量与规则 1 固定阈值相同）、dynamic 动态（每周行业阈值，预算相同）';
COMMENT ON COLUMN arbsync.backtest_results.severity IS '告警级别：warning 预警（含紧急）、urgent 紧急';
COMMENT ON COLUMN arbsync.backtest_results.outcome IS '结果指标：any 观察期内有新的被申请人案件；serious 观察期内立案的被申请人案件败诉或部分败诉、未执行或部分执行，或新案件不少于 3 件';
COMMENT ON COLUMN arbsync.backtest_results.section_code IS '门类代码；空字符串表示全部企业';
COMMENT ON COLUMN arbsync.backtest_results.companies IS '企业数';
COMMENT ON COLUMN arbsync.backtest_results.observations IS '观测数（企业 × 周；同一企业各周高度相关）';
COMMENT ON COLUMN arbsync.backtest_results.positives IS '结果为真的观测数';
COMMENT ON COLUMN arbsync.backtest_results.volume IS '基准告警量 k：规则 1 固定阈值在这些观测中的告警数';
COMMENT ON COLUMN arbsync.backtest_results.flagged IS '本方法的告警数（固定方法在截断处的并列按比例计，可为小数）';
COMMENT ON COLUMN arbsync.backtest_results.hits IS '告警且结果为真的观测数';
COMMENT ON COLUMN arbsync.backtest_results.base_rate IS '基准率：结果为真的观测占比';
COMMENT ON COLUMN arbsync.backtest_results.precision IS '精确率：命中 / 告警';
COMMENT ON COLUMN arbsync.backtest_results.precision_low IS '精确率 95% 置信区间下限（按企业聚类的 Wilson 区间）';
COMMENT ON COLUMN arbsync.backtest_results.precision_high IS '精确率 95% 置信区间上限';
COMMENT ON COLUMN arbsync.backtest_results.recall IS '召回率：命中 / 结果为真的观测';
COMMENT ON COLUMN arbsync.backtest_results.recall_low IS '召回率 95% 置信区间下限';
COMMENT ON COLUMN arbsync.backtest_results.recall_high IS '召回率 95% 置信区间上限';
COMMENT ON COLUMN arbsync.backtest_results.lift IS '提升度：精确率 / 基准率';
COMMENT ON COLUMN arbsync.backtest_results.lift_low IS '提升度 95% 置信区间下限（精确率区间除以基准率）';
COMMENT ON COLUMN arbsync.backtest_results.lift_high IS '提升度 95% 置信区间上限';
COMMENT ON COLUMN arbsync.backtest_results.auc IS '评分的 AUC：结果为真的观测评分低于（更危险）结果为假的观测的概率，并列计一半；与方法和级别无关';
COMMENT ON COLUMN arbsync.backtest_results.auc_low IS 'AUC 95% 置信区间下限（按企业聚类）';
COMMENT ON COLUMN arbsync.backtest_results.auc_high IS 'AUC 95% 置信区间上限';
COMMENT ON COLUMN arbsync.backtest_results.precision_diff IS '精确率减去规则 1 固定阈值（基准）在相同级别与结果指标下的精确率；基准本身为空';
COMMENT ON COLUMN arbsync.backtest_results.precision_diff_low IS '精确率差 95% 置信区间下限（同一批企业配对、按企业聚类）';
COMMENT ON COLUMN arbsync.backtest_results.precision_diff_high IS '精确率差 95% 置信区间上限';
COMMENT ON COLUMN arbsync.backtest_results.auc_diff IS 'AUC 减去规则 1 的 AUC；规则 1 为空';
COMMENT ON COLUMN arbsync.backtest_results.auc_diff_low IS 'AUC 差 95% 置信区间下限（配对、按企业聚类）';
COMMENT ON COLUMN arbsync.backtest_results.auc_diff_high IS 'AUC 差 95% 置信区间上限';

ALTER TABLE arbsync.threshold_reports ADD COLUMN backtest_csv text NOT NULL DEFAULT '';
COMMENT ON COLUMN arbsync.threshold_reports.backtest_csv IS '最近一次回测结果 CSV（报告生成时）';

CREATE VIEW bi.backtest_results AS
SELECT
    r.run_id,
    (r.run_id = (SELECT max(id) FROM arbsync.backtest_runs)) AS latest,
    run.computed_at,
    run.from_week,
    run.to_week,
    run.horizon_days,
    run.weeks,
    r.rule_version,
    r.method,
    r.severity,
    r.outcome,
    nullif(r.section_code, '') AS section_code,
    sec.name                   AS section_name,
    r.companies,
    r.observations,
    r.positives,
    r.volume,
    r.flagged,
    r.hits,
    r.base_rate,
    r.precision,
    r.precision_low,
    r.precision_high,
    r.recall,
    r.recall_low,
    r.recall_high,
    r.lift,
    r.lift_low,
    r.lift_high,
    r.auc,
    r.auc_low,
    r.auc_high,
    r.precision_diff,
    r.precision_diff_low,
    r.precision_diff_high,
    r.auc_diff,
    r.auc_diff_low,
    r.auc_diff_high
FROM arbsync.backtest_results r
JOIN arbsync.backtest_runs run ON run.id = r.run_id
LEFT JOIN arbsync.industries sec ON sec.code = r.section_code;
COMMENT ON VIEW bi.backtest_results IS '回测结果：所有回测批次（latest 标记最近一次），评分规则 1 与 2 × 固定与动态阈值在相同告警量下的精确率、召回率、提升度与 AUC，全部企业与各门类';
COMMENT ON COLUMN bi.backtest_results.run_id IS '回测编号';
COMMENT ON COLUMN bi.backtest_results.latest IS '是否最近一次回测';
COMMENT ON COLUMN bi.backtest_results.computed_at IS '计算时间';
COMMENT ON COLUMN bi.backtest_results.from_week IS '第一周（周一）';
COMMENT ON COLUMN bi.backtest_results.to_week IS '最后一周（周一）';
COMMENT ON COLUMN bi.backtest_results.horizon_days IS '观察期天数';
COMMENT ON COLUMN bi.backtest_results.weeks IS '回测的周数';
COMMENT ON COLUMN bi.backtest_results.rule_version IS '评分规则版本';
COMMENT ON COLUMN bi.backtest_results.method IS '阈值方法：fixed 固定、dynamic 动态';
COMMENT ON COLUMN bi.backtest_results.severity IS '告警级别：warning 预警（含紧急）、urgent 紧急';
COMMENT ON COLUMN bi.backtest_results.outcome IS '结果指标：any 有新的被申请人案件、serious 严重（败诉、未执行或不少于 3 件新案件）';
COMMENT ON COLUMN bi.backtest_results.section_code IS '门类代码；为空表示全部企业';
COMMENT ON COLUMN bi.backtest_results.section_name IS '门类名称；为空表示全部企业';
COMMENT ON COLUMN bi.backtest_results.companies IS '企业数';
COMMENT ON COLUMN bi.backtest_results.observations IS '观测数（企业 × 周；同一企业各周高度相关）';
COMMENT ON COLUMN bi.backtest_results.positives IS '结果为真的观测数';
COMMENT ON COLUMN bi.backtest_results.volume IS '基准告警量 k：规则 1 固定阈值的告警数';
COMMENT ON COLUMN bi.backtest_results.flagged IS '本方法的告警数';
COMMENT ON COLUMN bi.backtest_results.hits IS '告警且结果为真的观测数';
COMMENT ON COLUMN bi.backtest_results.base_rate IS '基准率';
COMMENT ON COLUMN bi.backtest_results.precision IS '精确率';
COMMENT ON COLUMN bi.backtest_results.precision_low IS '精确率 95% 置信区间下限';
COMMENT ON COLUMN bi.backtest_results.precision_high IS '精确率 95% 置信区间上限';
COMMENT ON COLUMN bi.backtest_results.recall IS '召回率';
COMMENT ON COLUMN bi.backtest_results.recall_low IS '召回率 95% 置信区间下限';
COMMENT ON COLUMN bi.backtest_results.recall_high IS '召回率 95% 置信区间上限';
COMMENT ON COLUMN bi.backtest_results.lift IS '提升度';
COMMENT ON COLUMN bi.backtest_results.lift_low IS '提升度 95% 置信区间下限';
COMMENT ON COLUMN bi.backtest_results.lift_high IS '提升度 95% 置信区间上限';
COMMENT ON COLUMN bi.backtest_results.auc IS '评分的 AUC（与方法和级别无关）';
COMMENT ON COLUMN bi.backtest_results.auc_low IS 'AUC 95% 置信区间下限';
COMMENT ON COLUMN bi.backtest_results.auc_high IS 'AUC 95% 置信区间上限';
COMMENT ON COLUMN bi.backtest_results.precision_diff IS '精确率减去规则 1 固定阈值（基准）的精确率';
COMMENT ON COLUMN bi.backtest_results.precision_diff_low IS '精确率差 95% 置信区间下限（配对）';
COMMENT ON COLUMN bi.backtest_results.precision_diff_high IS '精确率差 95% 置信区间上限（配对）';
COMMENT ON COLUMN bi.backtest_results.auc_diff IS 'AUC 减去规则 1 的 AUC';
COMMENT ON COLUMN bi.backtest_results.auc_diff_low IS 'AUC 差 95% 置信区间下限（配对）';
COMMENT ON COLUMN bi.backtest_results.auc_diff_high IS 'AUC 差 95% 置信区间上限（配对）';
GRANT SELECT ON bi.backtest_results TO arbsync_bi, arbsync_admin;

-- +goose Down
DROP VIEW bi.backtest_results;
ALTER TABLE arbsync.threshold_reports DROP COLUMN backtest_csv;
DROP TABLE arbsync.backtest_results;
DROP TABLE arbsync.backtest_runs;
