package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
)

// upstreamPhase is one kind of vendor trouble.
type upstreamPhase struct {
	name   string
	faults sim.Faults
	skew   time.Duration // the vendor's clock minus ours
	// kind is the error kind companies may fail with ("" = none may fail);
	// outcomes are the simulator outcomes that each count one such error.
	kind     string
	outcomes []string
	status   string // sync_state.status of a company that failed
	retried  bool   // the kind is retriable (busy)
	mustFail bool   // every attempted company fails
}

// Upstream faults through the daemon (ARCHITECTURE.md “The vendor”, “Sync”, “Targets”): busy storms,
// latency spikes, timeouts, 5xx, garbage, truncated, oversized and malformed
// bodies, a permission loss and a vendor clock 400 s ahead. In each phase the
// simulated date moves on (so a successful fetch would change the stored
// cases), an admin touches every watchlist row, and the pass that follows is
// checked company by company:
//
//   - a company that succeeded holds exactly the simulator's truth;
//   - a company that failed has the phase's status and last_error_code, its
//     next attempt in the future (backoff), and its stored cases exactly as
//     before the phase: nothing removed or altered by a failed fetch;
//   - arbsync_api_errors_total{type} grew by exactly the number of faulty
//     answers the simulator gave, retries only happen for busy answers, at
//     most 3 per request and within the retry budget (10 + 0.2 per first
//     attempt, holding at most 30);
//   - the daemon never exits, and ends with SIGTERM and exit 0.
func TestUpstreamFaults(t *testing.T) {
	t.Parallel()
	began := time.Now()
	ctx := context.Background()
	d := testdb.NewDatabase(t)
	priv, _, err := upstream.GenerateKeyPair(t.TempDir(), "faults")
	require.NoError(t, err)
	pk, err := upstream.LoadPrivateKey(priv)
	require.NoError(t, err)
	var skew atomic.Int64
	s, err := sim.New(sim.Config{Protocol: "signed", PublicKey: &pk.PublicKey, AppID: "faults", Seed: 47, StartDate: simDate,
		Latency: 5 * time.Millisecond, Jitter: 3 * time.Millisecond, OversizeBytes: 9 << 20,
		Now: func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }})
	require.NoError(t, err)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	var codes []string
	for i := 0; len(codes) < bySize(60, 400); i++ {
		code := uscc.Generate(i%34, uint64(61000+i))
		if !s.Known(code) {
			continue
		}
		p := s.Profile(code)
		_, err := d.Pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, $3)`, code, p.Name, p.Industry)
		require.NoError(t, err)
		codes = append(codes, code)
	}
	addr := freeAddr(t)
	p := startProcess(t, "daemon", []string{
		"DATABASE_URL=" + d.DSN,
		"ARBSYNC_UPSTREAM_URL=" + srv.URL,
		"ARBSYNC_UPSTREAM_APP_ID=faults",
		"ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE=" + priv,
		"ARBSYNC_UPSTREAM_CONCURRENCY=8",
		"ARBSYNC_UPSTREAM_QPS=1000",
		"ARBSYNC_UPSTREAM_TIMEOUT=2s", // long enough to read a 9 MiB body on a loaded machine
		"ARBSYNC_HTTP_ADDR=" + addr,
		"ARBSYNC_TIMEZONE=UTC",
		"ARBSYNC_SYNC_SCHEDULE=@every 1h", // passes come from the start-up catch-up and watchlist edits
		"ARBSYNC_SYNC_BATCH=50",
		"ARBSYNC_SYNC_LEASE=30s",
		"ARBSYNC_REPORT_DIR=" + t.TempDir(),
		"ARBSYNC_LOG_LEVEL=debug",
	}, "run")
	// The permission_lost phase: each refused company is reported as it stops the pass.
	p.allowErrors("upstream refused permission: stopping the pass")

	// Baseline: the catch-up pass at start syncs everyone.
	waitUntil(t, 60*time.Second, func() bool {
		return qInt(t, d.Pool, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok' AND leased_by IS NULL`) == len(codes)
	}, func() string { return "baseline sync; log:\n" + tail(p.log()) })

	phases := []upstreamPhase{
		{name: "busy_storm", faults: sim.Faults{ErrorRates: map[int]float64{5001: 0.5}}, kind: "busy", outcomes: []string{"code_5001"}, status: "failing", retried: true},
		{name: "latency_spikes", faults: sim.Faults{Hang: 0.3, HangFor: 150 * time.Millisecond}},
		{name: "timeouts", faults: sim.Faults{Hang: 0.25}, kind: "busy", outcomes: []string{"hang"}, status: "failing", retried: true},
		{name: "http_5xx", faults: sim.Faults{ErrorRates: map[int]float64{500: 0.25, 503: 0.15}}, kind: "busy", outcomes: []string{"http_500", "http_503"}, status: "failing", retried: true},
		{name: "garbage", faults: sim.Faults{Garbage: 0.3}, kind: "bad_response", outcomes: []string{"garbage"}, status: "failing"},
		{name: "truncated", faults: sim.Faults{Truncated: 0.3}, kind: "bad_response", outcomes: []string{"truncated"}, status: "failing"},
		{name: "oversized", faults: sim.Faults{Oversized: 0.1}, kind: "bad_response", outcomes: []string{"oversized"}, status: "failing"},
		{name: "malformed", faults: sim.Faults{Malformed: 0.3}, kind: "bad_response", outcomes: []string{"malformed"}, status: "failing"},
		{name: "permission_lost", faults: sim.Faults{Permission: true}, kind: "permission", outcomes: []string{"code_4003"}, status: "forbidden", mustFail: true},
		{name: "clock_skew", skew: 400 * time.Second, kind: "auth", outcomes: []string{"code_4001"}, status: "failing", mustFail: true},
		{name: "recovered"},
	}
	var figures []string
	for _, ph := range phases {
		require.NoError(t, s.SetFaults(ph.faults))
		skew.Store(int64(ph.skew))
		s.Advance(20)
		s.ResetStats()
		before := scrape(t, addr)
		snapshot := caseRows(t, d, "")
		since := time.Now()
		var touched time.Time
		require.NoError(t, d.Pool.QueryRow(ctx, `SELECT now()`).Scan(&touched))
		_, err := d.Pool.Exec(ctx, `UPDATE arbsync.watchlist SET note = $1`, ph.name)
		require.NoError(t, err)
		settle(t, d, s, p, touched, ph.name != "permission_lost")
		after := scrape(t, addr)
		st := s.Stats()
		require.False(t, p.exited(), "%s: the daemon never exits; log:\n%s", ph.name, tail(p.log()))

		// Company by company. A failure's backoff (at least 2 min − 20 %) is
		// measured from the company's attempt, not from now: a long phase on
		// a loaded machine can outlast the margin of the shortest one.
		states := qMap(t, d.Pool, `SELECT credit_code, concat_ws('|', status, coalesce(last_error_code, '-'), (next_sync_at > last_attempt_at + interval '90 seconds')::text,
			(next_sync_at > last_attempt_at + interval '55 minutes')::text, (last_success_at >= $1)::text, coalesce(last_error, '')) FROM arbsync.sync_state`, touched)
		now := caseRows(t, d, "")
		failed, succeeded, skipped := 0, 0, 0
		for _, code := range codes {
			f := strings.SplitN(states[code], "|", 6)
			status, kind, backedOff, longBackoff, synced := f[0], f[1], f[2] == "true", f[3] == "true", f[4] == "true"
			switch {
			case ph.name == "permission_lost" && s.Requests(code) == 0: // the stopped pass gave its lease back
				skipped++
				require.Equal(t, snapshot[code], now[code], "%s: %s not attempted, cases untouched", ph.name, code)
			case status == "ok" && synced:
				succeeded++
				require.False(t, ph.mustFail, "%s: %s cannot succeed", ph.name, code)
				requireTruth(t, s, d, code)
			default:
				failed++
				require.NotEmpty(t, ph.kind, "%s: %s failed (%s) in a phase where nothing may fail: %s", ph.name, code, kind, f[5])
				require.Equal(t, ph.status, status, "%s: %s status", ph.name, code)
				require.Equal(t, ph.kind, kind, "%s: %s last_error_code (%s)", ph.name, code, f[5])
				require.True(t, backedOff, "%s: %s next attempt is in the future", ph.name, code)
				if ph.status == "forbidden" {
					require.True(t, longBackoff, "%s: %s waits about an hour after a permission error", ph.name, code)
				}
				require.Equal(t, snapshot[code], now[code], "%s: %s failed; its stored cases must be untouched", ph.name, code)
			}
		}

		// Metrics and the simulator's count of faulty answers agree.
		faulty := 0
		for _, o := range ph.outcomes {
			faulty += int(st.ByOutcome[o])
		}
		for _, k := range upstream.Kinds() {
			delta := int(metric(after, "arbsync_api_errors_total", `type="`+string(k)+`"`) - metric(before, "arbsync_api_errors_total", `type="`+string(k)+`"`))
			if string(k) == ph.kind {
				require.Equal(t, faulty, delta, "%s: arbsync_api_errors_total{type=%q} counts every faulty answer (sim outcomes %v)", ph.name, k, st.ByOutcome)
			} else {
				require.Zero(t, delta, "%s: no %s errors", ph.name, k)
			}
		}
		if ph.kind != "" {
			require.Positive(t, failed+faulty, "%s: the fault was hit", ph.name)
		}
		retries := int(metric(after, "arbsync_api_retries_total", "") - metric(before, "arbsync_api_retries_total", ""))
		first := int(st.Requests) - retries
		if !ph.retried {
			require.Zero(t, retries, "%s: %s is not retried", ph.name, ph.kind)
		}
		require.LessOrEqual(t, float64(retries), 30+0.2*float64(first), "%s: retries within the budget", ph.name)
		for _, code := range codes {
			pages := max(1, (len(now[code])+49)/50)
			require.LessOrEqual(t, s.Requests(code), int64(4*pages+4), "%s: %s: at most 3 retries per page request", ph.name, code)
		}
		if ph.name == "permission_lost" {
			require.Positive(t, qInt(t, d.Pool, `SELECT count(*) FROM arbsync.sync_runs WHERE outcome = 'stopped' AND started_at >= $1`, touched),
				"a permission error stops the pass")
		}
		if ph.name == "clock_skew" {
			line := grepLines(p.log(), "upstream rejected credentials", 1)
			m := regexp.MustCompile(`"clock_skew_seconds":(-?[0-9.]+)`).FindStringSubmatch(line)
			require.NotNil(t, m, "the 4001 is logged with the clock skew: %s", line)
			sk, _ := strconv.ParseFloat(m[1], 64)
			require.InDelta(t, 400, sk, 5, "logged skew")
			require.Contains(t, line, "NTP", "the log says what to check")
		}
		figures = append(figures, fmt.Sprintf("%s:requests=%d,retries=%d,failed=%d,ok=%d,skipped=%d,faulty_answers=%d,took=%s",
			ph.name, st.Requests, retries, failed, succeeded, skipped, faulty, time.Since(since).Round(100*time.Millisecond)))
	}
	p.stop(t)
	t.Logf("suite=upstream_faults size=%s companies=%d phases=%d differences=0 elapsed=%s", sizeName(), len(codes), len(phases), time.Since(began).Round(time.Second))
	for _, f := range figures {
		t.Logf("suite=upstream_faults phase=%s", f)
	}
}

// caseRows returns each company's stored case rows (id, hash, removed_at,
// last_seen_at), sorted, as one string per company.
func caseRows(t *testing.T, d *testdb.Database, code string) map[string]string {
	t.Helper()
	rows, err := d.Pool.Query(context.Background(), `SELECT credit_code, case_id || ':' || encode(content_hash, 'hex') || ':' ||
		coalesce(removed_at::text, '') || ':' || last_seen_at::text FROM arbsync.cases WHERE $1 = '' OR credit_code = $1`, code)
	require.NoError(t, err)
	defer rows.Close()
	m := map[string][]string{}
	for rows.Next() {
		var c, v string
		require.NoError(t, rows.Scan(&c, &v))
		m[c] = append(m[c], v)
	}
	require.NoError(t, rows.Err())
	out := map[string]string{}
	for c, v := range m {
		sort.Strings(v)
		out[c] = strings.Join(v, "\n")
	}
	return out
}

// requireTruth asserts a company's current cases are the simulator's.
func requireTruth(t *testing.T, s *sim.Server, d *testdb.Database, code string) {
	t.Helper()
	truth, ok := s.Truth(code)
	require.True(t, ok)
	want := map[string]string{}
	for _, c := range truth.Cases {
		want[c.CaseID] = fmt.Sprintf("%s|%s|%s|%d", c.Result, c.ExecutionStatus, c.FilingDate, c.ClaimAmount)
	}
	got := qMap(t, d.Pool, `SELECT case_id, result || '|' || execution_status || '|' || filing_date::text || '|' || (claim_amount*100)::bigint::text
		FROM arbsync.cases WHERE credit_code = $1 AND removed_at IS NULL`, code)
	require.Equal(t, want, got, "cases of %s", code)
}

// settle waits until the passes the watchlist edit started are over: no
// lease held, nothing in flight at the simulator, no sync state moving, and
// (when all is set) every company attempted since touched.
func settle(t *testing.T, d *testdb.Database, s *sim.Server, p *process, touched time.Time, all bool) {
	t.Helper()
	last := ""
	stable := 0
	waitUntil(t, 60*time.Second, func() bool {
		var cur string
		require.NoError(t, d.Pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE leased_by IS NOT NULL) || '/' ||
			count(*) FILTER (WHERE last_attempt_at >= $1 AND leased_by IS NULL) || '/' || count(*) || '/' ||
			(SELECT count(*) FROM arbsync.sync_runs WHERE finished_at IS NULL) || '/' || coalesce(max(last_attempt_at)::text, '')
			FROM arbsync.sync_state`, touched).Scan(&cur))
		f := strings.Split(cur, "/")
		done := f[0] == "0" && f[3] == "0" && s.Stats().InFlight == 0 && (!all || f[1] == f[2])
		if done && cur == last {
			stable++
		} else {
			stable = 0
		}
		last = cur
		return stable >= 25 // about half a second unchanged
	}, func() string { return "the passes settle; state " + last + "; log:\n" + tail(p.log()) })
}
