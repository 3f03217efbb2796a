package thresholds

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/arbsync/arbsync/scoring"
)

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

// Interval is a 95% confidence interval, undefined (Valid false) when it
// cannot be estimated.
type Interval struct {
	Low, High float64
	Valid     bool
}

// MarshalJSON writes [low, high], or null when undefined.
func (i Interval) MarshalJSON() ([]byte, error) {
	if !i.Valid {
		return []byte("null"), nil
	}
	return json.Marshal([2]float64{i.Low, i.High})
}

// z95 is the standard normal quantile of 0.975.
const z95 = 1.959963984540054

// Wilson returns the 95% Wilson score interval of a proportion of x
// successes in n trials. x and n may be fractional (expected counts, or an
// effective sample size); the interval is undefined when n ≤ 0 or x is
// outside [0, n].
func Wilson(x, n float64) Interval {
	if !(n > 0) || x < 0 || x > n {
		return Interval{}
	}
	p := x / n
	z2 := z95 * z95
	den := 1 + z2/n
	centre := (p + z2/(2*n)) / den
	half := z95 / den * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	return Interval{Low: max(0, centre-half), High: min(1, centre+half), Valid: true}
}

// Clustered is a ratio estimate R = Σx / Σn over clusters (companies): each
// cluster adds its own x and n (its hits and flagged company-weeks, say).
// Its interval accounts for the correlation of a cluster's observations:
// the cluster-robust (linearization) variance of the ratio,
//
//	Var(R) = C/(C−1) · Σ_c (x_c − R·n_c)² / (Σn)²,
//
// over the C clusters with n_c > 0, gives the design effect
// deff = Var(R) / (R(1−R)/Σn) (at least 1), and the interval is Wilson's
// at the effective sample size Σn / deff. So one company's weeks, which
// move together, count for about as much as the independent evidence they
// carry. When R is 0 or 1 the design effect cannot be estimated, and each
// cluster counts as one observation (as if its weeks were copies).
type Clustered struct {
	x, n, xx, xn, nn float64
	clusters         int // with n_c > 0
}

// Add adds one cluster's totals. A cluster with n = 0 (a company never
// flagged, for a precision) adds nothing.
func (c *Clustered) Add(x, n float64) {
	if n <= 0 {
		return
	}
	c.x += x
	c.n += n
	c.xx += x * x
	c.xn += x * n
	c.nn += n * n
	c.clusters++
}

// Estimate returns Σx / Σn, undefined when Σn = 0.
func (c Clustered) Estimate() Ratio { return ratio(c.x, c.n) }

// Interval returns the 95% interval of the estimate; it is undefined with
// fewer than two clusters or when the estimate is.
func (c Clustered) Interval() Interval {
	if c.clusters < 2 || !(c.n > 0) {
		return Interval{}
	}
	r := c.x / c.n
	naive := r * (1 - r) / c.n
	if naive <= 0 {
		return Wilson(r*float64(c.clusters), float64(c.clusters)) // 0 or 1: every cluster agrees
	}
	ss := max(0, c.xx-2*r*c.xn+r*r*c.nn)
	robust := float64(c.clusters) / float64(c.clusters-1) * ss / (c.n * c.n)
	deff := max(1, robust/naive)
	return Wilson(r*c.n/deff, c.n/deff)
}

// Contrast is the difference R_a − R_b of two ratio estimates over the
// same clusters (the precision of two methods on the same companies, say),
// with a cluster-robust 95% interval: the linearized difference
// e_c = (x_a,c − R_a·n_a,c)/Σn_a − (x_b,c − R_b·n_b,c)/Σn_b has variance
// C/(C−1)·Σ e_c² over the C clusters with n_a,c + n_b,c > 0, and the
// interval is the difference ± 1.96 standard errors. Because both estimates
// see the same companies, their shared noise cancels: a paired interval is
// much narrower than the two separate ones suggest.
type Contrast struct {
	xa, na, xb, nb         float64
	xaxa, xana, nana       float64
	xbxb, xbnb, nbnb       float64
	xaxb, xanb, naxb, nanb float64
	clusters               int
}

// Add adds one cluster's totals of both estimates.
func (c *Contrast) Add(xa, na, xb, nb float64) {
	if na+nb <= 0 {
		return
	}
	c.xa, c.na, c.xb, c.nb = c.xa+xa, c.na+na, c.xb+xb, c.nb+nb
	c.xaxa, c.xana, c.nana = c.xaxa+xa*xa, c.xana+xa*na, c.nana+na*na
	c.xbxb, c.xbnb, c.nbnb = c.xbxb+xb*xb, c.xbnb+xb*nb, c.nbnb+nb*nb
	c.xaxb, c.xanb, c.naxb, c.nanb = c.xaxb+xa*xb, c.xanb+xa*nb, c.naxb+na*xb, c.nanb+na*nb
	c.clusters++
}

// Estimate returns R_a − R_b with its interval; undefined when either
// denominator is 0, its interval with fewer than two clusters.
func (c Contrast) Estimate() Estimate {
	if !(c.na > 0) || !(c.nb > 0) {
		return Estimate{}
	}
	ra, rb := c.xa/c.na, c.xb/c.nb
	e := Estimate{Ratio: Ratio{Value: ra - rb, Valid: true}}
	if c.clusters < 2 {
		return e
	}
	uaua := c.xaxa - 2*ra*c.xana + ra*ra*c.nana
	ubub := c.xbxb - 2*rb*c.xbnb + rb*rb*c.nbnb
	uaub := c.xaxb - rb*c.xanb - ra*c.naxb + ra*rb*c.nanb
	v := float64(c.clusters) / float64(c.clusters-1) *
		(uaua/(c.na*c.na) + ubub/(c.nb*c.nb) - 2*uaub/(c.na*c.nb))
	half := z95 * math.Sqrt(max(0, v))
	e.CI = Interval{Low: e.Value - half, High: e.Value + half, Valid: true}
	return e
}

// Cut flags the k lowest of a week's scores with ties at the cut shared:
// every score below At is flagged, and of the scores equal to At a share
// Share, so that exactly k are flagged in expectation when ties are broken
// at random. When the k-th and the (k+1)-th lowest scores differ, Share is 1
// and the cut is the strict threshold "score ≤ At".
type Cut struct {
	At    scoring.Points
	Share float64
}

// CutAt returns the cut that flags the k lowest of sorted (ascending). k is
// clamped to [0, len(sorted)]; k = 0 flags nothing.
func CutAt(sorted []scoring.Points, k int) Cut {
	k = min(max(k, 0), len(sorted))
	if k == 0 {
		return Cut{At: -1}
	}
	at := sorted[k-1]
	below, _ := slices.BinarySearch(sorted, at)
	equal := countBelow(sorted, at+1) - below
	return Cut{At: at, Share: float64(k-below) / float64(equal)}
}

// Weight returns how much of a company with score s the cut flags: 1 below
// At, Share at At, 0 above.
func (c Cut) Weight(s scoring.Points) float64 {
	switch {
	case s < c.At:
		return 1
	case s == c.At:
		return c.Share
	}
	return 0
}

// VolumeThreshold returns the global threshold that stands for "the k
// lowest of sorted" in the weekly method (a Budget's Threshold): fixed
// itself when exactly k scores lie below it, as they always do for the
// score whose fixed thresholds set k; else the least threshold that flags
// all k under the strict rule score < threshold (the k-th lowest score +
// 0.01, at most 100); for k = 0 the lowest score, which flags none.
func VolumeThreshold(sorted []scoring.Points, k int, fixed scoring.Points) scoring.Points {
	if len(sorted) == 0 || countBelow(sorted, fixed) == k {
		return fixed
	}
	if k <= 0 {
		return sorted[0]
	}
	return min(sorted[min(k, len(sorted))-1]+1, scoring.WholePoints(100))
}

// pointsRange is the number of distinct scores, 0.00 … 100.00.
const pointsRange = 10001

// Ranking measures how well a score ranks observations by an outcome: its
// AUC is the probability that a positive observation scores lower
// (riskier) than a negative one, ties counting half. Add every
// observation, then call Finish before AUC, Placement or AddCluster.
//
// Its interval is the clustered one of Obuchowski (Biometrics 53, 1997),
// which is DeLong's when every cluster is one observation: each cluster c
// (a company) contributes V10_c, the sum over its positives of the share of
// all negatives they outrank, and V01_c, the sum over its negatives of the
// share of all positives that outrank them; with m_c positives and n_c
// negatives in c, M and N in all, and A the AUC,
//
//	S10 = I10/((I10−1)·M) · Σ (V10_c − m_c·A)²    (I10 clusters with a positive)
//	S01 = I01/((I01−1)·N) · Σ (V01_c − n_c·A)²    (I01 clusters with a negative)
//	S11 = I/(I−1) · Σ (V10_c − m_c·A)(V01_c − n_c·A)
//	Var(A) = S10/M + S01/N + 2·S11/(M·N),
//
// and the interval is A ± 1.96·√Var(A), within [0, 1].
type Ranking struct {
	pos, neg []int64 // counts by score; cumulative (≤ score) after Finish
	m, n     int64
	auc      float64

	s10, s01, s11          float64
	i10, i01, clusters     int
	clusterV10, clusterV01 float64
	clusterM, clusterN     int
	d10, d01               float64 // the last cluster's deviations, for AUCPair
}

// Add counts one observation. Scores outside [0, 100] are clamped.
func (r *Ranking) Add(s scoring.Points, positive bool) {
	if r.pos == nil {
		r.pos, r.neg = make([]int64, pointsRange), make([]int64, pointsRange)
	}
	i := min(max(int(s), 0), pointsRange-1)
	if positive {
		r.pos[i]++
		r.m++
	} else {
		r.neg[i]++
		r.n++
	}
}

// Finish computes the AUC; no Add may follow.
func (r *Ranking) Finish() {
	if r.pos == nil {
		return
	}
	var pairs float64 // Σ over positives of (negatives above + ½ negatives equal)
	negAbove := r.n   // negatives scoring above the current score, before subtracting its own
	var cumPos, cumNeg int64
	for s := range pointsRange {
		p, ng := r.pos[s], r.neg[s]
		negAbove -= ng
		pairs += float64(p) * (float64(negAbove) + float64(ng)/2)
		cumPos += p
		cumNeg += ng
		r.pos[s], r.neg[s] = cumPos, cumNeg
	}
	if r.m > 0 && r.n > 0 {
		r.auc = pairs / (float64(r.m) * float64(r.n))
	}
}

// AUC returns the AUC, undefined without both a positive and a negative.
func (r *Ranking) AUC() Ratio {
	if r.m == 0 || r.n == 0 {
		return Ratio{}
	}
	return Ratio{Value: r.auc, Valid: true}
}

// Placement returns an observation's share of the other class it is
// ranked correctly against: for a positive, the share of negatives scoring
// higher (ties half); for a negative, the share of positives scoring lower
// (ties half). It is 0 when the other class is empty.
func (r *Ranking) Placement(s scoring.Points, positive bool) float64 {
	i := min(max(int(s), 0), pointsRange-1)
	at := func(cum []int64) (below, equal int64) {
		if i > 0 {
			below = cum[i-1]
		}
		return below, cum[i] - below
	}
	if positive {
		if r.n == 0 {
			return 0
		}
		below, equal := at(r.neg)
		return (float64(r.n-below-equal) + float64(equal)/2) / float64(r.n)
	}
	if r.m == 0 {
		return 0
	}
	below, equal := at(r.pos)
	return (float64(below) + float64(equal)/2) / float64(r.m)
}

// AddObservation adds one observation of the current cluster (after
// Finish); EndCluster closes the cluster.
func (r *Ranking) AddObservation(s scoring.Points, positive bool) {
	v := r.Placement(s, positive)
	if positive {
		r.clusterV10 += v
		r.clusterM++
	} else {
		r.clusterV01 += v
		r.clusterN++
	}
}

// EndCluster adds the current cluster's placements to the variance sums.
// A cluster without observations is not counted.
func (r *Ranking) EndCluster() {
	r.d10, r.d01 = 0, 0
	if r.clusterM+r.clusterN == 0 {
		return
	}
	d10 := r.clusterV10 - float64(r.clusterM)*r.auc
	d01 := r.clusterV01 - float64(r.clusterN)*r.auc
	r.d10, r.d01 = d10, d01
	r.s10 += d10 * d10
	r.s01 += d01 * d01
	r.s11 += d10 * d01
	if r.clusterM > 0 {
		r.i10++
	}
	if r.clusterN > 0 {
		r.i01++
	}
	r.clusters++
	r.clusterV10, r.clusterV01, r.clusterM, r.clusterN = 0, 0, 0, 0
}

// Interval returns the AUC's clustered 95% interval, undefined with fewer
// than two clusters holding a positive or two holding a negative.
func (r *Ranking) Interval() Interval {
	if !r.estimable() {
		return Interval{}
	}
	half := z95 * math.Sqrt(max(0, r.covariance(r.s10, r.s01, 2*r.s11)))
	return Interval{Low: max(0, r.auc-half), High: min(1, r.auc+half), Valid: true}
}

func (r *Ranking) estimable() bool { return r.i10 >= 2 && r.i01 >= 2 && r.clusters >= 2 }

// covariance is Obuchowski's (co)variance from the sums of products of the
// clusters' deviations: Σ d10·d10', Σ d01·d01' and Σ (d10·d01' + d10'·d01).
func (r *Ranking) covariance(s10, s01, s11 float64) float64 {
	m, n := float64(r.m), float64(r.n)
	return float64(r.i10)/(float64(r.i10-1)*m)*s10/m + float64(r.i01)/(float64(r.i01-1)*n)*s01/n +
		float64(r.clusters)/float64(r.clusters-1)*s11/(m*n)
}

// AUCPair compares two scores' rankings of the same observations (two
// rules on the same company-weeks): the difference of their AUCs with a
// paired, clustered 95% interval, Var(A_b − A_a) = Var(A_a) + Var(A_b) −
// 2·Cov(A_a, A_b), the covariance from the same clusters' deviations. Feed
// both Rankings the same observations, call Add after each cluster's
// EndCluster on both, then Difference.
type AUCPair struct {
	s10, s01, s11 float64
}

// Add records the cluster both rankings just ended.
func (p *AUCPair) Add(a, b *Ranking) {
	p.s10 += a.d10 * b.d10
	p.s01 += a.d01 * b.d01
	p.s11 += a.d10*b.d01 + b.d10*a.d01
}

// Difference returns A_b − A_a, undefined when either AUC is, its interval
// when it cannot be estimated.
func (p AUCPair) Difference(a, b *Ranking) Estimate {
	aa, ab := a.AUC(), b.AUC()
	if !aa.Valid || !ab.Valid {
		return Estimate{}
	}
	e := Estimate{Ratio: Ratio{Value: ab.Value - aa.Value, Valid: true}}
	if !a.estimable() || !b.estimable() {
		return e
	}
	v := a.covariance(a.s10, a.s01, 2*a.s11) + b.covariance(b.s10, b.s01, 2*b.s11) - 2*a.covariance(p.s10, p.s01, p.s11)
	half := z95 * math.Sqrt(max(0, v))
	e.CI = Interval{Low: e.Value - half, High: e.Value + half, Valid: true}
	return e
}
