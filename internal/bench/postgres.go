package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/devpg"
)

// server is the PostgreSQL server of a run: a throwaway devpg cluster or
// the one behind Config.DatabaseURL. Every scenario gets its own database,
// copied from a template migrated once per run.
type server struct {
	admin    string // DSN of a database to run CREATE DATABASE from
	cluster  *devpg.Cluster
	template string
	suffix   string
	created  []string
	keep     bool
	settings map[string]string // ALTER DATABASE … SET for every new database
	log      io.Writer
	version  string
	pm       int // postmaster pid of the devpg cluster, 0 for an external server
}

// startServer connects to dsn, or (dsn empty) creates and starts a devpg
// cluster in dir. The cluster is durable (devpg Options.Fast off: fsync,
// full_page_writes and synchronous_commit on), because the write-path and
// WAL figures are only meaningful with the settings production runs.
func startServer(ctx context.Context, dsn, dir string, keep bool, settings map[string]string, log io.Writer) (*server, error) {
	s := &server{admin: dsn, keep: keep, settings: settings, log: log, suffix: randomSuffix()}
	if dsn == "" {
		c, err := devpg.Open(ctx, filepath.Join(dir, "pg"), devpg.Options{Fast: false, Log: log})
		if err != nil {
			return nil, err
		}
		if err := c.Start(ctx); err != nil {
			return nil, err
		}
		s.cluster, s.admin = c, c.DSN()
		s.pm = postmasterPID(c.Dir)
	}
	conn, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		s.close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&s.version); err != nil {
		return nil, err
	}
	if err := s.makeTemplate(ctx, conn); err != nil {
		s.close(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// makeTemplate creates the migrated template database.
func (s *server) makeTemplate(ctx context.Context, conn *pgx.Conn) error {
	name := "arbsync_bench_tmpl_" + s.suffix
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		return fmt.Errorf("create template database: %w", err)
	}
	s.created = append(s.created, name)
	dsn, err := withDatabase(s.admin, name)
	if err != nil {
		return err
	}
	pool, err := db.Connect(ctx, dsn, db.PoolOptions{MaxConns: 2, ApplicationName: "arbsync-bench"})
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := db.NewMigrator(pool)
	if err != nil {
		return err
	}
	defer m.Close()
	if _, err := m.Up(ctx); err != nil {
		return err
	}
	s.template = name
	return nil
}

// database is one scenario's freshly migrated database.
type database struct {
	Name string
	DSN  string
	Pool *pgxpool.Pool // small pool for setup and measurement queries
	pm   int           // the server's postmaster pid, for CPU accounting (0: unknown)
}

// newDatabase creates a migrated database named after label.
func (s *server) newDatabase(ctx context.Context, label string) (*database, error) {
	conn, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	name := "arbsync_bench_" + label + "_" + s.suffix
	// The template must have no other session for CREATE DATABASE … TEMPLATE.
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, s.template)); err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	s.created = append(s.created, name)
	for k, v := range s.settings {
		if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s SET %s = %s", name, k, pgx.Identifier{v}.Sanitize())); err != nil {
			return nil, fmt.Errorf("-db-set %s: %w", k, err)
		}
	}
	dsn, err := withDatabase(s.admin, name)
	if err != nil {
		return nil, err
	}
	pool, err := db.Connect(ctx, dsn, db.PoolOptions{MaxConns: 4, ApplicationName: "arbsync-bench-setup"})
	if err != nil {
		return nil, err
	}
	return &database{Name: name, DSN: dsn, Pool: pool, pm: s.pm}, nil
}

// connect opens another pool on d with its own application name, so the
// sessions of a measured phase can be told apart (and waited for) in
// pg_stat_activity.
func (d *database) connect(ctx context.Context, app string, maxConns int32) (*pgxpool.Pool, error) {
	return db.Connect(ctx, d.DSN, db.PoolOptions{MaxConns: maxConns, ApplicationName: app})
}

// close drops the run's databases (unless keep) and stops the cluster.
func (s *server) close(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if !s.keep && len(s.created) > 0 {
		if conn, err := pgx.Connect(ctx, s.admin); err == nil {
			for i := len(s.created) - 1; i >= 0; i-- {
				if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+s.created[i]+" WITH (FORCE)"); err != nil {
					fmt.Fprintf(s.log, "bench: drop %s: %v\n", s.created[i], err)
				}
			}
			conn.Close(ctx)
		}
	}
	if s.cluster != nil && !s.keep {
		if err := s.cluster.Stop(ctx); err != nil {
			fmt.Fprintf(s.log, "bench: stop PostgreSQL: %v\n", err)
		}
	}
}

// describe says what kind of server the run used.
func (s *server) describe() string {
	if s.cluster != nil {
		return "devpg throwaway cluster, durable (fsync, full_page_writes, synchronous_commit on), shared_buffers 256MB"
	}
	return "external server from -database-url / TEST_DATABASE_URL (settings not controlled)"
}

// withDatabase returns the URL-form dsn pointed at database name.
func withDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("the database URL must be a postgres:// URL")
	}
	u.Path = "/" + name
	return u.String(), nil
}

func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// tempDir makes a directory the unprivileged postgres user can traverse
// (devpg runs the server as that user when we are root).
func tempDir() (string, error) {
	dir, err := os.MkdirTemp("", "arbsync-bench-")
	if err != nil {
		return "", err
	}
	return dir, os.Chmod(dir, 0o755)
}
