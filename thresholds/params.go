package thresholds

import (
	"errors"
	"fmt"

	"github.com/arbsync/arbsync/scoring"
)

// MethodVersion identifies the threshold method implemented here
// (ARCHITECTURE.md “Thresholds”). Stored rows carry it; change it whenever the method changes.
const MethodVersion = 1

// Params are the knobs of the method. DefaultParams returns ARCHITECTURE.md “Thresholds”'s.
type Params struct {
	// FixedWarning and FixedUrgent are the fixed thresholds: they set the
	// alert budgets, are the global parent of the shrinkage and the centre
	// of the bounds.
	FixedWarning, FixedUrgent scoring.Points
	// M is the shrinkage weight of the parent, in companies.
	M int
	// Bound is how far a final threshold may sit from its fixed threshold.
	Bound scoring.Points
	// MaxStep is how far a final threshold may move from last week's.
	MaxStep scoring.Points
	// UrgentGap is the least distance between an industry's final warning
	// and final urgent thresholds.
	UrgentGap scoring.Points
}

// DefaultParams returns fixed thresholds 60/40, m = 30, bounds ±20,
// weekly steps of at most 10 and an urgent gap of 5.
func DefaultParams() Params {
	return Params{
		FixedWarning: scoring.FixedWarning,
		FixedUrgent:  scoring.FixedUrgent,
		M:            30,
		Bound:        scoring.WholePoints(20),
		MaxStep:      scoring.WholePoints(10),
		UrgentGap:    scoring.WholePoints(5),
	}
}

// Validate reports parameters the method cannot work with.
func (p Params) Validate() error {
	var errs []error
	if p.FixedUrgent <= 0 || p.FixedWarning > scoring.WholePoints(100) {
		errs = append(errs, fmt.Errorf("fixed thresholds %s/%s must lie in (0, 100]", p.FixedWarning, p.FixedUrgent))
	}
	if p.FixedUrgent > p.FixedWarning-p.UrgentGap {
		errs = append(errs, fmt.Errorf("fixed urgent %s must be at most fixed warning %s − urgent gap %s",
			p.FixedUrgent, p.FixedWarning, p.UrgentGap))
	}
	if p.M < 0 || p.M > 1_000_000 {
		errs = append(errs, fmt.Errorf("m = %d must lie in [0, 1000000]", p.M))
	}
	if p.Bound < 0 || p.Bound > scoring.WholePoints(100) {
		errs = append(errs, fmt.Errorf("bound %s must lie in [0, 100]", p.Bound))
	}
	if p.MaxStep <= 0 || p.MaxStep > scoring.WholePoints(100) {
		errs = append(errs, fmt.Errorf("max step %s must lie in (0, 100]", p.MaxStep))
	}
	if p.UrgentGap < 0 {
		errs = append(errs, fmt.Errorf("urgent gap %s must not be negative", p.UrgentGap))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("threshold params: %w", err)
	}
	return nil
}
