package report_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/report"
	"github.com/arbsync/arbsync/thresholds"
)

func markdown(t *testing.T, r report.Weekly) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, report.Markdown(&b, r))
	return b.String()
}

func TestMarkdown(t *testing.T) {
	f := newFixture(t)
	md := markdown(t, f.weekly)

	require.True(t, strings.HasPrefix(md, "# 行业动态阈值周报 2026-W48 — Weekly threshold report\n"), md[:100])
	for _, heading := range []string{
		"## 摘要 Summary", "## 阈值 Thresholds", "## 新增告警 Newly flagged", "## 解除告警 Cleared",
		"## 风险最高企业 Riskiest companies", "## 告警量变化 Alert volume by industry", "## 回测 Backtest", "## 方法说明 Method notes",
	} {
		require.Contains(t, md, "\n"+heading+"\n")
	}

	// Summary: budgets as the rows state them, counts and alert volume.
	w39 := row(t, f.weekly.Rows, "39", thresholds.SeverityWarning)
	u39 := row(t, f.weekly.Rows, "39", thresholds.SeverityUrgent)
	require.Contains(t, md, fmt.Sprintf("| 预警预算 Warning budget q_w | %.6f（%.2f%%，", w39.Q, w39.Q*100))
	require.Contains(t, md, "| 行业 Industries | 14（门类 sections 5，大类 divisions 9） |")
	require.Contains(t, md, "| 已评分企业 Companies scored | 3,000 |")
	fixed, dynamic, last := 0, 0, 0
	for _, a := range f.weekly.AlertVolume {
		fixed, dynamic, last = fixed+a.Fixed.Flagged, dynamic+a.Dynamic.Flagged, last+a.LastWeek.Flagged
	}
	require.Contains(t, md, fmt.Sprintf("固定 fixed %d → 动态 dynamic %d（%+d）；上周 last week %d", fixed, dynamic, dynamic-fixed, last))
	require.Contains(t, md, fmt.Sprintf("| 新增告警 / 解除告警 Newly flagged / cleared | %d / %d |", len(f.weekly.NewlyFlagged), len(f.weekly.Cleared)))

	// The thresholds line of division 39, formatted from its rows.
	require.NotNil(t, w39.Previous)
	line := fmt.Sprintf("| ↳ 39 计算机、通信和其他电子设备制造业 | 大类 division | %d | %s → **%s**（%s） | %s → **%s**（%s） | 预警 W: ",
		w39.N, *w39.Previous, w39.Final, signed(w39.Final-*w39.Previous), *u39.Previous, u39.Final, signed(u39.Final-*u39.Previous))
	require.Contains(t, md, line)
	// Section I sits at the upper bound: the bound column says so.
	require.Equal(t, thresholds.BoundUpper, row(t, f.weekly.Rows, "I", thresholds.SeverityWarning).Bound)
	require.Regexp(t, `\| I 信息传输、软件和信息技术服务业 \| 门类 section \|[^\n]*\| 预警 W: 上限 upper；`, md)
	// Sections come before their divisions.
	require.Less(t, strings.Index(md, "| C 制造业 |"), strings.Index(md, "| ↳ 13 农副食品加工业 |"))
	require.Less(t, strings.Index(md, "| ↳ 39 "), strings.Index(md, "| E 建筑业 |"))

	// Company names are escaped: the evil name cannot open a tag or a cell.
	require.NotContains(t, md, "<script>")
	require.Contains(t, md, `| \<script\>alert("x")\</script\> \& \| \*坏\* 公司 | 913100000000000007 |`)
	require.Contains(t, md, "| 1 | \\<script\\>")                    // the riskiest, first
	require.Contains(t, md, "| 0.00 | 100.00 | 正常 ok → 紧急 urgent |") // newly flagged, with last week's score
	require.Contains(t, md, "1,234,567.89")

	// Alert volume by industry, with the total, and the backtest.
	c := f.weekly.AlertVolume[0]
	require.Equal(t, "C", c.Industry)
	require.Contains(t, md, fmt.Sprintf("| C 制造业 | %d | %d（%d） | %d（%d） | %+d | %d（%d） |",
		c.Companies, c.Fixed.Flagged, c.Fixed.Urgent, c.Dynamic.Flagged, c.Dynamic.Urgent, c.Dynamic.Flagged-c.Fixed.Flagged,
		c.LastWeek.Flagged, c.LastWeek.Urgent))
	require.Contains(t, md, "| 合计 total | 3000 |")
	require.Contains(t, md, "| 提升度 Lift | 2.0000 | 2.7385 | +36.92% |")

	// Method notes quote the params.
	for _, s := range []string{"m = 30", "[40.00, 80.00]", "[20.00, 60.00]", "±10.00", "预警阈值 − 5.00", "percentile_cont"} {
		require.Contains(t, md, s)
	}
}

func TestMarkdownEmpty(t *testing.T) {
	md := markdown(t, emptyWeekly())
	require.Contains(t, md, "# 行业动态阈值周报 2026-W48 — Weekly threshold report")
	for _, heading := range []string{"## 阈值 Thresholds", "## 新增告警 Newly flagged", "## 解除告警 Cleared",
		"## 风险最高企业 Riskiest companies", "## 告警量变化 Alert volume by industry"} {
		require.Contains(t, md, heading+"\n\n无 / none\n")
	}
	require.Contains(t, md, "## 回测 Backtest\n\n无 / none（暂无回测结果 no backtest available）")
	require.Contains(t, md, "| 预警预算 Warning budget q_w | 无 / none |")
	require.Contains(t, md, "| 告警量 Alert volume | 无 / none |")
}

// TestMarkdownDropped: an industry with a row last week and none now is
// listed under the table.
func TestMarkdownDropped(t *testing.T) {
	f := newFixture(t)
	r := clone(f.weekly)
	gone := row(t, r.Previous, "K", thresholds.SeverityWarning)
	gone.Industry, gone.Level, gone.ParentIndustry = "36", thresholds.LevelDivision, "C"
	r.Previous = append(r.Previous, gone)
	r.IndustryNames = names()
	r.IndustryNames["36"] = "汽车制造业"
	md := markdown(t, r)
	require.Contains(t, md, "Industries without a threshold this week (no scored company): 36 汽车制造业\n")
	require.NotContains(t, markdown(t, f.weekly), "Industries without a threshold this week")
}

// TestMarkdownFirstWeek: without a previous week every threshold is new.
func TestMarkdownFirstWeek(t *testing.T) {
	r := firstWeek(t)
	md := markdown(t, r)
	w := row(t, r.Rows, "C", thresholds.SeverityWarning)
	require.Contains(t, md, "| C 制造业 | 门类 section | "+fmt.Sprint(w.N)+" | — → **"+w.Final.String()+"**（新 new） |")
	require.Contains(t, md, "新 new 14")
}

func signed(p interface{ String() string }) string {
	s := p.String()
	if !strings.HasPrefix(s, "-") && s != "0.00" {
		return "+" + s
	}
	return s
}
