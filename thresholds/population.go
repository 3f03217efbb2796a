package thresholds

import (
	"fmt"
	"slices"

	"github.com/arbsync/arbsync/scoring"
)

// population is the scored companies grouped by industry, in two sorted
// copies that share one layout: each section's companies are contiguous,
// those filed under the section itself first, then each division's in code
// order. divisionSorted sorts every division's segment on its own;
// sectionSorted sorts each section's whole span.
type population struct {
	total                     int
	belowWarning, belowUrgent int
	section                   [sectionCount]span
	division                  [maxDivision + 1]span
	divisionsOf               [sectionCount][]int // division numbers per section, ascending
	divisionSorted            []scoring.Points
	sectionSorted             []scoring.Points
}

type span struct{ lo, hi int }

func (s span) len() int { return s.hi - s.lo }

// group validates scores, counts the alert budgets under p's fixed
// thresholds and builds the population in two passes over scores, with a
// fixed number of allocations whatever its size.
func group(scores []CompanyScore, p Params) (*population, error) {
	pop := &population{total: len(scores)}
	var own [sectionCount]int
	var perDivision [maxDivision + 1]int
	var divSection [maxDivision + 1]int // section index + 1; 0 = not seen
	secIdx := make([]uint8, len(scores))
	divNum := make([]uint8, len(scores))

	// Pass 1: validate, count per industry.
	for i, c := range scores {
		s, err := sectionIndex(c.Section)
		if err != nil {
			return nil, fmt.Errorf("scores[%d]: %w", i, err)
		}
		if c.Score < 0 || c.Score > scoring.WholePoints(100) {
			return nil, fmt.Errorf("scores[%d]: score %s is outside [0, 100]", i, c.Score)
		}
		secIdx[i] = uint8(s)
		if c.Score < p.FixedWarning {
			pop.belowWarning++
		}
		if c.Score < p.FixedUrgent {
			pop.belowUrgent++
		}
		if c.Division == "" {
			own[s]++
			continue
		}
		dv, err := divisionNumber(c.Division)
		if err != nil {
			return nil, fmt.Errorf("scores[%d]: %w", i, err)
		}
		switch divSection[dv] {
		case 0:
			divSection[dv] = s + 1
			pop.divisionsOf[s] = append(pop.divisionsOf[s], dv)
		case s + 1:
		default:
			return nil, fmt.Errorf("scores[%d]: division %s is in section %s here but in section %s before",
				i, c.Division, c.Section, sectionCode(divSection[dv]-1))
		}
		divNum[i] = uint8(dv)
		perDivision[dv]++
	}

	// Layout: offsets of every segment.
	var ownSpan [sectionCount]span
	next := 0
	for s := range sectionCount {
		slices.Sort(pop.divisionsOf[s])
		lo := next
		ownSpan[s] = span{next, next + own[s]}
		next += own[s]
		for _, dv := range pop.divisionsOf[s] {
			pop.division[dv] = span{next, next + perDivision[dv]}
			next += perDivision[dv]
		}
		pop.section[s] = span{lo, next}
	}

	// Pass 2: place every score in its segment.
	pop.divisionSorted = make([]scoring.Points, len(scores))
	var cursorOwn [sectionCount]int
	var cursorDiv [maxDivision + 1]int
	for i, c := range scores {
		var at int
		if dv := divNum[i]; dv != 0 {
			at = pop.division[dv].lo + cursorDiv[dv]
			cursorDiv[dv]++
		} else {
			s := secIdx[i]
			at = ownSpan[s].lo + cursorOwn[s]
			cursorOwn[s]++
		}
		pop.divisionSorted[at] = c.Score
	}

	// Companies filed under a section itself form no industry of their
	// own, so their segment stays unsorted in divisionSorted.
	pop.sectionSorted = slices.Clone(pop.divisionSorted)
	for s := range sectionCount {
		for _, dv := range pop.divisionsOf[s] {
			slices.Sort(pop.divisionSorted[pop.division[dv].lo:pop.division[dv].hi])
		}
		slices.Sort(pop.sectionSorted[pop.section[s].lo:pop.section[s].hi])
	}
	return pop, nil
}
