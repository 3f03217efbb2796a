package e2e

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	_ "time/tzdata" // stableZone needs Asia/Shanghai and America/Los_Angeles

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// The suites of this package have a small default size, for `make test`
// (each well under a minute), and a full size selected with
// ARBSYNC_SUITE_SIZE=full.
const suiteSizeEnv = "ARBSYNC_SUITE_SIZE"

// fullSize reports whether ARBSYNC_SUITE_SIZE=full.
func fullSize() bool { return strings.EqualFold(os.Getenv(suiteSizeEnv), "full") }

// sizeName is "small" or "full", for the figures lines.
func sizeName() string {
	if fullSize() {
		return "full"
	}
	return "small"
}

// bySize returns small, or full under ARBSYNC_SUITE_SIZE=full.
func bySize[T any](small, full T) T {
	if fullSize() {
		return full
	}
	return small
}

// stableZone returns a time zone in which the local date (and so the as-of
// date of scores and the ISO week of thresholds) will not change for at least
// an hour, so runs that are compared with each other score at the same date.
func stableZone(t *testing.T) string {
	t.Helper()
	for _, z := range []string{"UTC", "Asia/Shanghai", "America/Los_Angeles"} {
		loc, err := time.LoadLocation(z)
		require.NoError(t, err)
		if h := time.Now().In(loc).Hour(); h >= 1 && h <= 21 {
			return z
		}
	}
	t.Fatal("no candidate zone is away from midnight") // cannot happen: the zones are 8 h apart
	return ""
}

// freeAddr returns a free 127.0.0.1 port as host:port.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// process is a running arbsync (or other) process whose combined output is
// kept, split into lines, and can be watched for a line containing given
// substrings.
type process struct {
	name    string
	cmd     *exec.Cmd
	allowed []string // substrings of error lines the test provokes on purpose
	mu      sync.Mutex
	out     bytes.Buffer
	partial []byte
	watches []*lineWatch
	done    chan struct{}
	err     error
}

type lineWatch struct {
	subs  []string
	ch    chan string
	fired bool
}

func (p *process) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out.Write(b)
	p.partial = append(p.partial, b...)
	for {
		i := bytes.IndexByte(p.partial, '\n')
		if i < 0 {
			break
		}
		line := string(p.partial[:i])
		p.partial = p.partial[i+1:]
		for _, w := range p.watches {
			if w.fired {
				continue
			}
			match := true
			for _, s := range w.subs {
				if !strings.Contains(line, s) {
					match = false
					break
				}
			}
			if match {
				w.fired = true
				w.ch <- line
			}
		}
	}
	return len(b), nil
}

// watch returns a channel that receives the first line written from now on
// that contains every one of subs.
func (p *process) watch(subs ...string) <-chan string {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := &lineWatch{subs: subs, ch: make(chan string, 1)}
	p.watches = append(p.watches, w)
	return w.ch
}

// allowErrors declares error lines (by substring) that the test provokes
// on purpose; any other error line fails the test.
func (p *process) allowErrors(substrings ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.allowed = append(p.allowed, substrings...)
}

func (p *process) allowedErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.allowed...)
}

func (p *process) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// startProcess starts the arbsync binary with exactly env (nothing inherited).
func startProcess(t *testing.T, name string, env []string, args ...string) *process {
	t.Helper()
	return startCommand(t, name, env, binary, args...)
}

// startCommand starts any program with exactly env, watched like an arbsync
// process (its error-level log lines fail the test).
func startCommand(t *testing.T, name string, env []string, path string, args ...string) *process {
	t.Helper()
	p := &process{name: name, done: make(chan struct{})}
	p.cmd = exec.Command(path, args...)
	// Its own process group, so that stopping it stops what it started.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p.cmd.Env = env
	p.cmd.Stdout = p
	p.cmd.Stderr = p
	require.NoError(t, p.cmd.Start())
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		defer func() { requireNoUnexpectedErrors(t, p.name, p.log(), p.allowedErrors()) }()
		// Whatever it started goes too.
		defer func() { _ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) }()
		if p.exited() {
			return
		}
		if t.Failed() {
			// Show where a stuck daemon is stuck.
			_ = p.cmd.Process.Signal(syscall.SIGQUIT)
			select {
			case <-p.done:
				t.Logf("%s goroutines at the failure:\n%s", p.name, goroutines(p.log()))
			case <-time.After(3 * time.Second):
			}
		}
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	})
	return p
}

// goroutines extracts the goroutines of a SIGQUIT dump that run arbsync
// code, at most 400 lines.
func goroutines(log string) string {
	i := strings.Index(log, "SIGQUIT")
	if i < 0 {
		return ""
	}
	var out []string
	for _, block := range strings.Split(log[i:], "\n\n") {
		if strings.Contains(block, "arbsync/arbsync/") || strings.Contains(block, "robfig/cron") {
			out = append(out, strings.Split(block, "\n")...)
		}
	}
	if len(out) > 400 {
		out = out[:400]
	}
	return strings.Join(out, "\n")
}

// exitCode waits for the process and returns its exit code, or minus the
// signal that ended it.
func (p *process) exitCode(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		t.Fatalf("%s did not exit within %v; log:\n%s", p.name, d, tail(p.log()))
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
	t.Fatalf("wait %s: %v", p.name, p.err)
	return -1
}

// kill SIGKILLs the process and waits until it is reaped.
func (p *process) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	require.Equal(t, -int(syscall.SIGKILL), p.exitCode(t, 10*time.Second))
}

// stop SIGTERMs the process and requires exit code 0.
func (p *process) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, 0, p.exitCode(t, 60*time.Second), "%s exits 0 on SIGTERM; log:\n%s", p.name, tail(p.log()))
}

// result is a finished one-shot command.
type result struct {
	code           int
	stdout, stderr string
}

// runCmd runs the arbsync binary to completion with exactly env. Any
// error-level log line fails the test (runCmdAllowing names the ones a
// test provokes).
func runCmd(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	return runCmdAllowing(t, nil, env, stdin, args...)
}

// runCmdAllowing is runCmd for a command expected to log the error lines
// that contain one of allowed.
func runCmdAllowing(t *testing.T, allowed []string, env []string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		require.True(t, ok, "run arbsync %v: %v", args, err)
		r.code = ee.ExitCode()
	}
	requireNoUnexpectedErrors(t, "arbsync "+strings.Join(args, " "), r.stderr+"\n"+r.stdout, allowed)
	return r
}

// receipt is one request the webhook receiver got.
type receipt struct {
	key     string
	at      time.Time
	aborted bool // the sender went away before the answer was written
}

// receiver is a generic-webhook alert channel endpoint that records every
// request by its X-Arbsync-Dedup-Key and checks its signature.
type receiver struct {
	srv    *httptest.Server
	secret string
	// hold delays each answer, widening the window in which the sender can
	// die between a send and recording it.
	hold time.Duration
	// fail, when set, answers with a status and body instead of 200.
	fail func(n int) (status int, body string)

	mu       sync.Mutex
	receipts []receipt
	badSigs  int
	arrived  chan struct{} // signalled (without blocking) on each request
}

func newReceiver(t *testing.T, secret string, hold time.Duration) *receiver {
	t.Helper()
	r := &receiver{secret: secret, hold: hold, arrived: make(chan struct{}, 1)}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	key := req.Header.Get("X-Arbsync-Dedup-Key")
	mac := hmac.New(sha256.New, []byte(r.secret))
	mac.Write(body)
	good := req.Header.Get("X-Arbsync-Signature") == "sha256="+hex.EncodeToString(mac.Sum(nil))
	r.mu.Lock()
	i := len(r.receipts)
	r.receipts = append(r.receipts, receipt{key: key, at: time.Now()})
	if !good {
		r.badSigs++
	}
	fail := r.fail
	r.mu.Unlock()
	select {
	case r.arrived <- struct{}{}:
	default:
	}
	if r.hold > 0 {
		select {
		case <-time.After(r.hold):
		case <-req.Context().Done():
			r.mu.Lock()
			r.receipts[i].aborted = true
			r.mu.Unlock()
			return
		}
	}
	if fail != nil {
		if status, body := fail(i); status != 0 {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `{"ok":true}`)
}

// byKey returns the receipts grouped by dedup key, each in arrival order.
func (r *receiver) byKey() map[string][]receipt {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[string][]receipt{}
	for _, rc := range r.receipts {
		m[rc.key] = append(m[rc.key], rc)
	}
	for _, v := range m {
		sort.SliceStable(v, func(i, j int) bool { return v[i].at.Before(v[j].at) })
	}
	return m
}

func (r *receiver) count() (receipts, badSignatures int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.receipts), r.badSigs
}

// scrape fetches http://addr/metrics.
func scrape(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	return string(b)
}

// metric returns the value of the sample name{labels} (labels written as in
// the exposition format, e.g. `type="busy"`, or "" for none), 0 if absent.
func metric(text, name, labels string) float64 {
	sel := name
	if labels != "" {
		sel += "{" + labels + "}"
	}
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(sel) + ` (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// httpStatus GETs url and returns the status (0 when no answer).
func httpStatus(url string) int {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// qInt runs a query returning one integer.
func qInt(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// qMap runs a query of (key text, value text) rows into a map; keys must be
// unique.
func qMap(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) map[string]string {
	t.Helper()
	rows, err := pool.Query(context.Background(), sql, args...)
	require.NoError(t, err)
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		require.NoError(t, rows.Scan(&k, &v))
		_, dup := m[k]
		require.False(t, dup, "duplicate key %q in %s", k, sql)
		m[k] = v
	}
	require.NoError(t, rows.Err())
	return m
}

// diffMaps lists the keys whose values differ between want and got, at most
// limit of them (all are counted).
func diffMaps(what string, want, got map[string]string, limit int, out *[]string) int {
	n := 0
	keys := make([]string, 0, len(want)+len(got))
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		w, wok := want[k]
		g, gok := got[k]
		if wok && gok && w == g {
			continue
		}
		n++
		if len(*out) < limit {
			switch {
			case !gok:
				*out = append(*out, fmt.Sprintf("%s %s: missing (want %s)", what, k, w))
			case !wok:
				*out = append(*out, fmt.Sprintf("%s %s: unexpected %s", what, k, g))
			default:
				*out = append(*out, fmt.Sprintf("%s %s: got %s, want %s", what, k, g, w))
			}
		}
	}
	return n
}

// envWith returns base with the variables of over replacing those of the
// same name, and any variable named in unset removed.
func envWith(base []string, over []string, unset ...string) []string {
	drop := map[string]bool{}
	for _, kv := range over {
		drop[strings.SplitN(kv, "=", 2)[0]] = true
	}
	for _, n := range unset {
		drop[n] = true
	}
	var out []string
	for _, kv := range base {
		if !drop[strings.SplitN(kv, "=", 2)[0]] {
			out = append(out, kv)
		}
	}
	return append(out, over...)
}

// grepLines returns the last n lines of log that contain sub.
func grepLines(log, sub string, n int) string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return strings.Join(out, "\n")
}

// waitUntil polls cond every 20 ms until it holds, failing the test after
// timeout with what (evaluated at the failure, so a log tail is current).
func waitUntil(t *testing.T, timeout time.Duration, cond func() bool, what func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v: %s", timeout, what())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
