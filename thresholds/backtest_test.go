package thresholds

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/arbsync/arbsync/scoring"
)

// cell returns the result of one cell.
func cell(t *testing.T, rs []BacktestResult, rule scoring.Rule, m Method, sev Severity, o Outcome, section string) BacktestResult {
	t.Helper()
	for _, r := range rs {
		if r.Rule == rule && r.Method == m && r.Severity == sev && r.Outcome == o && r.Section == section {
			return r
		}
	}
	t.Fatalf("no result for rule %s %s %s %s section %q", rule, m, sev, o, section)
	return BacktestResult{}
}

func approx(t *testing.T, what string, got Ratio, want float64) {
	t.Helper()
	if !got.Valid || math.Abs(got.Value-want) > 1e-9 {
		t.Errorf("%s = %+v, want %v", what, got, want)
	}
}

// handBacktest is one week of eight companies, worked out by hand in
// TestBacktestByHand.
func handBacktest(t *testing.T) []BacktestResult {
	t.Helper()
	b, err := NewBacktest([]scoring.Date{monday}, []scoring.Rule{scoring.Rule1, scoring.Rule2}, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		section, division string
		rule1, rule2      string
		happened          Happened
	}{
		{"C", "13", "0", "40", Happened{Any: true, Serious: true}},
		{"C", "13", "50", "65", Happened{}},
		{"C", "13", "70", "65", Happened{Any: true}},
		{"C", "13", "100", "100", Happened{}},
		{"F", "", "30", "62", Happened{Any: true}},
		{"F", "", "55", "65", Happened{Any: true, Serious: true}},
		{"F", "", "100", "100", Happened{}},
		{"F", "", "100", "100", Happened{}},
	} {
		if err := b.Add(c.section, c.division, [][]scoring.Points{{pts(c.rule1)}, {pts(c.rule2)}}, []Happened{c.happened}); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := b.Run()
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestBacktestByHand(t *testing.T) {
	rs := handBacktest(t)
	// Rule 1 flags 0, 50, 30, 55 below 60 (k_w = 4) and 0, 30 below 40
	// (k_u = 2). Any: C0, C2, F0, F1 (base rate 4/8); serious: C0, F1.
	r1 := cell(t, rs, scoring.Rule1, MethodFixed, SeverityWarning, OutcomeAny, "")
	if r1.Observations != 8 || r1.Positives != 4 || r1.Volume != 4 || r1.Flagged != 4 || r1.Hits != 3 || r1.Companies != 8 {
		t.Errorf("rule 1 fixed warning any: %+v", r1)
	}
	approx(t, "base rate", r1.BaseRate.Ratio, 0.5)
	approx(t, "rule 1 precision", r1.Precision.Ratio, 0.75) // C0, F0, F1 of four
	approx(t, "rule 1 recall", r1.Recall.Ratio, 0.75)       // of C0, C2, F0, F1
	approx(t, "rule 1 lift", r1.Lift.Ratio, 1.5)
	// AUC: positives 0, 70, 30, 55 against negatives 50, 100, 100, 100:
	// 4 + 3 + 4 + 3 of 16 pairs.
	approx(t, "rule 1 AUC", r1.AUC.Ratio, 14.0/16)

	// Rule 2's four lowest are 40, 62 and two of the three at 65: each 65
	// counts for 2/3. Hits: C0 1, F0 1, C2 2/3, F1 2/3 (C1 at 65 is a miss).
	r2 := cell(t, rs, scoring.Rule2, MethodFixed, SeverityWarning, OutcomeAny, "")
	if r2.Volume != 4 || math.Abs(r2.Flagged-4) > 1e-9 || math.Abs(r2.Hits-10.0/3) > 1e-9 {
		t.Errorf("rule 2 fixed warning any: %+v", r2)
	}
	approx(t, "rule 2 precision", r2.Precision.Ratio, 10.0/12)
	approx(t, "rule 2 lift", r2.Lift.Ratio, 10.0/6)
	// AUC: positives 40, 65, 62, 65 against 65, 100, 100, 100:
	// 4 + 3.5 + 4 + 3.5 of 16.
	approx(t, "rule 2 AUC", r2.AUC.Ratio, 15.0/16)
	// Against the baseline, rule 1 with the fixed thresholds, paired.
	approx(t, "rule 2 precision − rule 1's", r2.PrecisionDiff.Ratio, 10.0/12-0.75)
	approx(t, "rule 2 AUC − rule 1's", r2.AUCDiff.Ratio, 1.0/16)
	if !r2.PrecisionDiff.CI.Valid || !r2.AUCDiff.CI.Valid {
		t.Errorf("paired intervals over eight companies: %+v", r2)
	}
	if r1.PrecisionDiff.Valid || r1.AUCDiff.Valid {
		t.Errorf("the baseline has no difference to itself: %+v", r1)
	}
	if d := cell(t, rs, scoring.Rule1, MethodDynamic, SeverityWarning, OutcomeAny, ""); !d.PrecisionDiff.Valid || d.AUCDiff.Valid {
		t.Errorf("rule 1 dynamic: a precision difference, no AUC difference: %+v", d)
	}

	s := cell(t, rs, scoring.Rule2, MethodFixed, SeverityWarning, OutcomeSerious, "")
	if s.Positives != 2 || math.Abs(s.Hits-5.0/3) > 1e-9 { // C0 1, F1 2/3
		t.Errorf("rule 2 fixed warning serious: %+v", s)
	}
	approx(t, "serious recall", s.Recall.Ratio, 5.0/6)

	u := cell(t, rs, scoring.Rule1, MethodFixed, SeverityUrgent, OutcomeSerious, "")
	if u.Volume != 2 || u.Flagged != 2 || u.Hits != 1 { // C0 of C0, F0
		t.Errorf("rule 1 fixed urgent serious: %+v", u)
	}
	approx(t, "urgent lift", u.Lift.Ratio, 2) // 1/2 over 2/8

	// Section C alone: positives 0, 70 against 50, 100 → 3 of 4 pairs.
	c := cell(t, rs, scoring.Rule1, MethodFixed, SeverityWarning, OutcomeAny, "C")
	if c.Observations != 4 || c.Positives != 2 || c.Volume != 2 || c.Flagged != 2 || c.Hits != 1 || c.Companies != 4 {
		t.Errorf("section C: %+v", c)
	}
	approx(t, "section C AUC", c.AUC.Ratio, 0.75)
	approx(t, "section C lift", c.Lift.Ratio, 1) // 1/2 over 2/4

	// Every cell has its interval, around its estimate.
	for _, r := range rs {
		for name, e := range map[string]Estimate{"precision": r.Precision, "recall": r.Recall, "base rate": r.BaseRate} {
			if e.Valid && e.CI.Valid && (e.CI.Low > e.Value+1e-12 || e.CI.High < e.Value-1e-12) {
				t.Errorf("%+v: %s interval %+v does not hold %v", r, name, e.CI, e.Value)
			}
		}
	}
	if !r1.Precision.CI.Valid || !r1.AUC.CI.Valid {
		t.Errorf("eight companies give intervals: %+v", r1)
	}

	// Results: 2 rules × 2 methods × 2 severities × 2 outcomes, for all
	// companies and for sections C and F.
	if len(rs) != 16*3 {
		t.Errorf("%d results, want 48", len(rs))
	}
	if rs[0].Section != "" || rs[16].Section != "C" || rs[32].Section != "F" {
		t.Errorf("order: all companies first, then sections: %q %q %q", rs[0].Section, rs[16].Section, rs[32].Section)
	}
}

// Over weeks of random scores: rule 1's dynamic flags are the weekly job's
// (Compute chained week to week, each company judged by InForce), every
// rule's fixed cut flags exactly rule 1's volume, and the sections add up to
// the whole.
func TestBacktestMatchesTheWeeklyMethod(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	div2sec := gbt4754()
	p := DefaultParams()
	weeks := []scoring.Date{monday, monday.AddDays(7), monday.AddDays(14), monday.AddDays(21), monday.AddDays(28)}
	b, err := NewBacktest(weeks, []scoring.Rule{scoring.Rule2, scoring.Rule1}, p)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Rules(); len(got) != 2 || got[0] != scoring.Rule1 {
		t.Fatalf("Rules() = %v, want rule 1 first", got)
	}
	const n = 300
	divisions := []int{13, 14, 39, 47, 51, 52, 62}
	type company struct {
		section, division string
		scores            [][]scoring.Points
		happened          []Happened
	}
	cs := make([]company, n)
	for i := range cs {
		dv := divisions[rng.IntN(len(divisions))]
		c := company{section: div2sec[dv], division: divisionCode(dv), scores: [][]scoring.Points{make([]scoring.Points, len(weeks)), make([]scoring.Points, len(weeks))}}
		if rng.IntN(5) == 0 {
			c.division = ""
		}
		base := rng.IntN(10001)
		for w := range weeks {
			s1 := max(0, min(10000, base+rng.IntN(2001)-1000))
			if rng.IntN(3) == 0 {
				s1 = 10000
			}
			c.scores[0][w] = scoring.Points(s1)
			c.scores[1][w] = scoring.Points(max(0, min(10000, 10000-(10000-s1)/3)))
			any := rng.IntN(10000) > s1/2+2000
			c.happened = append(c.happened, Happened{Any: any, Serious: any && rng.IntN(2) == 0})
		}
		cs[i] = c
		if err := b.Add(c.section, c.division, c.scores, c.happened); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := b.Run()
	if err != nil {
		t.Fatal(err)
	}

	// The weekly job, by hand.
	var flagged, hits, volume [2]float64 // warning, urgent; outcome any
	var previous map[Key]scoring.Points
	for w, week := range weeks {
		pop := make([]CompanyScore, n)
		for i, c := range cs {
			pop[i] = CompanyScore{Section: c.section, Division: c.division, Score: c.scores[0][w]}
		}
		rows, err := Compute(week, pop, previous, p)
		if err != nil {
			t.Fatal(err)
		}
		previous = Finals(rows)
		in, err := NewInForce(rows, scoring.DefaultThresholds())
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cs {
			th := in.Applicable(c.section, c.division)
			for sev, limit := range []scoring.Points{th.Warning, th.Urgent} {
				if pop[i].Score < limit {
					flagged[sev]++
					if c.happened[w].Any {
						hits[sev]++
					}
				}
			}
			if pop[i].Score < p.FixedWarning {
				volume[0]++
			}
			if pop[i].Score < p.FixedUrgent {
				volume[1]++
			}
		}
	}
	for sev, severity := range []Severity{SeverityWarning, SeverityUrgent} {
		d := cell(t, rs, scoring.Rule1, MethodDynamic, severity, OutcomeAny, "")
		if d.Flagged != flagged[sev] || d.Hits != hits[sev] || float64(d.Volume) != volume[sev] {
			t.Errorf("rule 1 dynamic %s: flagged %v hits %v volume %d, the weekly job flags %v with %v hits at volume %v",
				severity, d.Flagged, d.Hits, d.Volume, flagged[sev], hits[sev], volume[sev])
		}
		for _, rule := range []scoring.Rule{scoring.Rule1, scoring.Rule2} {
			f := cell(t, rs, rule, MethodFixed, severity, OutcomeSerious, "")
			if math.Abs(f.Flagged-volume[sev]) > 1e-6 {
				t.Errorf("rule %s fixed %s flags %v, want rule 1's volume %v", rule, severity, f.Flagged, volume[sev])
			}
		}
		for _, rule := range []scoring.Rule{scoring.Rule1, scoring.Rule2} {
			for _, m := range BacktestMethods {
				all := cell(t, rs, rule, m, severity, OutcomeAny, "")
				var obs, pos, vol int
				var fl, hi float64
				for _, sec := range []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"} {
					for _, r := range rs {
						if r.Section == sec && r.Rule == rule && r.Method == m && r.Severity == severity && r.Outcome == OutcomeAny {
							obs, pos, vol, fl, hi = obs+r.Observations, pos+r.Positives, vol+r.Volume, fl+r.Flagged, hi+r.Hits
						}
					}
				}
				if obs != all.Observations || pos != all.Positives || vol != all.Volume || math.Abs(fl-all.Flagged) > 1e-6 || math.Abs(hi-all.Hits) > 1e-6 {
					t.Errorf("rule %s %s %s: sections add up to %d obs, %d pos, volume %d, %v flagged, %v hits; all companies %+v",
						rule, m, severity, obs, pos, vol, fl, hi, all)
				}
			}
		}
	}
	if all := cell(t, rs, scoring.Rule2, MethodFixed, SeverityWarning, OutcomeAny, ""); all.Observations != n*len(weeks) || all.Companies != n {
		t.Errorf("observations %d companies %d, want %d and %d", all.Observations, all.Companies, n*len(weeks), n)
	}
}

// Rule 2 only still compares at rule 1's volume; results name only rule 2.
func TestBacktestReportsOnlyTheRulesAskedFor(t *testing.T) {
	b, err := NewBacktest([]scoring.Date{monday}, []scoring.Rule{scoring.Rule2}, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Rules(); len(got) != 2 || got[0] != scoring.Rule1 || got[1] != scoring.Rule2 {
		t.Fatalf("Rules() = %v: rule 1 is scored for the volume", got)
	}
	for _, s := range [][2]string{{"10", "90"}, {"50", "20"}, {"90", "95"}} {
		if err := b.Add("C", "", [][]scoring.Points{{pts(s[0])}, {pts(s[1])}}, []Happened{{}}); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := b.Run()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Rule != scoring.Rule2 {
			t.Fatalf("result for rule %s", r.Rule)
		}
	}
	// Rule 1 flags 10 and 50 (k_w = 2): rule 2's two lowest are 20 and 90.
	if r := cell(t, rs, scoring.Rule2, MethodFixed, SeverityWarning, OutcomeAny, ""); r.Flagged != 2 || r.Volume != 2 {
		t.Errorf("rule 2 at rule 1's volume: %+v", r)
	}
	if r := cell(t, rs, scoring.Rule2, MethodFixed, SeverityWarning, OutcomeAny, ""); r.Precision.Valid && r.Precision.Value != 0 || r.Recall.Valid || r.Lift.Valid || r.AUC.Valid {
		t.Errorf("no positives: recall, lift and AUC are undefined, precision 0: %+v", r)
	}
}

func TestBacktestRejectsBadInput(t *testing.T) {
	p := DefaultParams()
	if _, err := NewBacktest([]scoring.Date{monday.AddDays(1)}, []scoring.Rule{scoring.Rule1}, p); err == nil || !strings.Contains(err.Error(), "Mondays") {
		t.Errorf("a Tuesday: %v", err)
	}
	if _, err := NewBacktest([]scoring.Date{monday}, []scoring.Rule{3}, p); err == nil || !strings.Contains(err.Error(), "rule 3") {
		t.Errorf("rule 3: %v", err)
	}
	if _, err := NewBacktest(nil, []scoring.Rule{scoring.Rule1}, p); err == nil {
		t.Error("no week")
	}
	b, err := NewBacktest([]scoring.Date{monday}, []scoring.Rule{scoring.Rule1}, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		section, division string
		scores            [][]scoring.Points
		happened          []Happened
		says              string
	}{
		{"Z", "", [][]scoring.Points{{0}}, []Happened{{}}, `section "Z"`},
		{"C", "99", [][]scoring.Points{{0}}, []Happened{{}}, `division "99"`},
		{"C", "", [][]scoring.Points{{0, 0}}, []Happened{{}}, "2 scores of rule 1, want 1"},
		{"C", "", [][]scoring.Points{{10001}}, []Happened{{}}, "score 100.01 is outside"},
		{"C", "", [][]scoring.Points{{0}}, []Happened{{Serious: true}}, "serious outcome without a new case"},
	} {
		if err := b.Add(tt.section, tt.division, tt.scores, tt.happened); err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("Add(%q, %q, %v, %v) = %v, want an error saying %q", tt.section, tt.division, tt.scores, tt.happened, err, tt.says)
		}
	}
	if _, err := b.Run(); err == nil {
		t.Error("a backtest without a company runs")
	}
}
