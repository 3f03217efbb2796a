package report

import (
	"fmt"
	"time"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// Weekly is everything the weekly threshold report shows. The caller
// gathers it (arbsync reads it from PostgreSQL right after computing the
// week's thresholds) and the renderers only lay it out: they neither
// recompute thresholds nor re-judge companies. Every renderer validates it
// first (Validate) and renders nothing when it is inconsistent.
//
// Lists are rendered whole; the caller decides how many companies to pass.
// The report sorts them itself, so the order they arrive in does not matter
// (except for AlertVolume, shown in the given order).
type Weekly struct {
	// Week is the Monday of the ISO week the thresholds are for.
	Week scoring.Date
	// ISOWeek labels the week, "2026-W48" (ISO 8601 week-numbering year
	// and week). Leave it empty to derive it from Week (ISOWeek func);
	// when set, it must match Week. It names the files of WriteFiles.
	ISOWeek string
	// GeneratedAt is when the report was generated, printed in its own
	// location (pass it in Asia/Shanghai). It must not be zero: the
	// package never reads the clock.
	GeneratedAt time.Time
	// MethodVersion is the threshold method's version
	// (thresholds.MethodVersion). Every row of Rows must carry it.
	MethodVersion int
	// Params are the parameters Rows were computed with; the summary, the
	// table and the method notes quote them (fixed thresholds, m, bounds,
	// weekly step, urgent gap). They must pass Params.Validate.
	Params thresholds.Params

	// Rows are this week's thresholds as thresholds.Compute returns them
	// or as arbsync.industry_thresholds stores them, two per industry
	// (warning and urgent), in any order: the report shows each section,
	// then its divisions, warning before urgent. All must be of Week; an
	// industry and severity may appear once. Empty when nothing was scored.
	Rows []thresholds.Row
	// Previous are last week's rows (week = Week − 7 days), empty in the
	// first week or when not loaded. A row of Rows whose industry had a
	// row last week must have been computed from it (Row.Previous equal to
	// that row's Final); industries that had a row last week and have none
	// now are listed as dropped.
	Previous []thresholds.Row
	// IndustryNames maps an industry code to its Chinese name ("C" →
	// "制造业", "39" → "计算机、通信和其他电子设备制造业"), normally all of
	// arbsync.industries. An industry without a name shows its code only.
	IndustryNames map[string]string

	// Histograms are the score distributions of the sections: exactly one
	// per section that has rows in Rows, each counting the same companies
	// as that section's rows (Histogram.N equal to Row.N).
	Histograms []Histogram

	// NewlyFlagged are companies whose level went from ok (or from no
	// level: not scored last week) to warning or urgent this week, under
	// the thresholds applicable each week.
	NewlyFlagged []LevelChange
	// Cleared are companies whose level went from warning or urgent to ok.
	Cleared []LevelChange
	// Riskiest are the companies with the lowest scores (the caller picks
	// how many, e.g. 20). Shown by ascending score, then more recent cases
	// first, then larger recent claims first, then credit code.
	Riskiest []Company

	// AlertVolume counts, per industry, the companies flagged under the
	// fixed thresholds, under this week's dynamic thresholds and last week.
	// Pass one entry per section (each company counted once, in its
	// section, judged by its applicable thresholds: division row, else
	// section row, else fixed); division entries may follow. The summary
	// totals add up the section entries only; the chart shows the section
	// entries; the table shows all, in the given order.
	AlertVolume []IndustryAlerts

	// Backtest is the latest stored backtest run, nil when none has been
	// run (the report then says how to run one).
	Backtest *Backtest

	// Events are the case events of the week before Week; nil leaves the
	// section out.
	Events *WeekEvents
}

// Backtest is a stored run of `arbsync thresholds backtest` as the report
// summarizes it: the Markdown and HTML show its results over all
// companies, the backtest CSV every result.
type Backtest struct {
	// RunID identifies the run (arbsync.backtest_runs.id).
	RunID int64
	// ComputedAt is when it ran, printed in its own location.
	ComputedAt time.Time
	// From and To are its first and last week (Mondays); Weeks counts them.
	From, To scoring.Date
	Weeks    int
	// Horizon is the days after each week whose cases are the outcome.
	Horizon int
	// Companies were observed in every week: Observations company-weeks.
	Companies, Observations int
	// Rules are the rules compared.
	Rules []scoring.Rule
	// LookAhead says what the rebuilt history still knew too early, as the
	// run stored it; shown among the backtest's notes when not empty.
	LookAhead string
	// Results are the run's results (thresholds.Backtest.Run), in any
	// order: one per rule, method, severity and outcome over all companies
	// (Section "") and per section.
	Results []thresholds.BacktestResult
}

// Bins is the number of bins of a Histogram.
const Bins = 20

// BinWidth is the width of a histogram bin: 5 points.
const BinWidth = scoring.Points(500)

// Histogram counts one section's current scores in Bins bins of 5 points:
// bin i holds scores in [5i, 5i+5), and the last bin [95, 100] also holds
// 100. In SQL the bin is least(floor(score / 5), 19)::int.
type Histogram struct {
	// Section is the section code, "A"–"T".
	Section string
	// Counts are the companies per bin.
	Counts [Bins]int
}

// Bin returns the histogram bin of score, clamped to [0, Bins−1].
func Bin(score scoring.Points) int {
	return min(max(int(score/BinWidth), 0), Bins-1)
}

// Add counts one score.
func (h *Histogram) Add(score scoring.Points) { h.Counts[Bin(score)]++ }

// N returns the number of companies counted.
func (h Histogram) N() int {
	n := 0
	for _, c := range h.Counts {
		n += c
	}
	return n
}

// LevelChange is a company whose level changed this week.
type LevelChange struct {
	// CreditCode is the company's unified social credit code.
	CreditCode string
	// Name is the company's name (escaped in every format).
	Name string
	// Industry is the code of the industry whose thresholds apply to the
	// company (its division when that has a row, else its section).
	Industry string
	// Score is the company's current score.
	Score scoring.Points
	// PreviousScore is its score at last week's run, nil when unknown. With
	// it the reader tells a flag caused by the score from one caused by the
	// threshold.
	PreviousScore *scoring.Points
	// From is last week's level, "" when the company had none (it was not
	// scored or not watched last week).
	From scoring.Level
	// To is this week's level.
	To scoring.Level
	// Thresholds are the warning and urgent thresholds applicable to the
	// company this week.
	Thresholds scoring.Thresholds
}

// Company is one of the riskiest companies of the week.
type Company struct {
	// CreditCode is the company's unified social credit code.
	CreditCode string
	// Name is the company's name (escaped in every format).
	Name string
	// Industry is the company's industry code (division, else section).
	Industry string
	// Score is the company's current score.
	Score scoring.Points
	// Level is its level under the thresholds applicable this week.
	Level scoring.Level
	// RecentCases is the number of its cases filed in the last 365 days.
	RecentCases int
	// RecentClaims is the total claimed in those cases.
	RecentClaims money.Fen
}

// AlertCounts are how many companies of an industry one rule flags.
type AlertCounts struct {
	// Flagged counts companies scoring below their warning threshold
	// (level warning or urgent): the alert volume.
	Flagged int
	// Urgent counts those below their urgent threshold; at most Flagged.
	Urgent int
}

// IndustryAlerts is the alert volume of one industry under each rule.
type IndustryAlerts struct {
	// Industry is the section or division code.
	Industry string
	// Companies is the number of scored companies in it.
	Companies int
	// Fixed counts flags under the fixed thresholds (Params.FixedWarning,
	// Params.FixedUrgent).
	Fixed AlertCounts
	// Dynamic counts flags under this week's dynamic thresholds.
	Dynamic AlertCounts
	// LastWeek counts the industry's companies flagged at last week's run
	// (last week's scores and thresholds); nil when unknown.
	LastWeek *AlertCounts
}

// ISOWeek returns the ISO 8601 week label of d, e.g. "2026-W48" for
// 2026-11-23.
func ISOWeek(d scoring.Date) string {
	y, w := d.Time().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// label returns r's ISO week label, derived when ISOWeek is empty.
func (r Weekly) label() string {
	if r.ISOWeek != "" {
		return r.ISOWeek
	}
	return ISOWeek(r.Week)
}
