package report_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/report"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

func html(t *testing.T, r report.Weekly) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, report.HTML(&b, r))
	return b.String()
}

// requireSelfContained asserts the page references nothing outside itself.
func requireSelfContained(t *testing.T, page string) {
	t.Helper()
	lower := strings.ToLower(page)
	for _, bad := range []string{"http://", "https://", "src=", "url(", "@import", "<script", "<link", "<img", "<iframe", "<object", "<embed", "xlink:"} {
		require.NotContains(t, lower, bad)
	}
	hrefs := regexp.MustCompile(`href=("[^"]*"|'[^']*'|[^\s>]*)`).FindAllStringSubmatch(lower, -1)
	require.Equal(t, strings.Count(lower, "href="), len(hrefs))
	for _, h := range hrefs {
		require.True(t, strings.HasPrefix(strings.Trim(h[1], `"'`), "#"), "external href %s", h[0])
	}
}

func TestHTML(t *testing.T) {
	f := newFixture(t)
	page := html(t, f.weekly)
	requireSelfContained(t, page)

	require.True(t, strings.HasPrefix(page, "<!DOCTYPE html>\n<html lang=\"zh-CN\">"))
	has(t, page, `<meta charset="utf-8">`)
	has(t, page, `"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif`)
	has(t, page, "<h1>行业动态阈值周报 2026-W48 <span class=\"en\">— Weekly threshold report</span></h1>")
	has(t, page, "@media print")
	for _, id := range []string{"summary", "distributions", "thresholds", "flagged", "cleared", "riskiest", "alerts", "backtest", "method"} {
		has(t, page, `<section id="`+id+`">`)
		has(t, page, `href="#`+id+`"`)
	}

	// One histogram per section, each with this week's and last week's
	// warning and urgent thresholds marked at their values.
	require.Equal(t, len(f.weekly.Histograms), strings.Count(page, `<svg class="hist"`))
	require.Equal(t, 1, strings.Count(page, `<svg class="alerts"`))
	for _, h := range f.weekly.Histograms {
		fig := figure(t, page, "sec-"+h.Section)
		require.Equal(t, 1, strings.Count(fig, "<svg"), h.Section)
		require.Equal(t, report.Bins, strings.Count(fig, `<rect class="bar"`), h.Section)
		for _, sev := range []thresholds.Severity{thresholds.SeverityWarning, thresholds.SeverityUrgent} {
			r := row(t, f.weekly.Rows, h.Section, sev)
			class := map[thresholds.Severity]string{thresholds.SeverityWarning: "warn", thresholds.SeverityUrgent: "urg"}[sev]
			has(t, fig, `<line class="mark `+class+`-new" data-value="`+r.Final.String()+`"`)
			has(t, fig, `<line class="mark `+class+`-old" data-value="`+r.Previous.String()+`"`)
		}
		// Axis ticks 0, 10, …, 100 and the legend.
		var ticks []string
		for _, m := range regexp.MustCompile(`<text class="xtick"[^>]*>(\d+)</text>`).FindAllStringSubmatch(fig, -1) {
			ticks = append(ticks, m[1])
		}
		require.Equal(t, []string{"0", "10", "20", "30", "40", "50", "60", "70", "80", "90", "100"}, ticks)
		w := row(t, f.weekly.Rows, h.Section, thresholds.SeverityWarning)
		has(t, fig, "本周预警 warning "+w.Final.String())
		has(t, fig, "上周预警 warning "+w.Previous.String())
	}
	// Section C's 100-point bin dwarfs the others: it is cut, its count shown.
	c := figure(t, page, "sec-C")
	has(t, c, "最高一档已截断 tallest bin cut off")
	has(t, c, `<polygon class="brk"`)
	has(t, c, ">"+itoa(f.weekly.Histograms[0].Counts[19])+"</text>")

	// The thresholds table: last week → this week, change coloured.
	w39 := row(t, f.weekly.Rows, "39", thresholds.SeverityWarning)
	has(t, page, "<td>39 计算机、通信和其他电子设备制造业</td>")
	// html/template writes "+" as "&#43;"; browsers show "+".
	has(t, page, w39.Previous.String()+` → <span class="final">`+w39.Final.String()+`</span></td><td class="num up">▲ `+
		strings.Replace(signed(w39.Final-*w39.Previous), "+", "&#43;", 1)+`</td>`)
	has(t, page, `<td class="num down">▼ -`)

	// Company names are escaped by html/template.
	require.NotContains(t, page, "<script>")
	has(t, page, "<td>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; | *坏*\n公司</td>")

	has(t, page, "<tr class=\"total\"><td>合计 total</td>")

	// Budgets are percentages.
	w := row(t, f.weekly.Rows, "C", thresholds.SeverityWarning)
	has(t, page, `<div class="v">`+strconv.FormatFloat(100*w.Q, 'f', 2, 64)+`%</div>`)
	has(t, page, `title="q=`+strconv.FormatFloat(100*w.Q, 'f', 2, 64)+`% raw=`)

	// The backtest: per outcome each rule's AUC, and a table per severity
	// of every rule and method with its interval under each value.
	bt := f.weekly.Backtest
	back := page[strings.Index(page, `<section id="backtest">`):strings.Index(page, `<section id="method">`)]
	has(t, back, "最近一次回测 latest run #3 · 计算于 computed 2026-11-20 18:30:00 &#43;08:00")
	require.Equal(t, 4, strings.Count(back, "<table"), "2 outcomes × 2 severities")
	require.Equal(t, 4, strings.Count(back, `<div class="scroll">`), "each table scrolls on its own on a narrow screen")
	for _, o := range thresholds.BacktestOutcomes {
		for _, rule := range []scoring.Rule{scoring.Rule1, scoring.Rule2} {
			a := result(t, bt, rule, thresholds.MethodFixed, thresholds.SeverityWarning, o).AUC
			has(t, back, fmt.Sprintf(`<div class="k">AUC 规则 <span class="en">rule</span> %s</div><div class="v">%.3f</div><div class="s">95%% [%.3f–%.3f]</div>`,
				rule, a.Value, a.CI.Low, a.CI.High))
		}
	}
	cell := result(t, bt, scoring.Rule2, thresholds.MethodDynamic, thresholds.SeverityUrgent, thresholds.OutcomeSerious)
	// html/template writes "+" as "&#43;".
	has(t, back, strings.ReplaceAll(fmt.Sprintf(`<td>规则 rule 2 · 动态 dynamic</td><td class="num">%s</td><td class="num">%.1f%%<span class="ci">[%.1f–%.1f]</span><span class="ci">Δ %+.1f [%+.1f, %+.1f]</span></td>`,
		group(int(cell.Flagged+0.5)), 100*cell.Precision.Value, 100*cell.Precision.CI.Low, 100*cell.Precision.CI.High,
		100*cell.PrecisionDiff.Value, 100*cell.PrecisionDiff.CI.Low, 100*cell.PrecisionDiff.CI.High), "+", "&#43;"))
	has(t, back, `<td>规则 rule 1 · 固定 fixed</td>`)
	has(t, back, "<li>前视偏差 Look-ahead: 执行情况取当前值 the execution status is today&#39;s</li>")
	has(t, back, `<span class="ci">基准 baseline</span>`)
	d := result(t, bt, scoring.Rule2, thresholds.MethodFixed, thresholds.SeverityWarning, thresholds.OutcomeSerious).AUCDiff
	has(t, back, strings.ReplaceAll(fmt.Sprintf(`比规则 1 <span class="en">vs rule 1</span> Δ %+.3f [%+.3f, %+.3f]`, d.Value, d.CI.Low, d.CI.High), "+", "&#43;"))
	has(t, back, fmt.Sprintf(`<caption>紧急 urgent · k = %s</caption>`, group(cell.Volume)))
}

func TestHTMLEmpty(t *testing.T) {
	page := html(t, emptyWeekly())
	requireSelfContained(t, page)
	require.NotContains(t, page, "<svg")
	require.GreaterOrEqual(t, strings.Count(page, "无 / none"), 9)
	has(t, page, "尚无回测结果，运行 <code>arbsync thresholds backtest</code> 生成")
}

// TestHTMLFirstWeek: without last week's thresholds no dashed line is
// drawn and the legend says so.
func TestHTMLFirstWeek(t *testing.T) {
	r := firstWeek(t)
	page := html(t, r)
	requireSelfContained(t, page)
	require.Equal(t, len(r.Histograms), strings.Count(page, `<svg class="hist"`))
	require.NotContains(t, page, "warn-old\" data-value")
	require.NotContains(t, page, "urg-old\" data-value")
	require.Equal(t, len(r.Histograms), strings.Count(page, "上周预警 warning 无 none"))
	has(t, page, `<td class="num new">新 new</td>`)
}

// has is require.Contains without printing the whole page on failure.
func has(t *testing.T, page, want string) {
	t.Helper()
	if !strings.Contains(page, want) {
		t.Fatalf("page does not contain %q", want)
	}
}

// figure returns the <figure id="id"> element of page.
func figure(t *testing.T, page, id string) string {
	t.Helper()
	start := strings.Index(page, `<figure id="`+id+`">`)
	require.GreaterOrEqual(t, start, 0, "no figure %s", id)
	end := strings.Index(page[start:], "</figure>")
	require.Greater(t, end, 0)
	return page[start : start+end]
}
