package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/arbsync/arbsync/migrations"
)

// Migrator applies the embedded goose migrations through goose's Provider
// with a table-based Postgres locker, so replicas starting at once apply each
// migration exactly once (and it works behind transaction-pooling PgBouncer,
// unlike a session advisory lock).
type Migrator struct {
	provider *goose.Provider
	sqlDB    *sql.DB
}

// NewMigrator prepares a migrator on pool.
func NewMigrator(pool *pgxpool.Pool) (*Migrator, error) {
	sqlDB := stdlib.OpenDBFromPool(pool)
	locker, err := lock.NewPostgresTableLocker(
		lock.WithTableLockTimeout(time.Second, 300),
	)
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	sub, err := fs.Sub(migrations.FS, ".")
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, sub, goose.WithLocker(locker))
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return &Migrator{provider: p, sqlDB: sqlDB}, nil
}

// Close releases the migrator's connection handle (not the pool).
func (m *Migrator) Close() error { return m.sqlDB.Close() }

// MigrationResult describes one applied or rolled back migration.
type MigrationResult struct {
	Version  int64
	Source   string
	Duration time.Duration
}

// Up applies every pending migration.
func (m *Migrator) Up(ctx context.Context) ([]MigrationResult, error) {
	res, err := m.provider.Up(ctx)
	return convert(res), wrapMigrate(err)
}

// Down rolls back the most recent migration.
func (m *Migrator) Down(ctx context.Context) ([]MigrationResult, error) {
	r, err := m.provider.Down(ctx)
	if r == nil {
		return nil, wrapMigrate(err)
	}
	return convert([]*goose.MigrationResult{r}), wrapMigrate(err)
}

// DownTo rolls back every migration above version (0 = all).
func (m *Migrator) DownTo(ctx context.Context, version int64) ([]MigrationResult, error) {
	res, err := m.provider.DownTo(ctx, version)
	return convert(res), wrapMigrate(err)
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Version   int64
	Source    string
	Applied   bool
	AppliedAt time.Time
}

// Status lists every migration with its state.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	st, err := m.provider.Status(ctx)
	if err != nil {
		return nil, wrapMigrate(err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{
			Version:   s.Source.Version,
			Source:    s.Source.Path,
			Applied:   s.State == goose.StateApplied,
			AppliedAt: s.AppliedAt,
		})
	}
	return out, nil
}

// ErrSchemaNotCurrent means the database lacks migrations this binary needs.
var ErrSchemaNotCurrent = errors.New("database schema is not current: run `arbsync migrate up`")

// CheckCurrent returns ErrSchemaNotCurrent (wrapped with the versions) when
// migrations are pending, and an error when the database is ahead of this
// binary. It only reads: it never takes the migration lock, so a daemon
// killed during the check (it runs at start and on every /readyz) leaves no
// lock behind for the next start to wait on.
func (m *Migrator) CheckCurrent(ctx context.Context) error {
	pending, err := m.provider.HasPending(ctx)
	if err != nil {
		return wrapMigrate(err)
	}
	cur, want, err := m.provider.GetVersions(ctx)
	if err != nil {
		return wrapMigrate(err)
	}
	if pending {
		return fmt.Errorf("%w (database at version %d, this binary needs %d)", ErrSchemaNotCurrent, cur, want)
	}
	if cur > want {
		return fmt.Errorf("database schema version %d is newer than this binary knows (%d): upgrade arbsync", cur, want)
	}
	return nil
}

func convert(res []*goose.MigrationResult) []MigrationResult {
	out := make([]MigrationResult, 0, len(res))
	for _, r := range res {
		if r == nil || r.Source == nil {
			continue
		}
		out = append(out, MigrationResult{Version: r.Source.Version, Source: r.Source.Path, Duration: r.Duration})
	}
	return out
}

func wrapMigrate(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("migrations: %w", err)
}
