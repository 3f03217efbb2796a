package digest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/alerts/alertstest"
	"github.com/arbsync/arbsync/internal/digest"
	"github.com/arbsync/arbsync/internal/report"
	"github.com/arbsync/arbsync/internal/secret"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

func points(s string) scoring.Points {
	p, err := scoring.ParsePoints(s)
	if err != nil {
		panic(err)
	}
	return p
}

func weeklyReport() report.Weekly {
	week := scoring.NewDate(2026, time.November, 30)
	was, wasU := points("60.00"), points("40.00")
	th := scoring.Thresholds{Warning: points("58.50"), Urgent: points("40.00")}
	return report.Weekly{
		Week:          week,
		IndustryNames: map[string]string{"C": "制造业", "F": "批发和零售业"},
		Rows: []thresholds.Row{
			{Week: week, Industry: "C", Severity: thresholds.SeverityWarning, Final: points("58.50"), Previous: &was},
			{Week: week, Industry: "C", Severity: thresholds.SeverityUrgent, Final: points("40.00"), Previous: &wasU},
			{Week: week, Industry: "F", Severity: thresholds.SeverityWarning, Final: points("60.00"), Previous: &was},
		},
		NewlyFlagged: []report.LevelChange{
			{CreditCode: "91110108551385082Q", Name: "北京星河数据科技有限公司", Score: points("52.00"), From: scoring.LevelOK, To: scoring.LevelWarning, Thresholds: th},
			{CreditCode: "91310000MA1FL5LX3T", Name: "上海某某制造有限公司", Score: points("35.00"), From: "", To: scoring.LevelUrgent, Thresholds: th},
		},
		Cleared: []report.LevelChange{{CreditCode: "91440300708461136T", Name: "深圳某某电子有限公司", Score: points("70.00"), From: scoring.LevelWarning, To: scoring.LevelOK, Thresholds: th}},
	}
}

func TestWeeklyLines(t *testing.T) {
	lines := digest.WeeklyLines(weeklyReport())
	want := []string{
		"**概览**：0 家企业已评分；1 个行业阈值变动；新进入预警/紧急 2 家，恢复正常 1 家",
		"**阈值变动**（1 个行业）",
		"- C 制造业：预警线 60.00 → 58.50",
		"**新进入预警/紧急**（2 家）",
		"- **上海某某制造有限公司**（91310000MA1FL5LX3T）：首次评分 → 紧急，评分 35.00（预警线 58.50，紧急线 40.00）",
		"- **北京星河数据科技有限公司**（91110108551385082Q）：正常 → 预警，评分 52.00（预警线 58.50，紧急线 40.00）",
		"**恢复正常**（1 家）",
		"- **深圳某某电子有限公司**（91440300708461136T）：预警 → 正常，评分 70.00（预警线 58.50，紧急线 40.00）",
		"**回测**：尚未运行（`arbsync thresholds backtest`）",
	}
	require.Equal(t, want, lines)
}

// After the weekly job every digest channel gets the summary once, and a
// WeCom channel the report itself as a file.
func TestWeeklySummaryAndReportFile(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	w := weeklyReport()
	html := "<!doctype html><title>2026-W49</title><p>周报</p>"
	_, err := pool.Exec(context.Background(), `INSERT INTO arbsync.threshold_reports (week, markdown, html, csv) VALUES ($1, '', $2, '')`, w.Week.Time(), html)
	require.NoError(t, err)
	robot := alertstest.NewWeComRobot(t, 20, time.Minute)
	ops := alerts.ChannelConfig{Name: "ops", Kind: alerts.KindWeCom, URL: secret.Value(robot.URL()), Digest: true,
		RateLimit: alerts.RateLimit{N: 100, Per: time.Second}} // a test robot may take a faster limit
	hr := alerts.ChannelConfig{Name: "hr", Kind: alerts.KindWebhook, URL: "http://127.0.0.1:1/hook", Digest: true}
	plain := alerts.ChannelConfig{Name: "plain", Kind: alerts.KindWebhook, URL: "http://127.0.0.1:1/hook"}
	j := newJob(pool, ops, hr, plain)
	res, err := j.Weekly(context.Background(), w)
	require.NoError(t, err)
	require.Len(t, res, 2, "the two digest channels")
	again, err := j.Weekly(context.Background(), w)
	require.NoError(t, err)
	require.True(t, again[0].Already && again[1].Already, "a rerun of the weekly job sends nothing twice")
	require.Equal(t, 2, count(t, pool, `SELECT count(*) FROM arbsync.alerts WHERE channel = 'ops'`), "summary and file")
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM arbsync.alerts WHERE channel = 'hr' AND kind = 'weekly'`))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM arbsync.alerts WHERE channel = 'plain' OR (channel = 'hr' AND kind = 'report_file')`))

	deliver(t, pool, "replica-1", ops)
	require.Eventually(t, func() bool { return len(robot.Received()) == 2 }, 20*time.Second, 20*time.Millisecond)
	got := robot.Received()
	require.Equal(t, "weekly:ops:2026-11-30:1/1", got[0].Key, "the summary first")
	require.Equal(t, "file:arbsync-thresholds-2026-W49.html", got[1].Key, "then the report")
	files := robot.Files()
	require.Len(t, files, 1)
	require.Equal(t, html, string(files[0].Content))
}
