package db

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PoolOptions tune the connection pool.
type PoolOptions struct {
	// MaxConns caps the pool, overriding the connection string.
	MaxConns int32
	// DefaultMaxConns caps the pool unless the connection string sets
	// pool_max_conns (pgxpool's own default is max(4, CPUs)).
	DefaultMaxConns int32
	ApplicationName string
}

// Connect opens a pool to dsn and checks that the server answers. Errors
// never quote the DSN (it may hold a password).
func Connect(ctx context.Context, dsn string, opts PoolOptions) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database: invalid connection string")
	}
	switch {
	case opts.MaxConns > 0:
		cfg.MaxConns = opts.MaxConns
	case opts.DefaultMaxConns > 0 && !strings.Contains(dsn, "pool_max_conns"):
		cfg.MaxConns = opts.DefaultMaxConns
	}
	if opts.ApplicationName == "" {
		opts.ApplicationName = "arbsync"
	}
	// The pool keeps no session state, so that it works behind PgBouncer in
	// transaction mode, where consecutive transactions of one connection
	// may run on different server sessions: no startup parameter but
	// application_name (PgBouncer refuses the others; JIT is turned off per
	// transaction instead, see TransactionDisableJIT), and no named prepared
	// statements (PgBouncer before 1.21 cannot carry them): statements are
	// parsed unnamed on each run, and only their descriptions are cached,
	// unless the connection string chooses pgx's default_query_exec_mode.
	cfg.ConnConfig.RuntimeParams["application_name"] = opts.ApplicationName
	if !strings.Contains(dsn, "default_query_exec_mode") {
		cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	}
	cfg.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		conn.TypeMap().RegisterType(&pgtype.Type{Name: "numeric", OID: pgtype.NumericOID, Codec: numericCodec{}})
		return nil
	}
	cfg.HealthCheckPeriod = 15 * time.Second
	cfg.MaxConnIdleTime = 5 * time.Minute
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", Target(cfg), err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s: unreachable: %w", Target(cfg), err)
	}
	return pool, nil
}

// Target describes where a pool connects, without the password.
func Target(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}
