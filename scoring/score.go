package scoring

import (
	"math"

	"github.com/arbsync/arbsync/internal/money"
)

// RuleVersion is the version of the rules Score implements: rule 1. Rule
// has every version (Rule.Score); stored scores carry the one that made them.
const RuleVersion = 1

// WindowDays is W, the length of the "recent" window in days.
const WindowDays = 365

// The rule's constants, in points.
const (
	pointsPerRecentCase     = 20  // count deduction per recent case
	pointsPer10kYuan        = 5   // amount deduction per 10,000 yuan claimed
	amountCapPoints         = 150 // amount deduction cap
	loseRateWeight          = 150 // lose-rate deduction at a lose rate of 1
	pointsPerUnexecutedCase = 25  // unexecuted deduction per case
	fullScore               = 100
)

// Derived exact factors. The amount deduction is
// 5 × fen / (10,000 × 100) = fen / amountFenPerPoint points.
const (
	amountFenPerPoint     = 10_000 * 100 / pointsPer10kYuan     // 200,000 fen per point
	amountCapFen          = amountCapPoints * amountFenPerPoint // 30,000,000 fen = 300,000 yuan
	loseHalfWeight        = loseRateWeight / 2                  // lose rate = K/(2D), K = 2·lose + partial
	hundredths            = 100                                 // Points per point
	tenThousandths        = 10_000                              // Rate per unit
	amountFenPerHundredth = amountFenPerPoint / hundredths      // 2,000 fen per 0.01 point
)

// Result is a company's score with every component that produced it.
// Deductions are shown rounded half-up to 0.01 point; the score itself is
// computed from the exact deductions and rounded once, so the shown
// deductions may differ from 100 − score by up to a few hundredths.
type Result struct {
	// RuleVersion is the version of the rules that produced the result.
	RuleVersion int
	// AsOf is the as-of date D the result was computed for.
	AsOf Date

	// RecentCount is |recent|: cases filed in (AsOf − 365 days, AsOf].
	RecentCount int
	// RecentClaimTotal is the sum of the recent cases' claim amounts
	// (saturating at the largest money.Fen instead of overflowing).
	RecentClaimTotal money.Fen
	// DecidedCount is the number of recent cases whose result is win,
	// lose, partial or settled.
	DecidedCount int
	// LoseCount is the number of recent cases whose result is lose.
	LoseCount int
	// PartialCount is the number of recent cases whose result is partial.
	PartialCount int
	// LoseRate is (LoseCount + PartialCount/2) / DecidedCount, 0 when
	// nothing was decided, rounded half-up to 4 decimals for display.
	LoseRate Rate
	// UnexecutedCount is the number of cases of any age (filed on or
	// before AsOf) that are unexecuted or partially executed.
	UnexecutedCount int

	// The four deductions are the points each indicator takes off the
	// score. Rule 1: the rule's own deduction, as below. Rule 2: the
	// indicator's weight times what it lacks of 100 (for example 0.4 ×
	// (100 − Indicators.Count)), so that they add up to 100 − Score up to
	// their display rounding.
	//
	// CountDeduction is 20 × RecentCount.
	CountDeduction Points
	// AmountDeduction is min(5 × RecentClaimTotal / 10,000 yuan, 150).
	AmountDeduction Points
	// LoseRateDeduction is 150 × the exact lose rate.
	LoseRateDeduction Points
	// UnexecutedDeduction is 25 × UnexecutedCount.
	UnexecutedDeduction Points

	// Score is max(0, 100 − Σ exact deductions), rounded half-up to 0.01.
	Score Points
	// Level is Thresholds.Level(Score).
	Level Level
	// Thresholds are the thresholds Level was judged against.
	Thresholds Thresholds

	// Latest is the latest case filed on or before AsOf: the latest recent
	// case when there is one, else the latest older case (rule 2: of the
	// cases it counts).
	Latest LatestCase

	// Indicators are rule 2's indicator scores out of 100 (zero under
	// rule 1, which has none).
	Indicators Indicators
	// Excluded counts the cases filed on or before AsOf that rule 2 does
	// not score because the company did not answer them (applicant or
	// third party); 0 under rule 1, which scores every case.
	Excluded int
}

// LatestCase identifies the case whose title an alert shows.
type LatestCase struct {
	// Found is false when the company has no case filed on or before AsOf.
	Found bool
	// Title is the case's title.
	Title string
	// FilingDate is the case's filing date.
	FilingDate Date
	// Recent reports whether the case is inside the recent window.
	Recent bool
}

// Score computes a company's score at asOf from its cases, judging the
// level against th. Cases marked Removed and cases filed after asOf are
// ignored. Score does not allocate, keeps every deduction exact (integer
// fen and fractions with small denominators) and rounds only the final
// score; see the package documentation for the rules.
func Score(cases []Case, asOf Date, th Thresholds) Result {
	r := Result{RuleVersion: RuleVersion, AsOf: asOf, Thresholds: th}
	claim := r.tally(cases, false)

	// Exact components. The lose rate is K / (2·D) with K = 2·lose + partial
	// and D = decided (taken as 1 when nothing was decided, where K = 0).
	cappedFen := min(claim, amountCapFen)
	k := int64(2*r.LoseCount + r.PartialCount)
	d := int64(max(r.DecidedCount, 1))
	n, u := int64(r.RecentCount), int64(r.UnexecutedCount)

	r.CountDeduction = WholePoints(pointsPerRecentCase * n)
	r.UnexecutedDeduction = WholePoints(pointsPerUnexecutedCase * u)
	r.AmountDeduction = Points(RoundHalfUp(cappedFen, amountFenPerHundredth))
	r.LoseRateDeduction = Points(RoundHalfUp(loseHalfWeight*hundredths*k, d))
	r.LoseRate = Rate(RoundHalfUp(tenThousandths/2*k, d))

	// score = base − cappedFen/200,000 − 75·K/D with base = 100 − 20n − 25u.
	// When base ≤ 0 the score is 0 whatever else; otherwise n ≤ 4, so D ≤ 4
	// and every product below stays far inside int64.
	if base := fullScore - pointsPerRecentCase*n - pointsPerUnexecutedCase*u; base > 0 {
		den := amountFenPerPoint * d
		num := base*den - cappedFen*d - loseHalfWeight*k*amountFenPerPoint
		if num > 0 {
			r.Score = Points(RoundHalfUp(hundredths*num, den))
		}
	}
	r.Level = th.Level(r.Score)
	return r
}

// SameAs reports whether r and o record the same score: equal score, level,
// rule version, every component and latest case. The as-of date and the
// thresholds are ignored, so a caller appends a score-history row only when
// something a reader would see changed (a threshold change that moves the
// level still counts, through Level).
func (r Result) SameAs(o Result) bool {
	r.AsOf, o.AsOf = 0, 0
	r.Thresholds, o.Thresholds = Thresholds{}, Thresholds{}
	return r == o
}

// tally counts what both rules read of cases at r.AsOf into r (recent,
// decided, lose, partial and unexecuted cases, the latest case, the recent
// claim total) and returns the recent claims in fen, saturating instead of
// overflowing. With answeredOnly (rule 2) it skips the cases the company did
// not answer, counting them in r.Excluded.
func (r *Result) tally(cases []Case, answeredOnly bool) int64 {
	asOf := r.AsOf
	windowStart := asOf - WindowDays // exclusive
	var claim int64
	for i := range cases {
		c := &cases[i]
		if c.Removed || c.FilingDate > asOf {
			continue
		}
		if answeredOnly && !c.Role.Answered() {
			r.Excluded++
			continue
		}
		if c.ExecutionStatus.Unexecuted() {
			r.UnexecutedCount++
		}
		if !r.Latest.Found || c.FilingDate > r.Latest.FilingDate ||
			c.FilingDate == r.Latest.FilingDate && c.Title > r.Latest.Title {
			r.Latest = LatestCase{Found: true, Title: c.Title, FilingDate: c.FilingDate}
		}
		if c.FilingDate <= windowStart {
			continue
		}
		r.RecentCount++
		if amt := int64(c.ClaimAmount); amt > 0 {
			if claim > math.MaxInt64-amt {
				claim = math.MaxInt64
			} else {
				claim += amt
			}
		}
		switch c.Result {
		case OutcomeLose:
			r.LoseCount++
		case OutcomePartial:
			r.PartialCount++
		}
		if c.Result.Decided() {
			r.DecidedCount++
		}
	}
	r.Latest.Recent = r.Latest.Found && r.Latest.FilingDate > windowStart
	r.RecentClaimTotal = money.Fen(claim)
	return claim
}
