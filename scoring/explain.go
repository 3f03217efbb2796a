package scoring

import (
	"cmp"
	"slices"
)

// Why says whether and why a case counts in a score.
type Why string

// The reasons.
const (
	// WhyRecent: filed within the window; counts in every indicator.
	WhyRecent Why = "recent"
	// WhyUnexecuted: filed before the window, but its award is unexecuted
	// or partially executed; counts in the execution indicator only.
	WhyUnexecuted Why = "unexecuted_award"
	// WhyOld: filed before the window with nothing left unexecuted; does
	// not count.
	WhyOld Why = "before_window"
	// WhyNotAnswered: rule 2 only: the company filed the case (applicant)
	// or is a third party; stored and shown, never scored.
	WhyNotAnswered Why = "not_respondent"
	// WhyFuture: filed after the as-of date; counts from its filing date.
	WhyFuture Why = "filed_after_as_of"
	// WhyRemoved: the vendor no longer returns the case.
	WhyRemoved Why = "removed"
)

// Counts reports whether a case with this reason counts in the score.
func (w Why) Counts() bool { return w == WhyRecent || w == WhyUnexecuted }

// CaseNote is what one case contributes to a score.
type CaseNote struct {
	// Index is the case's position in the slice given to Explain.
	Index int
	// Why says whether it counts and why.
	Why Why
	// Points is the part of 100 − score the case accounts for: its share
	// of each deduction it takes part in (the count deduction split evenly
	// over the recent cases, the amount deduction in proportion to their
	// claims, the lose-rate deduction in proportion to their losses, a
	// partial loss weighing half, and the unexecuted deduction evenly over
	// the unexecuted cases), scaled so that the notes add up to 100 −
	// score when rule 1's deductions exceed 100. Rounded to 0.01, so the
	// notes may miss 100 − score by a few hundredths.
	Points Points
}

// Explain returns, for every case in order, whether it counts in the score
// rule gives at asOf, why, and how many points of the score it accounts
// for: the "cases that drove it" an alert or a lookup shows.
func Explain(rule Rule, cases []Case, asOf Date) []CaseNote {
	res := rule.Score(cases, asOf, DefaultThresholds())
	notes := make([]CaseNote, len(cases))
	windowStart := asOf - WindowDays
	var claimTotal, loseWeight int64
	for i := range cases {
		c := &cases[i]
		n := &notes[i]
		n.Index = i
		switch {
		case c.Removed:
			n.Why = WhyRemoved
		case c.FilingDate > asOf:
			n.Why = WhyFuture
		case rule == Rule2 && !c.Role.Answered():
			n.Why = WhyNotAnswered
		case c.FilingDate > windowStart:
			n.Why = WhyRecent
			claimTotal += int64(max(c.ClaimAmount, 0))
			loseWeight += loseWeightOf(c.Result)
		case c.ExecutionStatus.Unexecuted():
			n.Why = WhyUnexecuted
		default:
			n.Why = WhyOld
		}
	}
	share := func(ded Points, part, whole int64) int64 {
		if whole <= 0 || part <= 0 {
			return 0
		}
		return RoundHalfUp(int64(ded)*part, whole)
	}
	var raw []int64 // in hundredths, before scaling
	var sum int64
	for i := range cases {
		c := &cases[i]
		var p int64
		switch notes[i].Why {
		case WhyRecent:
			p += share(res.CountDeduction, 1, int64(res.RecentCount))
			p += share(res.AmountDeduction, int64(max(c.ClaimAmount, 0)), claimTotal)
			p += share(res.LoseRateDeduction, loseWeightOf(c.Result), loseWeight)
			if c.ExecutionStatus.Unexecuted() {
				p += share(res.UnexecutedDeduction, 1, int64(res.UnexecutedCount))
			}
		case WhyUnexecuted:
			p += share(res.UnexecutedDeduction, 1, int64(res.UnexecutedCount))
		}
		raw = append(raw, p)
		sum += p
	}
	lost := int64(WholePoints(fullScore) - res.Score)
	for i, p := range raw {
		if sum > lost && sum > 0 { // rule 1 clamped at 0: scale to what was lost
			p = RoundHalfUp(p*lost, sum)
		}
		notes[i].Points = Points(p)
	}
	return notes
}

// loseWeightOf is a case's weight in the lose rate's numerator: 2 for a
// loss, 1 for a partial loss, else 0.
func loseWeightOf(o Outcome) int64 {
	switch o {
	case OutcomeLose:
		return 2
	case OutcomePartial:
		return 1
	}
	return 0
}

// Top returns the at most n notes that account for the most points
// (ties: the later-filed case first, then the earlier index), leaving out
// cases that account for none.
func Top(notes []CaseNote, cases []Case, n int) []CaseNote {
	var top []CaseNote
	for _, note := range notes {
		if note.Points > 0 {
			top = append(top, note)
		}
	}
	slices.SortStableFunc(top, func(a, b CaseNote) int {
		if c := cmp.Compare(b.Points, a.Points); c != 0 {
			return c
		}
		if c := cmp.Compare(cases[b.Index].FilingDate, cases[a.Index].FilingDate); c != 0 {
			return c
		}
		return cmp.Compare(a.Index, b.Index)
	})
	if len(top) > n {
		top = top[:n]
	}
	return top
}
