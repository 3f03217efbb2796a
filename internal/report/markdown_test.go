package report_test

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/report"
	"github.com/arbsync/arbsync/scoring"
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
	require.Contains(t, md, fmt.Sprintf("| 预警预算 Warning budget q_w | %.2f%%（低于固定预警阈值 below fixed warning 60.00） |", w39.Q*100))
	require.Contains(t, md, fmt.Sprintf("| 紧急预算 Urgent budget q_u | %.2f%%（", u39.Q*100))
	require.NotContains(t, md, fmt.Sprintf("%.6f", w39.Q), "budgets are percentages, not fractions")
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
	require.Contains(t, md, "| 3 | \\<script\\>")                    // at 0.00 with 5 recent cases, the smallest claims of three
	require.Contains(t, md, "| 0.00 | 100.00 | 正常 ok → 紧急 urgent |") // newly flagged, with last week's score
	require.Contains(t, md, "1,234,567.89")

	// Alert volume by industry, with the total, and the backtest.
	c := f.weekly.AlertVolume[0]
	require.Equal(t, "C", c.Industry)
	require.Contains(t, md, fmt.Sprintf("| C 制造业 | %d | %d（%d） | %d（%d） | %+d | %d（%d） |",
		c.Companies, c.Fixed.Flagged, c.Fixed.Urgent, c.Dynamic.Flagged, c.Dynamic.Urgent, c.Dynamic.Flagged-c.Fixed.Flagged,
		c.LastWeek.Flagged, c.LastWeek.Urgent))
	require.Contains(t, md, "| 合计 total | 3000 |")

	// The backtest: the run, then per outcome its base rate, the AUC of
	// each rule and every rule and method's cells beside k.
	bt := f.weekly.Backtest
	require.Contains(t, md, "最近一次回测 Latest run #3，计算于 computed 2026-11-20 18:30:00 +08:00：2026-11-09 … 2026-11-23，3 周 weeks，3,000 家企业 companies，9,000 个观测 observations")
	for _, o := range thresholds.BacktestOutcomes {
		all := result(t, bt, scoring.Rule1, thresholds.MethodFixed, thresholds.SeverityWarning, o)
		require.Contains(t, md, fmt.Sprintf("观测 Observations 9,000 · 为真 Positives %s · 基准率 Base rate %.1f%%",
			group(all.Positives), 100*all.BaseRate.Value))
		r1, r2 := all.AUC, result(t, bt, scoring.Rule2, thresholds.MethodFixed, thresholds.SeverityWarning, o).AUC
		d := result(t, bt, scoring.Rule2, thresholds.MethodFixed, thresholds.SeverityWarning, o).AUCDiff
		require.Contains(t, md, fmt.Sprintf("AUC: 规则 rule 1 **%.3f** [%.3f–%.3f] · 规则 rule 2 **%.3f** [%.3f–%.3f]（Δ %+.3f [%+.3f, %+.3f]）",
			r1.Value, r1.CI.Low, r1.CI.High, r2.Value, r2.CI.Low, r2.CI.High, d.Value, d.CI.Low, d.CI.High))
		for _, rule := range []scoring.Rule{scoring.Rule1, scoring.Rule2} {
			for _, m := range thresholds.BacktestMethods {
				for _, sev := range []thresholds.Severity{thresholds.SeverityWarning, thresholds.SeverityUrgent} {
					c := result(t, bt, rule, m, sev, o)
					sevText := map[thresholds.Severity]string{thresholds.SeverityWarning: "预警 warning", thresholds.SeverityUrgent: "紧急 urgent"}[sev]
					methodText := map[thresholds.Method]string{thresholds.MethodFixed: "固定 fixed", thresholds.MethodDynamic: "动态 dynamic"}[m]
					diff := "基准 baseline"
					if rule != scoring.Rule1 || m != thresholds.MethodFixed {
						d := c.PrecisionDiff
						diff = fmt.Sprintf("%+.1f [%+.1f, %+.1f]", 100*d.Value, 100*d.CI.Low, 100*d.CI.High)
					}
					require.Contains(t, md, fmt.Sprintf("| %s | %s | %s | %s（%s） | %.1f%% [%.1f–%.1f] | %.1f%% [%.1f–%.1f] | %.2f [%.2f–%.2f] | %s |",
						sevText, rule, methodText, group(int(c.Flagged+0.5)), group(c.Volume),
						100*c.Precision.Value, 100*c.Precision.CI.Low, 100*c.Precision.CI.High,
						100*c.Recall.Value, 100*c.Recall.CI.Low, 100*c.Recall.CI.High,
						c.Lift.Value, c.Lift.CI.Low, c.Lift.CI.High, diff))
				}
			}
		}
	}
	require.Contains(t, md, "| 回测 Backtest | 2026-11-20 18:30:00 +08:00 计算 computed，3 周 weeks；serious 的 AUC：规则 rule 1 ")
	require.Contains(t, md, "a company's neighbouring weeks share most of their score and of their 90-day horizon, so the intervals are clustered by company")
	require.Contains(t, md, "- 前视偏差 Look-ahead: 执行情况取当前值 the execution status is today's\n")

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
	require.Contains(t, md, "## 回测 Backtest\n\n无 / none：尚无回测结果，运行 `arbsync thresholds backtest` 生成")
	require.Contains(t, md, "| 回测 Backtest | 无 / none（运行 run `arbsync thresholds backtest`） |")
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

// The riskiest companies: lowest score first; among equal scores, more
// recent cases first, then larger claims, then the credit code.
func TestMarkdownRiskiestOrder(t *testing.T) {
	f := newFixture(t)
	r := clone(f.weekly)
	zero := scoring.Points(0)
	r.Riskiest = []report.Company{
		{CreditCode: "91110000000000000A", Name: "甲", Industry: "51", Score: zero, Level: scoring.LevelUrgent, RecentCases: 1, RecentClaims: money.Fen(1_580_200)},
		{CreditCode: "91110000000000000B", Name: "乙", Industry: "51", Score: zero, Level: scoring.LevelUrgent, RecentCases: 19, RecentClaims: money.Fen(37_697_700)},
		{CreditCode: "91110000000000000C", Name: "丙", Industry: "51", Score: zero, Level: scoring.LevelUrgent, RecentCases: 19, RecentClaims: money.Fen(40_000_000)},
		{CreditCode: "91110000000000000D", Name: "丁", Industry: "51", Score: scoring.WholePoints(10), Level: scoring.LevelUrgent, RecentCases: 30, RecentClaims: money.Fen(90_000_000)},
		{CreditCode: "911100000000000009", Name: "戊", Industry: "51", Score: zero, Level: scoring.LevelUrgent, RecentCases: 1, RecentClaims: money.Fen(1_580_200)},
	}
	md := markdown(t, r)
	for _, want := range []string{"| 1 | 丙 |", "| 2 | 乙 |", "| 3 | 戊 |", "| 4 | 甲 |", "| 5 | 丁 |"} {
		require.Contains(t, md, want)
	}
}

// result returns one overall cell of a stored backtest.
func result(t *testing.T, b *report.Backtest, rule scoring.Rule, m thresholds.Method, sev thresholds.Severity, o thresholds.Outcome) thresholds.BacktestResult {
	t.Helper()
	for _, r := range b.Results {
		if r.Section == "" && r.Rule == rule && r.Method == m && r.Severity == sev && r.Outcome == o {
			require.True(t, r.Precision.Valid && r.Precision.CI.Valid && r.AUC.CI.Valid, "the fixture's cells are all defined: %+v", r)
			return r
		}
	}
	t.Fatalf("no result %s %s %s %s", rule, m, sev, o)
	return thresholds.BacktestResult{}
}

// group formats n with thousands separators, as the report does.
func group(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func signed(p interface{ String() string }) string {
	s := p.String()
	if !strings.HasPrefix(s, "-") && s != "0.00" {
		return "+" + s
	}
	return s
}
