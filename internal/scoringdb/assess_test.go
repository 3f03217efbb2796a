package scoringdb_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/scoring"
)

var today = scoring.NewDate(2026, time.November, 24)

type fixture struct {
	pool *pgxpool.Pool
	a    *scoringdb.Assessor
	code string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	pool := testdb.New(t)
	code := uscc.Generate(1, 99)
	ctx := context.Background()
	_, err := pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '测试餐饮有限公司', '62')`, code)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE arbsync.sync_state SET status = 'ok', last_success_at = now() WHERE credit_code = $1`, code)
	require.NoError(t, err)
	return &fixture{pool: pool, a: &scoringdb.Assessor{Rule: scoring.Rule1, Fixed: scoring.DefaultThresholds(), Today: func() scoring.Date { return scoring.DateOf(time.Now().UTC()) }}, code: code}
}

func lose(filed scoring.Date, yuan int64) scoring.Case {
	return scoring.Case{FilingDate: filed, Result: scoring.OutcomeLose, ClaimAmount: money.Yuan(yuan), Title: "案件 " + filed.String()}
}

func (f *fixture) apply(t *testing.T, asOf scoring.Date, cases ...scoring.Case) scoringdb.Stats {
	t.Helper()
	var st scoringdb.Stats
	require.NoError(t, pgx.BeginFunc(context.Background(), f.pool, func(tx pgx.Tx) error {
		var err error
		st, err = f.a.Apply(context.Background(), tx, []scoringdb.Company{{CreditCode: f.code, Cases: cases}}, asOf)
		return err
	}))
	return st
}

func (f *fixture) count(t *testing.T, sql string) int {
	t.Helper()
	var n int
	require.NoError(t, f.pool.QueryRow(context.Background(), sql).Scan(&n))
	return n
}

func (f *fixture) current(t *testing.T) (score float64, level string) {
	t.Helper()
	require.NoError(t, f.pool.QueryRow(context.Background(), `SELECT score::float8, level FROM bi.company_risk WHERE credit_code = $1`, f.code).Scan(&score, &level))
	return
}

func TestScoreHistoryOnlyOnChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c1 := lose(today.AddDays(-10), 10_000)
	st := f.apply(t, today, c1)
	require.Equal(t, 1, st.Changed)
	score, level := f.current(t)
	// 100 − 20 (one case) − 5 (10,000 yuan) − 150 (lost) → clamped at 0.
	require.Equal(t, 0.0, score)
	require.Equal(t, "urgent", level)

	// The same cases again: no new history row.
	require.Zero(t, f.apply(t, today, c1).Changed)
	require.Equal(t, 1, f.count(t, `SELECT count(*) FROM arbsync.scores`))

	// A settled case instead: a new row.
	c1.Result = scoring.OutcomeSettled
	require.Equal(t, 1, f.apply(t, today, c1).Changed)
	require.Equal(t, 2, f.count(t, `SELECT count(*) FROM arbsync.scores`))
	score, level = f.current(t)
	require.Equal(t, 75.0, score)
	require.Equal(t, "ok", level)
}

func TestAlertsOncePerWorseningTransition(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	settled := func(d int) scoring.Case {
		return scoring.Case{FilingDate: today.AddDays(-d), Result: scoring.OutcomeSettled, Title: "调解结案"}
	}
	// ok: one settled case → 80.
	f.apply(t, today, settled(5))
	require.Zero(t, f.count(t, `SELECT count(*) FROM arbsync.alerts`))
	// warning: two cases → 60? no: 100 − 40 = 60 is not < 60; three → 40, warning.
	f.apply(t, today, settled(5), settled(6), settled(7))
	_, level := f.current(t)
	require.Equal(t, "warning", level)
	require.Equal(t, 1, f.count(t, `SELECT count(*) FROM arbsync.alerts WHERE level = 'warning' AND previous_level = 'ok'`))
	// Staying in warning with a different score: no alert.
	f.apply(t, today, settled(5), settled(6), settled(7), scoring.Case{FilingDate: today.AddDays(-400), Title: "旧案"})
	require.Equal(t, 1, f.count(t, `SELECT count(*) FROM arbsync.alerts`))
	// urgent: four cases → 20.
	f.apply(t, today, settled(5), settled(6), settled(7), settled(8))
	require.Equal(t, 1, f.count(t, `SELECT count(*) FROM arbsync.alerts WHERE level = 'urgent' AND previous_level = 'warning'`))
	// Improving to ok: no alert.
	f.apply(t, today, settled(5))
	require.Equal(t, 2, f.count(t, `SELECT count(*) FROM arbsync.alerts`))

	// The urgent alert carries what the seed's alert carries.
	var raw []byte
	require.NoError(t, f.pool.QueryRow(context.Background(), `SELECT message FROM arbsync.alerts WHERE level = 'urgent'`).Scan(&raw))
	var m alerts.Message
	require.NoError(t, json.Unmarshal(raw, &m))
	require.NoError(t, m.Validate())
	require.Equal(t, "测试餐饮有限公司", m.CompanyName)
	require.Equal(t, "20.00", m.Score)
	require.Equal(t, "40.00", m.Threshold)
	require.Equal(t, 4, m.RecentCases)
	require.Equal(t, "调解结案", m.LatestCaseTitle)
	require.Equal(t, "餐饮业", m.IndustryName)
}

// The daily rescore moves a company whose only case left the window back
// to 100, and skips companies that cannot have changed.
func TestDailyRescoreAgesCasesOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	filed := today.AddDays(-300)
	_, err := f.pool.Exec(ctx, `INSERT INTO arbsync.cases (credit_code, case_id, role, result, filing_date, execution_status, raw, content_hash, claim_amount)
		VALUES ($1, 'c1', 'respondent', 'settled', $2, 'not_applicable', '{}', '\x00', 20000)`, f.code, filed.Time())
	require.NoError(t, err)

	st, err := f.a.Rescore(ctx, f.pool, scoringdb.RescoreOptions{AsOf: today})
	require.NoError(t, err)
	require.Equal(t, 1, st.Changed, "a company without a score is scored")
	score, _ := f.current(t)
	require.Equal(t, 70.0, score) // 100 − 20 − 10

	var next time.Time
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT next_change_on FROM arbsync.current_scores WHERE credit_code = $1`, f.code).Scan(&next))
	require.Equal(t, filed.AddDays(365).Time(), next.UTC(), "the case leaves the window 365 days after filing")

	// Before that day nothing is rescored.
	st, err = f.a.Rescore(ctx, f.pool, scoringdb.RescoreOptions{AsOf: filed.AddDays(364)})
	require.NoError(t, err)
	require.Zero(t, st.Scored)

	// On that day the company is back to 100.
	st, err = f.a.Rescore(ctx, f.pool, scoringdb.RescoreOptions{AsOf: filed.AddDays(365)})
	require.NoError(t, err)
	require.Equal(t, 1, st.Scored)
	require.Equal(t, 1, st.Changed)
	score, level := f.current(t)
	require.Equal(t, 100.0, score)
	require.Equal(t, "ok", level)
	require.Equal(t, 2, f.count(t, `SELECT count(*) FROM arbsync.scores`))
}

// A company whose score can no longer change with time (no case left to age
// out: next_change_on is NULL) is skipped by the daily rescore, which runs
// without error. It once failed at every daemon start: "can't scan into
// dest[1] (col: due): cannot scan NULL into *bool".
func TestDailyRescoreSkipsScoresThatCannotAge(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	st, err := f.a.Rescore(ctx, f.pool, scoringdb.RescoreOptions{AsOf: today})
	require.NoError(t, err)
	require.Equal(t, 1, st.Changed, "a synced company without cases is scored 100")
	require.Equal(t, 1, f.count(t, `SELECT count(*) FROM arbsync.current_scores WHERE next_change_on IS NULL`))

	for _, asOf := range []scoring.Date{today, today.AddDays(1), today.AddDays(400)} {
		st, err = f.a.Rescore(ctx, f.pool, scoringdb.RescoreOptions{AsOf: asOf})
		require.NoError(t, err, "daily rescore as of %s", asOf)
		require.Zero(t, st.Scored, "nothing can have changed as of %s", asOf)
	}
	score, level := f.current(t)
	require.Equal(t, 100.0, score)
	require.Equal(t, "ok", level)
}

// A company is judged against the thresholds in force for its industry
// (arbsync.applied_thresholds), and the history row records them.
func TestScoresUseThresholdsInForce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	// One recent settled case: 100 − 20 − 5 = 75, ok under the fixed 60/40.
	settled := scoring.Case{FilingDate: today.AddDays(-30), Result: scoring.OutcomeSettled, ClaimAmount: money.Yuan(10_000), Title: "和解"}
	f.apply(t, today, settled)
	score, level := f.current(t)
	require.Equal(t, 75.0, score)
	require.Equal(t, "ok", level)

	// Division 62's thresholds in force rise above its score; the next
	// scoring judges it a warning against them. Section H (its section)
	// does not apply to a division with a row of its own.
	_, err := f.pool.Exec(ctx, `UPDATE arbsync.applied_thresholds SET warning_threshold = 80, urgent_threshold = 70, threshold_source = 'division'
		WHERE industry_code = '62'`)
	require.NoError(t, err)
	_, err = f.pool.Exec(ctx, `UPDATE arbsync.applied_thresholds SET warning_threshold = 99, urgent_threshold = 98, threshold_source = 'section'
		WHERE industry_code = 'H'`)
	require.NoError(t, err)
	st := f.apply(t, today, settled)
	require.Equal(t, 1, st.Changed, "a new level is a new history row")
	score, level = f.current(t)
	require.Equal(t, 75.0, score)
	require.Equal(t, "warning", level)
	var warning, urgent float64
	require.NoError(t, f.pool.QueryRow(ctx, `SELECT warning_threshold::float8, urgent_threshold::float8 FROM arbsync.scores
		WHERE credit_code = $1 ORDER BY id DESC LIMIT 1`, f.code).Scan(&warning, &urgent))
	require.Equal(t, [2]float64{80, 70}, [2]float64{warning, urgent})
	require.Equal(t, 1, st.Alerts, "entering warning raises an alert")
}
