package testdb_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/testdb"
)

// exists says whether the server has a database called name.
func exists(t *testing.T, name string) bool {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), testdb.AdminDSN(t))
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var ok bool
	require.NoError(t, conn.QueryRow(t.Context(), "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&ok))
	return ok
}

// hasSchema says whether the database behind pool has the arbsync tables.
func hasSchema(t *testing.T, d *testdb.Database) bool {
	t.Helper()
	var ok bool
	require.NoError(t, d.Pool.QueryRow(t.Context(), "SELECT to_regclass('arbsync.watchlist') IS NOT NULL").Scan(&ok))
	return ok
}

// A test's database has the current schema, is its own, and is gone once
// the test has ended.
func TestNewDatabaseIsMigratedOwnAndDropped(t *testing.T) {
	var first, second string
	t.Run("test", func(t *testing.T) {
		a, b := testdb.NewDatabase(t), testdb.NewDatabase(t)
		require.True(t, hasSchema(t, a))
		require.True(t, hasSchema(t, b))
		require.NotEqual(t, a.Name, b.Name)
		_, err := a.Pool.Exec(t.Context(), "CREATE TABLE only_in_a (x int)")
		require.NoError(t, err)
		var inB bool
		require.NoError(t, b.Pool.QueryRow(t.Context(), "SELECT to_regclass('only_in_a') IS NOT NULL").Scan(&inB))
		require.False(t, inB, "a table made in one test database shows in another")
		first, second = a.Name, b.Name
		require.True(t, exists(t, first))
	})
	require.False(t, exists(t, first), "database %s outlived its test", first)
	require.False(t, exists(t, second), "database %s outlived its test", second)
}

// An empty database has no migrations applied.
func TestNewEmptyHasNoSchema(t *testing.T) {
	require.False(t, hasSchema(t, testdb.NewEmpty(t)))
}

// The benchmark's way in: a database copied from a template of its own,
// with settings every session on it gets, dropped on request.
func TestServerCreatesFromTemplateWithSettings(t *testing.T) {
	s, err := testdb.NewServer(testdb.AdminDSN(t))
	require.NoError(t, err)
	suffix := testdb.RandomSuffix()
	tmpl := "arbsync_testdb_tmpl_" + suffix
	require.NoError(t, s.CreateMigrated(t.Context(), tmpl))
	t.Cleanup(func() { require.NoError(t, s.Drop(context.Background(), tmpl)) })

	d, err := s.Create(t.Context(), testdb.Spec{
		Name: "arbsync_testdb_copy_" + suffix, Template: tmpl,
		Settings: map[string]string{"work_mem": "7MB"},
		Pool:     db.PoolOptions{MaxConns: 2, ApplicationName: "arbsync-testdb-test"},
	})
	require.NoError(t, err)
	require.True(t, hasSchema(t, d))
	var workMem string
	require.NoError(t, d.Pool.QueryRow(t.Context(), "SHOW work_mem").Scan(&workMem))
	require.Equal(t, "7MB", workMem)
	conn, err := pgx.Connect(t.Context(), d.DSN) // as a child process would
	require.NoError(t, err)
	var current string
	require.NoError(t, conn.QueryRow(t.Context(), "SELECT current_database()").Scan(&current))
	require.NoError(t, conn.Close(t.Context()))
	require.Equal(t, d.Name, current)

	d.Pool.Close()
	require.NoError(t, s.Drop(t.Context(), d.Name))
	require.False(t, exists(t, d.Name))
	require.True(t, exists(t, tmpl), "dropping a copy dropped its template")
}

// A setting PostgreSQL refuses fails Create with the setting's name, and
// leaves no database behind.
func TestCreateWithBadSettingLeavesNothing(t *testing.T) {
	s, err := testdb.NewServer(testdb.AdminDSN(t))
	require.NoError(t, err)
	name := "arbsync_testdb_bad_" + testdb.RandomSuffix()
	_, err = s.Create(t.Context(), testdb.Spec{Name: name, Settings: map[string]string{"work_mem": "plenty"}})
	require.ErrorContains(t, err, "work_mem")
	require.ErrorContains(t, err, name)
	require.False(t, exists(t, name))
}

// The harness points URLs at other databases, so a key=value connection
// string is refused up front, without echoing it (it may hold a password).
func TestNewServerWantsAURL(t *testing.T) {
	_, err := testdb.NewServer("host=db.internal user=admin password=hunter2 dbname=postgres")
	require.ErrorContains(t, err, "postgres:// URL")
	require.NotContains(t, err.Error(), "hunter2")
}
