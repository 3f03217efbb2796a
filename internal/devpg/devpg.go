// Package devpg starts and stops local PostgreSQL clusters for development
// (`make run`) and tests (`make test`) using the machine's own PostgreSQL
// binaries, so neither needs any prior setup.
//
// It finds initdb/pg_ctl under /usr/lib/postgresql/*/bin (or PATH), and when
// they are missing on a Debian machine it installs Debian's postgresql
// package with apt-get. initdb refuses to run as root, so when devpg runs as
// root the cluster's files belong to, and the server runs as, the
// unprivileged "postgres" user (created by the Debian package).
//
// Clusters listen on 127.0.0.1 only, on a port chosen when the cluster is
// created, with trust authentication: they are for one developer machine,
// never for production. A user's own database comes in through DATABASE_URL
// or TEST_DATABASE_URL instead.
//
// StartBouncer puts Debian's pgbouncer in transaction-pooling mode in front
// of such a server (or any other), so tests can check that arbsync works
// behind the pooler deployments use.
package devpg

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/arbsync/arbsync/internal/debpkg"
)

// Cluster is a local PostgreSQL data directory and the server that serves it.
type Cluster struct {
	Dir  string // data directory
	Port int
	bin  string
	cred *syscall.Credential // nil when not running as root
	uid  int
	gid  int
	log  io.Writer
}

// DSN is the connection string of the cluster's "postgres" database.
func (c *Cluster) DSN() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.Port)
}

// Options tune a new cluster.
type Options struct {
	// Fast turns off durability (fsync, full page writes) for throwaway
	// test clusters. Never for data you want to keep.
	Fast bool
	// Log receives progress messages.
	Log io.Writer
}

// Open prepares the cluster in dir, creating it with initdb when dir has no
// cluster yet. It does not start the server.
func Open(ctx context.Context, dir string, opts Options) (*Cluster, error) {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	bin, err := findBinaries(ctx, opts.Log)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: abs, bin: bin, log: opts.Log, uid: -1, gid: -1}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("devpg: running as root, and initdb refuses root: need the unprivileged user \"postgres\" (installed with Debian's postgresql package): %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.uid, c.gid = uid, gid
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	if _, err := os.Stat(filepath.Join(abs, "PG_VERSION")); err == nil {
		port, err := readPort(abs)
		if err != nil {
			return nil, err
		}
		c.Port = port
		return c, nil
	}
	if err := c.initdb(ctx, opts.Fast); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Cluster) initdb(ctx context.Context, fast bool) error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	if c.cred != nil {
		if err := os.Chown(c.Dir, c.uid, c.gid); err != nil {
			return err
		}
		// The server user must be able to reach the data directory.
		for d := filepath.Dir(c.Dir); d != "/" && d != "."; d = filepath.Dir(d) {
			if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 {
				return fmt.Errorf("devpg: directory %s is not searchable by user postgres (mode %v); choose a data directory elsewhere", d, fi.Mode().Perm())
			}
		}
	}
	fmt.Fprintf(c.log, "devpg: creating PostgreSQL cluster in %s\n", c.Dir)
	if err := c.run(ctx, "initdb", "-D", c.Dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	c.Port = port
	conf := fmt.Sprintf(`
# written by devpg
listen_addresses = '127.0.0.1'
port = %d
unix_socket_directories = '%s'
max_connections = 300
shared_buffers = 256MB
timezone = 'UTC'
log_timezone = 'UTC'
`, port, c.Dir)
	if fast {
		conf += "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n"
	}
	f, err := os.OpenFile(filepath.Join(c.Dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(conf)
	return err
}

// Start starts the server unless it is already running, and waits until it
// accepts connections.
func (c *Cluster) Start(ctx context.Context) error {
	if c.running(ctx) {
		fmt.Fprintf(c.log, "devpg: PostgreSQL already running on port %d\n", c.Port)
		return nil
	}
	fmt.Fprintf(c.log, "devpg: starting PostgreSQL on 127.0.0.1:%d\n", c.Port)
	logFile := filepath.Join(c.Dir, "server.log")
	if err := c.run(ctx, "pg_ctl", "-D", c.Dir, "-l", logFile, "-w", "-t", "60", "-s", "start"); err != nil {
		tail, _ := os.ReadFile(logFile)
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return fmt.Errorf("%w\nserver log %s:\n%s", err, logFile, tail)
	}
	return nil
}

// Stop stops the server (fast shutdown) if it runs.
func (c *Cluster) Stop(ctx context.Context) error {
	if !c.running(ctx) {
		return nil
	}
	fmt.Fprintf(c.log, "devpg: stopping PostgreSQL on port %d\n", c.Port)
	return c.run(ctx, "pg_ctl", "-D", c.Dir, "-w", "-s", "-m", "fast", "stop")
}

// Restart restarts the server (fast shutdown), for fault tests.
func (c *Cluster) Restart(ctx context.Context) error {
	return c.run(ctx, "pg_ctl", "-D", c.Dir, "-w", "-s", "-m", "fast", "-l", filepath.Join(c.Dir, "server.log"), "restart")
}

func (c *Cluster) running(ctx context.Context) bool {
	return c.run(ctx, "pg_ctl", "-D", c.Dir, "-s", "status") == nil
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Dir = "/"
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("devpg: %s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

func readPort(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "postgresql.conf"))
	if err != nil {
		return 0, err
	}
	port := 0
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "port = "); ok {
			if p, err := strconv.Atoi(strings.Fields(v)[0]); err == nil {
				port = p
			}
		}
	}
	if port == 0 {
		return 0, fmt.Errorf("devpg: no port in %s/postgresql.conf", dir)
	}
	return port, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// findBinaries returns the directory of initdb and pg_ctl, installing
// Debian's postgresql package when none is found and apt-get is available.
func findBinaries(ctx context.Context, log io.Writer) (string, error) {
	dir, err := debpkg.Ensure(ctx, log, "postgresql", lookBinaries)
	if err != nil {
		return "", fmt.Errorf("devpg: PostgreSQL server binaries (initdb, pg_ctl): %w; or set TEST_DATABASE_URL / DATABASE_URL to an existing server", err)
	}
	return dir, nil
}

func lookBinaries() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}
