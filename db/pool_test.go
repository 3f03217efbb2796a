package db_test

import (
	"context"
	"strings"
	"testing"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/testdb"
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
