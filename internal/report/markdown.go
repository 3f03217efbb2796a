package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// none is what every format shows for an empty list or a missing value.
const none = "无 / none"

// Markdown writes the report as GitHub-flavoured Markdown (tables). Free
// text (company and industry names, credit codes) is escaped, so a name
// can neither break a table nor inject markup. It writes nothing when r
// is invalid (see Weekly.Validate).
func Markdown(w io.Writer, r Weekly) error {
	v, err := prepare(r)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	writeMarkdown(&b, v)
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

func writeMarkdown(b *bytes.Buffer, v *view) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }

	p("# 行业动态阈值周报 %s — Weekly threshold report\n\n", v.Label)
	p("- 周 Week: %s（周一 Monday %s）\n", v.Label, v.Week)
	p("- 生成时间 Generated: %s\n", v.Generated)
	p("- 方法版本 Method version: %d\n\n", v.MethodVersion)

	p("## 摘要 Summary\n\n")
	p("| 项目 Item | 数值 Value |\n|---|---|\n")
	if v.QW == "" {
		p("| 预警预算 Warning budget q_w | %s |\n", none)
		p("| 紧急预算 Urgent budget q_u | %s |\n", none)
	} else {
		p("| 预警预算 Warning budget q_w | %s（低于固定预警阈值 below fixed warning %s） |\n", v.QW, v.Params.FixedWarning)
		p("| 紧急预算 Urgent budget q_u | %s（低于固定紧急阈值 below fixed urgent %s） |\n", v.QU, v.Params.FixedUrgent)
	}
	p("| 行业 Industries | %d（门类 sections %d，大类 divisions %d） |\n", v.Sections+v.Divisions, v.Sections, v.Divisions)
	p("| 已评分企业 Companies scored | %s |\n", group(strconv.Itoa(v.Companies)))
	if t := v.AlertTotals; t != nil {
		last := ""
		if t.LastWeek != nil {
			last = fmt.Sprintf("；上周 last week %d（%s）", t.LastWeek.Flagged, t.LastDelta)
		}
		p("| 告警量 Alert volume (warning + urgent) | 固定 fixed %d → 动态 dynamic %d（%s）%s |\n",
			t.Fixed.Flagged, t.Dynamic.Flagged, t.Delta, last)
		p("| 其中紧急 of which urgent | 固定 fixed %d → 动态 dynamic %d |\n", t.Fixed.Urgent, t.Dynamic.Urgent)
	} else {
		p("| 告警量 Alert volume | %s |\n", none)
	}
	p("| 预警阈值变动 Warning changes | %s |\n", v.WarningChanges.text())
	p("| 紧急阈值变动 Urgent changes | %s |\n", v.UrgentChanges.text())
	p("| 新增告警 / 解除告警 Newly flagged / cleared | %d / %d |\n", len(v.Flagged), len(v.Cleared))
	if bt := v.Backtest; bt != nil {
		p("| 回测 Backtest | %s 计算 computed，%d 周 weeks；serious 的 AUC：%s |\n", bt.Computed, bt.Weeks, bt.HeadlineAUC)
	} else {
		p("| 回测 Backtest | %s（运行 run `%s`） |\n", none, BacktestCommand)
	}

	p("\n## 阈值 Thresholds\n\n")
	if len(v.Industries) == 0 {
		p("%s\n", none)
	} else {
		p("变动 = 本周 − 上周；阈值上调意味着该行业更多企业告警。Change = this week − last week; a higher threshold flags more companies.\n\n")
		p("| 行业 Industry | 层级 Level | n | 预警 Warning 上周 → 本周（变动） | 紧急 Urgent 上周 → 本周（变动） | 约束 Bound applied |\n")
		p("|---|---|--:|---|---|---|\n")
		for _, ind := range v.Industries {
			name, level := md(ind.Label), "门类 section"
			if !ind.Section {
				name, level = "↳ "+name, "大类 division"
			}
			p("| %s | %s | %d | %s | %s | 预警 W: %s；紧急 U: %s |\n", name, level, ind.N,
				mdCell(ind.Warning), mdCell(ind.Urgent), boundOf(ind.Warning), boundOf(ind.Urgent))
		}
	}
	if len(v.Dropped) > 0 {
		p("\n本周不再有阈值的行业（无已评分企业） Industries without a threshold this week (no scored company): %s\n", md(strings.Join(v.Dropped, "、")))
	}

	p("\n## 新增告警 Newly flagged\n\n")
	writeChanges(b, v.Flagged)
	p("\n## 解除告警 Cleared\n\n")
	writeChanges(b, v.Cleared)

	p("\n## 风险最高企业 Riskiest companies\n\n")
	if len(v.Riskiest) == 0 {
		p("%s\n", none)
	} else {
		p("| # | 企业 Company | 信用代码 Credit code | 行业 Industry | 评分 Score | 等级 Level | 近一年案件 Recent cases | 近一年涉案金额（元） Recent claims (yuan) |\n")
		p("|--:|---|---|---|--:|---|--:|--:|\n")
		for _, c := range v.Riskiest {
			p("| %d | %s | %s | %s | %s | %s | %d | %s |\n", c.Rank, md(c.Name), md(c.CreditCode), md(c.IndustryLabel),
				c.Score, c.LevelText, c.RecentCases, c.Claims)
		}
	}

	if e := v.Events; e != nil {
		p("\n## 本周案件动态 Case events of the week (%s – %s)\n\n", e.From, e.To)
		if e.Total == 0 {
			p("本周没有新的案件变化。No case changed this week.\n")
		} else {
			p("共 %d 个事件 %d events:", e.Total, e.Total)
			for i, c := range e.Counts {
				sep := "，"
				if i == 0 {
					sep = " "
				}
				p("%s%s %d（%d 家企业）", sep, c.Name, c.Events, c.Companies)
			}
			p("\n\n| 发现日期 Detected | 企业 Company | 信用代码 Credit code | 事件 Event | 案号 Case no. | 标题 Title | 变化 Change |\n")
			p("|---|---|---|---|---|---|---|\n")
			for _, r := range e.Rows {
				p("| %s | %s | %s | %s | %s | %s | %s |\n", r.Date, md(r.Name), md(r.CreditCode), md(r.KindName), md(r.CaseNo), md(r.Title), md(r.Change))
			}
			if e.More > 0 {
				p("\n另有 %d 个事件未列出（and %d more）：见 bi.case_events。\n", e.More, e.More)
			}
		}
	}

	p("\n## 告警量变化 Alert volume by industry\n\n")
	if len(v.Alerts) == 0 {
		p("%s\n", none)
	} else {
		p("告警 = 评分低于适用的预警阈值（含紧急）。Flagged = score below the applicable warning threshold (urgent included).\n\n")
		p("| 行业 Industry | 企业 Companies | 固定 Fixed（紧急 urgent） | 动态 Dynamic（紧急 urgent） | 动态 − 固定 Δ | 上周 Last week | 本周 − 上周 Δ |\n")
		p("|---|--:|--:|--:|--:|--:|--:|\n")
		rows := v.Alerts
		if v.AlertTotals != nil {
			rows = append(rows[:len(rows):len(rows)], *v.AlertTotals)
		}
		for _, a := range rows {
			last, lastDelta := "—", "—"
			if a.LastWeek != nil {
				last, lastDelta = fmt.Sprintf("%d（%d）", a.LastWeek.Flagged, a.LastWeek.Urgent), a.LastDelta
			}
			p("| %s | %d | %d（%d） | %d（%d） | %s | %s | %s |\n", md(a.Label), a.Companies,
				a.Fixed.Flagged, a.Fixed.Urgent, a.Dynamic.Flagged, a.Dynamic.Urgent, a.Delta, last, lastDelta)
		}
	}

	p("\n## 回测 Backtest\n\n")
	writeBacktestMarkdown(b, v.Backtest)

	p("\n## 方法说明 Method notes\n\n")
	for _, note := range methodNotes(v) {
		p("- %s\n", note)
	}
}

func writeChanges(b *bytes.Buffer, changes []changeView) {
	if len(changes) == 0 {
		fmt.Fprintf(b, "%s\n", none)
		return
	}
	fmt.Fprintf(b, "| 企业 Company | 信用代码 Credit code | 行业 Industry | 评分 Score | 上周评分 Last week | 等级 Level | 适用阈值 Thresholds (W / U) |\n")
	fmt.Fprintf(b, "|---|---|---|--:|--:|---|---|\n")
	for _, c := range changes {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s → %s | %s / %s |\n", md(c.Name), md(c.CreditCode), md(c.IndustryLabel),
			c.Score, c.Prev, c.FromText, c.ToText, c.Warning, c.Urgent)
	}
}

// methodNotes explains the method in plain words with this week's params;
// Markdown and HTML show the same notes.
func methodNotes(v *view) []string {
	p := v.Params
	return []string{
		fmt.Sprintf("告警预算 Alert budget: q_w 是全部已评分企业中评分低于固定预警阈值 %s 的比例，q_u 是低于固定紧急阈值 %s 的比例。"+
			"每个行业按这一比例告警，总告警量大致保持固定规则的水平，只在行业之间移动：移向评分在同行中显得异常的行业。"+
			" q_w and q_u are the shares of all scored companies below the fixed thresholds %s and %s; "+
			"each industry flags about that share, so the overall alert volume stays near the fixed rule's and moves toward industries where a score is unusual for its peers.",
			p.FixedWarning, p.FixedUrgent, p.FixedWarning, p.FixedUrgent),
		"分位数 Quantile: 行业的原始阈值是该行业评分的 q 分位数（与 PostgreSQL percentile_cont 相同）。" +
			" An industry's raw threshold is the q-quantile of its scores (PostgreSQL percentile_cont).",
		fmt.Sprintf("收缩 Shrinkage: t = (n·raw + m·t_上级) / (n + m)，m = %d。大类向所属门类收缩，门类向固定阈值收缩；企业少的行业停留在上级附近。"+
			" Thresholds are pulled toward the parent with weight m = %d companies: divisions toward their section, sections toward the fixed threshold, so small industries stay near their parent.",
			p.M, p.M),
		fmt.Sprintf("上下限 Bounds: 预警阈值限定在 [%s, %s]，紧急阈值在 [%s, %s]，且紧急阈值至多为预警阈值 − %s。"+
			" Warning thresholds stay within [%s, %s], urgent within [%s, %s] and at least %s below the industry's warning threshold.",
			p.WarningLo, p.WarningHi, p.UrgentLo, p.UrgentHi, p.UrgentGap, p.WarningLo, p.WarningHi, p.UrgentLo, p.UrgentHi, p.UrgentGap),
		fmt.Sprintf("周变动 Weekly step: 与上周相比每周最多变动 ±%s。 A threshold moves at most ±%s from last week's.", p.MaxStep, p.MaxStep),
		"判定 Flags: 评分严格低于阈值才告警；企业适用所属大类的阈值，没有则用门类的，再没有则用固定阈值。" +
			" A company is flagged when its score is strictly below the threshold; it is judged by its division's threshold, else its section's, else the fixed one.",
		fmt.Sprintf("约束列 Bound applied: 最后一个改变阈值的约束（下限、上限、周升幅、周降幅、紧急间隔），“—”表示未受约束。方法版本 %d。"+
			" The last clamp that changed the threshold; “—” means none. Method version %d.", v.MethodVersion, v.MethodVersion),
	}
}

// mdCell formats "60.00 → 57.43 (-2.57)" for one threshold.
func mdCell(c *cellView) string {
	switch {
	case c == nil:
		return "—"
	case c.Change == "":
		return "— → **" + c.Final + "**（新 new）"
	}
	return c.Prev + " → **" + c.Final + "**（" + c.Change + "）"
}

func boundOf(c *cellView) string {
	if c == nil {
		return "—"
	}
	return c.Bound
}

func (c changeCounts) text() string {
	return fmt.Sprintf("上调 up %d · 下调 down %d · 不变 unchanged %d · 新 new %d", c.Up, c.Down, c.Same, c.New)
}

// mdEscaper backslash-escapes the ASCII punctuation that means something
// in Markdown tables and inline markup, and flattens line breaks.
var mdEscaper = strings.NewReplacer(
	"\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
	"<", "\\<", ">", "\\>", "|", "\\|", "~", "\\~", "&", "\\&", "#", "\\#", "!", "\\!",
	"\r\n", " ", "\n", " ", "\r", " ", "\t", " ",
)

// md escapes free text for a Markdown table cell.
func md(s string) string { return mdEscaper.Replace(s) }
