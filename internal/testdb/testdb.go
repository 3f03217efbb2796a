// Package testdb makes throwaway PostgreSQL databases, copied in
// milliseconds from a template migrated to the current schema, for the tests
// and for the benchmark (internal/bench), which measures against such
// databases on a server of its own.
//
// Server is the harness: on one server it builds migrated templates, copies
// them with CREATE DATABASE … TEMPLATE, and drops the copies. Which server,
// with which settings, is the caller's: the benchmark starts a durable
// cluster, the tests use TEST_DATABASE_URL.
//
// New, NewDatabase and NewEmpty are the tests' side. The server comes from
// TEST_DATABASE_URL, which `make test` sets to a throwaway cluster it starts
// (cmd/devpg) unless the variable is already set. Every test gets its own
// copy of the shared template (Server.Template), dropped when the test
// ends. A test that cannot reach a server fails with instructions; it never
// skips.
package testdb

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/db"
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

// New returns a pool on a fresh database migrated to the current schema.
func New(t testing.TB) *pgxpool.Pool { return NewDatabase(t).Pool }

// NewDatabase is New with the database's name and DSN, for tests that start
// processes (the daemon, the CLI) against it.
func NewDatabase(t testing.TB) *Database {
	t.Helper()
	s := server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tmpl, err := s.Template(ctx)
	if err != nil {
		t.Fatalf("testdb: preparing the migrated template database on %s: %v (is the server running? `make test` starts one)", EnvVar, err)
	}
	return create(t, s, tmpl)
}

// NewEmpty returns a fresh database with no migrations applied.
func NewEmpty(t testing.TB) *Database {
	t.Helper()
	return create(t, server(t), "")
}

func server(t testing.TB) *Server {
	t.Helper()
	s, err := NewServer(AdminDSN(t))
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvVar, err)
	}
	return s
}

// create copies template into a database the test drops when it ends.
func create(t testing.TB, s *Server, template string) *Database {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := s.Create(ctx, Spec{
		Name:     "arbsync_test_" + RandomSuffix(),
		Template: template,
		Pool:     db.PoolOptions{MaxConns: 12, ApplicationName: "arbsync-test"},
	})
	if err != nil {
		t.Fatalf("testdb: %v (on %s; is the server running? `make test` starts one)", err, EnvVar)
	}
	t.Cleanup(func() {
		d.Pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.Drop(ctx, d.Name); err != nil {
			t.Errorf("testdb: %v", err)
		}
	})
	return d
}
