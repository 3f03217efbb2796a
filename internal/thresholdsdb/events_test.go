package thresholdsdb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/report"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
)

// The report of a week lists the case events of the seven days before it
// (days in the report's zone): counted by kind and company, the notable
// ones first, and nothing from the weeks around it or from a company's
// baseline.
func TestReportShowsTheWeeksEvents(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	seed(t, pool, 50)
	ctx := context.Background()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	a, b := uscc.Generate(3, 81001), uscc.Generate(4, 81002)
	_, err = pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '甲公司', 'C'), ($2, '乙公司', 'F')`, a, b)
	require.NoError(t, err)
	// A baseline case: on the case row, never an event.
	_, err = pool.Exec(ctx, `INSERT INTO arbsync.cases (credit_code, case_id, case_no, title, cause, role, claim_amount, award_amount,
			result, filing_date, execution_status, unexecuted_amount, committee, upstream_updated_at, raw, content_hash, baseline)
		VALUES ($1, 'old', '旧案号', '旧案', '劳动争议', 'respondent', 1, 0, 'pending', '2026-01-01', 'not_applicable', 0, '委员会', now(), '{}', '\x00', true)`, a)
	require.NoError(t, err)
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, shanghai) }
	add := func(code, caseID, kind string, when time.Time, claim string) {
		t.Helper()
		_, err := pool.Exec(ctx, `INSERT INTO arbsync.case_events (credit_code, case_id, kind, old_result, new_result,
				old_execution_status, new_execution_status, new_claim_amount, detected_at)
			VALUES ($1, $2, $3, 'pending', 'lose', 'not_applicable', 'unexecuted', nullif($4, '')::numeric, $5)`, code, caseID, kind, claim, when)
		require.NoError(t, err)
	}
	// The week of 2026-11-23 reports 16–22 November (Shanghai time).
	add(a, "a1", "filed", at(16, 0), "500.00") // the first instant of the week
	add(a, "a2", "filed", at(20, 9), "9000.00")
	add(b, "b1", "filed", at(22, 23), "700.00")
	add(b, "b0", "decided", at(18, 10), "")
	add(b, "b0", "execution_changed", at(18, 10), "")
	add(a, "a0", "amounts_changed", at(17, 10), "")
	add(a, "x1", "filed", at(15, 23), "1.00") // the week before
	add(b, "x2", "filed", at(23, 0), "1.00")  // the report's own week
	for i := range 60 {
		add(b, fmt.Sprintf("m%02d", i), "amounts_changed", at(21, 12), "")
	}

	job := newJob(pool)
	res, err := job.Compute(ctx, week)
	require.NoError(t, err)
	w, err := job.Report(ctx, res, time.Date(2026, 11, 23, 3, 0, 0, 0, shanghai))
	require.NoError(t, err)
	e := w.Events
	require.NotNil(t, e)
	require.Equal(t, "2026-11-16", e.From.String())
	require.Equal(t, "2026-11-22", e.To.String())
	require.Equal(t, 66, e.Total)
	require.Equal(t, []report.EventCount{
		{Kind: "filed", Name: "新立案", Events: 3, Companies: 2},
		{Kind: "decided", Name: "裁决", Events: 1, Companies: 1},
		{Kind: "execution_changed", Name: "执行情况变更", Events: 1, Companies: 1},
		{Kind: "amounts_changed", Name: "金额变更", Events: 61, Companies: 2},
	}, e.Counts)
	require.Len(t, e.Notable, report.MaxNotableEvents)
	var first []string
	for _, n := range e.Notable[:5] {
		first = append(first, n.Name+" "+n.CaseNo+" "+n.KindName+" "+n.Change)
	}
	require.Equal(t, []string{
		"甲公司 a2 新立案 请求金额 9000.00 元，企业败诉",
		"乙公司 b1 新立案 请求金额 700.00 元，企业败诉",
		"甲公司 a1 新立案 请求金额 500.00 元，企业败诉",
		"乙公司 b0 裁决 审理中 → 企业败诉",
		"乙公司 b0 执行情况变更 不适用 → 未执行",
	}, first)

	var md, html strings.Builder
	require.NoError(t, report.Markdown(&md, w))
	require.NoError(t, report.HTML(&html, w))
	require.Contains(t, md.String(), "## 本周案件动态 Case events of the week (2026-11-16 – 2026-11-22)")
	require.Contains(t, md.String(), "共 66 个事件 66 events: 新立案 3（2 家企业），裁决 1（1 家企业），执行情况变更 1（1 家企业），金额变更 61（2 家企业）")
	require.Contains(t, md.String(), "另有 16 个事件未列出（and 16 more）：见 bi.case_events。")
	require.Contains(t, html.String(), `<section id="events">`)
	require.NotContains(t, md.String(), "旧案号", "the baseline is not news")
}
