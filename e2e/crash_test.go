package e2e

import (
	"context"
	"crypto/rsa"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
)

// The crash suite (ARCHITECTURE.md “Targets” "Idempotent everywhere"). Two worlds, each its
// own database, simulator (same seed and date sequence) and webhook receiver:
//
//   - ref: one daemon, never interrupted;
//   - cut: a daemon SIGKILLed again and again at chosen moments (during a
//     fetch, inside a write transaction, between a score commit and the
//     alert's delivery, during an alert send, during the weekly thresholds
//     job, at a random instant) and restarted at once.
//
// Both go through the same steps: the simulated date moves forward (cases are
// filed, closed, executed, removed), an admin touches every watchlist row so
// every company is due, and the step ends when every company has been synced
// completely at that date. The weekly job runs every 2 s throughout, so it
// is often running when a kill lands.
//
// At the end, after a weekly run that started once everything had converged
// and after every alert was delivered, the two databases must hold the same
// cases (ids, content hashes, removed flags), the same case events (each
// exactly once: none lost, none repeated), the same sync state, the same
// current scores, the same score history once consecutive rows with the same
// score and components are merged (the cut world may score at intermediate
// thresholds, so it can hold extra rows that differ only in threshold or
// level — never two identical consecutive rows), and the same thresholds. Every
// alert of the cut world was received by the webhook at least once, and a
// repeat is allowed only where the documented window explains it: the daemon
// was killed after the receiver got the message and before the next receipt.
//
// A killed process's leases (sync_state, alert_deliveries, job_runs) are
// expired by the test before the restart, as if the lease time had passed:
// lease expiry itself is proven by TestSIGKILLMidPassConverges, and waiting
// for it (80 s for deliveries, 1 h for the weekly job) would only slow the
// suite. Each process gets its own ARBSYNC_REPLICA_ID, as with the default
// host-pid id.
func TestCrashSuite(t *testing.T) {
	t.Parallel()
	began := time.Now()
	companies := bySize(150, 600)
	steps := bySize([]int{0, 30, 75}, []int{0, 7, 30, 30, 90, 180})
	killsPerStep := bySize(4, 7)
	zone := stableZone(t)

	priv, _, err := upstream.GenerateKeyPair(t.TempDir(), "crash")
	require.NoError(t, err)
	pk, err := upstream.LoadPrivateKey(priv)
	require.NoError(t, err)

	ref := newCrashWorld(t, "ref", companies, zone, priv, &pk.PublicKey)
	cut := newCrashWorld(t, "cut", companies, zone, priv, &pk.PublicKey)
	require.Equal(t, ref.codes, cut.codes)

	ref.run(t, steps, nil)
	k := &killer{rng: rand.New(rand.NewPCG(20261124, 8)), perStep: killsPerStep, done: map[string]int{}, missed: map[string]int{}}
	cut.run(t, steps, k)

	var diffs []string
	differences := 0
	compared := 0
	add := func(what, sql string) {
		want, got := qMap(t, ref.db.Pool, sql), qMap(t, cut.db.Pool, sql)
		compared += max(len(want), len(got))
		differences += diffMaps(what, want, got, 30, &diffs)
	}
	add("case", `SELECT credit_code || '/' || case_id, encode(content_hash, 'hex') || ' removed=' || (removed_at IS NOT NULL)::text || ' baseline=' || baseline::text FROM arbsync.cases`)
	// Case events: the same ones in both worlds, each once (the value is
	// how many rows carry exactly that event; run ids and detection times
	// differ between the worlds and are left out).
	add("case_event", caseEventsSQL)
	// Event alerts: one per subscribed event, the same events in both
	// worlds (the key's detection time differs between them and is left
	// out).
	add("event_alert", `SELECT credit_code || '/' || split_part(dedup_key, ':', 3) || '/' || event_kind, count(*)::text
		FROM arbsync.alerts WHERE kind = 'event' GROUP BY 1`)
	add("sync_state", `SELECT credit_code, concat_ws('|', status, encode(last_content_hash, 'hex'), consecutive_failures, last_error_code, upstream_name) FROM arbsync.sync_state`)
	add("current_score", `SELECT credit_code, concat_ws('|', score, level, recent_cases, recent_claim_amount, decided_cases, lose_cases, partial_cases,
		lose_rate, unexecuted_cases, count_deduction, amount_deduction, lose_rate_deduction, unexecuted_deduction,
		latest_case_title, as_of, next_change_on, rule_version) FROM arbsync.current_scores`)
	add("thresholds_in_force", `SELECT industry_code, concat_ws('|', warning_threshold, urgent_threshold, threshold_source, week) FROM arbsync.applied_thresholds`)
	add("threshold", `SELECT week || '/' || industry_code || '/' || severity, concat_ws('|', industry_level, n, q, raw, shrunk, final, previous,
		bound_applied, p10, p25, p50, p75, p90, mean, flagged_fixed, flagged_dynamic, method_version) FROM arbsync.industry_thresholds`)
	refSeq, refDup := ref.scoreSequences(t)
	cutSeq, cutDup := cut.scoreSequences(t)
	compared += max(len(refSeq), len(cutSeq))
	differences += diffMaps("score_history", refSeq, cutSeq, 30, &diffs)
	for _, d := range append(refDup, cutDup...) {
		differences++
		diffs = append(diffs, "duplicate consecutive score row: "+d)
	}
	truthCases, truthDiffs := cut.truthDifferences(t, &diffs)
	differences += truthDiffs
	compared += truthCases

	refAlerts := ref.checkDeliveries(t, nil, &diffs)
	if refAlerts.duplicates > 0 {
		differences++
		diffs = append(diffs, fmt.Sprintf("ref: %d repeated deliveries without any kill", refAlerts.duplicates))
	}
	cutAlerts := cut.checkDeliveries(t, k.killTimes, &diffs)
	differences += refAlerts.violations + cutAlerts.violations

	// The simulated vendor only moves forward here, so no event can happen
	// twice to a case: a repeat in either world is a duplicate.
	for _, w := range []*crashWorld{ref, cut} {
		for key, n := range qMap(t, w.db.Pool, caseEventsSQL) {
			if n != "1" {
				differences++
				diffs = append(diffs, fmt.Sprintf("%s: case event recorded %s times: %s", w.name, n, key))
			}
		}
	}
	for _, w := range []*crashWorld{ref, cut} {
		events := qInt(t, w.db.Pool, `SELECT count(*) FROM arbsync.case_events WHERE kind IN ('filed', 'decided', 'execution_changed')`)
		if alerts := qInt(t, w.db.Pool, `SELECT count(*) FROM arbsync.alerts WHERE kind = 'event'`); alerts != events {
			differences++
			diffs = append(diffs, fmt.Sprintf("%s: %d event alerts for %d subscribed events", w.name, alerts, events))
		}
	}
	refKinds := qMap(t, ref.db.Pool, `SELECT kind, count(*)::text FROM bi.case_events GROUP BY kind`)
	for _, kind := range []string{"baseline", "filed", "decided", "execution_changed", "amounts_changed"} {
		require.NotEmpty(t, refKinds[kind], "the reference run recorded %s events (it has %v)", kind, refKinds)
	}

	scoreRows := qInt(t, cut.db.Pool, `SELECT count(*) FROM arbsync.scores`)
	cases := qInt(t, cut.db.Pool, `SELECT count(*) FROM arbsync.cases`)
	thresholdRows := qInt(t, cut.db.Pool, `SELECT count(*) FROM arbsync.industry_thresholds`)
	t.Logf("suite=crash case_events_ref=%v case_events_cut=%d", refKinds, qInt(t, cut.db.Pool, `SELECT count(*) FROM arbsync.case_events`))
	t.Logf("suite=crash size=%s kills=%d kills_fetch=%d kills_tx=%d kills_alert_pending=%d kills_alert_send=%d kills_weekly=%d kills_random=%d triggers_missed=%d companies=%d steps=%d cases=%d score_rows=%d threshold_rows=%d compared_rows=%d differences=%d",
		sizeName(), len(k.killTimes), k.done["fetch"], k.done["tx"], k.done["alert_pending"], k.done["alert_send"], k.done["weekly"], k.done["random"],
		sum(k.missed), len(cut.codes), len(steps), cases, scoreRows, thresholdRows, compared, differences)
	t.Logf("suite=crash alerts_ref=%d deliveries_ref=%d duplicates_ref=%d alerts_cut=%d deliveries_cut=%d duplicates_cut=%d duplicates_outside_window=%d undelivered=%d elapsed=%s",
		refAlerts.alerts, refAlerts.receipts, refAlerts.duplicates, cutAlerts.alerts, cutAlerts.receipts, cutAlerts.duplicates,
		refAlerts.unexplained+cutAlerts.unexplained, refAlerts.undelivered+cutAlerts.undelivered, time.Since(began).Round(time.Second))
	require.Zero(t, differences, "differences between the interrupted and the reference run:\n%s", strings.Join(diffs, "\n"))
	require.Greater(t, len(k.killTimes), len(steps), "the suite killed the daemon")
	require.Positive(t, cutAlerts.alerts, "the run raised alerts")
}

// caseEventsSQL lists every distinct case event (company, case, kind, old
// and new values, the vendor's updatedAt) with the number of rows that
// record it.
const caseEventsSQL = `SELECT (credit_code, case_id, kind, old_result, new_result, old_execution_status, new_execution_status,
		old_claim_amount, new_claim_amount, old_award_amount, new_award_amount, old_unexecuted_amount, new_unexecuted_amount,
		extract(epoch FROM upstream_updated_at))::text, count(*)::text
	FROM arbsync.case_events
	GROUP BY credit_code, case_id, kind, old_result, new_result, old_execution_status, new_execution_status,
		old_claim_amount, new_claim_amount, old_award_amount, new_award_amount, old_unexecuted_amount, new_unexecuted_amount, upstream_updated_at`

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// crashWorld is one database + simulator + webhook receiver.
type crashWorld struct {
	name  string
	db    *testdb.Database
	sim   *sim.Server
	recv  *receiver
	vars  []string
	codes []string
	gen   int
}

func newCrashWorld(t *testing.T, name string, companies int, zone, priv string, pub *rsa.PublicKey) *crashWorld {
	t.Helper()
	d := testdb.NewDatabase(t)
	s, err := sim.New(sim.Config{Protocol: "signed", PublicKey: pub, AppID: "crash", Seed: 23, StartDate: simDate,
		Latency: 25 * time.Millisecond, Jitter: 15 * time.Millisecond})
	require.NoError(t, err)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	w := &crashWorld{name: name, db: d, sim: s, recv: newReceiver(t, "crash-webhook-secret", 30*time.Millisecond)}
	w.vars = []string{
		"DATABASE_URL=" + d.DSN,
		"ARBSYNC_UPSTREAM_URL=" + srv.URL,
		"ARBSYNC_UPSTREAM_APP_ID=crash",
		"ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE=" + priv,
		"ARBSYNC_UPSTREAM_CONCURRENCY=6",
		"ARBSYNC_UPSTREAM_QPS=1000",
		"ARBSYNC_HTTP_ADDR=off",
		"ARBSYNC_TIMEZONE=" + zone,
		"ARBSYNC_SYNC_LEASE=10s",
		"ARBSYNC_SYNC_BATCH=25",
		"ARBSYNC_SYNC_SCHEDULE=@every 1s",
		"ARBSYNC_THRESHOLDS_SCHEDULE=@every 2s",
		"ARBSYNC_SHUTDOWN_GRACE=5s",
		"ARBSYNC_REPORT_DIR=" + t.TempDir(),
		"ARBSYNC_LOG_LEVEL=debug",
		"ARBSYNC_ALERT_CHANNELS=t",
		"ARBSYNC_ALERT_T_KIND=webhook",
		"ARBSYNC_ALERT_T_URL=" + w.recv.srv.URL + "/",
		"ARBSYNC_ALERT_T_SECRET=crash-webhook-secret",
		// Event alerts too: raised in the sync's write, they must survive
		// the same kills as the level alerts.
		"ARBSYNC_ALERT_T_EVENTS=filed,decided,execution_changed",
	}
	for i := 0; len(w.codes) < companies; i++ {
		code := uscc.Generate(i%34, uint64(91000+i))
		if !s.Known(code) {
			continue
		}
		p := s.Profile(code)
		_, err := d.Pool.Exec(context.Background(), `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, $3)`, code, p.Name, p.Industry)
		require.NoError(t, err)
		w.codes = append(w.codes, code)
	}
	return w
}

func (w *crashWorld) start(t *testing.T) (*process, string) {
	t.Helper()
	w.gen++
	replica := fmt.Sprintf("%s-%d", w.name, w.gen)
	return startProcess(t, replica, envWith(w.vars, []string{"ARBSYNC_REPLICA_ID=" + replica}), "run"), replica
}

func (w *crashWorld) now(t *testing.T) time.Time {
	t.Helper()
	var now time.Time
	require.NoError(t, w.db.Pool.QueryRow(context.Background(), `SELECT now()`).Scan(&now))
	return now
}

// stepDone reports whether every company was claimed at or after since and
// then stored completely, and no live lease is held.
func (w *crashWorld) stepDone(t *testing.T, since time.Time) bool {
	t.Helper()
	return qInt(t, w.db.Pool, `SELECT count(*) FROM arbsync.sync_state
		WHERE status = 'ok' AND last_attempt_at >= $1 AND last_success_at >= last_attempt_at
		  AND (leased_by IS NULL OR lease_until < now())`, since) == len(w.codes)
}

// waitQuiet waits until no fetch is in flight and no sync state moves.
func (w *crashWorld) waitQuiet(t *testing.T) {
	t.Helper()
	last := ""
	require.Eventually(t, func() bool {
		var cur string
		require.NoError(t, w.db.Pool.QueryRow(context.Background(), `SELECT coalesce(max(last_attempt_at)::text, '') || '/' ||
			count(*) FILTER (WHERE leased_by IS NOT NULL AND lease_until > now()) FROM arbsync.sync_state`).Scan(&cur))
		quiet := cur == last && strings.HasSuffix(cur, "/0") && w.sim.Stats().InFlight == 0
		last = cur
		return quiet
	}, 30*time.Second, 400*time.Millisecond, "%s: syncing settles", w.name)
}

// expireLeases ends the leases a dead replica held, as if their time had
// passed.
func (w *crashWorld) expireLeases(t *testing.T, replica string) {
	t.Helper()
	// A statement the dead process sent just before it died still runs to
	// its end in its server backend (and may take a lease then): wait until
	// those backends are gone.
	require.Eventually(t, func() bool {
		return qInt(t, w.db.Pool, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND backend_type = 'client backend' AND application_name <> 'arbsync-test'`) == 0
	}, 30*time.Second, 5*time.Millisecond, "the killed daemon's database sessions end")
	for _, table := range []string{"arbsync.sync_state", "arbsync.alert_deliveries", "arbsync.job_runs"} {
		_, err := w.db.Pool.Exec(context.Background(), `UPDATE `+table+` SET lease_until = now() - interval '1 second' WHERE leased_by = $1`, replica)
		require.NoError(t, err)
	}
}

// run takes the world through the steps, with kills when k is not nil, and
// ends with the daemon stopped (SIGTERM, exit 0) after a weekly run that
// started once everything converged and after every alert was delivered.
func (w *crashWorld) run(t *testing.T, steps []int, k *killer) {
	t.Helper()
	var p *process
	var replica string
	began := time.Now()
	var took []string
	lap := func(what string) {
		took = append(took, fmt.Sprintf("%s=%s", what, time.Since(began).Round(100*time.Millisecond)))
		began = time.Now()
	}
	defer func() { t.Logf("suite=crash world=%s %s", w.name, strings.Join(took, " ")) }()
	for i, days := range steps {
		if i > 0 {
			w.waitQuiet(t)
			w.sim.Advance(days)
		}
		since := w.now(t)
		if i > 0 {
			// An admin edits every row: each company is due at once.
			_, err := w.db.Pool.Exec(context.Background(), `UPDATE arbsync.watchlist SET note = $1`, fmt.Sprintf("step %d", i))
			require.NoError(t, err)
		}
		if p == nil {
			p, replica = w.start(t)
		}
		kills := 0
		if k != nil {
			kills = k.perStep
		}
		deadline := time.Now().Add(bySize(90*time.Second, 5*time.Minute))
		lastTouch := time.Now()
		for !w.stepDone(t, since) {
			require.True(t, time.Now().Before(deadline), "%s step %d: not every company synced in time; log:\n%s", w.name, i, tail(p.log()))
			require.False(t, p.exited(), "%s: the daemon exited on its own; log:\n%s", w.name, tail(p.log()))
			if kills > 0 {
				kills--
				if k.strike(t, w, p) {
					w.expireLeases(t, replica)
					p, replica = w.start(t)
				}
				continue
			}
			if time.Since(lastTouch) > 10*time.Second {
				// A company whose due mark was consumed by a fetch that began
				// before the date moved: touch it again, as an admin would.
				lastTouch = time.Now()
				t.Logf("%s step %d: still waiting for: %v", w.name, i, qMap(t, w.db.Pool, `SELECT credit_code, concat_ws(' ', status, 'attempt', last_attempt_at, 'success', last_success_at,
					'next', next_sync_at, 'lease', leased_by, lease_until) FROM arbsync.sync_state
					WHERE NOT (status = 'ok' AND last_attempt_at >= $1 AND last_success_at >= last_attempt_at AND (leased_by IS NULL OR lease_until < now()))`, since))
				_ = p.cmd.Process.Signal(syscall.SIGQUIT)
				time.Sleep(time.Second)
				t.Logf("%s step %d: log of %s:\n%s", w.name, i, p.name, p.log())
				_, err := w.db.Pool.Exec(context.Background(), `UPDATE arbsync.watchlist w SET note = note || '.'
					FROM arbsync.sync_state s WHERE s.credit_code = w.credit_code AND (s.last_attempt_at IS NULL OR s.last_attempt_at < $1) AND s.next_sync_at > now()`, since)
				require.NoError(t, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		lap(fmt.Sprintf("step%d", i))
	}
	w.waitQuiet(t)
	lap("quiet")
	// A weekly run that starts after convergence, then one more (which must
	// change nothing), then every alert delivered.
	for range 2 {
		after := w.now(t)
		waitUntil(t, 30*time.Second, func() bool {
			return qInt(t, w.db.Pool, `SELECT count(*) FROM arbsync.job_runs WHERE job = 'thresholds'
				AND last_started_at > $1 AND last_success_at >= last_started_at AND leased_by IS NULL`, after) == 1
		}, func() string {
			return fmt.Sprintf("%s: a weekly run after convergence; log:\n%s", w.name, tail(p.log()))
		})
	}
	lap("weekly")
	undelivered := `SELECT a.dedup_key, concat_ws(' ', 'created', a.created_at, 'status', d.status, 'attempts', d.attempts, 'next', d.next_attempt_at,
			'leased_by', d.leased_by, 'lease_until', d.lease_until, 'error', d.last_error)
		FROM arbsync.alerts a LEFT JOIN arbsync.alert_deliveries d ON d.alert_id = a.id AND d.channel = 't'
		WHERE d.status IS DISTINCT FROM 'sent'`
	deadline := time.Now().Add(bySize(60*time.Second, 5*time.Minute))
	for left := qMap(t, w.db.Pool, undelivered); len(left) > 0; left = qMap(t, w.db.Pool, undelivered) {
		if time.Now().After(deadline) {
			jobs := qMap(t, w.db.Pool, `SELECT job, concat_ws(' ', leased_by, lease_until, last_started_at, last_finished_at, last_outcome, last_error) FROM arbsync.job_runs`)
			t.Fatalf("%s: %d alerts not delivered: %v\njob_runs: %v\noutbox log:\n%s", w.name, len(left), left, jobs, grepLines(p.log(), `"component":"outbox"`, 40))
		}
		time.Sleep(100 * time.Millisecond)
	}
	lap("deliveries")
	p.stop(t)
}

// scoreSequences returns, per company, its score history with consecutive
// rows of equal score and components merged, and lists consecutive rows that
// are identical in every field (which must never exist).
func (w *crashWorld) scoreSequences(t *testing.T) (map[string]string, []string) {
	t.Helper()
	rows, err := w.db.Pool.Query(context.Background(), `SELECT credit_code, id,
		concat_ws('|', score, recent_cases, recent_claim_amount, decided_cases, lose_cases, partial_cases, lose_rate,
			unexecuted_cases, count_deduction, amount_deduction, lose_rate_deduction, unexecuted_deduction, latest_case_title, as_of, rule_version),
		concat_ws('|', level, warning_threshold, urgent_threshold)
		FROM arbsync.scores ORDER BY credit_code, id`)
	require.NoError(t, err)
	defer rows.Close()
	seq := map[string][]string{}
	lastFull := map[string]string{}
	var dups []string
	for rows.Next() {
		var code, comp, judged string
		var id int64
		require.NoError(t, rows.Scan(&code, &id, &comp, &judged))
		full := comp + "|" + judged
		if lastFull[code] == full {
			dups = append(dups, fmt.Sprintf("%s: %s: score row %d repeats the previous row", w.name, code, id))
		}
		lastFull[code] = full
		s := seq[code]
		if len(s) == 0 || s[len(s)-1] != comp {
			seq[code] = append(s, comp)
		}
	}
	require.NoError(t, rows.Err())
	out := make(map[string]string, len(seq))
	for code, s := range seq {
		out[code] = strings.Join(s, " → ")
	}
	return out, dups
}

// truthDifferences compares the world's current cases with the simulator's
// truth at its final date, returning the cases compared and differences.
func (w *crashWorld) truthDifferences(t *testing.T, diffs *[]string) (int, int) {
	t.Helper()
	want := map[string]string{}
	for _, code := range w.codes {
		truth, ok := w.sim.Truth(code)
		require.True(t, ok)
		for _, c := range truth.Cases {
			want[code+"/"+c.CaseID] = fmt.Sprintf("%s|%s|%s|%d|%s", c.Result, c.ExecutionStatus, c.FilingDate, c.ClaimAmount, c.Title)
		}
	}
	got := qMap(t, w.db.Pool, `SELECT credit_code || '/' || case_id, result || '|' || execution_status || '|' || filing_date::text || '|' ||
		(claim_amount*100)::bigint::text || '|' || title FROM arbsync.cases WHERE removed_at IS NULL`)
	return len(want), diffMaps("truth", want, got, 30, diffs)
}

type deliveryFigures struct {
	alerts, receipts, duplicates, unexplained, undelivered, violations int
}

// checkDeliveries checks the webhook receipts against the outbox: every
// alert received at least once, nothing received that is not an alert, one
// recorded successful attempt per delivery, and every repeat explained by a
// kill between the receipt and the next one (none without kills).
func (w *crashWorld) checkDeliveries(t *testing.T, kills []time.Time, diffs *[]string) deliveryFigures {
	t.Helper()
	var f deliveryFigures
	bad := func(format string, args ...any) {
		f.violations++
		if len(*diffs) < 60 {
			*diffs = append(*diffs, w.name+": "+fmt.Sprintf(format, args...))
		}
	}
	keys := qMap(t, w.db.Pool, `SELECT a.dedup_key, d.status || ' sent_attempts=' || (SELECT count(*) FROM arbsync.alert_delivery_attempts x WHERE x.delivery_id = d.id AND x.outcome = 'sent')
		|| ' other_attempts=' || (SELECT count(*) FROM arbsync.alert_delivery_attempts x WHERE x.delivery_id = d.id AND x.outcome <> 'sent')
		FROM arbsync.alerts a JOIN arbsync.alert_deliveries d ON d.alert_id = a.id AND d.channel = 't'`)
	f.alerts = qInt(t, w.db.Pool, `SELECT count(*) FROM arbsync.alerts`)
	if f.alerts != len(keys) {
		bad("%d alerts but %d deliveries to channel t", f.alerts, len(keys))
	}
	got := w.recv.byKey()
	n, badSigs := w.recv.count()
	f.receipts = n
	if badSigs > 0 {
		bad("%d webhook requests with a wrong signature", badSigs)
	}
	for key, state := range keys {
		if state != "sent sent_attempts=1 other_attempts=0" {
			bad("delivery of %s: %s", key, state)
		}
		rs := got[key]
		if len(rs) == 0 {
			f.undelivered++
			bad("alert %s never reached the webhook", key)
			continue
		}
		for i := 0; i+1 < len(rs); i++ {
			f.duplicates++
			// Explained when the sender died with the message on the wire
			// (the receiver saw the connection drop before answering), or
			// after the receiver answered and before it was recorded (a kill
			// between this receipt and the next).
			explained := rs[i].aborted || slices.ContainsFunc(kills, func(k time.Time) bool { return k.After(rs[i].at) && k.Before(rs[i+1].at) })
			if !explained {
				f.unexplained++
				bad("alert %s received %d times; repeat %d not preceded by a kill after the earlier receipt (receipts %s; kills %s)",
					key, len(rs), i+1, describeReceipts(rs), describeKills(kills, rs[0].at))
			}
		}
	}
	var phantom []string
	for key := range got {
		if _, ok := keys[key]; !ok {
			phantom = append(phantom, key)
		}
	}
	sort.Strings(phantom)
	for _, key := range phantom {
		bad("webhook received %q, which is not an alert in the outbox", key)
	}
	return f
}

// killer chooses kill moments and performs kills.
type killer struct {
	rng       *rand.Rand
	perStep   int
	order     []string
	killTimes []time.Time
	done      map[string]int
	missed    map[string]int
}

var killModes = []string{"fetch", "tx", "alert_pending", "alert_send", "weekly", "random"}

// strike waits for the moment of a randomly chosen kind and SIGKILLs p then,
// reporting whether it did (false when the moment did not come in time).
func (k *killer) strike(t *testing.T, w *crashWorld, p *process) bool {
	t.Helper()
	if len(k.order) == 0 {
		// Every kind in turn, in a random order each round.
		for _, i := range k.rng.Perm(len(killModes)) {
			k.order = append(k.order, killModes[i])
		}
	}
	mode := k.order[0]
	k.order = k.order[1:]
	delay := time.Duration(k.rng.IntN(25)) * time.Millisecond
	ctx := context.Background()
	deadline := time.Now().Add(4 * time.Second)
	poll := func(cond func() bool) bool {
		for time.Now().Before(deadline) {
			if p.exited() {
				return false
			}
			if cond() {
				return true
			}
			time.Sleep(time.Millisecond)
		}
		return false
	}
	var hit bool
	switch mode {
	case "fetch": // an upstream request in flight
		hit = poll(func() bool { return w.sim.Stats().InFlight > 0 })
		time.Sleep(delay)
	case "tx": // a write transaction of the daemon that has written rows
		hit = poll(func() bool {
			var n int
			require.NoError(t, w.db.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND application_name = 'arbsync' AND backend_xid IS NOT NULL`).Scan(&n))
			return n > 0
		})
	case "alert_pending": // an alert committed after now, not yet delivered
		var top int64
		require.NoError(t, w.db.Pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM arbsync.alerts`).Scan(&top))
		hit = poll(func() bool {
			var n int
			require.NoError(t, w.db.Pool.QueryRow(ctx, `SELECT count(*) FROM arbsync.alerts a WHERE a.id > $1
				AND NOT EXISTS (SELECT FROM arbsync.alert_deliveries d WHERE d.alert_id = a.id AND d.status = 'sent')`, top).Scan(&n))
			return n > 0
		})
	case "alert_send": // the webhook has the message; its answer is not back
		select {
		case <-w.recv.arrived:
		default:
		}
		select {
		case <-w.recv.arrived:
			hit = true
		case <-time.After(time.Until(deadline)):
		}
	case "weekly": // the weekly thresholds job has started
		select {
		case <-p.watch(`"job":"thresholds"`, "job started"):
			hit = true
			time.Sleep(delay)
		case <-time.After(time.Until(deadline)):
		}
	case "random":
		time.Sleep(time.Duration(k.rng.IntN(1500)) * time.Millisecond)
		hit = true
	}
	if !hit || p.exited() {
		k.missed[mode]++
		return false
	}
	k.killTimes = append(k.killTimes, time.Now())
	p.kill(t)
	k.done[mode]++
	return true
}

func describeReceipts(rs []receipt) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%s aborted=%v; ", r.at.Format("15:04:05.000000"), r.aborted)
	}
	return b.String()
}

// describeKills lists the kill times within 5 s of around.
func describeKills(kills []time.Time, around time.Time) string {
	var b strings.Builder
	for _, k := range kills {
		if d := k.Sub(around); d > -5*time.Second && d < 5*time.Second {
			fmt.Fprintf(&b, "%s; ", k.Format("15:04:05.000000"))
		}
	}
	return b.String()
}
