package migrations_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/testdb"
)

func migrator(t *testing.T, pool *pgxpool.Pool) *db.Migrator {
	t.Helper()
	m, err := db.NewMigrator(pool)
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

func tableCount(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname IN ('arbsync', 'bi') AND c.relkind IN ('r', 'v')`).Scan(&n))
	return n
}

func TestMigrationsRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testdb.NewEmpty(t)
	m := migrator(t, d.Pool)

	require.ErrorIs(t, m.CheckCurrent(ctx), db.ErrSchemaNotCurrent, "an empty database is not current")

	applied, err := m.Up(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, applied)
	require.NoError(t, m.CheckCurrent(ctx))
	tables := tableCount(t, d.Pool)
	require.Greater(t, tables, 15)

	again, err := m.Up(ctx)
	require.NoError(t, err)
	require.Empty(t, again, "a second up applies nothing")

	down, err := m.DownTo(ctx, 0)
	require.NoError(t, err)
	require.Len(t, down, len(applied))
	require.Equal(t, 0, tableCount(t, d.Pool), "down to 0 removes every table and view")

	_, err = m.Up(ctx)
	require.NoError(t, err)
	require.Equal(t, tables, tableCount(t, d.Pool))

	st, err := m.Status(ctx)
	require.NoError(t, err)
	for _, s := range st {
		require.True(t, s.Applied, "migration %d applied", s.Version)
	}
}

func TestConcurrentUpAppliesOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testdb.NewEmpty(t)
	var wg sync.WaitGroup
	results := make([][]db.MigrationResult, 2)
	errs := make([]error, 2)
	for i := range 2 {
		pool, err := db.Connect(ctx, d.DSN, db.PoolOptions{MaxConns: 4})
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		m := migrator(t, pool)
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = m.Up(ctx)
		}()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	total := len(results[0]) + len(results[1])
	all, err := migrator(t, d.Pool).Status(ctx)
	require.NoError(t, err)
	require.Equal(t, len(all), total, "every migration applied exactly once across both replicas")
	var rows int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`).Scan(&rows))
	require.Equal(t, len(all), rows)
}
