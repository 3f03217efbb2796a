// Package testdb gives each test its own real PostgreSQL database.
//
// The server comes from TEST_DATABASE_URL, which `make test` sets to a
// throwaway cluster it starts (cmd/devpg) unless the variable is already set.
// The first test to need a database creates a template database migrated to
// the current schema (named after a hash of the migration files, so a changed
// migration gets a fresh template); every test then gets a copy of it with
// CREATE DATABASE … TEMPLATE, which takes milliseconds, and drops it when the
// test ends. A test that cannot reach a server fails with instructions; it
// never skips.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/migrations"
)

// EnvVar names the variable holding the server's connection string.
const EnvVar = "TEST_DATABASE_URL"

// AdminDSN returns the server's connection string or fails the test with
// instructions.
func AdminDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvVar)
	if dsn == "" {
		t.Fatalf("%s is not set: run the tests with `make test` (it starts a throwaway PostgreSQL), "+
			"or set %s=postgres://user:pass@host:port/postgres for a server where that user may create databases", EnvVar, EnvVar)
	}
	return dsn
}

// Database is one test's database.
type Database struct {
	Name string
	DSN  string
	Pool *pgxpool.Pool
}

// New returns a pool on a fresh database migrated to the current schema.
func New(t testing.TB) *pgxpool.Pool { return NewDatabase(t).Pool }

// NewDatabase is New with the database's name and DSN, for tests that start
// processes (the daemon, the CLI) against it.
func NewDatabase(t testing.TB) *Database {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := AdminDSN(t)
	tmpl, err := ensureTemplate(ctx, admin)
	if err != nil {
		t.Fatalf("testdb: preparing the migrated template database: %v", err)
	}
	return create(t, admin, tmpl)
}

// NewEmpty returns a fresh database with no migrations applied.
func NewEmpty(t testing.TB) *Database {
	t.Helper()
	return create(t, AdminDSN(t), "template0")
}

func create(t testing.TB, admin, template string) *Database {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("testdb: cannot connect to %s: %v (is the server running? `make test` starts one)", EnvVar, err)
	}
	defer conn.Close(ctx)
	name := "arbsync_test_" + randomSuffix()
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template)); err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	dsn, err := withDatabase(admin, name)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := db.Connect(ctx, dsn, db.PoolOptions{MaxConns: 12, ApplicationName: "arbsync-test"})
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(func() {
		pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
		}
	})
	return &Database{Name: name, DSN: dsn, Pool: pool}
}

// withDatabase returns the URL-form dsn pointed at database name.
func withDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("testdb: %s must be a postgres:// URL", EnvVar)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func ensureTemplate(ctx context.Context, admin string) (string, error) {
	name, err := templateName()
	if err != nil {
		return "", err
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("cannot connect to %s: %w (is the server running? `make test` starts one)", EnvVar, err)
	}
	defer conn.Close(ctx)
	// Serialize template creation across test processes.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(727274)"); err != nil {
		return "", err
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(727274)")
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	if _, err := conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", building)); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE template0", building)); err != nil {
		return "", err
	}
	dsn, err := withDatabase(admin, building)
	if err != nil {
		return "", err
	}
	pool, err := db.Connect(ctx, dsn, db.PoolOptions{MaxConns: 2})
	if err != nil {
		return "", err
	}
	m, err := db.NewMigrator(pool)
	if err == nil {
		_, err = m.Up(ctx)
		m.Close()
	}
	pool.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, name)); err != nil {
		return "", err
	}
	return name, nil
}

func templateName() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	return "arbsync_tmpl_" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
