package scoring

// NextChange returns the first date after asOf on which the passage of time
// alone changes which cases Score counts: a recent case filed on f leaves
// the window on f + 365, and a case filed after asOf (a future-dated case,
// ignored until then) enters on its filing date. ok is false when no date
// can do that, so the company's score cannot change until its cases change.
//
// Score(cases, d, th) is SameAs Score(cases, asOf, th) for every d from
// asOf up to the day before the returned date. On that date the counted
// cases change; the score itself may still stay the same (for example when
// it is 0 before and after), so the date is a safe bound for a daily
// rescore to skip companies, never a promise of a change.
func NextChange(cases []Case, asOf Date) (next Date, ok bool) {
	windowStart := asOf - WindowDays
	for i := range cases {
		c := &cases[i]
		if c.Removed {
			continue
		}
		var d Date
		switch {
		case c.FilingDate > asOf:
			d = c.FilingDate
		case c.FilingDate > windowStart:
			d = c.FilingDate + WindowDays
		default:
			continue
		}
		if !ok || d < next {
			next, ok = d, true
		}
	}
	return next, ok
}
