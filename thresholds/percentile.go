package thresholds

import (
	"math"

	"github.com/arbsync/arbsync/scoring"
)

// Percentile returns the q-quantile of sorted (ascending) exactly as
// PostgreSQL's percentile_cont(q) WITHIN GROUP (ORDER BY x) computes it in
// float8: with pos = q·(n−1), lo = floor(pos) and hi = ceil(pos), the
// result is sorted[lo] when lo = hi, else
// sorted[lo] + (pos − lo)·(sorted[hi] − sorted[lo]). It returns NaN when
// sorted is empty (PostgreSQL's NULL) or q is outside [0, 1] (an error in
// PostgreSQL). It exists so a database test can compare the two; Compute
// itself uses the same formula in exact arithmetic (see quantile).
func Percentile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 || !(q >= 0 && q <= 1) {
		return math.NaN()
	}
	pos := q * float64(n-1)
	first, second := math.Floor(pos), math.Ceil(pos)
	lo := sorted[int(first)]
	if first == second {
		return lo
	}
	return lo + (pos-first)*(sorted[int(second)]-lo)
}

// quantile is percentile_cont for q = num/den (0 ≤ num ≤ den, den > 0) over
// a non-empty ascending slice, computed exactly and rounded half-up to
// 0.01: with num·(n−1) = k·den + r, the quantile is
// x[k] + (r/den)·(x[k+1] − x[k]).
func quantile(sorted []scoring.Points, num, den int64) scoring.Points {
	k, r := num*int64(len(sorted)-1)/den, num*int64(len(sorted)-1)%den
	lo := sorted[k]
	if r == 0 {
		return lo
	}
	hi := sorted[k+1]
	return scoring.Points(scoring.RoundHalfUp(int64(lo)*den+r*int64(hi-lo), den))
}

// mean returns the mean of values rounded half-up to 0.01.
func mean(values []scoring.Points) scoring.Points {
	var sum int64
	for _, v := range values {
		sum += int64(v)
	}
	return scoring.Points(scoring.RoundHalfUp(sum, int64(len(values))))
}

// shrink returns (n·raw + m·parent)/(n + m) rounded half-up to 0.01.
func shrink(n int, raw scoring.Points, m int, parent scoring.Points) scoring.Points {
	return scoring.Points(scoring.RoundHalfUp(int64(n)*int64(raw)+int64(m)*int64(parent), int64(n+m)))
}
