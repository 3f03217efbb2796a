package thresholds

import (
	"encoding/json"
	"math"
	"testing"
)

// obs returns n copies of one observation.
func obs(n int, fixed, dynamic, positive bool) []Observation {
	out := make([]Observation, n)
	for i := range out {
		out[i] = Observation{FlaggedFixed: fixed, FlaggedDynamic: dynamic, GotNewCases: positive}
	}
	return out
}

func concat(parts ...[]Observation) []Observation {
	var out []Observation
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestBacktest(t *testing.T) {
	v := func(x float64) Ratio { return Ratio{Value: x, Valid: true} }
	undef := Ratio{}
	tests := []struct {
		name                      string
		obs                       []Observation
		base                      Ratio
		fixedP, fixedR, fixedL    Ratio
		dynP, dynR, dynL          Ratio
		changeP, changeR, changeL Ratio
	}{
		{
			// 10 observations, 5 positive. Fixed flags 4 (2 hits), dynamic
			// flags 4 (3 hits).
			name: "dynamic better",
			obs: concat(
				obs(2, true, true, true),   // both hit
				obs(1, false, true, true),  // dynamic only hit
				obs(2, false, false, true), // missed by both
				obs(2, true, false, false), // fixed false alarms
				obs(1, false, true, false), // dynamic false alarm
				obs(2, false, false, false),
			),
			base:   v(0.5),
			fixedP: v(0.5), fixedR: v(0.4), fixedL: v(1),
			dynP: v(0.75), dynR: v(0.6), dynL: v(1.5),
			changeP: v(0.5), changeR: v(0.5), changeL: v(0.5),
		},
		{
			name: "nothing flagged: precision and lift undefined",
			obs:  concat(obs(3, false, false, true), obs(1, false, false, false)),
			base: v(0.75), fixedP: undef, fixedR: v(0), fixedL: undef,
			dynP: undef, dynR: v(0), dynL: undef,
			changeP: undef, changeR: undef, changeL: undef,
		},
		{
			name: "no positives: recall and lift undefined",
			obs:  concat(obs(2, true, false, false), obs(2, false, false, false)),
			base: v(0), fixedP: v(0), fixedR: undef, fixedL: undef,
			dynP: undef, dynR: undef, dynL: undef,
			changeP: undef, changeR: undef, changeL: undef,
		},
		{
			name: "fixed precision 0: relative change undefined",
			obs:  concat(obs(1, true, false, false), obs(1, false, true, true)),
			base: v(0.5), fixedP: v(0), fixedR: v(0), fixedL: v(0),
			dynP: v(1), dynR: v(1), dynL: v(2),
			changeP: undef, changeR: undef, changeL: undef,
		},
		{
			name: "empty",
			obs:  nil,
			base: undef, fixedP: undef, fixedR: undef, fixedL: undef,
			dynP: undef, dynR: undef, dynL: undef,
			changeP: undef, changeR: undef, changeL: undef,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Backtest(tt.obs)
			check := func(what string, got, want Ratio) {
				t.Helper()
				if got.Valid != want.Valid || math.Abs(got.Value-want.Value) > 1e-12 {
					t.Errorf("%s = %+v, want %+v", what, got, want)
				}
			}
			check("base rate", r.BaseRate, tt.base)
			check("fixed precision", r.Fixed.Precision, tt.fixedP)
			check("fixed recall", r.Fixed.Recall, tt.fixedR)
			check("fixed lift", r.Fixed.Lift, tt.fixedL)
			check("dynamic precision", r.Dynamic.Precision, tt.dynP)
			check("dynamic recall", r.Dynamic.Recall, tt.dynR)
			check("dynamic lift", r.Dynamic.Lift, tt.dynL)
			check("precision change", r.PrecisionChange, tt.changeP)
			check("recall change", r.RecallChange, tt.changeR)
			check("lift change", r.LiftChange, tt.changeL)
		})
	}
}

func TestBacktestCountsAndJSON(t *testing.T) {
	c := Tally(concat(obs(2, true, true, true), obs(1, false, true, false), obs(3, false, false, true)))
	want := BacktestCounts{Observations: 6, Positives: 5, FixedFlagged: 2, FixedHits: 2, DynamicFlagged: 3, DynamicHits: 2}
	if c != want {
		t.Errorf("Tally = %+v, want %+v", c, want)
	}
	b, err := json.Marshal(struct{ A, B Ratio }{Ratio{Value: 0.25, Valid: true}, Ratio{}})
	if err != nil || string(b) != `{"A":0.25,"B":null}` {
		t.Errorf("Ratio JSON = %s, %v", b, err)
	}
	if s := (Ratio{Value: 1.0 / 3, Valid: true}).String(); s != "0.3333" {
		t.Errorf("Ratio.String = %q", s)
	}
}
