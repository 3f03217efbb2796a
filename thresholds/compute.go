package thresholds

import (
	"fmt"
	"slices"
	"time"

	"github.com/arbsync/arbsync/scoring"
)

// CompanyScore is one enabled company's current score and industry.
type CompanyScore struct {
	// Section is the company's GB/T 4754 section, "A"–"T".
	Section string
	// Division is its division, "01"–"97", or "" when the company is filed
	// under the section itself.
	Division string
	// Score is the company's current score, in [0, 100].
	Score scoring.Points
}

// maxCompanies bounds the population so that the exact arithmetic of
// quantile (products up to n²) cannot overflow.
const maxCompanies = 100_000_000

// Compute returns the thresholds of week (a Monday) for every industry with
// at least one scored company: for each section in code order, its
// warning and urgent rows, then those of each of its divisions in code
// order. previous holds last week's final thresholds (nil or missing keys
// when there are none). An empty population yields no rows and no error.
// Errors report invalid params, a week that is not a Monday and invalid
// companies (by index).
func Compute(week scoring.Date, scores []CompanyScore, previous map[Key]scoring.Points, p Params) ([]Row, error) {
	return compute(week, scores, previous, p, nil)
}

func compute(week scoring.Date, scores []CompanyScore, previous map[Key]scoring.Points, p Params, budgets *Budgets) ([]Row, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if wd := week.Weekday(); wd != time.Monday {
		return nil, fmt.Errorf("week %s is a %s, want the Monday of an ISO week", week, wd)
	}
	if len(scores) > maxCompanies {
		return nil, fmt.Errorf("%d scored companies exceed the supported %d", len(scores), maxCompanies)
	}
	pop, err := group(scores, p)
	if err != nil {
		return nil, err
	}
	if pop.total == 0 {
		return nil, nil
	}

	c := computer{week: week, p: p, previous: previous, total: int64(pop.total)}
	c.below[0], c.below[1] = int64(pop.belowWarning), int64(pop.belowUrgent)
	c.fixed = [2]scoring.Points{p.FixedWarning, p.FixedUrgent}
	if budgets != nil {
		if err := budgets.validate(pop.total); err != nil {
			return nil, err
		}
		c.below[0], c.below[1] = int64(budgets.Warning.Flagged), int64(budgets.Urgent.Flagged)
		c.fixed = [2]scoring.Points{budgets.Warning.Threshold, budgets.Urgent.Threshold}
	}
	fixed := c.fixed
	var rows []Row
	for s := range sectionCount {
		span := pop.section[s]
		if span.len() == 0 {
			continue
		}
		code := sectionCode(s)
		sectionRows := c.industry(code, LevelSection, "", pop.sectionSorted[span.lo:span.hi], fixed)
		rows = append(rows, sectionRows[0], sectionRows[1])
		shrunk := [2]scoring.Points{sectionRows[0].Shrunk, sectionRows[1].Shrunk}
		for _, dv := range pop.divisionsOf[s] {
			seg := pop.division[dv]
			if seg.len() == 0 {
				continue
			}
			divRows := c.industry(divisionCode(dv), LevelDivision, code, pop.divisionSorted[seg.lo:seg.hi], shrunk)
			rows = append(rows, divRows[0], divRows[1])
		}
	}
	return rows, nil
}

// computer holds what every industry's computation shares.
type computer struct {
	week     scoring.Date
	p        Params
	previous map[Key]scoring.Points
	total    int64
	below    [2]int64          // companies the warning / urgent budget flags: q = below / total
	fixed    [2]scoring.Points // the global warning / urgent threshold
}

// industry computes the warning and urgent rows of one industry from its
// ascending scores, shrinking toward parent (per severity).
func (c *computer) industry(code string, level IndustryLevel, parentCode string, sorted []scoring.Points, parent [2]scoring.Points) [2]Row {
	n := len(sorted)
	base := Row{
		Week:           c.week,
		Industry:       code,
		Level:          level,
		ParentIndustry: parentCode,
		N:              n,
		P10:            quantile(sorted, 1, 10),
		P25:            quantile(sorted, 1, 4),
		P50:            quantile(sorted, 1, 2),
		P75:            quantile(sorted, 3, 4),
		P90:            quantile(sorted, 9, 10),
		Mean:           mean(sorted),
		MethodVersion:  MethodVersion,
	}
	var rows [2]Row
	for i, sev := range severities {
		r := base
		r.Severity = sev
		r.Q = float64(c.below[i]) / float64(c.total)
		r.Raw = quantile(sorted, c.below[i], c.total)
		r.Parent = parent[i]
		r.Shrunk = shrink(n, r.Raw, c.p.M, r.Parent)
		fixed := c.fixed[i]
		r.Final, r.Bound = r.Shrunk, BoundNone
		clamp(&r.Final, &r.Bound, fixed-c.p.Bound, fixed+c.p.Bound, BoundLower, BoundUpper)
		if prev, ok := c.previous[Key{Industry: code, Severity: sev}]; ok {
			r.Previous = &prev
			clamp(&r.Final, &r.Bound, prev-c.p.MaxStep, prev+c.p.MaxStep, BoundStepDown, BoundStepUp)
		}
		if sev == SeverityUrgent {
			if limit := rows[0].Final - c.p.UrgentGap; r.Final > limit {
				r.Final, r.Bound = limit, BoundUrgentGap
			}
		}
		r.FlaggedFixed = countBelow(sorted, fixed)
		r.FlaggedDynamic = countBelow(sorted, r.Final)
		rows[i] = r
	}
	return rows
}

// clamp limits *v to [lo, hi], recording which side applied.
func clamp(v *scoring.Points, b *Bound, lo, hi scoring.Points, atLo, atHi Bound) {
	switch {
	case *v < lo:
		*v, *b = lo, atLo
	case *v > hi:
		*v, *b = hi, atHi
	}
}

// countBelow returns how many of the ascending values are < t.
func countBelow(sorted []scoring.Points, t scoring.Points) int {
	i, _ := slices.BinarySearch(sorted, t) // first index with value ≥ t
	return i
}
