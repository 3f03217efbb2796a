package report

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// BacktestCommand is what the report tells a reader to run when no
// backtest is stored.
const BacktestCommand = "arbsync thresholds backtest"

// backtestView is the latest backtest, prepared for Markdown and HTML: the
// results over all companies, by outcome and severity.
type backtestView struct {
	RunID                                 int64
	Computed, From, To                    string
	Weeks, Horizon                        int
	CompaniesText, ObservationsText       string
	Outcomes                              []outcomeView
	Rules                                 []string
	HeadlineAUC                           string // the summary's one line: AUC on `serious` per rule
	LookAhead                             string
	FixedWarning, FixedUrgent, Percentage string
}

type outcomeView struct {
	Outcome                 thresholds.Outcome
	Title, Meaning          string
	Observations, Positives string
	BaseRate                string
	AUC                     []aucView
	Severities              []severityView
}

type aucView struct {
	Rule         string
	Value, CI    string
	Diff, DiffCI string // minus rule 1's, paired; "" for rule 1
}

type severityView struct {
	Severity thresholds.Severity
	Title    string
	Volume   string // k, over all weeks
	Cells    []resultView
}

type resultView struct {
	Rule, Method                  string
	Flagged                       string
	Precision, Recall, Lift       string
	PrecisionCI, RecallCI, LiftCI string
	// PrecisionDiff is Precision minus rule 1 fixed's in percentage
	// points, with its paired interval; "" for the baseline itself.
	PrecisionDiff, PrecisionDiffCI string
}

var outcomeTitles = map[thresholds.Outcome][2]string{
	thresholds.OutcomeAny: {"任一新案件 any", "观察期内有新的被申请人案件 a new case against the company (respondent, or no role) filed in the horizon"},
	thresholds.OutcomeSerious: {"严重 serious", "观察期内立案的被申请人案件败诉或部分败诉、未执行或部分执行，或新案件不少于 3 件 " +
		"a case filed in the horizon that the company loses fully or partly or whose award goes unexecuted or partly executed, or three or more new cases"},
}

func methodText(m thresholds.Method) string {
	if m == thresholds.MethodFixed {
		return "固定 fixed"
	}
	return "动态 dynamic"
}

func severityText(s thresholds.Severity) string {
	if s == thresholds.SeverityUrgent {
		return "紧急 urgent"
	}
	return "预警 warning"
}

// newBacktestView prepares b; nil when b is.
func newBacktestView(b *Backtest, p thresholds.Params) *backtestView {
	if b == nil {
		return nil
	}
	v := &backtestView{
		RunID: b.RunID, Computed: b.ComputedAt.Format("2006-01-02 15:04:05 -07:00"),
		From: b.From.String(), To: b.To.String(), Weeks: b.Weeks, Horizon: b.Horizon,
		CompaniesText: group(strconv.Itoa(b.Companies)), ObservationsText: group(strconv.Itoa(b.Observations)),
		FixedWarning: p.FixedWarning.String(), FixedUrgent: p.FixedUrgent.String(), LookAhead: b.LookAhead,
	}
	for _, r := range sortedRules(b.Rules) {
		v.Rules = append(v.Rules, r.String())
	}
	overall := make(map[resultKey]thresholds.BacktestResult)
	for _, r := range b.Results {
		if r.Section == "" {
			overall[keyOf(r)] = r
		}
	}
	for _, o := range thresholds.BacktestOutcomes {
		t := outcomeTitles[o]
		ov := outcomeView{Outcome: o, Title: t[0], Meaning: t[1]}
		found := false
		for _, sev := range []thresholds.Severity{thresholds.SeverityWarning, thresholds.SeverityUrgent} {
			sv := severityView{Severity: sev, Title: severityText(sev)}
			for _, rule := range sortedRules(b.Rules) {
				for _, m := range thresholds.BacktestMethods {
					r, ok := overall[resultKey{rule, m, sev, o}]
					if !ok {
						continue
					}
					if !found {
						found = true
						ov.Observations, ov.Positives = group(strconv.Itoa(r.Observations)), group(strconv.Itoa(r.Positives))
						ov.BaseRate = pct(r.BaseRate.Ratio)
					}
					sv.Volume = group(strconv.Itoa(r.Volume))
					sv.Cells = append(sv.Cells, resultView{
						Rule: rule.String(), Method: methodText(m), Flagged: countText(r.Flagged),
						Precision: pct(r.Precision.Ratio), PrecisionCI: pctCI(r.Precision.CI),
						Recall: pct(r.Recall.Ratio), RecallCI: pctCI(r.Recall.CI),
						Lift: num2(r.Lift.Ratio), LiftCI: numCI(r.Lift.CI),
						PrecisionDiff: signedPP(r.PrecisionDiff.Ratio), PrecisionDiffCI: signedPPCI(r.PrecisionDiff.CI),
					})
					if m == thresholds.MethodFixed && sev == thresholds.SeverityWarning {
						ov.AUC = append(ov.AUC, aucView{Rule: rule.String(), Value: num3(r.AUC.Ratio), CI: num3CI(r.AUC.CI),
							Diff: signed3(r.AUCDiff.Ratio), DiffCI: signed3CI(r.AUCDiff.CI)})
					}
				}
			}
			if len(sv.Cells) > 0 {
				ov.Severities = append(ov.Severities, sv)
			}
		}
		if found {
			v.Outcomes = append(v.Outcomes, ov)
		}
	}
	for _, o := range v.Outcomes {
		if o.Outcome == thresholds.OutcomeSerious {
			for i, a := range o.AUC {
				if i > 0 {
					v.HeadlineAUC += " · "
				}
				v.HeadlineAUC += "规则 rule " + a.Rule + " " + a.Value
			}
		}
	}
	return v
}

type resultKey struct {
	rule scoring.Rule
	m    thresholds.Method
	sev  thresholds.Severity
	o    thresholds.Outcome
}

func keyOf(r thresholds.BacktestResult) resultKey {
	return resultKey{r.Rule, r.Method, r.Severity, r.Outcome}
}

func sortedRules(rules []scoring.Rule) []scoring.Rule {
	out := slices.Clone(rules)
	slices.Sort(out)
	return slices.Compact(out)
}

// pct formats a proportion as "33.4%", or "n/a".
func pct(r thresholds.Ratio) string {
	if !r.Valid {
		return "n/a"
	}
	return strconv.FormatFloat(100*r.Value, 'f', 1, 64) + "%"
}

func pctCI(i thresholds.Interval) string {
	if !i.Valid {
		return ""
	}
	return "[" + strconv.FormatFloat(100*i.Low, 'f', 1, 64) + "–" + strconv.FormatFloat(100*i.High, 'f', 1, 64) + "]"
}

func num2(r thresholds.Ratio) string {
	if !r.Valid {
		return "n/a"
	}
	return strconv.FormatFloat(r.Value, 'f', 2, 64)
}

func numCI(i thresholds.Interval) string {
	if !i.Valid {
		return ""
	}
	return "[" + strconv.FormatFloat(i.Low, 'f', 2, 64) + "–" + strconv.FormatFloat(i.High, 'f', 2, 64) + "]"
}

func num3(r thresholds.Ratio) string {
	if !r.Valid {
		return "n/a"
	}
	return strconv.FormatFloat(r.Value, 'f', 3, 64)
}

func num3CI(i thresholds.Interval) string {
	if !i.Valid {
		return ""
	}
	return "[" + strconv.FormatFloat(i.Low, 'f', 3, 64) + "–" + strconv.FormatFloat(i.High, 'f', 3, 64) + "]"
}

// signedPP formats a difference of proportions in percentage points with
// its sign: "+0.8", "-1.2"; "" when undefined.
func signedPP(r thresholds.Ratio) string {
	if !r.Valid {
		return ""
	}
	return plus(strconv.FormatFloat(100*r.Value, 'f', 1, 64))
}

func signedPPCI(i thresholds.Interval) string {
	if !i.Valid {
		return ""
	}
	return "[" + plus(strconv.FormatFloat(100*i.Low, 'f', 1, 64)) + ", " + plus(strconv.FormatFloat(100*i.High, 'f', 1, 64)) + "]"
}

func signed3(r thresholds.Ratio) string {
	if !r.Valid {
		return ""
	}
	return plus(strconv.FormatFloat(r.Value, 'f', 3, 64))
}

func signed3CI(i thresholds.Interval) string {
	if !i.Valid {
		return ""
	}
	return "[" + plus(strconv.FormatFloat(i.Low, 'f', 3, 64)) + ", " + plus(strconv.FormatFloat(i.High, 'f', 3, 64)) + "]"
}

// plus signs a formatted number as %+f would: "+0.012", "-0.003".
func plus(s string) string {
	if strings.HasPrefix(s, "-") {
		return s
	}
	return "+" + s
}

// countText formats a possibly fractional count: whole numbers with thousands
// separators, others with one decimal.
func countText(x float64) string {
	whole := int64(x + 0.5)
	if d := x - float64(whole); d > -0.05 && d < 0.05 {
		return group(strconv.FormatInt(whole, 10))
	}
	s := strconv.FormatFloat(x, 'f', 1, 64)
	return group(s[:len(s)-2]) + s[len(s)-2:]
}

// backtestNotes explain how to read the backtest; Markdown and HTML show
// the same.
func backtestNotes(v *backtestView) []string {
	notes := []string{
		fmt.Sprintf("相同告警量 Equal alert volume: k = 规则 1 在固定阈值 %s / %s 下每周的告警数。固定方法对每条规则取一个全局截断，每周标记其评分最低的 k 家（截断处并列按比例计）；"+
			"动态方法是每周的行业阈值方法，预算 q = k / N，以该截断为全局上级。"+
			" k is what rule 1 flags each week with the fixed thresholds %s / %s. Fixed: one global cutoff per rule flagging its k lowest scores (ties at the cutoff shared); "+
			"dynamic: the weekly per-industry method with budget q = k / N and that cutoff as its global parent.",
			v.FixedWarning, v.FixedUrgent, v.FixedWarning, v.FixedUrgent),
		"AUC: 结果为真的观测评分低于（更危险）结果为假的观测的概率，并列计一半；0.5 相当于随机。 The probability that a company-week followed by the outcome scores lower (riskier) than one that was not, ties counting half; 0.5 is chance.",
		"差 Δ: 与今天的规则（规则 1、固定阈值）在同一批观测上的配对差：精确率差以百分点计，AUC 差为该规则减规则 1；配对区间比两个单独区间是否重叠更能说明差异是否只是噪声。" +
			" Δ: the paired difference from today's rule (rule 1 with the fixed thresholds) on the same observations: precision in percentage points, AUC as the rule's minus rule 1's; the paired interval, not whether two separate ones overlap, tells whether a difference is noise.",
		fmt.Sprintf("区间 Intervals: 95%% 置信区间。观测是企业 × 周，同一企业相邻各周的评分与 %d 天观察期大部分重叠、高度相关，因此区间按企业聚类计算"+
			"（精确率与召回率为按设计效应调整的 Wilson 区间，AUC 为聚类 DeLong 区间）。两格的单独区间重叠时，配对差 Δ 仍可能明确；判断差异是否为噪声请看 Δ 的区间。"+
			" 95%% intervals. Observations are company-weeks; a company's neighbouring weeks share most of their score and of their %d-day horizon, "+
			"so the intervals are clustered by company (Wilson at the design-effect sample size for precision and recall, clustered DeLong for the AUC). "+
			"Two cells' own intervals may overlap while their paired difference Δ is clear: read Δ's interval to tell a difference from noise.", v.Horizon, v.Horizon),
	}
	if v.LookAhead != "" {
		notes = append(notes, "前视偏差 Look-ahead: "+v.LookAhead)
	}
	return notes
}

func writeBacktestMarkdown(b *bytes.Buffer, v *backtestView) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	if v == nil {
		p("%s：尚无回测结果，运行 `%s` 生成（结果存入数据库，下次报告即会包含）。 No backtest stored yet: run `%s` to make one; the next report shows it.\n",
			none, BacktestCommand, BacktestCommand)
		return
	}
	p("最近一次回测 Latest run #%d，计算于 computed %s：%s … %s，%d 周 weeks，%s 家企业 companies，%s 个观测 observations（企业 × 周 company-weeks），观察期 horizon %d 天 days。\n\n",
		v.RunID, v.Computed, v.From, v.To, v.Weeks, v.CompaniesText, v.ObservationsText, v.Horizon)
	for _, o := range v.Outcomes {
		p("### %s\n\n%s\n\n", o.Title, md(o.Meaning))
		p("观测 Observations %s · 为真 Positives %s · 基准率 Base rate %s\n\n", o.Observations, o.Positives, o.BaseRate)
		for i, a := range o.AUC {
			if i > 0 {
				p(" · ")
			} else {
				p("AUC: ")
			}
			p("规则 rule %s **%s** %s", a.Rule, a.Value, a.CI)
			if a.Diff != "" {
				p("（Δ %s %s）", a.Diff, a.DiffCI)
			}
		}
		p("\n\n| 级别 Severity | 规则 Rule | 方法 Method | 告警 Flagged（k） | 精确率 Precision | 召回率 Recall | 提升度 Lift | 精确率差 Δ precision（百分点 pp） |\n")
		p("|---|---|---|--:|--:|--:|--:|--:|\n")
		for _, s := range o.Severities {
			for _, c := range s.Cells {
				diff := "基准 baseline"
				if c.PrecisionDiff != "" {
					diff = c.PrecisionDiff + " " + c.PrecisionDiffCI
				}
				p("| %s | %s | %s | %s（%s） | %s %s | %s %s | %s %s | %s |\n", s.Title, c.Rule, c.Method, c.Flagged, s.Volume,
					c.Precision, c.PrecisionCI, c.Recall, c.RecallCI, c.Lift, c.LiftCI, diff)
			}
		}
		p("\n")
	}
	for _, n := range backtestNotes(v) {
		p("- %s\n", n)
	}
}

// BacktestCSVHeader is the header row of BacktestCSV, in column order.
func BacktestCSVHeader() []string {
	return []string{
		"run_id", "computed_at", "from_week", "to_week", "weeks", "horizon_days", "rule_version", "method",
		"severity", "outcome", "section_code", "section_name", "companies", "observations", "positives",
		"volume", "flagged", "hits", "base_rate", "precision", "precision_low", "precision_high", "recall",
		"recall_low", "recall_high", "lift", "lift_low", "lift_high", "auc", "auc_low", "auc_high",
		"precision_diff", "precision_diff_low", "precision_diff_high", "auc_diff", "auc_diff_low", "auc_diff_high",
	}
}

// BacktestCSV writes the latest backtest's results: the header
// (BacktestCSVHeader), then one record per result, all companies first
// (section_code empty), then each section, each by rule, method (fixed
// first), severity (warning first) and outcome (any first). Ratios have six
// decimals and are empty where undefined (no flag, no positive); flagged
// and hits have two, since shared ties make them fractional. Like CSV it
// starts with a UTF-8 byte order mark and ends records in CRLF; without a
// stored backtest it is the header alone. It writes nothing when r is
// invalid.
func BacktestCSV(w io.Writer, r Weekly) error {
	if _, err := prepare(r); err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString(utf8BOM)
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	records := [][]string{BacktestCSVHeader()}
	if bt := r.Backtest; bt != nil {
		results := slices.Clone(bt.Results)
		slices.SortStableFunc(results, func(a, b thresholds.BacktestResult) int {
			return cmp.Or(
				cmp.Compare(a.Section, b.Section), // "" (all companies) first
				cmp.Compare(a.Rule, b.Rule), cmp.Compare(methodOrder(a.Method), methodOrder(b.Method)),
				cmp.Compare(severityOrder(a.Severity), severityOrder(b.Severity)),
				cmp.Compare(outcomeOrder(a.Outcome), outcomeOrder(b.Outcome)),
			)
		})
		f6 := func(x thresholds.Ratio) string {
			if !x.Valid {
				return ""
			}
			return strconv.FormatFloat(x.Value, 'f', 6, 64)
		}
		ci := func(i thresholds.Interval) (string, string) {
			if !i.Valid {
				return "", ""
			}
			return strconv.FormatFloat(i.Low, 'f', 6, 64), strconv.FormatFloat(i.High, 'f', 6, 64)
		}
		for _, x := range results {
			pl, ph := ci(x.Precision.CI)
			rl, rh := ci(x.Recall.CI)
			ll, lh := ci(x.Lift.CI)
			al, ah := ci(x.AUC.CI)
			dl, dh := ci(x.PrecisionDiff.CI)
			adl, adh := ci(x.AUCDiff.CI)
			records = append(records, []string{
				strconv.FormatInt(bt.RunID, 10), bt.ComputedAt.Format("2006-01-02T15:04:05-07:00"), bt.From.String(), bt.To.String(),
				strconv.Itoa(bt.Weeks), strconv.Itoa(bt.Horizon), x.Rule.String(), string(x.Method), string(x.Severity),
				string(x.Outcome), x.Section, r.IndustryNames[x.Section], strconv.Itoa(x.Companies),
				strconv.Itoa(x.Observations), strconv.Itoa(x.Positives), strconv.Itoa(x.Volume),
				strconv.FormatFloat(x.Flagged, 'f', 2, 64), strconv.FormatFloat(x.Hits, 'f', 2, 64), f6(x.BaseRate.Ratio),
				f6(x.Precision.Ratio), pl, ph, f6(x.Recall.Ratio), rl, rh, f6(x.Lift.Ratio), ll, lh, f6(x.AUC.Ratio), al, ah,
				f6(x.PrecisionDiff.Ratio), dl, dh, f6(x.AUCDiff.Ratio), adl, adh,
			})
		}
	}
	if err := cw.WriteAll(records); err != nil {
		return fmt.Errorf("render backtest csv: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write backtest csv: %w", err)
	}
	return nil
}

func methodOrder(m thresholds.Method) int {
	if m == thresholds.MethodFixed {
		return 0
	}
	return 1
}

func outcomeOrder(o thresholds.Outcome) int {
	if o == thresholds.OutcomeAny {
		return 0
	}
	return 1
}

// checkBacktest reports a backtest the report cannot show faithfully.
func checkBacktest(b *Backtest) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if b.ComputedAt.IsZero() {
		add("backtest: computed-at time is zero")
	}
	if b.Weeks < 1 || b.To < b.From || b.From.Weekday() != time.Monday || b.To.Weekday() != time.Monday {
		add("backtest: %d weeks from %s to %s: want at least one week between two Mondays", b.Weeks, b.From, b.To)
	}
	if b.Horizon < 1 || b.Companies < 0 || b.Observations < 0 {
		add("backtest: horizon %d, companies %d, observations %d", b.Horizon, b.Companies, b.Observations)
	}
	seen := make(map[string]bool, len(b.Results))
	for i, r := range b.Results {
		k := fmt.Sprintf("%s/%s/%s/%s/%s", r.Rule, r.Method, r.Severity, r.Outcome, r.Section)
		switch {
		case !slices.Contains(b.Rules, r.Rule):
			add("backtest results[%d]: rule %s is not one of the run's rules %v", i, r.Rule, b.Rules)
		case r.Method != thresholds.MethodFixed && r.Method != thresholds.MethodDynamic,
			r.Severity != thresholds.SeverityWarning && r.Severity != thresholds.SeverityUrgent,
			r.Outcome != thresholds.OutcomeAny && r.Outcome != thresholds.OutcomeSerious:
			add("backtest results[%d]: method %q, severity %q, outcome %q", i, r.Method, r.Severity, r.Outcome)
		case r.Section != "" && !isSection(r.Section):
			add("backtest results[%d]: section %q is not one of A–T", i, r.Section)
		case seen[k]:
			add("backtest results[%d]: second result for %s", i, k)
		case r.Positives < 0 || r.Positives > r.Observations || r.Flagged < 0 || r.Hits < 0 || r.Hits > r.Flagged+1e-6:
			add("backtest results[%d]: %d positives of %d observations, %v hits of %v flagged", i, r.Positives, r.Observations, r.Hits, r.Flagged)
		}
		seen[k] = true
	}
	return errs
}
