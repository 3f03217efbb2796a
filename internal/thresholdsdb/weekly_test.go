package thresholdsdb_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/daemon"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/thresholdsdb"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

var week = scoring.NewDate(2026, time.November, 23) // a Monday

// seed puts n companies with random scores into the watchlist and
// current_scores, spread over a few sections and divisions.
func seed(t *testing.T, pool *pgxpool.Pool, n int) {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 4))
	industries := []string{"47", "48", "E", "52", "F", "62", "65", "I", "C", "13", "39"}
	codes := make([]string, n)
	inds := make([]string, n)
	scores := make([]float64, n)
	for i := range n {
		codes[i] = uscc.Generate(i%34, uint64(90000+i))
		inds[i] = industries[r.IntN(len(industries))]
		s := 100 - math.Abs(r.NormFloat64()*30)
		if inds[i] == "62" || inds[i] == "E" {
			s -= 15 // riskier industries
		}
		scores[i] = math.Round(math.Max(0, s)*100) / 100
	}
	ctx := context.Background()
	_, err := pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code)
		SELECT c, '公司' || c, i FROM unnest($1::text[], $2::text[]) AS u(c, i)`, codes, inds)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO arbsync.current_scores (credit_code, score_id, as_of, rule_version, score, level,
			recent_cases, recent_claim_amount, decided_cases, lose_cases, partial_cases, lose_rate, unexecuted_cases,
			count_deduction, amount_deduction, lose_rate_deduction, unexecuted_deduction)
		SELECT c, 0, '2026-11-20', 1, s, CASE WHEN s < 40 THEN 'urgent' WHEN s < 60 THEN 'warning' ELSE 'ok' END,
			1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
		FROM unnest($1::text[], $2::numeric[]) AS u(c, s)`, codes, scores)
	require.NoError(t, err)
}

func newJob(pool *pgxpool.Pool) *thresholdsdb.Job {
	return &thresholdsdb.Job{Pool: pool, Rule: scoring.Rule1, Params: thresholds.DefaultParams(), Today: func() scoring.Date { return scoring.DateOf(time.Now().UTC()) }, Log: zerolog.Nop()}
}

// The thresholds package's percentile equals PostgreSQL's percentile_cont
// on the same data.
func TestPercentileMatchesPostgres(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	r := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{1, 2, 3, 10, 101, 1000} {
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = math.Round(r.Float64()*10000) / 100
		}
		sorted := append([]float64(nil), vals...)
		slices.Sort(sorted)
		for _, q := range []float64{0, 0.1, 0.25, 0.3333, 0.5, 0.9, 1} {
			var pg float64
			require.NoError(t, pool.QueryRow(context.Background(),
				`SELECT percentile_cont($1::float8) WITHIN GROUP (ORDER BY v) FROM unnest($2::float8[]) AS v`, q, vals).Scan(&pg))
			require.InDelta(t, pg, thresholds.Percentile(sorted, q), 1e-9, "n=%d q=%v", n, q)
		}
	}
}

func TestRunIsIdempotentAndApplies(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	seed(t, pool, 800)
	job := newJob(pool)
	ctx := context.Background()
	first, err := job.Run(ctx, week)
	require.NoError(t, err)
	require.NotEmpty(t, first.Rows)
	require.True(t, first.Applied)
	require.Equal(t, 800, first.Scored)

	snapshot := func() []string {
		rows, err := pool.Query(ctx, `SELECT concat_ws('|', industry_code, severity, n, q, raw, shrunk, final, previous, bound_applied,
			p10, p25, p50, p75, p90, mean, flagged_fixed, flagged_dynamic) FROM arbsync.industry_thresholds WHERE week = $1 ORDER BY 1`, week.Time())
		require.NoError(t, err)
		var out []string
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			out = append(out, s)
		}
		return out
	}
	before := snapshot()
	require.Len(t, before, len(first.Rows))
	again, err := job.Run(ctx, week)
	require.NoError(t, err)
	require.Equal(t, before, snapshot(), "rerunning a week gives identical rows")
	require.Zero(t, again.Relevelled, "nothing changes level the second time")

	// Every company is now judged against dynamic thresholds in force for
	// its industry, as BI sees them.
	var fixed, dynamic int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE threshold_source = 'fixed'), count(*) FILTER (WHERE threshold_source <> 'fixed')
		FROM bi.company_risk WHERE score IS NOT NULL`).Scan(&fixed, &dynamic))
	require.Zero(t, fixed)
	require.Equal(t, 800, dynamic)
	var mismatched int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM bi.company_risk
		WHERE level <> CASE WHEN score < urgent_threshold THEN 'urgent' WHEN score < warning_threshold THEN 'warning' ELSE 'ok' END`).Scan(&mismatched))
	require.Zero(t, mismatched)
	// Each industry's thresholds in force are its division's row, else its
	// section's, else the fixed ones.
	var wrong int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM arbsync.applied_thresholds a
		JOIN arbsync.industries i ON i.code = a.industry_code
		LEFT JOIN arbsync.industry_thresholds d ON d.week = $1 AND d.industry_code = i.code AND i.level = 'division' AND d.severity = 'warning'
		LEFT JOIN arbsync.industry_thresholds s ON s.week = $1 AND s.industry_code = i.section_code AND s.severity = 'warning'
		WHERE a.warning_threshold <> coalesce(d.final, s.final, 60)
		   OR a.threshold_source <> CASE WHEN d.final IS NOT NULL THEN 'division' WHEN s.final IS NOT NULL THEN 'section' ELSE 'fixed' END
		   OR a.week <> $1`, week.Time()).Scan(&wrong))
	require.Zero(t, wrong)
	// Alerts were written for companies pushed into a worse level, once.
	var alerts int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM arbsync.alerts WHERE dedup_key LIKE '%:thresholds:%'`).Scan(&alerts))
	require.Equal(t, first.Alerts, alerts)

	// Next week moves each threshold by at most 10 points from this week's.
	next, err := job.Run(ctx, week.AddDays(7))
	require.NoError(t, err)
	for _, r := range next.Rows {
		require.NotNil(t, r.Previous)
		require.LessOrEqual(t, math.Abs((r.Final - *r.Previous).Float64()), 10.0)
	}
	// Recomputing the older week stores it but does not roll thresholds back.
	old, err := job.Run(ctx, week)
	require.NoError(t, err)
	require.False(t, old.Applied)
}

func TestEmptyPopulationWritesNothing(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	res, err := newJob(pool).Run(context.Background(), week)
	require.NoError(t, err)
	require.Empty(t, res.Rows)
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM arbsync.industry_thresholds`).Scan(&n))
	require.Zero(t, n)
}

// Two replicas running the weekly job at once: one runs, the other is
// turned away by the lease row.
func TestTwoReplicasNeverBothRun(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	seed(t, pool, 200)
	job := newJob(pool)
	var mu sync.Mutex
	running, maxRunning, ran := 0, 0, 0
	run := func(ctx context.Context) error {
		mu.Lock()
		running++
		ran++
		maxRunning = max(maxRunning, running)
		mu.Unlock()
		_, err := job.Run(ctx, week)
		time.Sleep(200 * time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = daemon.RunExclusive(context.Background(), pool, "replica-"+string(rune('a'+i)), zerolog.Nop(),
				daemon.Job{Name: "thresholds", Exclusive: true, Run: run})
		}()
	}
	wg.Wait()
	require.Equal(t, 1, maxRunning, "never two at once")
	held := 0
	for _, err := range errs {
		if err != nil {
			require.ErrorIs(t, err, daemon.ErrLeaseHeld)
			held++
		}
	}
	require.Equal(t, 4-ran, held)
	require.GreaterOrEqual(t, ran, 1)
}

func TestReportFiles(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	seed(t, pool, 500)
	job := newJob(pool)
	ctx := context.Background()
	_, err := job.Run(ctx, week.AddDays(-7))
	require.NoError(t, err)
	res, err := job.Run(ctx, week)
	require.NoError(t, err)
	w, err := job.Report(ctx, res, time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	dir := t.TempDir()
	paths, err := job.Publish(ctx, w, dir)
	require.NoError(t, err)
	require.Len(t, paths, 4)
	html, err := os.ReadFile(filepath.Join(dir, "arbsync-thresholds-2026-W48.html"))
	require.NoError(t, err)
	for _, forbidden := range []string{"http://", "https://", "src=", "url(", "@import"} {
		require.NotContains(t, string(html), forbidden)
	}
	require.Contains(t, string(html), "<svg")
	require.Contains(t, string(html), "建筑业")
	md, err := os.ReadFile(filepath.Join(dir, "arbsync-thresholds-2026-W48.md"))
	require.NoError(t, err)
	// The table shows the construction section's final warning threshold.
	var final string
	require.NoError(t, pool.QueryRow(ctx, `SELECT final::text FROM arbsync.industry_thresholds WHERE week = $1 AND industry_code = 'E' AND severity = 'warning'`, week.Time()).Scan(&final))
	require.Contains(t, string(md), final)
	require.Contains(t, string(md), "No backtest stored yet: run `arbsync thresholds backtest` to make one")
	csv, err := os.ReadFile(filepath.Join(dir, "arbsync-thresholds-2026-W48.csv"))
	require.NoError(t, err)
	require.Equal(t, len(res.Rows)+1, strings.Count(strings.TrimSpace(string(csv)), "\n")+1)
	// And it is stored.
	var stored int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM arbsync.threshold_reports WHERE week = $1 AND html = $2`, week.Time(), string(html)).Scan(&stored))
	require.Equal(t, 1, stored)
}

// The report's riskiest companies are the lowest scores, and among equal
// scores those with more recent cases, then larger claims: the 20 picked
// from 25 companies at 0.00 are the ones with the most cases.
func TestReportRiskiestPicksMostCases(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	seed(t, pool, 100)
	ctx := context.Background()
	codes := make([]string, 25)
	cases := make([]int32, 25)
	claims := make([]float64, 25)
	for i := range codes {
		codes[i] = uscc.Generate(7, uint64(70000+i))
		cases[i] = int32(i % 13)      // 0 … 12, twice
		claims[i] = float64(1000 * i) // later codes claim more
	}
	_, err := pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code)
		SELECT c, '零分公司' || c, 'F' FROM unnest($1::text[]) AS c`, codes)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO arbsync.current_scores (credit_code, score_id, as_of, rule_version, score, level,
			recent_cases, recent_claim_amount, decided_cases, lose_cases, partial_cases, lose_rate, unexecuted_cases,
			count_deduction, amount_deduction, lose_rate_deduction, unexecuted_deduction)
		SELECT c, 0, '2026-11-20', 1, 0, 'urgent', n, a, 0, 0, 0, 0, 0, 0, 0, 0, 0
		FROM unnest($1::text[], $2::int[], $3::numeric[]) AS u(c, n, a)`, codes, cases, claims)
	require.NoError(t, err)
	job := newJob(pool)
	res, err := job.Compute(ctx, week)
	require.NoError(t, err)
	w, err := job.Report(ctx, res, time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.Len(t, w.Riskiest, thresholdsdb.RiskiestShown)
	var got []string
	for _, c := range w.Riskiest {
		require.Zero(t, c.Score, "only companies at 0.00 are riskier than the seeded ones")
		got = append(got, fmt.Sprintf("%d/%s", c.RecentCases, c.RecentClaims))
	}
	// 12 cases (i = 12), 11 (i = 24, then 11), … : per count, larger claims first.
	want := []string{"12/12000.00", "11/24000.00", "11/11000.00", "10/23000.00", "10/10000.00", "9/22000.00", "9/9000.00",
		"8/21000.00", "8/8000.00", "7/20000.00", "7/7000.00", "6/19000.00", "6/6000.00", "5/18000.00", "5/5000.00",
		"4/17000.00", "4/4000.00", "3/16000.00", "3/3000.00", "2/15000.00"}
	require.Equal(t, want, got)
}
