-- +goose Up
CREATE TABLE arbsync.industry_thresholds (
    week            date NOT NULL CHECK (extract(isodow FROM week) = 1),
    industry_code   text NOT NULL REFERENCES arbsync.industries (code),
    industry_level  text NOT NULL CHECK (industry_level IN ('section', 'division')),
    severity        text NOT NULL CHECK (severity IN ('warning', 'urgent')),
    n               integer NOT NULL CHECK (n > 0),
    q               numeric(7, 6) NOT NULL,
    raw             numeric(6, 2) NOT NULL,
    shrunk          numeric(6, 2) NOT NULL,
    final           numeric(5, 2) NOT NULL,
    previous        numeric(5, 2),
    bound_applied   text NOT NULL DEFAULT 'none',
    p10             numeric(5, 2) NOT NULL,
    p25             numeric(5, 2) NOT NULL,
    p50             numeric(5, 2) NOT NULL,
    p75             numeric(5, 2) NOT NULL,
    p90             numeric(5, 2) NOT NULL,
    mean            numeric(5, 2) NOT NULL,
    flagged_fixed   integer NOT NULL,
    flagged_dynamic integer NOT NULL,
    method_version  integer NOT NULL,
    computed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (week, industry_code, severity)
);
COMMENT ON TABLE arbsync.industry_thresholds IS '行业动态阈值：每周每个行业每个严重度一行，永久保留；重算某周时整周原子替换';
COMMENT ON COLUMN arbsync.industry_thresholds.week IS 'ISO 周的周一日期';
COMMENT ON COLUMN arbsync.industry_thresholds.industry_code IS '行业代码（门类或大类）';
COMMENT ON COLUMN arbsync.industry_thresholds.industry_level IS '行业层级：section 门类、division 大类';
COMMENT ON COLUMN arbsync.industry_thresholds.severity IS '严重度：warning 预警、urgent 紧急';
COMMENT ON COLUMN arbsync.industry_thresholds.n IS '参与计算的已评分企业数';
COMMENT ON COLUMN arbsync.industry_thresholds.q IS '分位点（全体企业中低于固定阈值的比例，即告警预算）';
COMMENT ON COLUMN arbsync.industry_thresholds.raw IS '原始阈值：本行业评分的 q 分位数（percentile_cont）';
COMMENT ON COLUMN arbsync.industry_thresholds.shrunk IS '收缩后阈值：(n·raw + m·上级) / (n + m)';
COMMENT ON COLUMN arbsync.industry_thresholds.final IS '最终阈值（经上下限、周变动限制与紧急≤预警−5 约束）';
COMMENT ON COLUMN arbsync.industry_thresholds.previous IS '上周最终阈值';
COMMENT ON COLUMN arbsync.industry_thresholds.bound_applied IS '生效的约束：none、lower、upper、step_up、step_down、urgent_gap';
COMMENT ON COLUMN arbsync.industry_thresholds.p10 IS '评分第 10 百分位';
COMMENT ON COLUMN arbsync.industry_thresholds.p25 IS '评分第 25 百分位';
COMMENT ON COLUMN arbsync.industry_thresholds.p50 IS '评分中位数';
COMMENT ON COLUMN arbsync.industry_thresholds.p75 IS '评分第 75 百分位';
COMMENT ON COLUMN arbsync.industry_thresholds.p90 IS '评分第 90 百分位';
COMMENT ON COLUMN arbsync.industry_thresholds.mean IS '平均评分';
COMMENT ON COLUMN arbsync.industry_thresholds.flagged_fixed IS '按固定阈值被标记的企业数';
COMMENT ON COLUMN arbsync.industry_thresholds.flagged_dynamic IS '按本动态阈值被标记的企业数';
COMMENT ON COLUMN arbsync.industry_thresholds.method_version IS '阈值方法版本';
COMMENT ON COLUMN arbsync.industry_thresholds.computed_at IS '计算时间';
CREATE INDEX industry_thresholds_industry_idx ON arbsync.industry_thresholds (industry_code, severity, week DESC);

CREATE TABLE arbsync.threshold_reports (
    week         date PRIMARY KEY CHECK (extract(isodow FROM week) = 1),
    markdown     text NOT NULL,
    html         text NOT NULL,
    csv          text NOT NULL,
    generated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE arbsync.threshold_reports IS '每周阈值报告：Markdown、独立 HTML 与 CSV 全文';
COMMENT ON COLUMN arbsync.threshold_reports.week IS 'ISO 周的周一日期';
COMMENT ON COLUMN arbsync.threshold_reports.markdown IS '报告 Markdown 文本';
COMMENT ON COLUMN arbsync.threshold_reports.html IS '报告 HTML（内联 CSS 与 SVG，无外部引用）';
COMMENT ON COLUMN arbsync.threshold_reports.csv IS '阈值表 CSV';
COMMENT ON COLUMN arbsync.threshold_reports.generated_at IS '生成时间';

-- +goose Down
DROP TABLE arbsync.threshold_reports;
DROP TABLE arbsync.industry_thresholds;
