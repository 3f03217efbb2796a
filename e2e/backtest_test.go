package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
)

// On history synced from the simulator, `arbsync thresholds backtest`
// prints the comparison of both rules and both threshold methods, overall
// and per section, stores the run, and BI reads it through
// bi.backtest_results; the weekly report then carries it.
func TestBacktestPrintsStoresAndShowsTheRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{companies: 60})
	sync := e.start(t, nil, "sync", "-all")
	require.Equal(t, 0, sync.wait(t, 60*time.Second), "sync -all; log:\n%s", tail(sync.log()))

	// The simulator's history ends on 2026-11-24: a year of weeks whose
	// 90-day horizons lie inside it, whatever today's date.
	bt := e.start(t, []string{"ARBSYNC_LOG_LEVEL=warn"}, "thresholds", "backtest", "-from", "2025-06-02", "-to", "2026-05-25", "-horizon", "90")
	require.Equal(t, 0, bt.wait(t, 60*time.Second), "backtest; log:\n%s", tail(bt.log()))
	out := bt.log()
	companies := e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE last_success_at IS NOT NULL`)
	require.Contains(t, out, fmt.Sprintf("backtest over 52 weeks (2025-06-02 … 2026-05-25), %d companies, %d company-weeks, horizon 90 days\n", companies, 52*companies))
	require.Contains(t, out, "stored as run 1 (bi.backtest_results")
	require.Contains(t, out, "look-ahead (what the rebuilt history still knows too early):\n  Scores are rebuilt as of each Monday")
	require.Contains(t, out, "95% intervals are clustered by company")
	for _, s := range []string{"outcome any:", "outcome serious:", "per section, outcome any, warning:", "per section, outcome serious, urgent:"} {
		require.Contains(t, out, "\n"+s)
	}
	require.Regexp(t, `(?m)^ +warning +1 +fixed +(\d+) +(\d+) +`, out, "rule 1's fixed row")
	require.Regexp(t, `(?m)^ +urgent +2 +dynamic +\d+ +\d+ +`, out, "rule 2's dynamic row")
	require.Regexp(t, `(?m)^  AUC  rule 1 0\.\d{3} \[0\.\d{3}–[01]\.\d{3}\]  rule 2 0\.\d{3} `, out)

	sections := e.count(t, `SELECT count(DISTINCT i.section_code) FROM arbsync.watchlist w JOIN arbsync.industries i ON i.code = w.industry_code
		JOIN arbsync.sync_state s ON s.credit_code = w.credit_code WHERE s.last_success_at IS NOT NULL AND w.enabled`)
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM arbsync.backtest_runs WHERE weeks = 52 AND horizon_days = 90 AND rules = '{1,2}'`))
	require.Equal(t, 16*(1+sections), e.count(t, `SELECT count(*) FROM arbsync.backtest_results WHERE run_id = 1`))
	// Rule 1's fixed cells are the fixed thresholds themselves: they flag k.
	require.Zero(t, e.count(t, `SELECT count(*) FROM arbsync.backtest_results WHERE rule_version = 1 AND method = 'fixed' AND flagged <> volume`))

	// BI reads the run through the bi view and nothing else.
	conn := biLogin(t, e.db)
	ctx := context.Background()
	var rows, latest int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE latest) FROM bi.backtest_results`).Scan(&rows, &latest))
	require.Equal(t, []int{16 * (1 + sections), 16 * (1 + sections)}, []int{rows, latest})
	_, err := conn.Exec(ctx, `SELECT * FROM arbsync.backtest_results LIMIT 1`)
	require.ErrorContains(t, err, "permission denied")

	// -json prints the run it stored, rule 2 only.
	js := e.start(t, []string{"ARBSYNC_LOG_LEVEL=warn"}, "thresholds", "backtest", "-from", "2026-01-05", "-to", "2026-02-23", "-rules", "2", "-json")
	require.Equal(t, 0, js.wait(t, 60*time.Second), "backtest -json; log:\n%s", tail(js.log()))
	var run struct {
		ID      int64 `json:"id"`
		Weeks   []string
		Rules   []int
		Results []struct {
			RuleVersion int     `json:"ruleVersion"`
			Volume      int     `json:"volume"`
			Flagged     float64 `json:"flagged"`
		}
	}
	require.NoError(t, json.Unmarshal([]byte(js.log()), &run), js.log())
	require.Equal(t, int64(2), run.ID)
	require.Len(t, run.Weeks, 8)
	require.Equal(t, []int{2}, run.Rules)
	for _, r := range run.Results {
		require.Equal(t, 2, r.RuleVersion)
	}

	// The weekly report shows the latest run and writes its CSV.
	dir := t.TempDir()
	rep := e.start(t, []string{"ARBSYNC_LOG_LEVEL=warn"}, "report", "weekly", "-out", dir)
	require.Equal(t, 0, rep.wait(t, 60*time.Second), "report weekly; log:\n%s", tail(rep.log()))
	mds, err := filepath.Glob(filepath.Join(dir, "*.md"))
	require.NoError(t, err)
	require.Len(t, mds, 1)
	md, err := os.ReadFile(mds[0])
	require.NoError(t, err)
	require.Contains(t, string(md), "最近一次回测 Latest run #2")
	csvs, err := filepath.Glob(filepath.Join(dir, "*-backtest.csv"))
	require.NoError(t, err)
	require.Len(t, csvs, 1)
	csv, err := os.ReadFile(csvs[0])
	require.NoError(t, err)
	require.Equal(t, len(run.Results)+1, strings.Count(string(csv), "\r\n"))
}

func TestBacktestMisuse(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		says string
	}{
		{[]string{"-rules", "1,3"}, `-rules "1,3": "3" is not a scoring rule version`},
		{[]string{"-horizon", "ninety"}, `-horizon "ninety": want a number of days`},
		{[]string{"-from", "2026-W60"}, "-from: week \"2026-W60\": week number must be 1-53"},
		{[]string{"-from", "2026-03-02", "-to", "2026-01-05"}, "-from 2026-03-02 is after -to 2026-01-05"},
	} {
		r := runCmd(t, []string{"DATABASE_URL=postgres://127.0.0.1:9/none"}, "", append([]string{"thresholds", "backtest"}, tt.args...)...)
		require.Equal(t, 2, r.code, "%v: stderr:\n%s", tt.args, r.stderr)
		require.Contains(t, r.stderr, tt.says, tt.args)
		require.Contains(t, r.stderr, "usage: arbsync thresholds backtest")
	}
}

// biLogin connects to d as a new login in the arbsync_bi group.
func biLogin(t *testing.T, d *testdb.Database) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	name := "bi_login_" + d.Name[len(d.Name)-8:]
	_, err := d.Pool.Exec(ctx, fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD 'bi-pw' IN ROLE arbsync_bi", name))
	require.NoError(t, err)
	u, err := url.Parse(d.DSN)
	require.NoError(t, err)
	u.User = url.UserPassword(name, "bi-pw")
	conn, err := pgx.Connect(ctx, u.String())
	require.NoError(t, err)
	t.Cleanup(func() {
		conn.Close(context.Background())
		if admin, err := pgx.Connect(context.Background(), testdb.AdminDSN(t)); err == nil {
			admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+name)
			admin.Close(context.Background())
		}
	})
	return conn
}
