package thresholds

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/arbsync/arbsync/scoring"
)

func near(a, b float64) bool { return math.Abs(a-b) < 5e-7 }

func TestWilson(t *testing.T) {
	tests := []struct {
		x, n      float64
		low, high float64
		valid     bool
	}{
		{0, 10, 0, 0.277533, true},           // upper = z²/(n+z²)
		{5, 10, 0.236593, 0.763407, true},    // symmetric around 1/2
		{10, 10, 0.722467, 1, true},          // lower = n/(n+z²)
		{1, 20, 0.008881, 0.236131, true},    // the textbook example
		{30, 100, 0.218949, 0.395849, true},  // asymmetric around 0.3
		{2.5, 10, 0.080948, 0.557819, true},  // fractional hits (shared ties)
		{0, 0, 0, 0, false},                  // nothing observed
		{3, 2, 0, 0, false},                  // more hits than trials
		{-1, 2, 0, 0, false},                 // negative hits
		{1, math.NaN(), 0, 0, false},         // no sample size
		{1e6, 2e6, 0.499307, 0.500693, true}, // large n: ±1.96·√(pq/n)
	}
	for _, tt := range tests {
		got := Wilson(tt.x, tt.n)
		if got.Valid != tt.valid || tt.valid && (!near(got.Low, tt.low) || !near(got.High, tt.high)) {
			t.Errorf("Wilson(%v, %v) = %+v, want [%v, %v] valid=%v", tt.x, tt.n, got, tt.low, tt.high, tt.valid)
		}
	}
}

func TestClusteredInterval(t *testing.T) {
	// Independent observations (each its own cluster): the design effect is
	// C/(C−1), so the interval is Wilson's at C−1 observations.
	var single Clustered
	for i := range 40 {
		single.Add(float64(i%4/3), 1) // 10 of 40
	}
	if got, want := single.Estimate(), (Ratio{Value: 0.25, Valid: true}); got != want {
		t.Errorf("estimate = %+v, want %+v", got, want)
	}
	if got, want := single.Interval(), Wilson(0.25*39, 39); !near(got.Low, want.Low) || !near(got.High, want.High) {
		t.Errorf("independent clusters: %+v, want Wilson at n = C−1: %+v", got, want)
	}

	// The same companies observed in 52 weeks that all look alike carry no
	// more evidence than one week of them: the interval does not narrow.
	var weekly Clustered
	for i := range 40 {
		weekly.Add(52*float64(i%4/3), 52)
	}
	if got, want := weekly.Interval(), single.Interval(); !near(got.Low, want.Low) || !near(got.High, want.High) {
		t.Errorf("52 identical weeks per company: %+v, want the one-week interval %+v", got, want)
	}
	naive := Wilson(weekly.x, weekly.n)
	if w := weekly.Interval(); w.High-w.Low < 5*(naive.High-naive.Low) {
		t.Errorf("clustered interval %+v is not much wider than the naive %+v", w, naive)
	}

	// Companies that disagree less than chance (all alike) never get an
	// interval narrower than Wilson's.
	var alike Clustered
	for range 10 {
		alike.Add(3, 10)
	}
	if got, want := alike.Interval(), Wilson(30, 100); !near(got.Low, want.Low) || !near(got.High, want.High) {
		t.Errorf("identical clusters: %+v, want at least Wilson's %+v", got, want)
	}

	var one Clustered
	one.Add(3, 10)
	one.Add(0, 0) // never flagged: no part of a precision
	one.Add(0, 0)
	if one.Interval().Valid {
		t.Error("one flagged company: an interval cannot be estimated")
	}

	// Nothing hit: the design effect cannot be estimated, and each company
	// counts once.
	var zero Clustered
	for range 3 {
		zero.Add(0, 20)
	}
	if got, want := zero.Interval(), Wilson(0, 3); got != want {
		t.Errorf("0 of 60 in 3 companies: %+v, want Wilson(0, 3) = %+v", got, want)
	}
	var empty Clustered
	empty.Add(0, 0)
	empty.Add(0, 0)
	if empty.Estimate().Valid || empty.Interval().Valid {
		t.Error("nothing flagged: precision and its interval are undefined")
	}
}

func TestCutAt(t *testing.T) {
	sorted := []scoring.Points{pts("10"), pts("20"), pts("20"), pts("20"), pts("30")}
	tests := []struct {
		k       int
		at      scoring.Points
		weights [5]float64
	}{
		{0, -1, [5]float64{0, 0, 0, 0, 0}}, // below every score
		{1, pts("10"), [5]float64{1, 0, 0, 0, 0}},
		{2, pts("20"), [5]float64{1, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0}}, // one of three tied at 20
		{3, pts("20"), [5]float64{1, 2.0 / 3, 2.0 / 3, 2.0 / 3, 0}},
		{4, pts("20"), [5]float64{1, 1, 1, 1, 0}},
		{5, pts("30"), [5]float64{1, 1, 1, 1, 1}},
		{9, pts("30"), [5]float64{1, 1, 1, 1, 1}}, // clamped to n
	}
	for _, tt := range tests {
		c := CutAt(sorted, tt.k)
		if c.At != tt.at {
			t.Errorf("CutAt(k=%d).At = %s, want %s", tt.k, c.At, tt.at)
		}
		sum := 0.0
		for i, s := range sorted {
			w := c.Weight(s)
			sum += w
			if !near(w, tt.weights[i]) {
				t.Errorf("CutAt(k=%d).Weight(%s) = %v, want %v", tt.k, s, w, tt.weights[i])
			}
		}
		if want := float64(min(tt.k, len(sorted))); !near(sum, want) {
			t.Errorf("CutAt(k=%d) flags %v in all, want %v", tt.k, sum, want)
		}
	}
	if CutAt(nil, 3).Weight(0) != 0 {
		t.Error("an empty week flags nothing")
	}
}

// For the score whose fixed threshold sets k, the cut is exactly the fixed
// threshold: everything below 60 flagged in full, nothing else.
func TestCutAtFixedVolumeIsTheFixedThreshold(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 50 {
		sorted := make([]scoring.Points, 1+r.IntN(300))
		for i := range sorted {
			sorted[i] = scoring.Points(r.IntN(21) * 500) // many ties: multiples of 5
		}
		slices.Sort(sorted)
		k := countBelow(sorted, scoring.FixedWarning)
		c := CutAt(sorted, k)
		for _, s := range sorted {
			want := 0.0
			if s < scoring.FixedWarning {
				want = 1
			}
			if c.Weight(s) != want {
				t.Fatalf("k=%d: weight of %s = %v, want %v", k, s, c.Weight(s), want)
			}
		}
		if got := VolumeThreshold(sorted, k, scoring.FixedWarning); got != scoring.FixedWarning {
			t.Fatalf("VolumeThreshold = %s, want the fixed 60", got)
		}
	}
}

func TestVolumeThreshold(t *testing.T) {
	sorted := []scoring.Points{pts("10"), pts("20"), pts("20"), pts("71.99"), pts("100")}
	tests := []struct {
		k     int
		fixed string
		want  string
	}{
		{3, "60", "60"},       // exactly 3 below 60: the fixed threshold itself
		{3, "20.01", "20.01"}, // exactly 3 below 20.01: fixed again
		{4, "60", "72"},       // the 4th lowest is 71.99: flag all four with < 72
		{2, "60", "20.01"},    // the 2nd lowest is 20 (tied): < 20.01 flags three
		{1, "60", "10.01"},
		{5, "60", "100"}, // 100.01 is past the scale
		{0, "60", "10"},  // flags none
		{0, "10", "10"},  // fixed flags none already
	}
	for _, tt := range tests {
		if got := VolumeThreshold(sorted, tt.k, pts(tt.fixed)); got != pts(tt.want) {
			t.Errorf("VolumeThreshold(k=%d, fixed %s) = %s, want %s", tt.k, tt.fixed, got, tt.want)
		}
	}
}

// ranking builds a finished Ranking of (score, positive) pairs.
func ranking(pos, neg []string) *Ranking {
	r := &Ranking{}
	for _, s := range pos {
		r.Add(pts(s), true)
	}
	for _, s := range neg {
		r.Add(pts(s), false)
	}
	r.Finish()
	return r
}

func TestAUC(t *testing.T) {
	tests := []struct {
		name     string
		pos, neg []string
		want     Ratio
	}{
		{"perfect: every positive scores lower", []string{"0", "10"}, []string{"50", "100"}, Ratio{1, true}},
		{"reversed", []string{"50", "100"}, []string{"0", "10"}, Ratio{0, true}},
		{"all tied: a coin toss", []string{"100", "100"}, []string{"100", "100", "100"}, Ratio{0.5, true}},
		// pairs: (10,20)=1 (10,30)=1 (20,20)=½ (20,30)=1 → 3.5/4
		{"ties count half", []string{"10", "20"}, []string{"20", "30"}, Ratio{0.875, true}},
		// 0 beats all 3; 60 ties one 60 and beats 100 → 1.5; 100 ties 100 → 0.5 → 5/9
		{"rule 1 shape", []string{"0", "60", "100"}, []string{"60", "100", "0.01"}, Ratio{5.0 / 9, true}},
		{"no positives", nil, []string{"20"}, Ratio{}},
		{"no negatives", []string{"20"}, nil, Ratio{}},
		{"nothing", nil, nil, Ratio{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ranking(tt.pos, tt.neg).AUC()
			if got.Valid != tt.want.Valid || !near(got.Value, tt.want.Value) {
				t.Errorf("AUC = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// The AUC, its placements and its interval agree with a brute-force count
// over all pairs and with DeLong's variance when every cluster is one
// observation.
func TestAUCAgreesWithPairsAndDeLong(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		n := 5 + r.IntN(200)
		scores := make([]scoring.Points, n)
		positive := make([]bool, n)
		rk := &Ranking{}
		for i := range n {
			scores[i] = scoring.Points(r.IntN(11) * 1000) // ties
			positive[i] = r.IntN(3) == 0
			if positive[i] {
				scores[i] -= scoring.Points(r.IntN(2) * 1000) // riskier, a little
				scores[i] = max(scores[i], 0)
			}
			rk.Add(scores[i], positive[i])
		}
		rk.Finish()
		var pairs, m, nn float64
		v10 := map[int]float64{}
		v01 := map[int]float64{}
		for i := range n {
			if !positive[i] {
				nn++
				continue
			}
			m++
			for j := range n {
				if positive[j] {
					continue
				}
				psi := 0.0
				switch {
				case scores[i] < scores[j]:
					psi = 1
				case scores[i] == scores[j]:
					psi = 0.5
				}
				pairs += psi
				v10[i] += psi
				v01[j] += psi
			}
		}
		if m == 0 || nn == 0 {
			if rk.AUC().Valid {
				t.Fatalf("trial %d: AUC defined without both classes", trial)
			}
			continue
		}
		a := pairs / (m * nn)
		if got := rk.AUC(); !got.Valid || !near(got.Value, a) {
			t.Fatalf("trial %d: AUC = %+v, brute force %v", trial, got, a)
		}
		var s10, s01 float64
		for i := range n {
			if positive[i] {
				p := v10[i] / nn
				if got := rk.Placement(scores[i], true); !near(got, p) {
					t.Fatalf("trial %d: placement of positive %s = %v, want %v", trial, scores[i], got, p)
				}
				s10 += (p - a) * (p - a)
			} else {
				p := v01[i] / m
				if got := rk.Placement(scores[i], false); !near(got, p) {
					t.Fatalf("trial %d: placement of negative %s = %v, want %v", trial, scores[i], got, p)
				}
				s01 += (p - a) * (p - a)
			}
			rk.AddObservation(scores[i], positive[i])
			rk.EndCluster()
		}
		if m < 2 || nn < 2 {
			continue
		}
		half := z95 * math.Sqrt(s10/(m-1)/m+s01/(nn-1)/nn)
		got := rk.Interval()
		if !got.Valid || !near(got.Low, max(0, a-half)) || !near(got.High, min(1, a+half)) {
			t.Fatalf("trial %d: interval %+v, DeLong [%v, %v]", trial, got, a-half, a+half)
		}
	}
}

// A company observed in many weeks that all look alike is one piece of
// evidence: repeating each company's observation 52 times leaves the AUC
// and its interval as they were.
func TestAUCIntervalDoesNotNarrowWithRepeatedWeeks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	type obs struct {
		s   scoring.Points
		pos bool
	}
	companies := make([]obs, 60)
	for i := range companies {
		companies[i] = obs{scoring.Points(r.IntN(101) * 100), r.IntN(3) == 0}
		if companies[i].pos {
			companies[i].s /= 2
		}
	}
	build := func(weeks int) *Ranking {
		rk := &Ranking{}
		for _, c := range companies {
			for range weeks {
				rk.Add(c.s, c.pos)
			}
		}
		rk.Finish()
		for _, c := range companies {
			for range weeks {
				rk.AddObservation(c.s, c.pos)
			}
			rk.EndCluster()
		}
		return rk
	}
	once, weekly := build(1), build(52)
	if !near(once.AUC().Value, weekly.AUC().Value) {
		t.Fatalf("AUC %v vs %v", once.AUC(), weekly.AUC())
	}
	a, b := once.Interval(), weekly.Interval()
	if !a.Valid || !near(a.Low, b.Low) || !near(a.High, b.High) {
		t.Errorf("interval over 52 identical weeks %+v, want the one-week interval %+v", b, a)
	}
}

func TestEstimateJSON(t *testing.T) {
	b, err := json.Marshal([]Estimate{
		{Ratio: Ratio{Value: 0.25, Valid: true}, CI: Interval{Low: 0.2, High: 0.3, Valid: true}},
		{Ratio: Ratio{Value: 0.5, Valid: true}},
		{},
	})
	if err != nil || string(b) != `[{"value":0.25,"ci":[0.2,0.3]},{"value":0.5,"ci":null},{"value":null,"ci":null}]` {
		t.Errorf("JSON = %s, %v", b, err)
	}
	if s := (Ratio{Value: 1.0 / 3, Valid: true}).String(); s != "0.3333" {
		t.Errorf("Ratio.String = %q", s)
	}
}

func TestContrast(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	type cluster struct{ xa, na, xb, nb float64 }
	cs := make([]cluster, 80)
	for i := range cs {
		n := float64(1 + r.IntN(10))
		x := float64(r.IntN(int(n) + 1))
		extra := 0.0
		if x < n && r.IntN(3) == 0 {
			extra = 1 // b hits one more in a third of the companies
		}
		cs[i] = cluster{x, n, x + extra, n}
	}
	contrast := func(weeks float64, pick func(c cluster) cluster) Contrast {
		var c Contrast
		for _, x := range cs {
			p := pick(x)
			c.Add(weeks*p.xa, weeks*p.na, weeks*p.xb, weeks*p.nb)
		}
		return c
	}

	// A precision against itself: exactly 0, no width.
	self := contrast(1, func(c cluster) cluster { return cluster{c.xa, c.na, c.xa, c.na} }).Estimate()
	if !self.Valid || self.Value != 0 || !self.CI.Valid || math.Abs(self.CI.Low) > 1e-12 || math.Abs(self.CI.High) > 1e-12 {
		t.Errorf("a − a = %+v, want 0 [0, 0]", self)
	}

	// Against a precision of 0 on the same flags, the difference is the
	// precision, with its own cluster-robust standard error.
	var sep Clustered
	for _, c := range cs {
		sep.Add(c.xa, c.na)
	}
	ra := sep.x / sep.n
	robust := float64(sep.clusters) / float64(sep.clusters-1) * (sep.xx - 2*ra*sep.xn + ra*ra*sep.nn) / (sep.n * sep.n)
	got := contrast(1, func(c cluster) cluster { return cluster{c.xa, c.na, 0, c.na} }).Estimate()
	if !near(got.Value, ra) || !near(got.CI.High-got.Value, z95*math.Sqrt(robust)) {
		t.Errorf("a − 0 = %+v, want %v ± %v", got, ra, z95*math.Sqrt(robust))
	}

	// b hits a little more on the same companies: the paired interval
	// excludes 0, though the two separate intervals overlap.
	d := contrast(1, func(c cluster) cluster { return c }).Estimate()
	var a, b Clustered
	for _, c := range cs {
		a.Add(c.xa, c.na)
		b.Add(c.xb, c.nb)
	}
	if !(d.Value < 0 && d.CI.High < 0) {
		t.Errorf("a − b = %+v: want a paired interval below 0", d)
	}
	if ia, ib := a.Interval(), b.Interval(); !(ia.High > ib.Low) {
		t.Errorf("separate intervals %+v and %+v should overlap for the test to mean anything", ia, ib)
	}

	// 52 identical weeks per company: the same interval.
	weekly := contrast(52, func(c cluster) cluster { return c }).Estimate()
	if !near(weekly.CI.Low, d.CI.Low) || !near(weekly.CI.High, d.CI.High) {
		t.Errorf("52 weeks %+v, one week %+v", weekly, d)
	}

	var none Contrast
	none.Add(1, 2, 0, 0)
	none.Add(1, 2, 0, 0)
	if none.Estimate().Valid {
		t.Error("b flags nothing: no difference")
	}
}

// Two scores ranking the same observations: the paired difference of
// their AUCs agrees with DeLong's when every cluster is one observation.
func TestAUCPairAgreesWithDeLong(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 5))
	const n = 300
	sa, sb := make([]scoring.Points, n), make([]scoring.Points, n)
	pos := make([]bool, n)
	a, b := &Ranking{}, &Ranking{}
	for i := range n {
		pos[i] = r.IntN(4) == 0
		base := r.IntN(60) * 100
		if pos[i] {
			base = max(0, base-1500)
		}
		sa[i] = scoring.Points(base)
		sb[i] = scoring.Points(min(10000, max(0, base+r.IntN(1601)-800)))
		a.Add(sa[i], pos[i])
		b.Add(sb[i], pos[i])
	}
	a.Finish()
	b.Finish()
	var pair, self AUCPair
	var m, nn float64
	var d10, d01 []float64
	for i := range n {
		a.AddObservation(sa[i], pos[i])
		b.AddObservation(sb[i], pos[i])
		if pos[i] {
			m++
			d10 = append(d10, b.Placement(sb[i], true)-a.Placement(sa[i], true))
		} else {
			nn++
			d01 = append(d01, b.Placement(sb[i], false)-a.Placement(sa[i], false))
		}
		a.EndCluster()
		b.EndCluster()
		pair.Add(a, b)
		self.Add(a, a)
	}
	sampleVar := func(xs []float64) float64 {
		mean := 0.0
		for _, x := range xs {
			mean += x
		}
		mean /= float64(len(xs))
		v := 0.0
		for _, x := range xs {
			v += (x - mean) * (x - mean)
		}
		return v / float64(len(xs)-1)
	}
	want := b.AUC().Value - a.AUC().Value
	half := z95 * math.Sqrt(sampleVar(d10)/m+sampleVar(d01)/nn)
	got := pair.Difference(a, b)
	if !got.Valid || !near(got.Value, want) || !got.CI.Valid || !near(got.CI.Low, want-half) || !near(got.CI.High, want+half) {
		t.Errorf("difference %+v, DeLong %v ± %v", got, want, half)
	}
	if s := self.Difference(a, a); s.Value != 0 || math.Abs(s.CI.High) > 1e-9 {
		t.Errorf("a score against itself: %+v", s)
	}
	// The paired interval is narrower than either AUC's own.
	if ia := a.Interval(); got.CI.High-got.CI.Low >= ia.High-ia.Low {
		t.Errorf("paired width %v, rule a's own %v", got.CI.High-got.CI.Low, ia.High-ia.Low)
	}
}
