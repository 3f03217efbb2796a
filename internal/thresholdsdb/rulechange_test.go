package thresholdsdb_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/scoring"
)

// markSynced gives every seeded company a successful sync, as the rescore
// and the weekly job see synced companies.
func markSynced(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	_, err := pool.Exec(context.Background(), `UPDATE arbsync.sync_state SET status = 'ok', last_success_at = now()`)
	require.NoError(t, err)
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// The week after a change of rule: while companies still hold the old
// rule's score the job waits and writes nothing; once they are rescored it
// computes the week from the new rule's scores only, ignores last week's
// finals (the old rule's, on another scale), records the rule, and
// relevels without a single alert although companies get worse. The next
// week is a normal week again: last week's finals apply.
func TestWeekAfterARuleChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	seed(t, pool, 800)
	markSynced(t, pool)
	rule1 := newJob(pool)
	for _, w := range []scoring.Date{week.AddDays(-7), week} { // the rule changes mid-week
		res, err := rule1.Run(ctx, w)
		require.NoError(t, err)
		require.True(t, res.Applied)
	}
	alertsBefore := count(t, pool, `SELECT count(*) FROM arbsync.alerts`)

	rule2 := newJob(pool)
	rule2.Rule = scoring.Rule2
	waiting, err := rule2.Run(ctx, week)
	require.NoError(t, err)
	require.True(t, waiting.Waiting, "companies still hold rule 1's scores")
	require.Zero(t, count(t, pool, `SELECT count(*) FROM arbsync.industry_thresholds WHERE week = $1 AND rule_version <> 1`, week.Time()),
		"nothing written: the week is still rule 1's")

	// The rescore: every score is now rule 2's, higher on the whole (rule 2
	// deducts less) but for 50 companies that rule 2 scores 30, the levels
	// still those rule 1 had.
	_, err = pool.Exec(ctx, `UPDATE arbsync.current_scores SET rule_version = 2,
		score = CASE WHEN credit_code IN (SELECT credit_code FROM arbsync.current_scores WHERE level = 'ok' ORDER BY credit_code LIMIT 50)
		             THEN 30 ELSE least(100, score + 25) END`)
	require.NoError(t, err)
	res, err := rule2.Run(ctx, week)
	require.NoError(t, err)
	require.False(t, res.Waiting)
	require.True(t, res.Applied)
	require.True(t, res.RuleChange, "the thresholds in force were rule 1's (this very week's, which rule 2's replace)")
	require.Equal(t, 800, res.Scored)
	worse := 0
	for _, c := range res.Changes {
		if c.To.Worse(c.From) {
			worse++
		}
	}
	require.GreaterOrEqual(t, worse, 50, "the companies rule 2 scores 30 are worse than rule 1 judged them")
	require.Zero(t, res.Alerts)
	require.Equal(t, alertsBefore, count(t, pool, `SELECT count(*) FROM arbsync.alerts`), "no alert for the change of rule")
	require.Equal(t, len(res.Rows), count(t, pool, `SELECT count(*) FROM arbsync.industry_thresholds
		WHERE week = $1 AND rule_version = 2 AND previous IS NULL`, week.Time()),
		"the week is rule 2's, and rule 1's finals are not its previous values")
	require.Equal(t, len(res.Rows), count(t, pool, `SELECT count(*) FROM bi.industry_thresholds WHERE week = $1 AND rule_version = 2`, week.Time()))

	next, err := rule2.Run(ctx, week.AddDays(7))
	require.NoError(t, err)
	require.False(t, next.RuleChange)
	require.Equal(t, len(next.Rows), count(t, pool, `SELECT count(*) FROM arbsync.industry_thresholds
		WHERE week = $1 AND rule_version = 2 AND previous IS NOT NULL`, week.AddDays(7).Time()), "a normal week follows its last")
}

// A score another rule made is not judged against this rule's thresholds:
// it keeps its level until it is rescored.
func TestRelevelOnlyJudgesTheJobsRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	seed(t, pool, 400)
	_, err := pool.Exec(ctx, `UPDATE arbsync.current_scores SET rule_version = 2
		WHERE credit_code IN (SELECT credit_code FROM arbsync.current_scores ORDER BY credit_code LIMIT 100)`)
	require.NoError(t, err)
	levels := func() map[string]string {
		rows, err := pool.Query(ctx, `SELECT credit_code, level FROM arbsync.current_scores WHERE rule_version = 2`)
		require.NoError(t, err)
		m := map[string]string{}
		for rows.Next() {
			var code, level string
			require.NoError(t, rows.Scan(&code, &level))
			m[code] = level
		}
		require.NoError(t, rows.Err())
		return m
	}
	before := levels()
	res, err := newJob(pool).Run(ctx, week) // rule 1; the rule-2 companies are not synced, so nothing waits
	require.NoError(t, err)
	require.Equal(t, 300, res.Scored, "the population is rule 1's scores")
	require.Positive(t, res.Relevelled)
	require.Equal(t, before, levels(), "rule 2's scores keep their levels")
}

// An alert the week's thresholds raise says which rule produced the score
// and names the cases that drove it.
func TestWeeklyAlertsNameRuleAndCases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	seed(t, pool, 800)
	_, err := pool.Exec(ctx, `INSERT INTO arbsync.cases (credit_code, case_id, case_no, title, role, result, filing_date,
			execution_status, claim_amount, raw, content_hash)
		SELECT credit_code, 'c1', '案号-' || credit_code, '劳动争议 ' || credit_code, 'respondent', 'lose', '2026-10-01',
			'not_applicable', 10000, '{}', '\x00'
		FROM arbsync.current_scores`)
	require.NoError(t, err)
	res, err := newJob(pool).Run(ctx, week)
	require.NoError(t, err)
	require.Positive(t, res.Alerts, "the first week's thresholds push some companies into a worse level")

	rows, err := pool.Query(ctx, `SELECT credit_code, message FROM arbsync.alerts`)
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		var code string
		var raw []byte
		require.NoError(t, rows.Scan(&code, &raw))
		var m alerts.Message
		require.NoError(t, json.Unmarshal(raw, &m))
		require.NoError(t, m.Validate())
		require.Equal(t, 1, m.RuleVersion, "%s: the score is rule 1's", code)
		// Rule 1: the lost case alone takes the score to 0, so it accounts
		// for all 100 points.
		require.Equal(t, []alerts.TopCase{{CaseNo: "案号-" + code, Title: "劳动争议 " + code, FilingDate: "2026-10-01",
			Points: "100.00", Why: "recent"}}, m.TopCases, code)
		n++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, res.Alerts, n)
}
