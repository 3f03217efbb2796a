package thresholds

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/arbsync/arbsync/scoring"
)

// randomPopulation returns companies in a few sections and divisions with
// scores spread over [0, 100], and random previous values for some keys.
func randomPopulation(rng *rand.Rand, div2sec map[int]string) ([]CompanyScore, map[Key]scoring.Points) {
	n := 1 + rng.IntN(400)
	divisions := []int{1, 2, 13, 14, 15, 44, 70, 97}
	scores := make([]CompanyScore, n)
	for i := range scores {
		dv := divisions[rng.IntN(len(divisions))]
		c := CompanyScore{Section: div2sec[dv], Division: divisionCode(dv)}
		if rng.IntN(6) == 0 {
			c.Division = ""
		}
		switch rng.IntN(3) {
		case 0:
			c.Score = scoring.WholePoints(100)
		case 1:
			c.Score = scoring.Points(rng.IntN(10001))
		default:
			c.Score = scoring.Points(rng.IntN(6001))
		}
		scores[i] = c
	}
	prev := map[Key]scoring.Points{}
	for _, code := range []string{"A", "C", "D", "K", "T", "01", "13", "15", "44", "97"} {
		for _, sev := range severities {
			if rng.IntN(2) == 0 {
				prev[Key{code, sev}] = scoring.Points(2000 + rng.IntN(6001))
			}
		}
	}
	return scores, prev
}

// TestComputeInvariants rechecks every row of random populations from
// first principles: membership, budgets, percentile_cont, the shrinkage
// formula, the clamps in order, and the flag counts.
func TestComputeInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	div2sec := gbt4754()
	p := DefaultParams()
	for iter := range 500 {
		scores, prev := randomPopulation(rng, div2sec)
		rows, err := Compute(monday, scores, prev, p)
		if err != nil {
			t.Fatal(err)
		}
		var belowW, belowU int
		members := map[string][]float64{}
		for _, c := range scores {
			if c.Score < p.FixedWarning {
				belowW++
			}
			if c.Score < p.FixedUrgent {
				belowU++
			}
			members[c.Section] = append(members[c.Section], c.Score.Float64())
			if c.Division != "" {
				members[c.Division] = append(members[c.Division], c.Score.Float64())
			}
		}
		if len(rows) != 2*len(members) {
			t.Fatalf("iter %d: %d rows for %d industries", iter, len(rows), len(members))
		}
		final := map[Key]scoring.Points{}
		shrunk := map[Key]scoring.Points{}
		for _, r := range rows {
			final[r.Key()], shrunk[r.Key()] = r.Final, r.Shrunk
		}
		for _, r := range rows {
			xs := members[r.Industry]
			slices.Sort(xs)
			below, fixed := belowW, p.FixedWarning
			if r.Severity == SeverityUrgent {
				below, fixed = belowU, p.FixedUrgent
			}
			q := float64(below) / float64(len(scores))
			near := func(got scoring.Points, want float64) bool { return math.Abs(got.Float64()-want) <= 0.005+1e-9 }
			switch {
			case r.N != len(xs):
				t.Fatalf("%+v: n %d, want %d", r.Key(), r.N, len(xs))
			case r.Q != q:
				t.Fatalf("%+v: q %v, want %v", r.Key(), r.Q, q)
			case !near(r.Raw, Percentile(xs, q)):
				t.Fatalf("%+v: raw %s, percentile_cont %v", r.Key(), r.Raw, Percentile(xs, q))
			case !near(r.P10, Percentile(xs, 0.1)) || !near(r.P50, Percentile(xs, 0.5)) || !near(r.P90, Percentile(xs, 0.9)):
				t.Fatalf("%+v: percentiles %s %s %s", r.Key(), r.P10, r.P50, r.P90)
			}
			wantParent := fixed
			if r.Level == LevelDivision {
				wantParent = shrunk[Key{r.ParentIndustry, r.Severity}]
				if r.ParentIndustry != div2sec[mustDivision(r.Industry)] {
					t.Fatalf("%+v: parent industry %q", r.Key(), r.ParentIndustry)
				}
			}
			if r.Parent != wantParent || r.Shrunk != shrink(r.N, r.Raw, p.M, r.Parent) {
				t.Fatalf("%+v: parent %s (want %s), shrunk %s", r.Key(), r.Parent, wantParent, r.Shrunk)
			}
			// Replay the clamps in the method's order.
			v, b := r.Shrunk, BoundNone
			if v < fixed-p.Bound {
				v, b = fixed-p.Bound, BoundLower
			} else if v > fixed+p.Bound {
				v, b = fixed+p.Bound, BoundUpper
			}
			if pv, ok := prev[r.Key()]; ok {
				if r.Previous == nil || *r.Previous != pv {
					t.Fatalf("%+v: previous %v, want %s", r.Key(), r.Previous, pv)
				}
				if v > pv+p.MaxStep {
					v, b = pv+p.MaxStep, BoundStepUp
				} else if v < pv-p.MaxStep {
					v, b = pv-p.MaxStep, BoundStepDown
				}
			} else if r.Previous != nil {
				t.Fatalf("%+v: previous %s, want none", r.Key(), *r.Previous)
			}
			if r.Severity == SeverityUrgent {
				if w := final[Key{r.Industry, SeverityWarning}]; v > w-p.UrgentGap {
					v, b = w-p.UrgentGap, BoundUrgentGap
				}
				if r.Final > final[Key{r.Industry, SeverityWarning}]-p.UrgentGap {
					t.Fatalf("%+v: urgent %s above warning − 5", r.Key(), r.Final)
				}
			}
			if r.Final != v || r.Bound != b {
				t.Fatalf("%+v: final %s bound %s, replay gives %s %s", r.Key(), r.Final, r.Bound, v, b)
			}
			var fixedFlags, dynFlags int
			for _, x := range xs {
				if x < fixed.Float64() {
					fixedFlags++
				}
				if x < r.Final.Float64() {
					dynFlags++
				}
			}
			if r.FlaggedFixed != fixedFlags || r.FlaggedDynamic != dynFlags {
				t.Fatalf("%+v: flagged %d/%d, want %d/%d", r.Key(), r.FlaggedFixed, r.FlaggedDynamic, fixedFlags, dynFlags)
			}
		}
	}
}

func mustDivision(code string) int {
	n, err := divisionNumber(code)
	if err != nil {
		panic(err)
	}
	return n
}
