package devpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/arbsync/arbsync/internal/debpkg"
)

// Bouncer is a PgBouncer in transaction-pooling mode in front of a
// PostgreSQL server, the way deployments run one: every transaction may go
// to a different server connection, so session state (SET, named prepared
// statements, LISTEN) does not carry over between transactions.
type Bouncer struct {
	Port int
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
	out  *lockedBuffer
}

// BouncerOptions tune a Bouncer.
type BouncerOptions struct {
	// Log receives progress messages (installing pgbouncer).
	Log io.Writer
}

// StartBouncer starts Debian's pgbouncer (installing the package when it is
// missing and devpg runs as root) in transaction mode on a free 127.0.0.1
// port, in front of the server of serverDSN: every database on it, as the
// user of serverDSN (clients are trusted; the server login uses the DSN's
// password, if any). Its configuration goes to a temporary directory that
// Stop removes. pgbouncer refuses to run as root, so as root it runs as the
// unprivileged "postgres" user, like the clusters.
func StartBouncer(ctx context.Context, serverDSN string, opts BouncerOptions) (*Bouncer, error) {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	bin, err := debpkg.Ensure(ctx, opts.Log, "pgbouncer", debpkg.Command("pgbouncer", "/usr/sbin"))
	if err != nil {
		return nil, fmt.Errorf("devpg: pgbouncer: %w", err)
	}
	server, err := pgconn.ParseConfig(serverDSN)
	if err != nil {
		return nil, errors.New("devpg: pgbouncer: the server's connection string is not valid")
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("devpg: running as root, and pgbouncer refuses root: need the unprivileged user \"postgres\": %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	dir, err := os.MkdirTemp("", "arbsync-pgbouncer-")
	if err != nil {
		return nil, err
	}
	b := &Bouncer{dir: dir, done: make(chan struct{}), out: &lockedBuffer{}}
	if err := b.writeConfig(server, cred); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	b.cmd = exec.Command(bin, filepath.Join(dir, "pgbouncer.ini"))
	b.cmd.Dir = dir
	b.cmd.Stdout, b.cmd.Stderr = b.out, b.out
	if cred != nil {
		b.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	fmt.Fprintf(opts.Log, "devpg: starting pgbouncer (transaction mode) on 127.0.0.1:%d in front of %s:%d\n", b.Port, server.Host, server.Port)
	if err := b.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("devpg: start pgbouncer: %w", err)
	}
	go func() { _ = b.cmd.Wait(); close(b.done) }()
	if err := b.waitListening(ctx, 15*time.Second); err != nil {
		b.Stop()
		return nil, err
	}
	return b, nil
}

func (b *Bouncer) writeConfig(server *pgconn.Config, cred *syscall.Credential) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	b.Port = port
	host := server.Host
	if host == "" || host == "localhost" {
		host = "127.0.0.1"
	}
	ini := fmt.Sprintf(`; written by devpg: a throwaway PgBouncer for tests
[databases]
* = host=%s port=%d

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
server_tls_sslmode = prefer
log_connections = 0
log_disconnections = 0
`, host, server.Port, port, filepath.Join(b.dir, "userlist.txt"))
	// Trust still needs the user listed; the password, if any, is what
	// pgbouncer logs in to the server with.
	users := fmt.Sprintf("%s %s\n", quoteAuth(server.User), quoteAuth(server.Password))
	for name, body := range map[string]string{"pgbouncer.ini": ini, "userlist.txt": users} {
		p := filepath.Join(b.dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			return err
		}
		if cred != nil {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				return err
			}
		}
	}
	if cred != nil {
		return os.Chown(b.dir, int(cred.Uid), int(cred.Gid))
	}
	return nil
}

// quoteAuth quotes s for pgbouncer's auth_file ("name" "password").
func quoteAuth(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func (b *Bouncer) waitListening(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(b.Port))
	for {
		select {
		case <-b.done:
			return fmt.Errorf("devpg: pgbouncer exited at start:\n%s", b.out.String())
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("devpg: pgbouncer is not listening on %s after %v:\n%s", addr, timeout, b.out.String())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// URL returns dsn (a postgres:// URL) pointed at the bouncer instead of
// the server, with TLS off (the bouncer serves plain connections).
func (b *Bouncer) URL(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("devpg: pgbouncer: the connection string must be a postgres:// URL")
	}
	u.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(b.Port))
	q := u.Query()
	q.Set("sslmode", "disable")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Log returns what pgbouncer printed so far.
func (b *Bouncer) Log() string { return b.out.String() }

// Stop stops pgbouncer (immediate shutdown: its clients are disconnected)
// and removes its directory.
func (b *Bouncer) Stop() {
	if b.cmd != nil && b.cmd.Process != nil {
		_ = b.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-b.done:
		case <-time.After(5 * time.Second):
			_ = b.cmd.Process.Kill()
			<-b.done
		}
	}
	os.RemoveAll(b.dir)
}

// lockedBuffer collects a child process's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
