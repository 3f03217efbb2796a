-- +goose Up
CREATE TABLE arbsync.watchlist (
    credit_code       text PRIMARY KEY,
    company_name      text NOT NULL,
    industry_code     text NOT NULL REFERENCES arbsync.industries (code),
    enabled           boolean NOT NULL DEFAULT true,
    refresh_interval  interval NOT NULL DEFAULT interval '24 hours',
    note              text NOT NULL DEFAULT '',
    added_by          text NOT NULL DEFAULT current_user,
    checksum_override boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT watchlist_credit_code_valid CHECK (
        arbsync.uscc_valid(credit_code)
        OR (checksum_override AND arbsync.uscc_format_valid(credit_code))
    ),
    CONSTRAINT watchlist_company_name_present CHECK (btrim(company_name) <> ''),
    CONSTRAINT watchlist_refresh_interval_sane CHECK (refresh_interval >= interval '1 minute')
);
COMMENT ON TABLE arbsync.watchlist IS '监控名单：由管理员直接编辑；插入或修改后守护进程数秒内同步该企业；删除或停用只停止同步，不删除历史';
COMMENT ON COLUMN arbsync.watchlist.credit_code IS '统一社会信用代码（18 位，GB 32100-2015；输入会去空格并转大写）';
COMMENT ON COLUMN arbsync.watchlist.company_name IS '企业名称';
COMMENT ON COLUMN arbsync.watchlist.industry_code IS '行业代码（GB/T 4754-2017 门类 A–T 或大类 01–97）';
COMMENT ON COLUMN arbsync.watchlist.enabled IS '是否启用同步';
COMMENT ON COLUMN arbsync.watchlist.refresh_interval IS '刷新间隔（默认 24 小时，至少 1 分钟）';
COMMENT ON COLUMN arbsync.watchlist.note IS '备注';
COMMENT ON COLUMN arbsync.watchlist.added_by IS '添加人（默认当前数据库用户）';
COMMENT ON COLUMN arbsync.watchlist.checksum_override IS '校验位豁免：为真时接受格式正确但校验位不符的代码（少数早期试点地区的真实代码）';
COMMENT ON COLUMN arbsync.watchlist.created_at IS '创建时间';
COMMENT ON COLUMN arbsync.watchlist.updated_at IS '最后修改时间（触发器维护）';

CREATE INDEX watchlist_industry_code_idx ON arbsync.watchlist (industry_code);

CREATE TABLE arbsync.watchlist_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    credit_code text NOT NULL,
    action      text NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE')),
    changed_by  text NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    old_row     jsonb,
    new_row     jsonb
);
COMMENT ON TABLE arbsync.watchlist_audit IS '监控名单审计：每次插入、修改、删除一行（由触发器写入）';
COMMENT ON COLUMN arbsync.watchlist_audit.id IS '审计记录编号';
COMMENT ON COLUMN arbsync.watchlist_audit.credit_code IS '被修改的统一社会信用代码';
COMMENT ON COLUMN arbsync.watchlist_audit.action IS '操作：INSERT/UPDATE/DELETE';
COMMENT ON COLUMN arbsync.watchlist_audit.changed_by IS '操作人（登录的数据库用户 session_user）';
COMMENT ON COLUMN arbsync.watchlist_audit.changed_at IS '操作时间';
COMMENT ON COLUMN arbsync.watchlist_audit.old_row IS '修改前的整行（JSON）';
COMMENT ON COLUMN arbsync.watchlist_audit.new_row IS '修改后的整行（JSON）';
CREATE INDEX watchlist_audit_credit_code_idx ON arbsync.watchlist_audit (credit_code, changed_at);

-- sync_state is created here because the watchlist triggers maintain it: an
-- insert or edit makes the company due at once, even while no daemon runs.
CREATE TABLE arbsync.sync_state (
    credit_code          text PRIMARY KEY,
    next_sync_at         timestamptz NOT NULL DEFAULT now(),
    leased_by            text,
    lease_until          timestamptz,
    last_attempt_at      timestamptz,
    last_success_at      timestamptz,
    status               text NOT NULL DEFAULT 'new'
                         CHECK (status IN ('new', 'ok', 'not_found', 'forbidden', 'failing')),
    consecutive_failures integer NOT NULL DEFAULT 0,
    last_error_code      text,
    last_error           text,
    last_content_hash    bytea,
    upstream_name        text
);
COMMENT ON TABLE arbsync.sync_state IS '同步状态：每家企业一行，记录下次同步时间、租约、最近结果与错误';
COMMENT ON COLUMN arbsync.sync_state.credit_code IS '统一社会信用代码';
COMMENT ON COLUMN arbsync.sync_state.next_sync_at IS '下次应同步时间（not_found 时为 infinity，待管理员修改名单行）';
COMMENT ON COLUMN arbsync.sync_state.leased_by IS '持有租约的副本标识';
COMMENT ON COLUMN arbsync.sync_state.lease_until IS '租约到期时间（过期后其他副本可接手）';
COMMENT ON COLUMN arbsync.sync_state.last_attempt_at IS '最近一次尝试同步时间';
COMMENT ON COLUMN arbsync.sync_state.last_success_at IS '最近一次完整成功同步时间';
COMMENT ON COLUMN arbsync.sync_state.status IS '状态：new 未同步、ok 正常、not_found 上游无此企业、forbidden 无权限、failing 连续失败';
COMMENT ON COLUMN arbsync.sync_state.consecutive_failures IS '连续失败次数（决定退避时长）';
COMMENT ON COLUMN arbsync.sync_state.last_error_code IS '最近错误类型（auth/permission/quota/busy/not_found/bad_response）';
COMMENT ON COLUMN arbsync.sync_state.last_error IS '最近错误信息（不含密钥）';
COMMENT ON COLUMN arbsync.sync_state.last_content_hash IS '最近一次成功获取的全部案件内容摘要';
COMMENT ON COLUMN arbsync.sync_state.upstream_name IS '上游返回的企业名称';
CREATE INDEX sync_state_due_idx ON arbsync.sync_state (next_sync_at);

-- Normalizes and validates a watchlist row, with messages that say what is wrong.
-- +goose StatementBegin
CREATE FUNCTION arbsync.watchlist_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, arbsync
AS $$
DECLARE
    problem text;
BEGIN
    NEW.credit_code := upper(btrim(NEW.credit_code));
    NEW.industry_code := upper(btrim(NEW.industry_code));
    NEW.company_name := btrim(NEW.company_name);
    problem := arbsync.uscc_problem(NEW.credit_code);
    IF problem IS NOT NULL THEN
        IF NEW.checksum_override AND problem LIKE 'check character%' THEN
            NULL; -- accepted: a real pilot-region code that fails the checksum
        ELSIF problem LIKE 'check character%' THEN
            RAISE EXCEPTION 'invalid credit code "%": %', NEW.credit_code, problem
                USING ERRCODE = 'check_violation',
                      HINT = 'Check the code for typos. If it is a real early pilot-region code that fails the checksum, set checksum_override = true.';
        ELSE
            RAISE EXCEPTION 'invalid credit code "%": %', NEW.credit_code, problem
                USING ERRCODE = 'check_violation',
                      HINT = 'A unified social credit code is 18 characters of 0-9 and A-H J-N P-R T U W-Y (GB 32100-2015).';
        END IF;
    END IF;
    IF NOT EXISTS (SELECT FROM arbsync.industries WHERE code = NEW.industry_code) THEN
        RAISE EXCEPTION 'unknown industry code "%" for credit code "%"', NEW.industry_code, NEW.credit_code
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Use a GB/T 4754-2017 section (A-T) or division (01-97); see arbsync.industries.';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- Audits a change, makes the company due for sync and notifies the daemon.
-- SECURITY DEFINER so arbsync_admin needs no rights on the audit and state tables.
-- +goose StatementBegin
CREATE FUNCTION arbsync.watchlist_after_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, arbsync
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO arbsync.watchlist_audit (credit_code, action, changed_by, new_row)
        VALUES (NEW.credit_code, TG_OP, session_user, to_jsonb(NEW));
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO arbsync.watchlist_audit (credit_code, action, changed_by, old_row, new_row)
        VALUES (NEW.credit_code, TG_OP, session_user, to_jsonb(OLD), to_jsonb(NEW));
    ELSE
        INSERT INTO arbsync.watchlist_audit (credit_code, action, changed_by, old_row)
        VALUES (OLD.credit_code, TG_OP, session_user, to_jsonb(OLD));
        PERFORM pg_notify('arbsync_watchlist', OLD.credit_code);
        RETURN OLD;
    END IF;
    -- An insert or edit makes the company due now and un-parks a not_found company.
    INSERT INTO arbsync.sync_state (credit_code, next_sync_at)
    VALUES (NEW.credit_code, now())
    ON CONFLICT (credit_code) DO UPDATE
        SET next_sync_at = now(),
            status = CASE WHEN arbsync.sync_state.status = 'not_found' THEN 'new' ELSE arbsync.sync_state.status END,
            consecutive_failures = 0;
    PERFORM pg_notify('arbsync_watchlist', NEW.credit_code);
    RETURN NEW;
END
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION arbsync.watchlist_after_write() FROM PUBLIC;

CREATE TRIGGER watchlist_before_write
    BEFORE INSERT OR UPDATE ON arbsync.watchlist
    FOR EACH ROW EXECUTE FUNCTION arbsync.watchlist_before_write();
CREATE TRIGGER watchlist_after_write
    AFTER INSERT OR UPDATE OR DELETE ON arbsync.watchlist
    FOR EACH ROW EXECUTE FUNCTION arbsync.watchlist_after_write();

GRANT SELECT, INSERT, UPDATE, DELETE ON arbsync.watchlist TO arbsync_admin;
GRANT SELECT ON arbsync.watchlist_audit TO arbsync_admin;

-- +goose Down
DROP TABLE arbsync.watchlist;
DROP FUNCTION arbsync.watchlist_after_write();
DROP FUNCTION arbsync.watchlist_before_write();
DROP TABLE arbsync.sync_state;
DROP TABLE arbsync.watchlist_audit;
