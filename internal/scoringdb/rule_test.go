package scoringdb_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/scoring"
)

// storedScore is a score-history row (or current score) as BI reads it.
type storedScore struct {
	rule                                        int
	score                                       float64
	count, amount, loseRate, execution          *float64
	excluded                                    int
	countDed, amountDed, loseRateDed, unexecDed float64
}

func (f *fixture) history(t *testing.T) []storedScore {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT rule_version, score::float8, count_score::float8, amount_score::float8,
			lose_rate_score::float8, execution_score::float8, excluded_cases, count_deduction::float8, amount_deduction::float8,
			lose_rate_deduction::float8, unexecuted_deduction::float8
		FROM bi.score_history WHERE credit_code = $1 ORDER BY score_id`, f.code)
	require.NoError(t, err)
	defer rows.Close()
	var out []storedScore
	for rows.Next() {
		var s storedScore
		require.NoError(t, rows.Scan(&s.rule, &s.score, &s.count, &s.amount, &s.loseRate, &s.execution, &s.excluded,
			&s.countDed, &s.amountDed, &s.loseRateDed, &s.unexecDed))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

func (f *fixture) companyRisk(t *testing.T) storedScore {
	t.Helper()
	var s storedScore
	require.NoError(t, f.pool.QueryRow(context.Background(), `SELECT rule_version, score::float8, count_score::float8,
			amount_score::float8, lose_rate_score::float8, execution_score::float8, excluded_cases, count_deduction::float8,
			amount_deduction::float8, lose_rate_deduction::float8, unexecuted_deduction::float8
		FROM bi.company_risk WHERE credit_code = $1`, f.code).
		Scan(&s.rule, &s.score, &s.count, &s.amount, &s.loseRate, &s.execution, &s.excluded,
			&s.countDed, &s.amountDed, &s.loseRateDed, &s.unexecDed))
	return s
}

func pts(v float64) *float64 { return &v }

func dbq(f *fixture) *db.Queries { return db.New(f.pool) }

// applyCompany scores c as the sync hook does, in a transaction of its own.
func (f *fixture) applyCompany(t *testing.T, asOf scoring.Date, c scoringdb.Company) scoringdb.Stats {
	t.Helper()
	var st scoringdb.Stats
	require.NoError(t, pgx.BeginFunc(context.Background(), f.pool, func(tx pgx.Tx) error {
		var err error
		st, err = f.a.Apply(context.Background(), tx, []scoringdb.Company{c}, asOf)
		return err
	}))
	return st
}

// A rule-2 score is stored with its rule, its four indicator scores, the
// weighted points each takes off and the cases it left out; a rule-1 score
// with its rule and no indicators. One lost respondent case of 20,000 yuan
// and one the company filed itself: rule 2 counts the first only (69.00);
// rule 1 counts both and is at 0.
func TestScoresCarryTheirRule(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.a.Rule = scoring.Rule2
	respondent := lose(today.AddDays(-176), 20_000) // filed 2026-06-01
	respondent.Role = scoring.RoleRespondent
	filed := scoring.Case{FilingDate: today.AddDays(-30), Result: scoring.OutcomeWin, Role: scoring.RoleApplicant, ClaimAmount: money.Yuan(5000), Title: "公司诉员工"}
	require.Equal(t, 1, f.apply(t, today, respondent, filed).Changed)
	want2 := storedScore{rule: 2, score: 69, count: pts(80), amount: pts(90), loseRate: pts(0), execution: pts(100), excluded: 1,
		countDed: 8, amountDed: 3, loseRateDed: 20, unexecDed: 0}
	require.Equal(t, []storedScore{want2}, f.history(t))
	require.Equal(t, want2, f.companyRisk(t), "the current score, as bi.company_risk shows it")

	// The same cases under rule 1: a new history row, the rule changed.
	f.a.Rule = scoring.Rule1
	st := f.apply(t, today, respondent, filed)
	require.Equal(t, 1, st.Changed)
	require.Equal(t, 1, st.RuleChanged)
	want1 := storedScore{rule: 1, score: 0, excluded: 0, countDed: 40, amountDed: 12.5, loseRateDed: 75, unexecDed: 0}
	require.Equal(t, []storedScore{want2, want1}, f.history(t))
	require.Equal(t, want1, f.companyRisk(t))
	require.Zero(t, f.count(t, `SELECT count(*) FROM arbsync.alerts`), "ok under rule 2, urgent under rule 1: the rule changed, not the company")
}

// A change of the score's components that rule 2 alone sees (a case the
// company filed appears, which only moves the excluded count) still writes
// a history row: every stored component is compared.
func TestRule2ComponentsAreCompared(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.a.Rule = scoring.Rule2
	c := lose(today.AddDays(-10), 10_000)
	require.Equal(t, 1, f.apply(t, today, c).Changed)
	require.Zero(t, f.apply(t, today, c).Changed, "nothing changed")
	filed := scoring.Case{FilingDate: today.AddDays(-20), Result: scoring.OutcomeWin, Role: scoring.RoleThirdParty, Title: "第三人"}
	require.Equal(t, 1, f.apply(t, today, c, filed).Changed, "same score, one more excluded case")
	h := f.history(t)
	require.Len(t, h, 2)
	require.Equal(t, h[0].score, h[1].score)
	require.Equal(t, []int{0, 1}, []int{h[0].excluded, h[1].excluded})
}

// Changing the configured rule rescores every company once, through the
// daily rescore: each gets one history row of the new rule and no alert,
// however its level moved. A later real change (a new case) alerts as
// usual, naming the rule and the cases that drove the score.
func TestRuleChangeRescoresOnceWithoutAlerts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	// One settled case of 90,000 yuan: rule 2 scores 0.4·80 + 0.3·55 + 0.2·100
	// + 0.1·100 = 78.50, ok; rule 1 scores 100 − 20 − 45 = 35, urgent.
	_, err := f.pool.Exec(ctx, `INSERT INTO arbsync.cases (credit_code, case_id, case_no, title, role, result, filing_date,
			execution_status, raw, content_hash, claim_amount)
		VALUES ($1, 'c1', '京朝劳人仲字〔2026〕第1号', '张某追索劳动报酬', 'respondent', 'settled', $2, 'not_applicable', '{}', '\x00', 90000)`,
		f.code, today.AddDays(-30).Time())
	require.NoError(t, err)
	f.a.Rule = scoring.Rule2
	st, err := f.a.Rescore(ctx, f.pool, scoringdb.RescoreOptions{AsOf: today})
	require.NoError(t, err)
	require.Equal(t, 1, st.Changed)
	score, level := f.current(t)
	require.Equal(t, [2]any{78.5, "ok"}, [2]any{score, level})

	change, err := (&scoringdb.Assessor{Rule: scoring.Rule1}).PendingRuleChange(ctx, dbq(f))
	require.NoError(t, err)
	require.Equal(t, map[scoring.Rule]int{scoring.Rule2: 1}, change.Companies, "rule 2 made the one score")
	require.True(t, change.Pending())

	// Rule 1 now: the daily rescore (not -all) takes the company, whose
	// score cannot have aged, because another rule made it.
	f.a.Rule = scoring.Rule1
	st, err = f.a.Rescore(ctx, f.pool, scoringdb.RescoreOptions{AsOf: today})
	require.NoError(t, err)
	require.Equal(t, scoringdb.Stats{Scored: 1, Changed: 1, RuleChanged: 1}, st)
	score, level = f.current(t)
	require.Equal(t, [2]any{35.0, "urgent"}, [2]any{score, level})
	require.Zero(t, f.count(t, `SELECT count(*) FROM arbsync.alerts`), "ok → urgent by the rule change alone: no alert")

	// Once only: the next daily rescore has nothing to do.
	st, err = f.a.Rescore(ctx, f.pool, scoringdb.RescoreOptions{AsOf: today})
	require.NoError(t, err)
	require.Zero(t, st.Scored)
	change, err = f.a.PendingRuleChange(ctx, dbq(f))
	require.NoError(t, err)
	require.False(t, change.Rescoring())

	// Back to rule 2 (78.50, ok), then a real change: a second case, lost,
	// of 20,000 yuan. Rule 2: count 60, amount 45, lose rate 1/2 → 25,
	// execution 100: 24 + 13.5 + 5 + 10 = 52.50, a warning.
	f.a.Rule = scoring.Rule2
	_, err = f.a.Rescore(ctx, f.pool, scoringdb.RescoreOptions{AsOf: today})
	require.NoError(t, err)
	require.Zero(t, f.count(t, `SELECT count(*) FROM arbsync.alerts`))
	_, err = f.pool.Exec(ctx, `INSERT INTO arbsync.cases (credit_code, case_id, case_no, title, role, result, filing_date,
			execution_status, raw, content_hash, claim_amount)
		VALUES ($1, 'c2', '京朝劳人仲字〔2026〕第2号', '李某经济补偿金', 'respondent', 'lose', $2, 'executed', '{}', '\x00', 20000)`,
		f.code, today.AddDays(-5).Time())
	require.NoError(t, err)
	st, err = f.a.Rescore(ctx, f.pool, scoringdb.RescoreOptions{AsOf: today, All: true})
	require.NoError(t, err)
	require.Equal(t, scoringdb.Stats{Scored: 1, Changed: 1, Alerts: 1}, st)
	score, level = f.current(t)
	require.Equal(t, [2]any{52.5, "warning"}, [2]any{score, level})

	var raw []byte
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT message FROM arbsync.alerts`).Scan(&raw))
	var m alerts.Message
	require.NoError(t, json.Unmarshal(raw, &m))
	require.NoError(t, m.Validate())
	require.Equal(t, 2, m.RuleVersion)
	// 100 − 52.50 = 47.50 lost: the count deduction (16) split evenly, the
	// amount deduction (16.50) by claims (90,000 : 20,000), the lose-rate
	// deduction (15) all to the lost case.
	require.Equal(t, []alerts.TopCase{
		{CaseNo: "京朝劳人仲字〔2026〕第2号", Title: "李某经济补偿金", FilingDate: today.AddDays(-5).String(), Points: "26.00", Why: "recent"},
		{CaseNo: "京朝劳人仲字〔2026〕第1号", Title: "张某追索劳动报酬", FilingDate: today.AddDays(-30).String(), Points: "21.50", Why: "recent"},
	}, m.TopCases)
	require.Equal(t, 4, f.count(t, `SELECT count(*) FROM arbsync.scores`), "rule 2, rule 1, rule 2, the new case")
}

// The sync hook names the cases that drove an alerting score from the
// fetch itself, case numbers included.
func TestSyncHookAlertNamesTheCases(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.a.Rule = scoring.Rule2
	cases := []scoring.Case{lose(today.AddDays(-3), 150_000), lose(today.AddDays(-40), 100_000), lose(today.AddDays(-400), 1)}
	cases[2].ExecutionStatus = scoring.ExecutionUnexecuted
	st := f.applyCompany(t, today, scoringdb.Company{CreditCode: f.code, Cases: cases, CaseNos: []string{"A-3", "A-40", "A-400"}})
	require.Equal(t, 1, st.Alerts)
	// Rule 2: count 60, amount 0 (250,000 yuan), lose rate 0, execution 75:
	// 24 + 0 + 0 + 7.5 = 31.50, urgent.
	var raw []byte
	require.NoError(t, f.pool.QueryRow(context.Background(), `SELECT message FROM arbsync.alerts`).Scan(&raw))
	var m alerts.Message
	require.NoError(t, json.Unmarshal(raw, &m))
	require.Equal(t, alerts.LevelUrgent, m.Level)
	require.Equal(t, "31.50", m.Score)
	// 68.50 lost: 8 + 18 (150,000 of 250,000 of 30) + 10 to the newest case,
	// 8 + 12 + 10 to the next, the old unexecuted award 2.50.
	require.Equal(t, []alerts.TopCase{
		{CaseNo: "A-3", Title: cases[0].Title, FilingDate: cases[0].FilingDate.String(), Points: "36.00", Why: "recent"},
		{CaseNo: "A-40", Title: cases[1].Title, FilingDate: cases[1].FilingDate.String(), Points: "30.00", Why: "recent"},
		{CaseNo: "A-400", Title: cases[2].Title, FilingDate: cases[2].FilingDate.String(), Points: "2.50", Why: "unexecuted_award"},
	}, m.TopCases)
}
