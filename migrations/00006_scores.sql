-- +goose Up
CREATE TABLE arbsync.scores (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    credit_code          text NOT NULL,
    as_of                date NOT NULL,
    rule_version         integer NOT NULL,
    score                numeric(5, 2) NOT NULL CHECK (score BETWEEN 0 AND 100),
    level                text NOT NULL CHECK (level IN ('ok', 'warning', 'urgent')),
    recent_cases         integer NOT NULL,
    recent_claim_amount  numeric(16, 2) NOT NULL,
    decided_cases        integer NOT NULL,
    lose_cases           integer NOT NULL,
    partial_cases        integer NOT NULL,
    lose_rate            numeric(5, 4) NOT NULL,
    unexecuted_cases     integer NOT NULL,
    count_deduction      numeric(8, 2) NOT NULL,
    amount_deduction     numeric(8, 2) NOT NULL,
    lose_rate_deduction  numeric(8, 2) NOT NULL,
    unexecuted_deduction numeric(8, 2) NOT NULL,
    warning_threshold    numeric(5, 2) NOT NULL,
    urgent_threshold     numeric(5, 2) NOT NULL,
    latest_case_title    text NOT NULL DEFAULT '',
    computed_at          timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE arbsync.scores IS '评分历史：每家企业每次评分或其组成变化一行（含每项扣分、规则版本与评分日期）';
COMMENT ON COLUMN arbsync.scores.id IS '评分记录编号';
COMMENT ON COLUMN arbsync.scores.credit_code IS '统一社会信用代码';
COMMENT ON COLUMN arbsync.scores.as_of IS '评分基准日（Asia/Shanghai）';
COMMENT ON COLUMN arbsync.scores.rule_version IS '评分规则版本';
COMMENT ON COLUMN arbsync.scores.score IS '风险评分（0–100，越低风险越高）';
COMMENT ON COLUMN arbsync.scores.level IS '风险等级：ok 正常、warning 预警、urgent 紧急（按当时阈值）';
COMMENT ON COLUMN arbsync.scores.recent_cases IS '近一年仲裁案件数';
COMMENT ON COLUMN arbsync.scores.recent_claim_amount IS '近一年案件请求金额合计（元）';
COMMENT ON COLUMN arbsync.scores.decided_cases IS '近一年有结果的案件数（胜、败、部分、调解）';
COMMENT ON COLUMN arbsync.scores.lose_cases IS '近一年败诉案件数';
COMMENT ON COLUMN arbsync.scores.partial_cases IS '近一年部分败诉案件数';
COMMENT ON COLUMN arbsync.scores.lose_rate IS '败诉率 =（败诉 + 0.5×部分）/ 有结果案件数';
COMMENT ON COLUMN arbsync.scores.unexecuted_cases IS '未执行或部分执行的案件数（不限年份）';
COMMENT ON COLUMN arbsync.scores.count_deduction IS '次数扣分（每件 20 分）';
COMMENT ON COLUMN arbsync.scores.amount_deduction IS '金额扣分（每万元 5 分，上限 150）';
COMMENT ON COLUMN arbsync.scores.lose_rate_deduction IS '败诉率扣分（每 10% 扣 15 分）';
COMMENT ON COLUMN arbsync.scores.unexecuted_deduction IS '执行情况扣分（每件 25 分）';
COMMENT ON COLUMN arbsync.scores.warning_threshold IS '评分时适用的预警阈值';
COMMENT ON COLUMN arbsync.scores.urgent_threshold IS '评分时适用的紧急阈值';
COMMENT ON COLUMN arbsync.scores.latest_case_title IS '最新案件标题';
COMMENT ON COLUMN arbsync.scores.computed_at IS '计算时间';
CREATE INDEX scores_credit_code_idx ON arbsync.scores (credit_code, id);

CREATE TABLE arbsync.current_scores (
    credit_code          text PRIMARY KEY,
    score_id             bigint NOT NULL,
    as_of                date NOT NULL,
    rule_version         integer NOT NULL,
    score                numeric(5, 2) NOT NULL,
    level                text NOT NULL CHECK (level IN ('ok', 'warning', 'urgent')),
    recent_cases         integer NOT NULL,
    recent_claim_amount  numeric(16, 2) NOT NULL,
    decided_cases        integer NOT NULL,
    lose_cases           integer NOT NULL,
    partial_cases        integer NOT NULL,
    lose_rate            numeric(5, 4) NOT NULL,
    unexecuted_cases     integer NOT NULL,
    count_deduction      numeric(8, 2) NOT NULL,
    amount_deduction     numeric(8, 2) NOT NULL,
    lose_rate_deduction  numeric(8, 2) NOT NULL,
    unexecuted_deduction numeric(8, 2) NOT NULL,
    warning_threshold    numeric(5, 2) NOT NULL,
    urgent_threshold     numeric(5, 2) NOT NULL,
    threshold_source     text NOT NULL DEFAULT 'fixed' CHECK (threshold_source IN ('fixed', 'section', 'division')),
    latest_case_title    text NOT NULL DEFAULT '',
    next_change_on       date,
    computed_at          timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE arbsync.current_scores IS '当前评分：每家企业一行，为评分历史中最新的一条，阈值与等级随每周阈值更新';
COMMENT ON COLUMN arbsync.current_scores.credit_code IS '统一社会信用代码';
COMMENT ON COLUMN arbsync.current_scores.score_id IS '对应的评分历史记录编号';
COMMENT ON COLUMN arbsync.current_scores.as_of IS '评分基准日';
COMMENT ON COLUMN arbsync.current_scores.rule_version IS '评分规则版本';
COMMENT ON COLUMN arbsync.current_scores.score IS '风险评分（0–100）';
COMMENT ON COLUMN arbsync.current_scores.level IS '当前风险等级（按当前适用阈值）';
COMMENT ON COLUMN arbsync.current_scores.recent_cases IS '近一年仲裁案件数';
COMMENT ON COLUMN arbsync.current_scores.recent_claim_amount IS '近一年请求金额合计（元）';
COMMENT ON COLUMN arbsync.current_scores.decided_cases IS '近一年有结果的案件数';
COMMENT ON COLUMN arbsync.current_scores.lose_cases IS '近一年败诉案件数';
COMMENT ON COLUMN arbsync.current_scores.partial_cases IS '近一年部分败诉案件数';
COMMENT ON COLUMN arbsync.current_scores.lose_rate IS '败诉率';
COMMENT ON COLUMN arbsync.current_scores.unexecuted_cases IS '未执行或部分执行案件数';
COMMENT ON COLUMN arbsync.current_scores.count_deduction IS '次数扣分';
COMMENT ON COLUMN arbsync.current_scores.amount_deduction IS '金额扣分';
COMMENT ON COLUMN arbsync.current_scores.lose_rate_deduction IS '败诉率扣分';
COMMENT ON COLUMN arbsync.current_scores.unexecuted_deduction IS '执行情况扣分';
COMMENT ON COLUMN arbsync.current_scores.warning_threshold IS '适用的预警阈值';
COMMENT ON COLUMN arbsync.current_scores.urgent_threshold IS '适用的紧急阈值';
COMMENT ON COLUMN arbsync.current_scores.threshold_source IS '阈值来源：fixed 固定、section 门类动态、division 大类动态';
COMMENT ON COLUMN arbsync.current_scores.latest_case_title IS '最新案件标题';
COMMENT ON COLUMN arbsync.current_scores.next_change_on IS '最早因案件移出一年窗口而可能变分的日期（每日重算据此跳过）';
COMMENT ON COLUMN arbsync.current_scores.computed_at IS '计算时间';
CREATE INDEX current_scores_next_change_idx ON arbsync.current_scores (next_change_on);

-- +goose Down
DROP TABLE arbsync.current_scores;
DROP TABLE arbsync.scores;
