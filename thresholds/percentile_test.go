package thresholds

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/arbsync/arbsync/scoring"
)

func TestPercentile(t *testing.T) {
	tests := []struct {
		name   string
		sorted []float64
		q      float64
		want   float64
	}{
		{"n=1, q=0", []float64{42}, 0, 42},
		{"n=1, q=0.5", []float64{42}, 0.5, 42},
		{"n=1, q=1", []float64{42}, 1, 42},
		{"n=2, q=0.5 interpolates", []float64{10, 20}, 0.5, 15},
		{"n=2, q=0.25", []float64{10, 20}, 0.25, 12.5},
		{"q=0 is the minimum", []float64{1, 2, 3, 4}, 0, 1},
		{"q=1 is the maximum", []float64{1, 2, 3, 4}, 1, 4},
		{"odd n, median is the middle value", []float64{1, 3, 7, 8, 100}, 0.5, 7},
		{"even n, median interpolates", []float64{1, 3, 7, 100}, 0.5, 5},
		{"q=0.25 lands on an order statistic", []float64{1, 2, 3, 4, 5}, 0.25, 2},
		{"q=0.1 between order statistics", []float64{10, 20, 30, 40}, 0.1, 13},
		{"duplicates, inside a run", []float64{5, 5, 5, 9}, 0.5, 5},
		{"duplicates, leaving a run", []float64{5, 5, 5, 9}, 0.9, 7.8},
		{"all equal", []float64{60, 60, 60}, 0.37, 60},
	}
	for _, tt := range tests {
		if got := Percentile(tt.sorted, tt.q); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: Percentile(%v, %v) = %v, want %v", tt.name, tt.sorted, tt.q, got, tt.want)
		}
	}
	for _, q := range []float64{-0.1, 1.1, math.NaN()} {
		if got := Percentile([]float64{1, 2}, q); !math.IsNaN(got) {
			t.Errorf("Percentile(q=%v) = %v, want NaN", q, got)
		}
	}
	if got := Percentile(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("Percentile(empty) = %v, want NaN", got)
	}
}

func TestQuantileExact(t *testing.T) {
	tests := []struct {
		name     string
		sorted   []string
		num, den int64
		want     string
	}{
		{"n=1", []string{"42"}, 1, 3, "42"},
		{"n=2 median", []string{"10", "20"}, 1, 2, "15"},
		{"q=0", []string{"10", "20", "30"}, 0, 7, "10"},
		{"q=1", []string{"10", "20", "30"}, 7, 7, "30"},
		{"odd n median", []string{"1", "3", "7", "8", "100"}, 1, 2, "7"},
		{"even n median", []string{"1", "3", "7", "100"}, 1, 2, "5"},
		{"duplicates", []string{"5", "5", "5", "9"}, 9, 10, "7.8"},
		{"0.005 rounds half-up", []string{"0", "0.01"}, 1, 2, "0.01"},
		{"0.0025 rounds down", []string{"0", "0.01"}, 1, 4, "0"},
		{"thirds round to hundredths", []string{"0", "100"}, 1, 3, "33.33"},
		{"two thirds", []string{"0", "100"}, 2, 3, "66.67"},
	}
	for _, tt := range tests {
		sorted := make([]scoring.Points, len(tt.sorted))
		for i, s := range tt.sorted {
			sorted[i] = pts(s)
		}
		if got := quantile(sorted, tt.num, tt.den); got != pts(tt.want) {
			t.Errorf("%s: quantile(%v, %d/%d) = %s, want %s", tt.name, tt.sorted, tt.num, tt.den, got, tt.want)
		}
	}
}

// TestQuantileAgreesWithPercentile: the exact quantile is PostgreSQL's
// percentile_cont rounded to the hundredth.
func TestQuantileAgreesWithPercentile(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20_000 {
		n := 1 + rng.IntN(50)
		values := make([]scoring.Points, n)
		floats := make([]float64, n)
		for i := range values {
			values[i] = scoring.Points(rng.IntN(10001))
		}
		slices.Sort(values)
		for i, v := range values {
			floats[i] = v.Float64()
		}
		den := int64(1 + rng.IntN(1000))
		num := rng.Int64N(den + 1)
		exact := quantile(values, num, den).Float64()
		pg := Percentile(floats, float64(num)/float64(den))
		if math.Abs(exact-pg) > 0.005+1e-9 {
			t.Fatalf("quantile(%v, %d/%d) = %v, percentile_cont = %v", values, num, den, exact, pg)
		}
	}
}

func TestShrinkAndMean(t *testing.T) {
	tests := []struct {
		n           int
		raw         string
		m           int
		parent      string
		want        string
		explanation string
	}{
		{10, "50", 30, "60", "57.5", "(10·50 + 30·60)/40"},
		{1, "90", 30, "60", "60.97", "(90 + 1800)/31 = 60.967…"},
		{30, "40", 30, "60", "50", "equal weights: the midpoint"},
		{1000, "45", 30, "60", "45.44", "(45000 + 1800)/1030 = 45.436…"},
		{5, "45", 0, "60", "45", "m = 0: no shrinkage"},
		{1, "0.01", 1, "0", "0.01", "0.005 rounds half-up"},
	}
	for _, tt := range tests {
		if got := shrink(tt.n, pts(tt.raw), tt.m, pts(tt.parent)); got != pts(tt.want) {
			t.Errorf("shrink(%d, %s, %d, %s) = %s, want %s (%s)", tt.n, tt.raw, tt.m, tt.parent, got, tt.want, tt.explanation)
		}
	}
	if got := mean([]scoring.Points{1, 2}); got != 2 {
		t.Errorf("mean(0.01, 0.02) = %s, want 0.02 (0.015 rounds half-up)", got)
	}
	if got := mean([]scoring.Points{1000, 2000, 2000}); got != 1667 {
		t.Errorf("mean(10, 20, 20) = %s, want 16.67", got)
	}
}
