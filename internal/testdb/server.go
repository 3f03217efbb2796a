package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/migrations"
)

// Server makes and drops databases on one PostgreSQL server. It connects
// with an admin URL whose user may create databases, and hands out URLs
// that differ from it only in the database.
type Server struct {
	admin string
}

// NewServer returns the Server behind admin, a postgres:// URL (the form in
// which the harness can point a connection at another database).
func NewServer(admin string) (*Server, error) {
	if _, err := withDatabase(admin, "postgres"); err != nil {
		return nil, err
	}
	return &Server{admin: admin}, nil
}

// dsn is the server's URL pointed at database name.
func (s *Server) dsn(name string) string {
	dsn, _ := withDatabase(s.admin, name) // NewServer checked the URL
	return dsn
}

// Spec says how Create makes a database.
type Spec struct {
	Name     string            // the new database
	Template string            // the database it copies; empty: template0, an empty database
	Settings map[string]string // ALTER DATABASE … SET name = value, applied to every later session on it
	Pool     db.PoolOptions    // the pool Create opens on it
}

// Database is a database Create made, with a pool on it.
type Database struct {
	Name string
	DSN  string
	Pool *pgxpool.Pool
}

// Create makes the database spec describes with CREATE DATABASE … TEMPLATE
// (milliseconds for a migrated template) and opens a pool on it. The
// template must have no other session. On error nothing is left behind.
func (s *Server) Create(ctx context.Context, spec Spec) (*Database, error) {
	template := spec.Template
	if template == "" {
		template = "template0"
	}
	conn, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	name := pgx.Identifier{spec.Name}.Sanitize()
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, pgx.Identifier{template}.Sanitize())); err != nil {
		return nil, fmt.Errorf("create database %s: %w", spec.Name, err)
	}
	fail := func(err error) (*Database, error) {
		return nil, errors.Join(err, s.Drop(context.WithoutCancel(ctx), spec.Name))
	}
	for k, v := range spec.Settings {
		// k is a setting name the caller checked; v is quoted.
		if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s SET %s = %s", name, k, pgx.Identifier{v}.Sanitize())); err != nil {
			return fail(fmt.Errorf("set %s on database %s: %w", k, spec.Name, err))
		}
	}
	dsn := s.dsn(spec.Name)
	pool, err := db.Connect(ctx, dsn, spec.Pool)
	if err != nil {
		return fail(fmt.Errorf("connect to database %s: %w", spec.Name, err))
	}
	return &Database{Name: spec.Name, DSN: dsn, Pool: pool}, nil
}

// CreateMigrated makes an empty database name and migrates it to the
// current schema, for use as a template. On error nothing is left behind.
func (s *Server) CreateMigrated(ctx context.Context, name string) error {
	d, err := s.Create(ctx, Spec{Name: name, Pool: db.PoolOptions{MaxConns: 2, ApplicationName: "arbsync-testdb-migrate"}})
	if err != nil {
		return err
	}
	m, err := db.NewMigrator(d.Pool)
	if err == nil {
		_, err = m.Up(ctx)
		m.Close()
	}
	// The pool must be gone before the database can serve as a template.
	d.Pool.Close()
	if err != nil {
		return errors.Join(fmt.Errorf("migrate database %s: %w", name, err), s.Drop(context.WithoutCancel(ctx), name))
	}
	return nil
}

// Template returns the name of the server's template database migrated to
// the current schema, creating it on first use. It is named after a hash of
// the migration files, so a changed migration gets a fresh template, and is
// shared by every process using the server (tests of many packages at
// once): its creation is serialized by an advisory lock and appears under
// its name only when complete. It is never dropped.
func (s *Server) Template(ctx context.Context) (string, error) {
	name, err := templateName()
	if err != nil {
		return "", err
	}
	conn, err := s.connect(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx) // also releases the advisory lock
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(727274)"); err != nil {
		return "", err
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	if err := s.Drop(ctx, building); err != nil { // left by a process that died building it
		return "", err
	}
	if err := s.CreateMigrated(ctx, building); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, name)); err != nil {
		return "", err
	}
	return name, nil
}

// Drop drops each database that exists, disconnecting its sessions; it
// tries them all and returns every failure.
func (s *Server) Drop(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	conn, err := s.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var errs []error
	for _, name := range names {
		if _, err := conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", pgx.Identifier{name}.Sanitize())); err != nil {
			errs = append(errs, fmt.Errorf("drop database %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// connect opens a session on the admin URL's database.
func (s *Server) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return conn, nil
}

// RandomSuffix is 12 random hex digits, for database names no other run
// uses.
func RandomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// withDatabase returns the URL-form dsn pointed at database name.
func withDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("the server's connection string must be a postgres:// URL (postgres://user:password@host:port/database)")
	}
	u.Path = "/" + name
	return u.String(), nil
}

// templateName is the shared template's name: a hash of the migrations.
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
