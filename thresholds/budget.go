package thresholds

import (
	"errors"
	"fmt"

	"github.com/arbsync/arbsync/scoring"
)

// Budget is one severity's alert budget and global threshold. Compute
// derives both from the fixed thresholds of Params (Flagged = the companies
// scoring below the fixed threshold, Threshold = the fixed threshold);
// ComputeBudgets takes them as given, so that the backtest can run the
// method for another score at the alert volume of the fixed rule.
type Budget struct {
	// Flagged is how many of the N scored companies the budget flags: the
	// method's q is Flagged / N.
	Flagged int
	// Threshold is the global threshold: the parent the sections shrink
	// toward, the centre of the bounds (Threshold ± Params.Bound), and what
	// Row.FlaggedFixed counts scores below. It must lie in [0, 100].
	Threshold scoring.Points
}

// Budgets are the warning and the urgent budget.
type Budgets struct {
	Warning, Urgent Budget
}

// FixedBudgets returns the budgets Compute uses for scores: the companies
// below p's fixed thresholds, and the fixed thresholds themselves.
func FixedBudgets(scores []CompanyScore, p Params) Budgets {
	b := Budgets{Warning: Budget{Threshold: p.FixedWarning}, Urgent: Budget{Threshold: p.FixedUrgent}}
	for _, c := range scores {
		if c.Score < p.FixedWarning {
			b.Warning.Flagged++
		}
		if c.Score < p.FixedUrgent {
			b.Urgent.Flagged++
		}
	}
	return b
}

// ComputeBudgets is Compute with explicit budgets in place of those of p's
// fixed thresholds; p's M, Bound, MaxStep and UrgentGap apply as in
// Compute. ComputeBudgets(week, scores, previous, p, FixedBudgets(scores,
// p)) returns exactly Compute's rows. The bounds centre on each budget's
// Threshold, so with a threshold near 0 or 100 they reach outside [0, 100],
// and the urgent gap (step 6) may take urgent below its lower bound when the
// two thresholds are less than UrgentGap apart.
func ComputeBudgets(week scoring.Date, scores []CompanyScore, previous map[Key]scoring.Points, p Params, b Budgets) ([]Row, error) {
	return compute(week, scores, previous, p, &b)
}

// validate reports budgets that cannot apply to n scored companies.
func (b Budgets) validate(n int) error {
	var errs []error
	for _, s := range []struct {
		name string
		b    Budget
	}{{"warning", b.Warning}, {"urgent", b.Urgent}} {
		if s.b.Flagged < 0 || s.b.Flagged > n {
			errs = append(errs, fmt.Errorf("%s budget flags %d of %d companies", s.name, s.b.Flagged, n))
		}
		if s.b.Threshold < 0 || s.b.Threshold > scoring.WholePoints(100) {
			errs = append(errs, fmt.Errorf("%s budget threshold %s is outside [0, 100]", s.name, s.b.Threshold))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("threshold budgets: %w", err)
	}
	return nil
}
