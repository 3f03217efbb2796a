package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ruleChangedLine is the one line a change of scoring rule logs.
var ruleChangedLine = regexp.MustCompile(`scoring rule changed from (\d) to (\d): (\d+) companies rescored, (\d+) now warning, (\d+) now urgent; no alerts for the change`)

// Changing ARBSYNC_SCORE_RULE, through the real binary. A database synced
// and scored by rule 1, with rule 1's thresholds in force, is taken over by
// a daemon configured with rule 2: at start it rescores every company once
// (each gets exactly one rule-2 history row), recomputes this week's
// thresholds from the new scores, raises no alert, and says so in one line.
// Afterwards a real change (new cases at the vendor) alerts as usual, naming
// rule 2 and the cases that drove the score. Switching back to rule 1 with
// `arbsync score -all` does the same, although rule 1 pushes many companies
// into a worse level: still no alert.
func TestRuleSwitch(t *testing.T) {
	t.Parallel()
	// The vendor starts a year ago, so that new cases it files as time
	// passes there count today (arbsync scores as of the real date).
	today := time.Now().UTC().Truncate(24 * time.Hour)
	e := newEnv(t, envOpts{companies: 60, simStart: today.AddDate(-1, 0, 0)})
	ctx := context.Background()
	rule := func(n int) []string {
		return []string{"ARBSYNC_SCORE_RULE=" + strconv.Itoa(n), "ARBSYNC_LOG_LEVEL=info"}
	}
	run := func(env []string, args ...string) *proc {
		t.Helper()
		p := e.start(t, env, args...)
		require.Equal(t, 0, p.wait(t, 2*time.Minute), "arbsync %v; log:\n%s", args, tail(p.log()))
		return p
	}
	count := func(sql string, args ...any) int { t.Helper(); return e.count(t, sql, args...) }

	run(rule(1), "sync", "-all")
	run(rule(1), "thresholds", "recompute")
	n := count(`SELECT count(*) FROM arbsync.current_scores`)
	require.Equal(t, len(e.codes), n, "every company scored")
	require.Equal(t, n, count(`SELECT count(*) FROM arbsync.current_scores WHERE rule_version = 1`))
	require.Positive(t, count(`SELECT count(*) FROM arbsync.industry_thresholds WHERE rule_version = 1`))
	alerts, scores := count(`SELECT count(*) FROM arbsync.alerts`), count(`SELECT count(*) FROM arbsync.scores`)

	// The daily jobs all ran today: only the change of rule makes the
	// daemon rescore at start.
	_, err := e.db.Pool.Exec(ctx, `INSERT INTO arbsync.job_runs (job, last_started_at, last_finished_at, last_outcome, last_success_at)
		SELECT j, now(), now(), 'ok', now() FROM unnest(ARRAY['sync', 'rescore', 'thresholds']) AS j
		ON CONFLICT (job) DO UPDATE SET last_success_at = now(), last_outcome = 'ok'`)
	require.NoError(t, err)
	d := e.start(t, append(rule(2), "ARBSYNC_SYNC_SCHEDULE=@every 1h"), "run")
	var m []string
	waitUntil(t, 2*time.Minute, func() bool {
		m = ruleChangedLine.FindStringSubmatch(d.log())
		return m != nil
	}, func() string { return "the daemon finishes the change of rule; log:\n" + tail(d.log()) })
	require.Contains(t, d.log(), "job has work left at start: running it now")
	require.Equal(t, []string{"1", "2", strconv.Itoa(n)}, m[1:4], "from 1 to 2, every company rescored: %s", m[0])
	levels := qMap(t, e.db.Pool, `SELECT level, count(*)::text FROM arbsync.current_scores GROUP BY 1`)
	require.Equal(t, []string{levelCount(levels, "warning"), levelCount(levels, "urgent")}, m[4:6], "the line's counts are the levels now: %s", m[0])

	require.Zero(t, count(`SELECT count(*) FROM arbsync.current_scores WHERE rule_version <> 2`), "every current score is rule 2's")
	require.Equal(t, scores+n, count(`SELECT count(*) FROM arbsync.scores`), "one history row per company")
	require.Zero(t, count(`SELECT count(*) FROM (SELECT credit_code FROM arbsync.scores WHERE rule_version = 2 GROUP BY 1 HAVING count(*) <> 1) AS x`),
		"each company rescored exactly once")
	require.Equal(t, alerts, count(`SELECT count(*) FROM arbsync.alerts`), "no alert from the change of rule")
	require.Positive(t, count(`SELECT count(*) FROM arbsync.industry_thresholds t
		WHERE t.week = (SELECT max(week) FROM arbsync.applied_thresholds) AND t.rule_version = 2`), "this week's thresholds are rule 2's")
	require.Zero(t, count(`SELECT count(*) FROM arbsync.industry_thresholds t
		WHERE t.week = (SELECT max(week) FROM arbsync.applied_thresholds) AND t.rule_version <> 2`))
	require.Zero(t, count(`SELECT count(*) FROM bi.company_risk WHERE score IS NOT NULL AND (rule_version <> 2 OR count_score IS NULL)`),
		"BI sees rule 2 and its indicators")
	require.NoError(t, d.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, 0, d.wait(t, time.Minute), "log:\n%s", tail(d.log()))

	// Once only: rescoring everyone again changes nothing.
	p := run(rule(2), "score", "-all")
	require.Contains(t, p.log(), fmt.Sprintf("rescore: %d companies scored, 0 scores changed, 0 alerts raised", n))
	require.NotRegexp(t, ruleChangedLine, p.log())

	// A real change: time passes at the vendor, up to today, and new cases
	// arrive, until one pushes a company into a worse level.
	lastAlert := count(`SELECT coalesce(max(id), 0)::int FROM arbsync.alerts`)
	for count(`SELECT count(*) FROM arbsync.alerts`) == alerts {
		days := min(30, int(today.Sub(e.sim.Date())/(24*time.Hour)))
		if days <= 0 {
			break
		}
		e.sim.Advance(days)
		run(rule(2), "sync", "-all")
	}
	rows, err := e.db.Pool.Query(ctx, `SELECT a.credit_code, a.message,
			(SELECT s.rule_version FROM arbsync.scores s WHERE s.credit_code = a.credit_code AND s.id < a.score_id ORDER BY s.id DESC LIMIT 1)
		FROM arbsync.alerts a WHERE a.id > $1`, lastAlert)
	require.NoError(t, err)
	raised := 0
	for rows.Next() {
		var code string
		var raw []byte
		var prevRule int
		require.NoError(t, rows.Scan(&code, &raw, &prevRule))
		var msg struct {
			RuleVersion int `json:"ruleVersion"`
			TopCases    []struct {
				CaseNo, Title, FilingDate, Points, Why string
			} `json:"topCases"`
		}
		require.NoError(t, json.Unmarshal(raw, &msg))
		require.Equal(t, 2, msg.RuleVersion, "%s: the alert names its rule", code)
		require.Equal(t, 2, prevRule, "%s: a change between two rule-2 scores", code)
		require.NotEmpty(t, msg.TopCases, "%s: the alert names the cases that drove the score", code)
		require.LessOrEqual(t, len(msg.TopCases), 3)
		for _, c := range msg.TopCases {
			require.Contains(t, []string{"recent", "unexecuted_award"}, c.Why)
			require.Equal(t, 1, count(`SELECT count(*) FROM arbsync.cases WHERE credit_code = $1 AND case_no = $2 AND filing_date = $3::date AND removed_at IS NULL`,
				code, c.CaseNo, c.FilingDate), "%s: %s is one of its cases", code, c.CaseNo)
		}
		raised++
	}
	require.NoError(t, rows.Err())
	require.Positive(t, raised, "new cases alert as usual")
	alerts = count(`SELECT count(*) FROM arbsync.alerts`)

	// Back to rule 1 by hand: `arbsync score -all` finishes the change the
	// same way. Rule 1 scores far lower: many companies are worse off, and
	// none alerts.
	p = run(rule(1), "score", "-all")
	m = ruleChangedLine.FindStringSubmatch(p.log())
	require.NotNil(t, m, "score -all says what the change did; log:\n%s", tail(p.log()))
	require.Equal(t, []string{"2", "1", strconv.Itoa(n)}, m[1:4], m[0])
	require.Zero(t, count(`SELECT count(*) FROM arbsync.current_scores WHERE rule_version <> 1`))
	worse := count(`SELECT count(*) FROM arbsync.current_scores c
		WHERE (SELECT s.level FROM arbsync.scores s WHERE s.credit_code = c.credit_code AND s.rule_version = 2 ORDER BY s.id DESC LIMIT 1) = 'ok'
		  AND c.level <> 'ok'`)
	require.Positive(t, worse, "rule 1 judges some companies worse")
	require.Equal(t, alerts, count(`SELECT count(*) FROM arbsync.alerts`), "still no alert from a change of rule")
	t.Logf("suite=rule_switch companies=%d rescored=%d alerts_from_switches=0 alerts_after_new_cases=%d worse_under_rule_1=%d", n, n, raised, worse)
}

// levelCount is levels[level], "0" when absent.
func levelCount(levels map[string]string, level string) string {
	if v, ok := levels[level]; ok {
		return v
	}
	return "0"
}

// A change of rule while the fixed thresholds are in force (no week
// computed yet): the daily rescore by hand rescores everyone once, without
// alerts, and computes no thresholds, since the fixed ones belong to no
// rule.
func TestRuleSwitchUnderFixedThresholds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{companies: 30})
	sync := e.start(t, []string{"ARBSYNC_SCORE_RULE=1"}, "sync", "-all")
	require.Equal(t, 0, sync.wait(t, 2*time.Minute), "log:\n%s", tail(sync.log()))
	n := e.count(t, `SELECT count(*) FROM arbsync.current_scores WHERE rule_version = 1`)
	require.Equal(t, len(e.codes), n)
	alerts := e.count(t, `SELECT count(*) FROM arbsync.alerts`)

	p := e.start(t, []string{"ARBSYNC_SCORE_RULE=2", "ARBSYNC_LOG_LEVEL=info"}, "score")
	require.Equal(t, 0, p.wait(t, 2*time.Minute), "log:\n%s", tail(p.log()))
	require.Contains(t, p.log(), fmt.Sprintf("rescore: %d companies scored, %d scores changed, 0 alerts raised", n, n))
	m := ruleChangedLine.FindStringSubmatch(p.log())
	require.NotNil(t, m, "log:\n%s", tail(p.log()))
	require.Equal(t, []string{"1", "2", strconv.Itoa(n)}, m[1:4])
	require.Equal(t, n, e.count(t, `SELECT count(*) FROM arbsync.current_scores WHERE rule_version = 2`))
	require.Zero(t, e.count(t, `SELECT count(*) FROM arbsync.industry_thresholds`), "no week computed: the fixed thresholds stay")
	require.Equal(t, alerts, e.count(t, `SELECT count(*) FROM arbsync.alerts`))
}
