package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/report"
)

func TestEventsSection(t *testing.T) {
	f := newFixture(t)
	w := f.weekly
	w.Events = &report.WeekEvents{From: w.Week.AddDays(-7), To: w.Week.AddDays(-1), Total: 2,
		Counts: []report.EventCount{{Kind: "filed", Name: "新立案", Events: 2, Companies: 1}},
		Notable: []report.Event{{Detected: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), CreditCode: "91110108551385082Q",
			Name: "北京<星河>数据", Kind: "filed", KindName: "新立案", CaseNo: "京劳人仲字〔2026〕第1号", Title: "张某与北京星河劳动争议", Change: "请求金额 5000.00 元，审理中"}}}
	page := html(t, w)
	requireSelfContained(t, page)
	require.Contains(t, page, "共 2 个事件")
	require.Contains(t, page, "北京&lt;星河&gt;数据", "names are escaped")
	require.Contains(t, page, "另有 1 个事件未列出")
	md := markdown(t, w)
	require.Contains(t, md, "| 2026-11-20 | 北京\\<星河\\>数据 |")

	w.Events = &report.WeekEvents{From: w.Week.AddDays(-7), To: w.Week.AddDays(-1)}
	require.Contains(t, html(t, w), "本周没有新的案件变化")
	require.Contains(t, markdown(t, w), "本周没有新的案件变化。No case changed this week.")

	w.Events = &report.WeekEvents{From: w.Week, To: w.Week, Total: 3, Counts: []report.EventCount{{Kind: "filed", Events: 2, Companies: 3}}}
	err := report.Markdown(new(bytes.Buffer), w)
	require.Error(t, err)
	for _, want := range []string{"events cover", "3 companies for 2 events", "add up to 2, not the total 3"} {
		require.True(t, strings.Contains(err.Error(), want), "%v lacks %q", err, want)
	}
}
