package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/devpg"
	"github.com/arbsync/arbsync/internal/testdb"
)

// server is the PostgreSQL server of a run: a throwaway devpg cluster or
// the one behind Config.DatabaseURL. Every scenario gets its own database
// (testdb's harness), copied from a template migrated once per run and
// dropped with the run's other databases.
type server struct {
	dbs      *testdb.Server
	cluster  *devpg.Cluster
	template string
	suffix   string      // in the name of every database of the run
	created  []string    // databases to drop at the end, in creation order
	open     []*database // databases whose setup pools close at the end
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
	s := &server{keep: keep, settings: settings, log: log, suffix: testdb.RandomSuffix()}
	if dsn == "" {
		c, err := devpg.Open(ctx, filepath.Join(dir, "pg"), devpg.Options{Fast: false, Log: log})
		if err != nil {
			return nil, err
		}
		if err := c.Start(ctx); err != nil {
			return nil, err
		}
		s.cluster, dsn = c, c.DSN()
		s.pm = postmasterPID(c.Dir)
	}
	dbs, err := testdb.NewServer(dsn)
	if err != nil {
		s.close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("-database-url: %w", err)
	}
	s.dbs = dbs
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		s.close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&s.version); err != nil {
		s.close(context.WithoutCancel(ctx))
		return nil, err
	}
	// The run's own template rather than the tests' shared one, so that the
	// run leaves nothing behind on an external server.
	name := "arbsync_bench_tmpl_" + s.suffix
	if err := s.dbs.CreateMigrated(ctx, name); err != nil {
		s.close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("create template database: %w", err)
	}
	s.created = append(s.created, name)
	s.template = name
	return s, nil
}

// database is one scenario's freshly migrated database, with a small pool
// for setup and measurement queries.
type database struct {
	*testdb.Database
	pm int // the server's postmaster pid, for CPU accounting (0: unknown)
}

// newDatabase creates a migrated database named after label.
func (s *server) newDatabase(ctx context.Context, label string) (*database, error) {
	d, err := s.dbs.Create(ctx, testdb.Spec{
		Name:     "arbsync_bench_" + label + "_" + s.suffix,
		Template: s.template,
		Settings: s.settings,
		Pool:     db.PoolOptions{MaxConns: 4, ApplicationName: "arbsync-bench-setup"},
	})
	if err != nil {
		return nil, err
	}
	s.created = append(s.created, d.Name)
	sd := &database{Database: d, pm: s.pm}
	s.open = append(s.open, sd)
	return sd, nil
}

// connect opens another pool on d with its own application name, so the
// sessions of a measured phase can be told apart (and waited for) in
// pg_stat_activity.
func (d *database) connect(ctx context.Context, app string, maxConns int32) (*pgxpool.Pool, error) {
	return db.Connect(ctx, d.DSN, db.PoolOptions{MaxConns: maxConns, ApplicationName: app})
}

// close closes the setup pools of the run's databases (the fixtures that
// scenarios share stay open until then), drops the databases (unless keep)
// and stops the cluster.
func (s *server) close(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for _, d := range s.open {
		d.Pool.Close() // a scenario may have closed it already
	}
	if !s.keep && s.dbs != nil {
		names := slices.Clone(s.created)
		slices.Reverse(names) // newest first: the template goes last
		if err := s.dbs.Drop(ctx, names...); err != nil {
			fmt.Fprintf(s.log, "bench: %v\n", err)
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

// tempDir makes a directory the unprivileged postgres user can traverse
// (devpg runs the server as that user when we are root).
func tempDir() (string, error) {
	dir, err := os.MkdirTemp("", "arbsync-bench-")
	if err != nil {
		return "", err
	}
	return dir, os.Chmod(dir, 0o755)
}
