package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/secret"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
)

func randHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// haystack collects everything arbsync wrote that a person or a BI tool can
// read: process output, error columns, metrics, reports.
type haystack struct {
	mu    sync.Mutex
	texts map[string]string // where → text
}

func (h *haystack) add(where, text string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.texts[where] += text
}

// Secrets never leave the process (ARCHITECTURE.md “Operating it”, “Targets”). A daemon and one-shot
// commands run with every kind of secret set — a database password (a login
// role created for the test), the signed protocol's private key, the tianyuan
// access key (right and wrong), the webhook signing secret and a token in the
// webhook URL, the lookup token — through syncs with upstream faults, a 4001
// from clock skew, failing and succeeding alert deliveries (the failing
// receiver echoes the secrets back in its error body), lookups with good and
// bad tokens, and start-up failures. Then no secret value, no line of the
// private key's PEM body and no request signature appears in any output of
// any process, in sync_state.last_error, alert_deliveries.last_error,
// alert_delivery_attempts.error, job_runs.last_error, sync_runs, /metrics or
// the written reports. /metrics passes `promtool check metrics`.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	began := time.Now()
	ctx := context.Background()
	hay := &haystack{texts: map[string]string{}}

	// A login role with a password; dropped after the database (cleanups run
	// last-registered first).
	admin, err := pgx.Connect(ctx, testdb.AdminDSN(t))
	require.NoError(t, err)
	role := "arbsync_sec_" + randHex(t, 4)
	dbPassword := "dbpw-" + randHex(t, 12)
	_, err = admin.Exec(ctx, fmt.Sprintf(`CREATE ROLE %s LOGIN PASSWORD '%s' IN ROLE postgres`, role, dbPassword))
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+role)
		admin.Close(context.Background())
	})
	d := testdb.NewDatabase(t)
	u, err := url.Parse(d.DSN)
	require.NoError(t, err)
	u.User = url.UserPassword(role, dbPassword)
	dsn := u.String()

	dir := t.TempDir()
	priv, _, err := upstream.GenerateKeyPair(dir, "sec")
	require.NoError(t, err)
	pk, err := upstream.LoadPrivateKey(priv)
	require.NoError(t, err)
	pemBytes, err := os.ReadFile(priv)
	require.NoError(t, err)
	accessKey := randHex(t, 16)
	wrongKey := randHex(t, 16)
	webhookSecret := "whsec-" + randHex(t, 12)
	urlToken := "urltok-" + randHex(t, 12)
	lookupToken := "lookup-" + randHex(t, 12)
	needles := map[string]string{"database password": dbPassword, "access key": accessKey, "wrong access key": wrongKey,
		"webhook secret": webhookSecret, "webhook url token": urlToken, "lookup token": lookupToken}
	for i, line := range strings.Split(string(pemBytes), "\n") {
		if len(line) >= 16 && !strings.HasPrefix(line, "-----") {
			needles[fmt.Sprintf("private key PEM line %d", i)] = line
		}
	}

	// The vendor, recording the signatures it is sent.
	var skew atomic.Int64
	s, err := sim.New(sim.Config{Protocol: sim.ProtocolBoth, PublicKey: &pk.PublicKey, AppID: "sec", AccessID: "sec-id",
		AccessKey: secret.Value(accessKey), Seed: 59, StartDate: simDate, Latency: 3 * time.Millisecond,
		Now: func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }})
	require.NoError(t, err)
	var sigMu sync.Mutex
	var signatures []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sig := r.Header.Get("X-Signature"); sig != "" {
			sigMu.Lock()
			if len(signatures) < 300 {
				signatures = append(signatures, sig)
			}
			sigMu.Unlock()
		}
		s.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	faults := sim.Faults{ErrorRates: map[int]float64{5001: 0.15, 500: 0.05}, Garbage: 0.05, Truncated: 0.05, Malformed: 0.05}
	require.NoError(t, s.SetFaults(faults))

	// The webhook: the first answer is a 500 and the second a 400, both
	// echoing the channel's secrets, as a broken service might.
	recv := newReceiver(t, webhookSecret, 0)
	recv.fail = func(n int) (int, string) {
		body := fmt.Sprintf(`{"error":"rejected: secret=%s url=/hook?token=%s"}`, webhookSecret, urlToken)
		switch n {
		case 0:
			return http.StatusInternalServerError, body
		case 1:
			return http.StatusBadRequest, body
		}
		return 0, ""
	}

	var codes []string
	for i := 0; len(codes) < 40; i++ {
		code := uscc.Generate(i%34, uint64(71000+i))
		if !s.Known(code) {
			continue
		}
		p := s.Profile(code)
		_, err := d.Pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, $3)`, code, p.Name, p.Industry)
		require.NoError(t, err)
		codes = append(codes, code)
	}
	addr := freeAddr(t)
	reports := filepath.Join(dir, "reports")
	env := []string{
		"DATABASE_URL=" + dsn,
		"ARBSYNC_LISTEN_DATABASE_URL=" + dsn,
		"ARBSYNC_UPSTREAM_URL=" + srv.URL,
		"ARBSYNC_UPSTREAM_APP_ID=sec",
		"ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE=" + priv,
		"ARBSYNC_UPSTREAM_ACCESS_ID=sec-id",
		"ARBSYNC_UPSTREAM_ACCESS_KEY=" + accessKey,
		"ARBSYNC_UPSTREAM_QPS=1000",
		"ARBSYNC_UPSTREAM_TIMEOUT=2s",
		"ARBSYNC_SYNC_LEASE=10s", // a lease a stopped daemon leaves (bug_sigterm_notify_pass_test.go) ends soon
		"ARBSYNC_LOOKUP_TOKEN=" + lookupToken,
		"ARBSYNC_HTTP_ADDR=" + addr,
		"ARBSYNC_TIMEZONE=UTC",
		"ARBSYNC_SYNC_SCHEDULE=@every 2s",
		"ARBSYNC_THRESHOLDS_SCHEDULE=@every 3s",
		"ARBSYNC_REPORT_DIR=" + reports,
		"ARBSYNC_LOG_LEVEL=trace",
		"ARBSYNC_ALERT_CHANNELS=t",
		"ARBSYNC_ALERT_T_KIND=webhook",
		"ARBSYNC_ALERT_T_URL=" + recv.srv.URL + "/hook?token=" + urlToken,
		"ARBSYNC_ALERT_T_SECRET=" + webhookSecret,
	}
	processes := 0
	record := func(name, out string) {
		processes++
		hay.add("output of "+name, out)
	}
	get := func(path, token string) int {
		req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		hay.add("lookup answers", string(b))
		return resp.StatusCode
	}

	// 1. The daemon on the signed protocol, with faults and alerts.
	p := startProcess(t, "daemon-signed", env, "run")
	// Its alert channel answers 400: the operator is told to fix it.
	p.allowErrors("alert delivery failed for good")
	waitUntil(t, 60*time.Second, func() bool {
		return qInt(t, d.Pool, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'new'`) == 0 &&
			qInt(t, d.Pool, `SELECT count(*) FROM arbsync.alert_deliveries WHERE last_error IS NOT NULL`) >= 2
	}, func() string { return "synced, and two failed deliveries recorded; log:\n" + tail(p.log()) })
	require.Positive(t, qInt(t, d.Pool, `SELECT count(*) FROM arbsync.sync_state WHERE last_error IS NOT NULL`), "faults left errors in sync_state")
	require.NotEqual(t, http.StatusUnauthorized, get("/v1/companies/"+codes[0]+"/risk", lookupToken)) // 200, or 502 when a live fetch meets a fault
	require.Equal(t, http.StatusUnauthorized, get("/v1/companies/"+codes[0]+"/risk", "wrong-"+lookupToken[:10]))
	require.Equal(t, http.StatusUnauthorized, get("/v1/companies/"+codes[0]+"/risk", ""))
	get("/v1/companies/"+codes[1]+"/risk?refresh=true", lookupToken)
	get("/v1/companies/"+uscc.Generate(3, 71999)+"/risk?industry=C", lookupToken)
	// A vendor clock 400 s ahead: 4001, and the skew in the log.
	skew.Store(int64(400 * time.Second))
	_, err = d.Pool.Exec(ctx, `UPDATE arbsync.watchlist SET note = 'skew' WHERE credit_code = ANY($1)`, codes[:5])
	require.NoError(t, err)
	waitUntil(t, 30*time.Second, func() bool {
		return qInt(t, d.Pool, `SELECT count(*) FROM arbsync.sync_state WHERE last_error_code = 'auth'`) > 0
	}, func() string { return "a 4001 recorded; log:\n" + tail(p.log()) })
	skew.Store(0)
	metrics := scrape(t, addr)
	hay.add("/metrics", metrics)
	p.stop(t)
	record(p.name, p.log())

	// /metrics passes promtool.
	check := exec.Command(promtool(t), "check", "metrics")
	check.Stdin = strings.NewReader(metrics)
	out, err := check.CombinedOutput()
	require.NoError(t, err, "promtool check metrics:\n%s", out)

	// 2. The daemon on the tianyuan protocol (the access key in use).
	tianyuan := envWith(env, []string{"ARBSYNC_UPSTREAM_PROTOCOL=tianyuan"})
	var since time.Time
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT now()`).Scan(&since))
	_, err = d.Pool.Exec(ctx, `UPDATE arbsync.watchlist SET note = 'tianyuan'`)
	require.NoError(t, err)
	p = startProcess(t, "daemon-tianyuan", tianyuan, "run")
	waitUntil(t, 30*time.Second, func() bool { return httpStatus("http://"+addr+"/readyz") == http.StatusOK }, func() string { return tail(p.log()) })
	waitUntil(t, 60*time.Second, func() bool {
		return qInt(t, d.Pool, `SELECT count(*) FROM arbsync.sync_state WHERE last_attempt_at < $1 OR last_attempt_at IS NULL OR leased_by IS NOT NULL`, since) == 0
	}, func() string {
		return fmt.Sprintf("tianyuan pass; not attempted: %v; log:\n%s", qMap(t, d.Pool, `SELECT credit_code, concat_ws(' ', status, last_error_code,
			'attempt', last_attempt_at, 'next', next_sync_at, 'lease', leased_by) FROM arbsync.sync_state
			WHERE last_attempt_at < $1 OR last_attempt_at IS NULL OR leased_by IS NOT NULL`, since), tail(p.log()))
	})
	get("/v1/companies/"+codes[2]+"/risk?refresh=true", lookupToken)
	hay.add("/metrics", scrape(t, addr))
	p.stop(t)
	record(p.name, p.log())

	// 3. One-shot commands, including failing ones.
	require.NoError(t, s.SetFaults(sim.Faults{}))
	oneShots := []struct {
		name string
		env  []string
		args []string
		code int
	}{
		{"sync signed", env, []string{"sync", "-all"}, -1},
		{"sync tianyuan, wrong access key", envWith(tianyuan, []string{"ARBSYNC_UPSTREAM_ACCESS_KEY=" + wrongKey}), []string{"sync", "-all"}, -1},
		{"migrate status", env, []string{"migrate", "status"}, 0},
		{"score all", env, []string{"score", "-all"}, 0},
		{"thresholds dry run", env, []string{"thresholds", "recompute", "-dry-run"}, 0},
		{"watchlist export", env, []string{"watchlist", "export"}, 0},
		{"run, database unreachable", envWith(env, []string{"DATABASE_URL=postgres://" + role + ":" + dbPassword + "@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"}), []string{"run"}, 1},
		{"migrate, database unreachable", envWith(env, []string{"DATABASE_URL=postgres://" + role + ":" + dbPassword + "@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"}), []string{"migrate", "status"}, 1},
		{"run, wrong database password form", envWith(env, []string{"DATABASE_URL=postgres://" + role + ":" + dbPassword + "@127.0.0.1:notaport/x"}), []string{"run"}, 1},
	}
	for _, c := range oneShots {
		r := runBriefly(t, c.env, 60*time.Second, c.args...)
		if c.code >= 0 {
			require.Equal(t, c.code, r.code, "%s: %s", c.name, tail(r.stderr))
		}
		record(c.name, r.stdout+r.stderr)
	}

	// 4. A private key that others may read is refused, saying how to fix it.
	open := filepath.Join(dir, "open.pem")
	require.NoError(t, os.WriteFile(open, pemBytes, 0o600))
	require.NoError(t, os.Chmod(open, 0o644))
	r := runBriefly(t, envWith(env, []string{"ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE=" + open}), 20*time.Second, "run")
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stderr, "chmod 600", "the refusal says how to fix the mode")
	record("run, group/other-readable key", r.stdout+r.stderr)

	// The database's error texts, and the reports.
	for _, q := range []string{
		`SELECT coalesce(string_agg(last_error, E'\n'), '') FROM arbsync.sync_state`,
		`SELECT coalesce(string_agg(last_error, E'\n'), '') FROM arbsync.alert_deliveries`,
		`SELECT coalesce(string_agg(error, E'\n'), '') FROM arbsync.alert_delivery_attempts`,
		`SELECT coalesce(string_agg(last_error, E'\n'), '') FROM arbsync.job_runs`,
		`SELECT coalesce(string_agg(errors_by_type::text || ' ' || coalesce(outcome, ''), E'\n'), '') FROM arbsync.sync_runs`,
	} {
		var text string
		require.NoError(t, d.Pool.QueryRow(ctx, q).Scan(&text))
		hay.add(q, text)
	}
	dbErrors := qInt(t, d.Pool, `SELECT (SELECT count(*) FROM arbsync.sync_state WHERE last_error IS NOT NULL)
		+ (SELECT count(*) FROM arbsync.alert_deliveries WHERE last_error IS NOT NULL)
		+ (SELECT count(*) FROM arbsync.alert_delivery_attempts WHERE error IS NOT NULL)`)
	_ = filepath.WalkDir(reports, func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			b, _ := os.ReadFile(path)
			hay.add("report "+path, string(b))
		}
		return nil
	})
	sigMu.Lock()
	for i, sig := range signatures {
		needles[fmt.Sprintf("request signature %d", i)] = sig
	}
	sigMu.Unlock()

	leaks := 0
	lines := 0
	for where, text := range hay.texts {
		lines += strings.Count(text, "\n")
		for what, secret := range needles {
			if strings.Contains(text, secret) {
				leaks++
				i := strings.Index(text, secret)
				t.Errorf("%s leaks the %s: …%s…", where, what, text[max(0, i-200):min(len(text), i+len(secret)+50)])
			}
		}
	}
	t.Logf("suite=security processes=%d texts=%d lines=%d db_error_texts=%d secrets_checked=%d leaks=%d promtool=ok key_mode_refused=ok elapsed=%s",
		processes, len(hay.texts), lines, dbErrors, len(needles), leaks, time.Since(began).Round(time.Second))
}
