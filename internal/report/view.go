package report

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// view is a validated Weekly prepared for the renderers: sorted, paired by
// industry and formatted. Markdown and HTML show the same view, so the two
// formats cannot disagree on a number.
type view struct {
	Label, Week, Generated string
	MethodVersion          int
	Params                 paramsView

	// Budgets q_w, q_u as percentages ("12.35%"); empty without rows.
	QW, QU              string
	Sections, Divisions int
	Companies           int

	Industries     []industryView
	WarningChanges changeCounts
	UrgentChanges  changeCounts
	Dropped        []string
	Histograms     []Histogram

	Flagged, Cleared []changeView
	Riskiest         []companyView

	Alerts      []alertView
	AlertTotals *alertView // sum of the section entries, nil when none

	Backtest *backtestView // nil when no backtest is stored

	Events *eventsView // nil when not loaded
}

type paramsView struct {
	FixedWarning, FixedUrgent string
	M                         int
	Bound, MaxStep, UrgentGap string
	WarningLo, WarningHi      string
	UrgentLo, UrgentHi        string
}

// industryView pairs an industry's warning and urgent rows.
type industryView struct {
	Code, Label string
	Section     bool
	N           int
	Warning     *cellView // nil when the row is missing
	Urgent      *cellView
}

// cellView is one threshold of an industry, formatted.
type cellView struct {
	Row    thresholds.Row
	Final  string
	Prev   string // "—" when there was none
	Change string // signed, "" when there was no previous
	Dir    string // up, down, same or new
	Bound  string // "—" for none
	Tip    string // q, raw, parent, shrunk, final and bound in one line
}

// changeCounts counts the direction of the threshold changes.
type changeCounts struct{ Up, Down, Same, New int }

type changeView struct {
	LevelChange
	IndustryLabel string
	Score, Prev   string
	FromText      string
	ToText        string
	Warning       string
	Urgent        string
}

type companyView struct {
	Company
	Rank          int
	IndustryLabel string
	Score         string
	LevelText     string
	Claims        string
}

type alertView struct {
	Code, Label string
	Section     bool
	Total       bool // the sum of the section entries
	Companies   int
	Fixed       AlertCounts
	Dynamic     AlertCounts
	LastWeek    *AlertCounts
	Delta       string // dynamic − fixed flagged, signed
	DeltaDir    string
	LastDelta   string // dynamic − last week flagged, signed; "" when unknown
	LastDir     string
}

// prepare validates r and builds its view.
func prepare(r Weekly) (*view, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	p := r.Params
	v := &view{
		Label:         r.label(),
		Week:          r.Week.String(),
		Generated:     r.GeneratedAt.Format("2006-01-02 15:04:05 -07:00"),
		MethodVersion: r.MethodVersion,
		Params: paramsView{
			FixedWarning: p.FixedWarning.String(), FixedUrgent: p.FixedUrgent.String(),
			M: p.M, Bound: p.Bound.String(), MaxStep: p.MaxStep.String(), UrgentGap: p.UrgentGap.String(),
			WarningLo: (p.FixedWarning - p.Bound).String(), WarningHi: (p.FixedWarning + p.Bound).String(),
			UrgentLo: (p.FixedUrgent - p.Bound).String(), UrgentHi: (p.FixedUrgent + p.Bound).String(),
		},
		Backtest: newBacktestView(r.Backtest, p),
	}
	names := r.IndustryNames
	label := func(code string) string { return industryLabel(code, names) }

	rows := sortedRows(r.Rows)
	for _, row := range rows {
		if len(v.Industries) == 0 || v.Industries[len(v.Industries)-1].Code != row.Industry {
			v.Industries = append(v.Industries, industryView{
				Code: row.Industry, Label: label(row.Industry),
				Section: row.Level == thresholds.LevelSection, N: row.N,
			})
			if row.Level == thresholds.LevelSection {
				v.Sections++
				v.Companies += row.N
			} else {
				v.Divisions++
			}
		}
		ind := &v.Industries[len(v.Industries)-1]
		cell := newCell(row)
		if row.Severity == thresholds.SeverityWarning {
			ind.Warning = cell
			v.WarningChanges.add(cell.Dir)
			v.QW = percentOf(row.Q)
		} else {
			ind.Urgent = cell
			v.UrgentChanges.add(cell.Dir)
			v.QU = percentOf(row.Q)
		}
	}

	current := make(map[string]bool, len(v.Industries))
	for _, ind := range v.Industries {
		current[ind.Code] = true
	}
	for _, prev := range sortedRows(r.Previous) {
		if !current[prev.Industry] {
			current[prev.Industry] = true // list each dropped industry once
			v.Dropped = append(v.Dropped, label(prev.Industry))
		}
	}

	v.Histograms = slices.Clone(r.Histograms)
	slices.SortFunc(v.Histograms, func(a, b Histogram) int { return cmp.Compare(a.Section, b.Section) })

	v.Events = newEventsView(r.Events)
	v.Flagged = changeViews(r.NewlyFlagged, label)
	v.Cleared = changeViews(r.Cleared, label)

	riskiest := slices.Clone(r.Riskiest)
	slices.SortStableFunc(riskiest, func(a, b Company) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(b.RecentCases, a.RecentCases),
			cmp.Compare(b.RecentClaims, a.RecentClaims), cmp.Compare(a.CreditCode, b.CreditCode))
	})
	for i, c := range riskiest {
		v.Riskiest = append(v.Riskiest, companyView{
			Company: c, Rank: i + 1, IndustryLabel: label(c.Industry),
			Score: c.Score.String(), LevelText: levelText(c.Level), Claims: yuan(c.RecentClaims),
		})
	}

	var totals alertView
	sections, allLast := 0, true
	var last AlertCounts
	for _, a := range r.AlertVolume {
		v.Alerts = append(v.Alerts, newAlertView(a, label(a.Industry)))
		if !isSection(a.Industry) {
			continue
		}
		sections++
		totals.Companies += a.Companies
		totals.Fixed.Flagged += a.Fixed.Flagged
		totals.Fixed.Urgent += a.Fixed.Urgent
		totals.Dynamic.Flagged += a.Dynamic.Flagged
		totals.Dynamic.Urgent += a.Dynamic.Urgent
		if a.LastWeek == nil {
			allLast = false
		} else {
			last.Flagged += a.LastWeek.Flagged
			last.Urgent += a.LastWeek.Urgent
		}
	}
	if sections > 0 {
		t := IndustryAlerts{Industry: "合计 total", Companies: totals.Companies, Fixed: totals.Fixed, Dynamic: totals.Dynamic}
		if allLast {
			t.LastWeek = &last
		}
		tv := newAlertView(t, t.Industry)
		tv.Total = true
		v.AlertTotals = &tv
	}
	return v, nil
}

// sortedRows returns rows in report order: sections A–T, each followed by
// its divisions in code order, warning before urgent.
func sortedRows(rows []thresholds.Row) []thresholds.Row {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b thresholds.Row) int {
		return cmp.Or(
			cmp.Compare(sectionOf(a), sectionOf(b)),
			cmp.Compare(levelOrder(a.Level), levelOrder(b.Level)),
			cmp.Compare(a.Industry, b.Industry),
			cmp.Compare(severityOrder(a.Severity), severityOrder(b.Severity)),
		)
	})
	return out
}

func sectionOf(r thresholds.Row) string {
	if r.Level == thresholds.LevelDivision {
		return r.ParentIndustry
	}
	return r.Industry
}

func levelOrder(l thresholds.IndustryLevel) int {
	if l == thresholds.LevelSection {
		return 0
	}
	return 1
}

func severityOrder(s thresholds.Severity) int {
	if s == thresholds.SeverityWarning {
		return 0
	}
	return 1
}

func newCell(r thresholds.Row) *cellView {
	c := &cellView{Row: r, Final: r.Final.String(), Prev: "—", Dir: "new", Bound: boundText(r.Bound)}
	if r.Previous != nil {
		d := r.Final - *r.Previous
		c.Prev, c.Change, c.Dir = r.Previous.String(), signedPoints(d), direction(int64(d))
	}
	c.Tip = "q=" + percentOf(r.Q) + " raw=" + r.Raw.String() + " parent=" + r.Parent.String() +
		" shrunk=" + r.Shrunk.String() + " final=" + r.Final.String() + " bound=" + string(r.Bound)
	return c
}

func (c *changeCounts) add(dir string) {
	switch dir {
	case "up":
		c.Up++
	case "down":
		c.Down++
	case "same":
		c.Same++
	default:
		c.New++
	}
}

func changeViews(changes []LevelChange, label func(string) string) []changeView {
	sorted := slices.Clone(changes)
	slices.SortStableFunc(sorted, func(a, b LevelChange) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(a.CreditCode, b.CreditCode))
	})
	out := make([]changeView, 0, len(sorted))
	for _, c := range sorted {
		cv := changeView{
			LevelChange: c, IndustryLabel: label(c.Industry), Score: c.Score.String(), Prev: "—",
			FromText: levelText(c.From), ToText: levelText(c.To),
			Warning: c.Thresholds.Warning.String(), Urgent: c.Thresholds.Urgent.String(),
		}
		if c.PreviousScore != nil {
			cv.Prev = c.PreviousScore.String()
		}
		out = append(out, cv)
	}
	return out
}

func newAlertView(a IndustryAlerts, label string) alertView {
	d := a.Dynamic.Flagged - a.Fixed.Flagged
	av := alertView{
		Code: a.Industry, Label: label, Section: isSection(a.Industry), Companies: a.Companies,
		Fixed: a.Fixed, Dynamic: a.Dynamic, LastWeek: a.LastWeek,
		Delta: signedInt(d), DeltaDir: direction(int64(d)),
	}
	if a.LastWeek != nil {
		ld := a.Dynamic.Flagged - a.LastWeek.Flagged
		av.LastDelta, av.LastDir = signedInt(ld), direction(int64(ld))
	}
	return av
}

// percentOf formats a budget q as a percentage with two decimals: "12.35%".
func percentOf(q float64) string { return strconv.FormatFloat(q*100, 'f', 2, 64) + "%" }

// industryLabel returns "39 计算机、通信和其他电子设备制造业", or the code
// alone when it has no name.
func industryLabel(code string, names map[string]string) string {
	if name := names[code]; name != "" {
		return code + " " + name
	}
	return code
}

func levelText(l scoring.Level) string {
	switch l {
	case scoring.LevelOK:
		return "正常 ok"
	case scoring.LevelWarning:
		return "预警 warning"
	case scoring.LevelUrgent:
		return "紧急 urgent"
	}
	return "无 none"
}

func boundText(b thresholds.Bound) string {
	switch b {
	case thresholds.BoundLower:
		return "下限 lower"
	case thresholds.BoundUpper:
		return "上限 upper"
	case thresholds.BoundStepUp:
		return "周升幅 step_up"
	case thresholds.BoundStepDown:
		return "周降幅 step_down"
	case thresholds.BoundUrgentGap:
		return "紧急间隔 urgent_gap"
	}
	return "—"
}

func direction(d int64) string {
	switch {
	case d > 0:
		return "up"
	case d < 0:
		return "down"
	}
	return "same"
}

// signedPoints formats a change with its sign: "+2.50", "-1.25", "0.00".
func signedPoints(p scoring.Points) string {
	if p > 0 {
		return "+" + p.String()
	}
	return p.String()
}

func signedInt(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// yuan formats an amount with thousands separators: "1,234,567.50".
func yuan(f money.Fen) string {
	s := f.String()
	whole, frac, _ := strings.Cut(s, ".")
	return group(whole) + "." + frac
}

// group inserts thousands separators into a decimal integer.
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return sign + b.String()
}
