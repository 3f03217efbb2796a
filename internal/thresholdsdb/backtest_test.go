package thresholdsdb

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// The weeks of the stored history: three Mondays, and a fourth whose
// 7-day horizon has not passed by today.
var (
	w0    = scoring.NewDate(2026, time.June, 1)
	w1    = w0.AddDays(7)
	w2    = w0.AddDays(14)
	w3    = w0.AddDays(21)
	today = w2.AddDays(8) // w2's horizon (w2, w2 + 7] has passed; w3's has not
)

// storedCaseRow is one row of arbsync.cases as a test writes it.
type storedCaseRow struct {
	id                string
	role              string
	filed             scoring.Date
	claimYuan         int
	result            string
	closed            *scoring.Date
	execution         string
	removedAtShanghai *time.Time
}

func day(d scoring.Date) *scoring.Date { return &d }

// history stores the watchlist and cases the backtest tests read, and
// returns the credit codes of companies a, b and e.
func history(t *testing.T, pool *pgxpool.Pool) (a, b, e string) {
	t.Helper()
	ctx := context.Background()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	a, b, e = uscc.Generate(1, 501), uscc.Generate(2, 502), uscc.Generate(3, 503)
	unsynced, disabled := uscc.Generate(4, 504), uscc.Generate(5, 505)
	_, err = pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, enabled) VALUES
		($1, '甲公司', '13', true), ($2, '乙公司', 'F', true), ($3, '戊公司', '47', true),
		($4, '未同步公司', '13', true), ($5, '停用公司', '13', false)`, a, b, e, unsynced, disabled)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE arbsync.sync_state SET last_success_at = now(), status = 'ok' WHERE credit_code <> $1`, unsynced)
	require.NoError(t, err)
	// Removed by the vendor during the day after w1 (Shanghai), which is
	// still the evening before in UTC: the date counts in the configured zone.
	removedEarly := time.Date(2026, time.June, 9, 7, 30, 0, 0, shanghai) // w1 + 1, 2026-06-08 23:30 UTC
	removedLate := time.Date(2026, time.June, 15, 1, 0, 0, 0, shanghai)  // w2 + 0 in Shanghai, w2 − 1 in UTC
	cases := map[string][]storedCaseRow{
		a: {
			// Lost and left unexecuted, but only known from its closing
			// date w0 + 3: pending in w0's score, lost from w1 on.
			{"A1", "respondent", w0.AddDays(-30), 20_000, "lose", day(w0.AddDays(3)), "unexecuted", nil},
			// Filed in w1's horizon (w0 + 10 in (w1, w1 + 7]); partly lost
			// eventually: serious. Still pending in every week's score.
			{"A2", "respondent", w0.AddDays(10), 0, "partial", day(w2.AddDays(20)), "not_applicable", nil},
			// The company's own claim against a worker, in w2's horizon:
			// no outcome.
			{"A3", "applicant", w2.AddDays(2), 50_000, "lose", nil, "not_applicable", nil},
		},
		b: {
			// Counts in w0's and w1's scores; removed on w1 + 1.
			{"B1", "respondent", w0.AddDays(-10), 0, "pending", nil, "not_applicable", &removedEarly},
			// Filed in w0's horizon but removed since: no outcome; counts in
			// w1's score (filed, not yet removed), not in w2's.
			{"B2", "respondent", w0.AddDays(3), 0, "pending", nil, "not_applicable", &removedLate},
			// Three new cases in w2's horizon, all won or settled: serious by
			// their number.
			{"B3", "respondent", w2.AddDays(1), 0, "win", day(w2.AddDays(30)), "not_applicable", nil},
			{"B4", "respondent", w2.AddDays(2), 0, "settled", day(w2.AddDays(30)), "not_applicable", nil},
			{"B5", "respondent", w2.AddDays(3), 0, "withdrawn", nil, "not_applicable", nil},
		},
		e: {
			// Settled but only partly paid: serious through execution.
			{"E1", "respondent", w0.AddDays(2), 1_000, "settled", day(w0.AddDays(40)), "partially_executed", nil},
			// Won, in w1's horizon: a new case, not serious.
			{"E2", "respondent", w1.AddDays(1), 1_000, "win", day(w1.AddDays(20)), "not_applicable", nil},
			// A third party in w2's horizon: no outcome.
			{"E3", "third_party", w2.AddDays(4), 1_000, "lose", nil, "unexecuted", nil},
		},
	}
	for code, rows := range cases {
		for _, c := range rows {
			var closed *time.Time
			if c.closed != nil {
				ct := c.closed.Time()
				closed = &ct
			}
			_, err := pool.Exec(ctx, `INSERT INTO arbsync.cases (credit_code, case_id, role, claim_amount, result, filing_date,
					closing_date, execution_status, raw, content_hash, removed_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '{}', '\x00', $9)`,
				code, c.id, c.role, c.claimYuan, c.result, c.filed.Time(), closed, c.execution, c.removedAtShanghai)
			require.NoError(t, err)
		}
	}
	// Cases of the companies the backtest leaves out.
	for _, code := range []string{unsynced, disabled} {
		_, err := pool.Exec(ctx, `INSERT INTO arbsync.cases (credit_code, case_id, role, result, filing_date, execution_status, raw, content_hash)
			VALUES ($1, 'X1', 'respondent', 'lose', $2, 'unexecuted', '{}', '\x00')`, code, w0.AddDays(2).Time())
		require.NoError(t, err)
	}
	return a, b, e
}

func backtestJob(pool *pgxpool.Pool) *Job {
	return &Job{Pool: pool, Rule: scoring.DefaultRule, Params: thresholds.DefaultParams(), Today: func() scoring.Date { return today }, Log: zerolog.Nop()}
}

func options() BacktestOptions {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	return BacktestOptions{From: w0, To: w3, Horizon: 7, Today: today, Location: shanghai}
}

// Each company-week's scores are rebuilt from the cases as knowable that
// Monday, and its outcomes read from the cases filed in its horizon.
func TestBacktestReplaysWhatWasKnowable(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	a, b, e := history(t, pool)
	type week struct {
		rule1, rule2 string
		happened     thresholds.Happened
	}
	got := map[string][]week{}
	sections := map[string]string{}
	weeks := []scoring.Date{w0, w1, w2}
	err := backtestJob(pool).replay(context.Background(), options(), weeks, []scoring.Rule{scoring.Rule1, scoring.Rule2},
		func(code, section, division string, scores [][]scoring.Points, happened []thresholds.Happened) error {
			sections[code] = section + "/" + division
			for w := range weeks {
				got[code] = append(got[code], week{scores[0][w].String(), scores[1][w].String(), happened[w]})
			}
			return nil
		})
	require.NoError(t, err)
	require.Equal(t, map[string]string{a: "C/13", b: "F/", e: "E/47"}, sections, "enabled, synced companies only")

	none, anyCase, serious := thresholds.Happened{}, thresholds.Happened{Any: true}, thresholds.Happened{Any: true, Serious: true}
	require.Equal(t, []week{
		// w0: A1 is recent and still pending: rule 1 100 − 20 − 10 = 70;
		// rule 2 0.4·80 + 0.3·90 + 0.2·100 + 0.1·100 = 89.
		{"70.00", "89.00", none},
		// w1: A1 closed on w0 + 3, lost and unexecuted: rule 1 0; rule 2
		// 0.4·80 + 0.3·90 + 0 + 0.1·75. A2 was filed in w1's horizon and
		// is partly lost: serious.
		{"0.00", "66.50", serious},
		// w2: with A2 (filed w0 + 10, pending): 0.4·60 + 0.3·90 + 0 + 0.1·75.
		// A3 in w2's horizon is the company's own claim: no outcome.
		{"0.00", "58.50", none},
	}, got[a])
	require.Equal(t, []week{
		// w0: B1 alone (B2 filed w0 + 3); B2 was removed since: no outcome.
		{"80.00", "92.00", none},
		// w1: B1 was removed on 2026-06-09 in Shanghai (the 8th in UTC),
		// after w1; B2 is filed and not yet removed: two recent cases.
		{"60.00", "84.00", none},
		// w2: both removed by then (B2 on w2 in Shanghai); three new cases
		// in the horizon, none lost: serious by their number.
		{"100.00", "100.00", serious},
	}, got[b])
	require.Equal(t, []week{
		// w0: nothing filed yet; E1 (w0 + 2) is settled and partly
		// executed: serious.
		{"100.00", "100.00", serious},
		// w1: E1 recent, still open (closes w0 + 40): 100 − 20 − 0.5.
		// E2, won, in the horizon: a new case, not serious.
		{"79.50", "91.85", anyCase},
		// w2: E1 and E2 recent, both open; E3 (third party) is no outcome.
		{"59.00", "83.70", none},
	}, got[e])
}

// The whole backtest over the same history: weeks, skipped weeks, counts,
// and a stored run read back as the weekly report and BI see it.
func TestBacktestRunsAndStores(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	history(t, pool)
	job := backtestJob(pool)
	ctx := context.Background()
	_, err := job.LatestBacktest(ctx)
	require.ErrorIs(t, err, ErrNoBacktest)

	run, err := job.Backtest(ctx, options())
	require.NoError(t, err)
	require.Equal(t, []scoring.Date{w0, w1, w2}, run.Weeks)
	require.Equal(t, 1, run.Skipped, "w3's horizon ends after today")
	require.Equal(t, 3, run.Companies)
	require.Equal(t, 9, run.Observations)
	require.Equal(t, []scoring.Rule{scoring.Rule1, scoring.Rule2}, run.Rules)
	require.Len(t, run.Results, 16*4, "16 cells over all companies and in sections C, E and F")

	cell := func(rule scoring.Rule, m thresholds.Method, sev thresholds.Severity, o thresholds.Outcome) thresholds.BacktestResult {
		for _, r := range run.Results {
			if r.Section == "" && r.Rule == rule && r.Method == m && r.Severity == sev && r.Outcome == o {
				return r
			}
		}
		t.Fatalf("no cell %s %s %s %s", rule, m, sev, o)
		return thresholds.BacktestResult{}
	}
	// Rule 1 flags a's w1 and w2 (0 < 40 and < 60), and e's w2 (59 < 60):
	// k_w = 3, k_u = 2. Any: a w1, b w2, e w0, e w1; serious: a w1, b w2, e w0.
	r1 := cell(scoring.Rule1, thresholds.MethodFixed, thresholds.SeverityWarning, thresholds.OutcomeAny)
	require.Equal(t, 9, r1.Observations)
	require.Equal(t, 4, r1.Positives)
	require.Equal(t, 3, r1.Volume)
	require.InDelta(t, 3, r1.Flagged, 1e-9)
	require.InDelta(t, 1, r1.Hits, 1e-9) // a w1
	s := cell(scoring.Rule1, thresholds.MethodFixed, thresholds.SeverityUrgent, thresholds.OutcomeSerious)
	require.Equal(t, 3, s.Positives)
	require.Equal(t, 2, s.Volume)
	require.InDelta(t, 1, s.Hits, 1e-9)
	// Rule 2 at the same volume: none in w0, a (66.50) in w1, a (58.50) and
	// e (83.70) in w2: the same company-weeks as rule 1.
	r2 := cell(scoring.Rule2, thresholds.MethodFixed, thresholds.SeverityWarning, thresholds.OutcomeAny)
	require.InDelta(t, 3, r2.Flagged, 1e-9)
	require.InDelta(t, 1, r2.Hits, 1e-9)

	require.NoError(t, job.StoreBacktest(ctx, &run))
	require.Positive(t, run.ID)
	stored, err := job.LatestBacktest(ctx)
	require.NoError(t, err)
	require.Equal(t, run.ID, stored.ID)
	require.Equal(t, w0, stored.From)
	require.Equal(t, w2, stored.To)
	require.Equal(t, []int{3, 1, 7, 3, 9}, []int{stored.Weeks, stored.Skipped, stored.Horizon, stored.Companies, stored.Observations})
	require.Equal(t, LookAhead, stored.LookAhead)
	require.ElementsMatch(t, run.Results, stored.Results, "results read back as computed (undefined values stay undefined)")

	// BI sees the latest run; a second run becomes the latest.
	var latest, rows int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE latest), count(*) FROM bi.backtest_results`).Scan(&latest, &rows))
	require.Equal(t, []int{64, 64}, []int{latest, rows})
	again, err := job.Backtest(ctx, options())
	require.NoError(t, err)
	require.NoError(t, job.StoreBacktest(ctx, &again))
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE latest AND run_id = $1), count(*) FROM bi.backtest_results`, again.ID).Scan(&latest, &rows))
	require.Equal(t, []int{64, 128}, []int{latest, rows})
	var name *string
	require.NoError(t, pool.QueryRow(ctx, `SELECT section_name FROM bi.backtest_results WHERE run_id = $1 AND section_code = 'C' LIMIT 1`, again.ID).Scan(&name))
	require.Equal(t, "制造业", *name)

	// The weekly report carries the latest run, and stores its CSV.
	res, err := job.Compute(ctx, w3)
	require.NoError(t, err)
	w, err := job.Report(ctx, res, time.Date(2026, 6, 22, 3, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.NotNil(t, w.Backtest)
	require.Equal(t, again.ID, w.Backtest.RunID)
	require.Equal(t, []scoring.Date{w0, w2}, []scoring.Date{w.Backtest.From, w.Backtest.To})
	require.Len(t, w.Backtest.Results, 64)
	_, err = job.Publish(ctx, w, "")
	require.NoError(t, err)
	var md, csv string
	require.NoError(t, pool.QueryRow(ctx, `SELECT markdown, backtest_csv FROM arbsync.threshold_reports WHERE week = $1`, w3.Time()).Scan(&md, &csv))
	require.Contains(t, md, fmt.Sprintf("最近一次回测 Latest run #%d", again.ID))
	require.Equal(t, 65, strings.Count(csv, "\r\n"), "the header and 64 results")
}

func TestBacktestWithoutAFinishedWeek(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	history(t, pool)
	o := options()
	o.From = w3
	_, err := backtestJob(pool).Backtest(context.Background(), o)
	require.ErrorContains(t, err, "no week from 2026-06-22 to 2026-06-22 has its 7-day horizon passed by 2026-06-23")

	empty := testdb.New(t)
	_, err = backtestJob(empty).Backtest(context.Background(), options())
	require.ErrorContains(t, err, "no enabled company has been synced")
}
