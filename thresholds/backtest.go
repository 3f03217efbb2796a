package thresholds

import (
	"encoding/json"
	"strconv"
)

// Observation is one company in one week of the backtest: whether each
// method flagged it that week, and whether it received new cases within
// the horizon that followed (90 days in ARCHITECTURE.md “Thresholds”).
type Observation struct {
	FlaggedFixed   bool
	FlaggedDynamic bool
	GotNewCases    bool
}

// BacktestCounts are the tallies the backtest metrics derive from. A
// database can compute them directly with count(*) FILTER (…).
type BacktestCounts struct {
	// Observations is the number of (company, week) observations.
	Observations int
	// Positives is how many of them got new cases within the horizon.
	Positives int
	// FixedFlagged and DynamicFlagged count the observations each method
	// flagged; FixedHits and DynamicHits those flagged that were positive.
	FixedFlagged, FixedHits     int
	DynamicFlagged, DynamicHits int
}

// Tally counts observations.
func Tally(obs []Observation) BacktestCounts {
	c := BacktestCounts{Observations: len(obs)}
	for _, o := range obs {
		if o.GotNewCases {
			c.Positives++
		}
		if o.FlaggedFixed {
			c.FixedFlagged++
			if o.GotNewCases {
				c.FixedHits++
			}
		}
		if o.FlaggedDynamic {
			c.DynamicFlagged++
			if o.GotNewCases {
				c.DynamicHits++
			}
		}
	}
	return c
}

// Ratio is a quotient that is undefined when its denominator is zero.
// It encodes in JSON as a number, or null when undefined.
type Ratio struct {
	Value float64
	Valid bool
}

func ratio(num, den float64) Ratio {
	if den == 0 {
		return Ratio{}
	}
	return Ratio{Value: num / den, Valid: true}
}

// MarshalJSON writes the value, or null when it is undefined.
func (r Ratio) MarshalJSON() ([]byte, error) {
	if !r.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(r.Value)
}

// String formats the value with 4 decimals, or "n/a".
func (r Ratio) String() string {
	if !r.Valid {
		return "n/a"
	}
	return strconv.FormatFloat(r.Value, 'f', 4, 64)
}

// MethodMetrics are one method's backtest metrics.
type MethodMetrics struct {
	// Flagged and Hits are the method's flagged and true-positive counts.
	Flagged, Hits int
	// Precision = Hits / Flagged.
	Precision Ratio
	// Recall = Hits / Positives.
	Recall Ratio
	// Lift = Precision / BaseRate.
	Lift Ratio
}

// BacktestResult compares the fixed and the dynamic thresholds.
type BacktestResult struct {
	BacktestCounts
	// BaseRate = Positives / Observations.
	BaseRate Ratio
	// Fixed and Dynamic are each method's metrics.
	Fixed, Dynamic MethodMetrics
	// PrecisionChange, RecallChange and LiftChange are the relative
	// differences (dynamic − fixed) / fixed: 0.37 means "37% better".
	// Lift and precision change by the same ratio, since both methods
	// share one base rate.
	PrecisionChange, RecallChange, LiftChange Ratio
}

// Backtest tallies obs and evaluates the counts.
func Backtest(obs []Observation) BacktestResult { return Tally(obs).Evaluate() }

// Evaluate derives precision, recall and lift of both methods and their
// relative differences from the counts.
func (c BacktestCounts) Evaluate() BacktestResult {
	res := BacktestResult{BacktestCounts: c}
	res.BaseRate = ratio(float64(c.Positives), float64(c.Observations))
	metrics := func(flagged, hits int) MethodMetrics {
		m := MethodMetrics{Flagged: flagged, Hits: hits}
		m.Precision = ratio(float64(hits), float64(flagged))
		m.Recall = ratio(float64(hits), float64(c.Positives))
		// Lift = (hits/flagged) / (positives/observations), in one division.
		m.Lift = ratio(float64(hits)*float64(c.Observations), float64(flagged)*float64(c.Positives))
		return m
	}
	res.Fixed = metrics(c.FixedFlagged, c.FixedHits)
	res.Dynamic = metrics(c.DynamicFlagged, c.DynamicHits)
	res.PrecisionChange = relativeChange(res.Fixed.Precision, res.Dynamic.Precision)
	res.RecallChange = relativeChange(res.Fixed.Recall, res.Dynamic.Recall)
	res.LiftChange = relativeChange(res.Fixed.Lift, res.Dynamic.Lift)
	return res
}

// relativeChange returns (dynamic − fixed) / fixed, undefined when either is
// undefined or fixed is zero.
func relativeChange(fixed, dynamic Ratio) Ratio {
	if !fixed.Valid || !dynamic.Valid {
		return Ratio{}
	}
	return ratio(dynamic.Value-fixed.Value, fixed.Value)
}
