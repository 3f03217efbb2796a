package migrations_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
)

// loginAs creates a login role in group and connects to d as it.
func loginAs(t *testing.T, d *testdb.Database, group string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("%s_login_%s", group, d.Name[len(d.Name)-8:])
	_, err := d.Pool.Exec(ctx, fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD 'secret-pw' IN ROLE %s", name, group))
	require.NoError(t, err)
	u, err := url.Parse(d.DSN)
	require.NoError(t, err)
	u.User = url.UserPassword(name, "secret-pw")
	conn, err := pgx.Connect(ctx, u.String())
	require.NoError(t, err)
	t.Cleanup(func() {
		conn.Close(context.Background())
		admin, err := pgx.Connect(context.Background(), testdb.AdminDSN(t))
		if err == nil {
			admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+name)
			admin.Close(context.Background())
		}
	})
	return conn
}

func requireDenied(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()
	ctx := context.Background()
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, sql)
	require.Error(t, err, "should be denied: %s", sql)
	// 42501 insufficient_privilege; 55000 for a write to a view that is not
	// updatable at all (refused before privileges are even checked).
	require.Contains(t, []string{"42501", "55000"}, pgErr(t, err).Code, "want permission denied for %s, got %v", sql, err)
}

func requireAllowed(t *testing.T, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	_, err := conn.Exec(context.Background(), sql, args...)
	require.NoError(t, err, sql)
}

var biViews = []string{"company_risk", "cases", "score_history", "industry_thresholds", "sync_health", "alerts", "backtest_results"}

func arbsyncTables(t *testing.T, d *testdb.Database) []string {
	t.Helper()
	rows, err := d.Pool.Query(context.Background(), `SELECT tablename FROM pg_tables WHERE schemaname = 'arbsync' ORDER BY 1`)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Greater(t, len(names), 10)
	return names
}

func TestBIRoleReadsOnlyBI(t *testing.T) {
	t.Parallel()
	d := testdb.NewDatabase(t)
	conn := loginAs(t, d, "arbsync_bi")
	for _, v := range biViews {
		requireAllowed(t, conn, "SELECT * FROM bi."+v+" LIMIT 1")
		requireDenied(t, conn, "DELETE FROM bi."+v)
	}
	requireAllowed(t, conn, "SELECT arbsync.uscc_valid('91440300708461136T')")
	for _, table := range arbsyncTables(t, d) {
		requireDenied(t, conn, "SELECT * FROM arbsync."+table+" LIMIT 1")
		requireDenied(t, conn, "DELETE FROM arbsync."+table)
	}
	requireDenied(t, conn, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ('91440300708461136T', 'x', 'C')`)
	requireDenied(t, conn, `UPDATE arbsync.industries SET name = 'x'`)
	requireDenied(t, conn, `CREATE TABLE bi.mine (x int)`)
	requireDenied(t, conn, `CREATE TABLE arbsync.mine (x int)`)
}

func TestAdminRoleEditsOnlyWatchlist(t *testing.T) {
	t.Parallel()
	d := testdb.NewDatabase(t)
	conn := loginAs(t, d, "arbsync_admin")
	code := uscc.Generate(8, 8)
	requireAllowed(t, conn, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '丙公司', 'E')`, code)
	requireAllowed(t, conn, `UPDATE arbsync.watchlist SET enabled = false WHERE credit_code = $1`, code)
	requireAllowed(t, conn, `SELECT * FROM arbsync.industries`)
	requireAllowed(t, conn, `SELECT * FROM arbsync.watchlist_audit`)
	for _, v := range biViews {
		requireAllowed(t, conn, "SELECT * FROM bi."+v+" LIMIT 1")
	}
	requireAllowed(t, conn, `DELETE FROM arbsync.watchlist WHERE credit_code = $1`, code)

	// The triggers did their work with the definer's rights: audit rows and sync state exist.
	var audits, states int
	require.NoError(t, d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM arbsync.watchlist_audit WHERE credit_code = $1`, code).Scan(&audits))
	require.NoError(t, d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM arbsync.sync_state WHERE credit_code = $1`, code).Scan(&states))
	require.Equal(t, 3, audits)
	require.Equal(t, 1, states)
	var by string
	require.NoError(t, d.Pool.QueryRow(context.Background(), `SELECT changed_by FROM arbsync.watchlist_audit WHERE credit_code = $1 LIMIT 1`, code).Scan(&by))
	require.Contains(t, by, "arbsync_admin_login_", "the audit names the admin's login")

	for _, table := range arbsyncTables(t, d) {
		switch table {
		case "watchlist", "industries", "watchlist_audit":
			continue
		}
		requireDenied(t, conn, "SELECT * FROM arbsync."+table+" LIMIT 1")
		requireDenied(t, conn, "DELETE FROM arbsync."+table)
	}
	requireDenied(t, conn, `UPDATE arbsync.industries SET name = 'x'`)
	requireDenied(t, conn, `INSERT INTO arbsync.watchlist_audit (credit_code, action, changed_by) VALUES ('x', 'INSERT', 'forged')`)
	requireDenied(t, conn, `DELETE FROM arbsync.watchlist_audit`)
	requireDenied(t, conn, `CREATE TABLE arbsync.mine (x int)`)
}
