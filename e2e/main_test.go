package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
)

// binary is the arbsync binary built once for the package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "arbsync-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "arbsync")
	out, err := exec.Command("go", "build", "-o", binary, "github.com/arbsync/arbsync/cmd/arbsync").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building arbsync: %v\n%s", err, out)
		os.Exit(1)
	}
	// Fail the package if a goroutine a test started (a process waiter, a
	// simulator server) is still running when the tests end.
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		os.RemoveAll(dir)
		os.Exit(code)
	}))
}

var simDate = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

type env struct {
	db      *testdb.Database
	sim     *sim.Server
	vars    []string
	codes   []string
	keyPath string
}

type envOpts struct {
	companies int
	latency   time.Duration
	// simStart is the simulator's first date (default simDate).
	simStart time.Time
}

func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	d := testdb.NewDatabase(t)
	dir := t.TempDir()
	priv, _, err := upstream.GenerateKeyPair(dir, "e2e")
	require.NoError(t, err)
	pk, err := upstream.LoadPrivateKey(priv)
	require.NoError(t, err)
	start := simDate
	if !o.simStart.IsZero() {
		start = o.simStart
	}
	s, err := sim.New(sim.Config{Protocol: "signed", PublicKey: &pk.PublicKey, AppID: "e2e", Seed: 11, StartDate: start,
		Latency: o.latency, Jitter: o.latency / 2})
	require.NoError(t, err)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	e := &env{db: d, sim: s, keyPath: priv}
	e.vars = []string{
		"DATABASE_URL=" + d.DSN,
		"ARBSYNC_UPSTREAM_URL=" + srv.URL,
		"ARBSYNC_UPSTREAM_APP_ID=e2e",
		"ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE=" + priv,
		"ARBSYNC_UPSTREAM_CONCURRENCY=8",
		"ARBSYNC_HTTP_ADDR=off",
		"ARBSYNC_TIMEZONE=UTC",
		"ARBSYNC_SYNC_LEASE=10s",
		"ARBSYNC_SYNC_BATCH=40",
		"ARBSYNC_LOG_LEVEL=debug",
		"ARBSYNC_REPORT_DIR=" + t.TempDir(),
	}
	for i := 0; i < o.companies; i++ {
		code := uscc.Generate(i%34, uint64(7000+i))
		if !s.Known(code) {
			continue
		}
		p := s.Profile(code)
		_, err := d.Pool.Exec(context.Background(), `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, $3)`, code, p.Name, p.Industry)
		require.NoError(t, err)
		e.codes = append(e.codes, code)
	}
	return e
}

// proc is a running arbsync process.
type proc struct {
	cmd     *exec.Cmd
	allowed []string // substrings of error lines the test provokes on purpose
	mu      sync.Mutex
	stderr  bytes.Buffer
	done    chan struct{}
	err     error
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.Write(b)
}

// allowErrors declares error lines (by substring) that the test provokes
// on purpose; any other error line fails the test.
func (p *proc) allowErrors(substrings ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.allowed = append(p.allowed, substrings...)
}

func (p *proc) allowedErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.allowed...)
}

func (p *proc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

func (e *env) start(t *testing.T, extra []string, args ...string) *proc {
	t.Helper()
	p := &proc{done: make(chan struct{})}
	p.cmd = exec.Command(binary, args...)
	p.cmd.Env = append(append(os.Environ()[:0:0], e.vars...), extra...)
	p.cmd.Stderr = p
	p.cmd.Stdout = p
	require.NoError(t, p.cmd.Start())
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		defer func() { requireNoUnexpectedErrors(t, "arbsync "+strings.Join(args, " "), p.log(), p.allowedErrors()) }()
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

func (p *proc) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		t.Fatalf("process did not exit within %v; log:\n%s", d, tail(p.log()))
	}
	if p.err == nil {
		return 0
	}
	if ee, ok := p.err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -int(ws.Signal())
		}
		return ee.ExitCode()
	}
	t.Fatalf("wait: %v", p.err)
	return -1
}

func tail(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}

func (e *env) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, e.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// requireMatchesTruth asserts arbsync.cases holds exactly the simulator's
// cases for every company, each once, and returns how many there are.
func (e *env) requireMatchesTruth(t *testing.T) int {
	t.Helper()
	total := 0
	for _, code := range e.codes {
		truth, ok := e.sim.Truth(code)
		require.True(t, ok)
		want := map[string]string{}
		for _, c := range truth.Cases {
			want[c.CaseID] = fmt.Sprintf("%s|%s|%s|%d|%s", c.Result, c.ExecutionStatus, c.FilingDate, c.ClaimAmount, c.Title)
		}
		rows, err := e.db.Pool.Query(context.Background(), `SELECT case_id, result || '|' || execution_status || '|' || filing_date::text || '|' || (claim_amount*100)::bigint::text || '|' || title
			FROM arbsync.cases WHERE credit_code = $1 AND removed_at IS NULL`, code)
		require.NoError(t, err)
		got := map[string]string{}
		for rows.Next() {
			var id, v string
			require.NoError(t, rows.Scan(&id, &v))
			got[id] = v
		}
		require.NoError(t, rows.Err())
		require.Equal(t, want, got, "cases of %s", code)
		total += len(want)
	}
	return total
}
