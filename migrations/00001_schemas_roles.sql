-- +goose Up
-- Schemas and the two NOLOGIN group roles of the database contract.
-- Roles are cluster-wide: they are created only when missing, so this
-- migration also runs on a server where another database already made them.
CREATE SCHEMA IF NOT EXISTS arbsync;
COMMENT ON SCHEMA arbsync IS '劳动仲裁同步：arbsync 守护进程的数据表（管理员只编辑 watchlist）';
CREATE SCHEMA IF NOT EXISTS bi;
COMMENT ON SCHEMA bi IS '商业智能视图：BI 工具查询的稳定接口（只读）';

-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'arbsync_bi') THEN
        BEGIN
            CREATE ROLE arbsync_bi NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created concurrently by a migration of another database
        END;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'arbsync_admin') THEN
        BEGIN
            CREATE ROLE arbsync_admin NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END
$$;
-- +goose StatementEnd

GRANT USAGE ON SCHEMA bi TO arbsync_bi;
GRANT USAGE ON SCHEMA bi TO arbsync_admin;
GRANT USAGE ON SCHEMA arbsync TO arbsync_admin;
-- USAGE lets BI call arbsync.uscc_valid; it grants no access to any table.
GRANT USAGE ON SCHEMA arbsync TO arbsync_bi;

-- +goose Down
-- The roles are cluster-wide and may serve other databases: they are left in place.
DROP SCHEMA IF EXISTS bi CASCADE;
DROP SCHEMA IF EXISTS arbsync CASCADE;
