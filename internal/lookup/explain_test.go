package lookup_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/lookup"
	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/scoring"
)

// The lookup says which rule produced the score, rule 2's indicators and
// weights, and the cases that drove the score. A company with one lost case
// it answers (20,000 yuan, filed 2026-06-01) and one it filed itself scores
// 69.00 under rule 2 as of 2026-11-24: the lost case accounts for all 31
// points lost, the company's own claim for none. Under rule 1 the same
// company scores 0 and has no indicators.
func TestLookupExplainsTheScore(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{noEngine: true, cacheSize: -1})
	ctx := context.Background()
	code := uscc.Generate(3, 424242)
	_, err := b.pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '测试科技有限公司', '65')`, code)
	require.NoError(t, err)
	_, err = b.pool.Exec(ctx, `UPDATE arbsync.sync_state SET status = 'ok', last_success_at = now() WHERE credit_code = $1`, code)
	require.NoError(t, err)
	_, err = b.pool.Exec(ctx, `INSERT INTO arbsync.cases (credit_code, case_id, case_no, title, role, result, filing_date,
			execution_status, claim_amount, raw, content_hash)
		VALUES ($1, 'c1', '京海劳人仲字〔2026〕第1号', '张某追索劳动报酬', 'respondent', 'lose', '2026-06-01', 'executed', 20000, '{}', '\x00'),
		       ($1, 'c2', '京海劳人仲字〔2026〕第2号', '公司诉李某竞业限制', 'applicant', 'win', '2026-09-01', 'not_applicable', 5000, '{}', '\x00')`, code)
	require.NoError(t, err)
	asOf := scoring.NewDate(2026, time.November, 24)
	score := func(rule scoring.Rule) lookup.Response {
		t.Helper()
		a := &scoringdb.Assessor{Rule: rule, Today: func() scoring.Date { return asOf }}
		st, err := a.Rescore(ctx, b.pool, scoringdb.RescoreOptions{All: true, Codes: []string{code}})
		require.NoError(t, err)
		require.Equal(t, 1, st.Changed)
		return b.get(t, code, "").response(t)
	}

	r := score(scoring.Rule2)
	require.Equal(t, 69.0, *r.Score)
	require.Equal(t, 2, *r.RuleVersion)
	require.Equal(t, 1, r.Components.ExcludedCases)
	require.Equal(t, &lookup.Indicators{Count: 80, Amount: 90, LoseRate: 0, Execution: 100,
		Weights: lookup.Weights{Count: 0.4, Amount: 0.3, LoseRate: 0.2, Execution: 0.1}}, r.Components.Indicators)
	require.Equal(t, lookup.Deductions{Count: 8, Amount: 3, LoseRate: 20, Unexecuted: 0}, r.Components.Deductions)
	require.Equal(t, []lookup.TopCase{{CaseNo: "京海劳人仲字〔2026〕第1号", Title: "张某追索劳动报酬", FilingDate: "2026-06-01", Points: 31, Why: "recent"}}, r.TopCases)

	r = score(scoring.Rule1)
	require.Equal(t, 0.0, *r.Score)
	require.Equal(t, 1, *r.RuleVersion)
	require.Nil(t, r.Components.Indicators)
	require.Zero(t, r.Components.ExcludedCases)
	// Rule 1 counts both cases: 20 + 10 + 75 (the loss) and 20 + 2.50 (the
	// company's own claim) = 127.50 deducted, scaled to the 100 points lost.
	require.Equal(t, []lookup.TopCase{
		{CaseNo: "京海劳人仲字〔2026〕第1号", Title: "张某追索劳动报酬", FilingDate: "2026-06-01", Points: 82.35, Why: "recent"},
		{CaseNo: "京海劳人仲字〔2026〕第2号", Title: "公司诉李某竞业限制", FilingDate: "2026-09-01", Points: 17.65, Why: "recent"},
	}, r.TopCases)
}

// A company never scored has no rule and no cases to name.
func TestLookupOfAnUnscoredCompanyNamesNoRule(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{noEngine: true})
	ctx := context.Background()
	code := uscc.Generate(5, 434343)
	_, err := b.pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '未评分公司', '65')`, code)
	require.NoError(t, err)
	_, err = b.pool.Exec(ctx, `UPDATE arbsync.sync_state SET status = 'ok', last_success_at = now() WHERE credit_code = $1`, code)
	require.NoError(t, err)
	r := b.get(t, code, "").response(t)
	require.Nil(t, r.Score)
	require.Nil(t, r.RuleVersion)
	require.NotNil(t, r.TopCases)
	require.Empty(t, r.TopCases)
}
