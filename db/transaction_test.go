package db_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/testdb"
)

// TransactionDisableJIT turns JIT off for the transaction that runs it and
// for nothing else: the server session (which PgBouncer may hand to another
// client next) keeps the server's setting.
func TestTransactionDisableJITIsTransactionLocal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	show := func(q interface {
		QueryRow(context.Context, string, ...any) pgx.Row
	}) string {
		var v string
		if err := q.QueryRow(ctx, "SHOW jit").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	server := show(conn)
	if server != "on" {
		t.Fatalf("the test server's jit is %q; the test needs the default, on", server)
	}
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if err := db.New(tx).TransactionDisableJIT(ctx); err != nil {
			return err
		}
		if got := show(tx); got != "off" {
			t.Errorf("jit inside the transaction: %q, want off", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := show(conn); got != "on" {
		t.Errorf("jit after the transaction: %q, want the server's on", got)
	}
}
