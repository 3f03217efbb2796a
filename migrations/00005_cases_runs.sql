-- +goose Up
CREATE TABLE arbsync.cases (
    credit_code         text NOT NULL,
    case_id             text NOT NULL,
    case_no             text NOT NULL DEFAULT '',
    title               text NOT NULL DEFAULT '',
    cause               text NOT NULL DEFAULT '',
    role                text NOT NULL CHECK (role IN ('applicant', 'respondent', 'third_party')),
    claim_amount        numeric(16, 2) NOT NULL DEFAULT 0 CHECK (claim_amount >= 0),
    award_amount        numeric(16, 2) NOT NULL DEFAULT 0 CHECK (award_amount >= 0),
    result              text NOT NULL CHECK (result IN ('win', 'lose', 'partial', 'settled', 'withdrawn', 'pending')),
    filing_date         date NOT NULL,
    closing_date        date,
    execution_status    text NOT NULL CHECK (execution_status IN ('executed', 'partially_executed', 'unexecuted', 'not_applicable')),
    unexecuted_amount   numeric(16, 2) NOT NULL DEFAULT 0 CHECK (unexecuted_amount >= 0),
    committee           text NOT NULL DEFAULT '',
    upstream_updated_at timestamptz,
    raw                 jsonb NOT NULL,
    content_hash        bytea NOT NULL,
    first_seen_at       timestamptz NOT NULL DEFAULT now(),
    last_seen_at        timestamptz NOT NULL DEFAULT now(),
    removed_at          timestamptz,
    PRIMARY KEY (credit_code, case_id)
);
COMMENT ON TABLE arbsync.cases IS '劳动仲裁案件（规范化）：每家企业每个上游案件一行；案件从不删除，上游不再返回时标记 removed_at';
COMMENT ON COLUMN arbsync.cases.credit_code IS '统一社会信用代码';
COMMENT ON COLUMN arbsync.cases.case_id IS '上游案件编号';
COMMENT ON COLUMN arbsync.cases.case_no IS '案号（如 京朝劳人仲字〔2025〕第1234号）';
COMMENT ON COLUMN arbsync.cases.title IS '案件标题';
COMMENT ON COLUMN arbsync.cases.cause IS '案由';
COMMENT ON COLUMN arbsync.cases.role IS '企业诉讼地位：applicant 申请人、respondent 被申请人、third_party 第三人';
COMMENT ON COLUMN arbsync.cases.claim_amount IS '请求金额（元，精确到分）';
COMMENT ON COLUMN arbsync.cases.award_amount IS '裁决金额（元，精确到分）';
COMMENT ON COLUMN arbsync.cases.result IS '结果（企业角度）：win 胜、lose 败、partial 部分、settled 调解/和解、withdrawn 撤回、pending 未结';
COMMENT ON COLUMN arbsync.cases.filing_date IS '立案日期';
COMMENT ON COLUMN arbsync.cases.closing_date IS '结案日期';
COMMENT ON COLUMN arbsync.cases.execution_status IS '执行情况：executed 已执行、partially_executed 部分执行、unexecuted 未执行、not_applicable 不适用';
COMMENT ON COLUMN arbsync.cases.unexecuted_amount IS '未执行金额（元）';
COMMENT ON COLUMN arbsync.cases.committee IS '仲裁委员会';
COMMENT ON COLUMN arbsync.cases.upstream_updated_at IS '上游记录更新时间';
COMMENT ON COLUMN arbsync.cases.raw IS '上游原始记录（JSON）';
COMMENT ON COLUMN arbsync.cases.content_hash IS '内容摘要（SHA-256）：仅当摘要变化才改写该行';
COMMENT ON COLUMN arbsync.cases.first_seen_at IS '首次获取时间';
COMMENT ON COLUMN arbsync.cases.last_seen_at IS '最近一次写入时间（内容变化或重新出现；未变化的同步不改写行，确认时间见 sync_state.last_success_at）';
COMMENT ON COLUMN arbsync.cases.removed_at IS '移除时间：完整成功的获取不再返回该案件时设置，重新出现时清空';
CREATE INDEX cases_filing_date_idx ON arbsync.cases (filing_date);

CREATE TABLE arbsync.sync_runs (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trigger             text NOT NULL,
    replica             text NOT NULL,
    started_at          timestamptz NOT NULL DEFAULT now(),
    finished_at         timestamptz,
    companies_attempted integer NOT NULL DEFAULT 0,
    companies_changed   integer NOT NULL DEFAULT 0,
    companies_failed    integer NOT NULL DEFAULT 0,
    cases_inserted      integer NOT NULL DEFAULT 0,
    cases_updated       integer NOT NULL DEFAULT 0,
    cases_removed       integer NOT NULL DEFAULT 0,
    upstream_calls      integer NOT NULL DEFAULT 0,
    errors_by_type      jsonb NOT NULL DEFAULT '{}'::jsonb,
    outcome             text
);
COMMENT ON TABLE arbsync.sync_runs IS '同步批次：每次同步一行，记录触发方式、起止时间与各项计数';
COMMENT ON COLUMN arbsync.sync_runs.id IS '批次编号';
COMMENT ON COLUMN arbsync.sync_runs.trigger IS '触发方式：schedule 定时、notify 名单变更、manual 命令行、lookup 查询接口';
COMMENT ON COLUMN arbsync.sync_runs.replica IS '执行副本标识';
COMMENT ON COLUMN arbsync.sync_runs.started_at IS '开始时间';
COMMENT ON COLUMN arbsync.sync_runs.finished_at IS '结束时间（为空表示未结束或进程中断）';
COMMENT ON COLUMN arbsync.sync_runs.companies_attempted IS '尝试的企业数';
COMMENT ON COLUMN arbsync.sync_runs.companies_changed IS '案件有变化的企业数';
COMMENT ON COLUMN arbsync.sync_runs.companies_failed IS '失败的企业数';
COMMENT ON COLUMN arbsync.sync_runs.cases_inserted IS '新增案件数';
COMMENT ON COLUMN arbsync.sync_runs.cases_updated IS '内容变化而更新的案件数';
COMMENT ON COLUMN arbsync.sync_runs.cases_removed IS '标记移除的案件数';
COMMENT ON COLUMN arbsync.sync_runs.upstream_calls IS '上游请求次数（含翻页与重试）';
COMMENT ON COLUMN arbsync.sync_runs.errors_by_type IS '按错误类型计数（JSON）';
COMMENT ON COLUMN arbsync.sync_runs.outcome IS '结果：ok、partial（部分企业失败）、stopped（权限错误中止）、cancelled';
CREATE INDEX sync_runs_started_at_idx ON arbsync.sync_runs (started_at);

CREATE TABLE arbsync.job_runs (
    job              text PRIMARY KEY,
    last_started_at  timestamptz,
    last_finished_at timestamptz,
    last_success_at  timestamptz,
    last_outcome     text,
    last_error       text,
    leased_by        text,
    lease_until      timestamptz
);
COMMENT ON TABLE arbsync.job_runs IS '定时任务记录：每个任务一行，记录最近运行与结果；租约保证同一时刻只有一个副本运行该任务';
COMMENT ON COLUMN arbsync.job_runs.job IS '任务名（sync、rescore、thresholds、deliver 等）';
COMMENT ON COLUMN arbsync.job_runs.last_started_at IS '最近开始时间';
COMMENT ON COLUMN arbsync.job_runs.last_finished_at IS '最近结束时间';
COMMENT ON COLUMN arbsync.job_runs.last_success_at IS '最近成功时间（用于停机后补跑）';
COMMENT ON COLUMN arbsync.job_runs.last_outcome IS '最近结果：ok、error';
COMMENT ON COLUMN arbsync.job_runs.last_error IS '最近错误信息';
COMMENT ON COLUMN arbsync.job_runs.leased_by IS '持有任务租约的副本';
COMMENT ON COLUMN arbsync.job_runs.lease_until IS '任务租约到期时间';

-- +goose Down
DROP TABLE arbsync.job_runs;
DROP TABLE arbsync.sync_runs;
DROP TABLE arbsync.cases;
