package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/devpg"
	"github.com/arbsync/arbsync/internal/testdb"
)

// The daemon's pool is sized for a sync pass's connections unless the
// connection string says otherwise (pool_max_conns), and an explicit cap
// wins over both.
func TestPoolSize(t *testing.T) {
	t.Parallel()
	dsn := testdb.NewDatabase(t).DSN
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	for _, tc := range []struct {
		name string
		dsn  string
		opts db.PoolOptions
		want int32
	}{
		{"default for the daemon", dsn, db.PoolOptions{DefaultMaxConns: 8}, 8},
		{"the connection string's pool_max_conns", dsn + sep + "pool_max_conns=3", db.PoolOptions{DefaultMaxConns: 8}, 3},
		{"an explicit cap", dsn + sep + "pool_max_conns=3", db.PoolOptions{MaxConns: 2, DefaultMaxConns: 8}, 2},
	} {
		pool, err := db.Connect(context.Background(), tc.dsn, tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := pool.Config().MaxConns; got != tc.want {
			t.Errorf("%s: pool of %d connections, want %d", tc.name, got, tc.want)
		}
		pool.Close()
	}
}

// The pool names no prepared statements unless the connection string asks
// for pgx's default (default_query_exec_mode=cache_statement).
func TestPoolExecMode(t *testing.T) {
	t.Parallel()
	dsn := testdb.NewDatabase(t).DSN
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	for _, tc := range []struct {
		dsn  string
		want pgx.QueryExecMode
	}{
		{dsn, pgx.QueryExecModeCacheDescribe},
		{dsn + sep + "default_query_exec_mode=cache_statement", pgx.QueryExecModeCacheStatement},
	} {
		pool, err := db.Connect(context.Background(), tc.dsn, db.PoolOptions{MaxConns: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got := pool.Config().ConnConfig.DefaultQueryExecMode; got != tc.want {
			t.Errorf("%s: exec mode %v, want %v", tc.dsn, got, tc.want)
		}
		pool.Close()
	}
}

// The pool keeps no session state, so it works behind PgBouncer in
// transaction mode: it sends no startup parameter but application_name
// (PgBouncer refuses the others), and uses no named prepared statements
// (PgBouncer before 1.21 hands a statement prepared by one client's
// transaction to another client, whose own PREPARE of the same query then
// fails with "prepared statement … already exists").
func TestPoolWorksBehindPgBouncer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testdb.NewDatabase(t)
	b, err := devpg.StartBouncer(ctx, d.DSN, devpg.BouncerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Stop)
	dsn, err := b.URL(d.DSN)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := db.Connect(ctx, dsn, db.PoolOptions{MaxConns: 4, ApplicationName: "arbsync-bouncer-test"})
	if err != nil {
		t.Fatalf("connect through PgBouncer: %v", err)
	}
	defer pool.Close()
	params := pool.Config().ConnConfig.RuntimeParams
	if len(params) != 1 || params["application_name"] != "arbsync-bouncer-test" {
		t.Errorf("startup parameters %v, want only application_name", params)
	}

	// Several client connections take turns on the bouncer's server
	// connections, each running the same queries in and out of transactions.
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	conns := make([]*pgx.Conn, 4)
	for i := range conns {
		c, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Release()
		conns[i] = c.Conn()
	}
	for round := range 3 {
		for i, c := range conns {
			q := db.New(c)
			if _, err := q.IndustryList(ctx); err != nil {
				t.Fatalf("round %d, connection %d: %v", round, i, err)
			}
			err := pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
				_, err := db.New(tx).IndustryList(ctx)
				return err
			})
			if err != nil {
				t.Fatalf("round %d, connection %d, in a transaction: %v", round, i, err)
			}
		}
	}
}
