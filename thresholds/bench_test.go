package thresholds

import (
	"math/rand/v2"
	"testing"

	"github.com/arbsync/arbsync/scoring"
)

// benchScores returns n companies spread over all 97 divisions with
// uneven weights (a few large divisions, many small ones), 5% filed under
// their section only, and scores shaped like the scoring package's output:
// a third at 100, the rest spread with a heavy low tail.
func benchScores(n int) []CompanyScore {
	rng := rand.New(rand.NewPCG(11, 12))
	div2sec := gbt4754()
	weights := make([]float64, maxDivision+1)
	var total float64
	for d := 1; d <= maxDivision; d++ {
		weights[d] = 1 / float64(1+rng.IntN(30))
		total += weights[d]
	}
	scores := make([]CompanyScore, n)
	for i := range scores {
		x := rng.Float64() * total
		d := 1
		for ; d < maxDivision && x >= weights[d]; d++ {
			x -= weights[d]
		}
		c := CompanyScore{Section: div2sec[d], Division: divisionCode(d)}
		if rng.IntN(20) == 0 {
			c.Division = ""
		}
		switch r := rng.IntN(3); r {
		case 0:
			c.Score = scoring.WholePoints(100)
		default:
			c.Score = scoring.Points(10000 - min(10000, int(rng.ExpFloat64()*2500)))
		}
		scores[i] = c
	}
	return scores
}

// BenchmarkCompute1M computes one week's thresholds over 1,000,000 scores
// in all 97 divisions and 20 sections.
func BenchmarkCompute1M(b *testing.B) {
	scores := benchScores(1_000_000)
	rows, err := Compute(monday, scores, nil, DefaultParams())
	if err != nil {
		b.Fatal(err)
	}
	prev := Finals(rows)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(monday+7, scores, prev, DefaultParams()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rows)), "rows")
}
