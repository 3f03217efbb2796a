package thresholds

import (
	"reflect"
	"strings"
	"testing"

	"github.com/arbsync/arbsync/scoring"
)

func TestComputeSectionOnly(t *testing.T) {
	// Ten companies filed under section K itself (no division).
	// q_w = 5/10 (10…50 < 60), q_u = 3/10 (10, 20, 30 < 40).
	scores := companies("K", "", "10", "20", "30", "40", "50", "60", "70", "80", "90", "100")
	rows, err := Compute(monday, scores, nil, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	stats := Row{
		Week: monday, Industry: "K", Level: LevelSection, N: 10,
		P10: pts("19"), P25: pts("32.5"), P50: pts("55"), P75: pts("77.5"), P90: pts("91"), Mean: pts("55"),
		MethodVersion: MethodVersion, Bound: BoundNone,
	}
	warning, urgent := stats, stats
	warning.Severity, warning.Q = SeverityWarning, 0.5
	warning.Raw, warning.Parent = pts("55"), pts("60")         // pos 4.5 → 50 + 0.5·10
	warning.Shrunk, warning.Final = pts("58.75"), pts("58.75") // (10·55 + 30·60)/40
	warning.FlaggedFixed, warning.FlaggedDynamic = 5, 5
	urgent.Severity, urgent.Q = SeverityUrgent, 0.3
	urgent.Raw, urgent.Parent = pts("37"), pts("40")         // pos 2.7 → 30 + 0.7·10
	urgent.Shrunk, urgent.Final = pts("39.25"), pts("39.25") // (10·37 + 30·40)/40
	urgent.FlaggedFixed, urgent.FlaggedDynamic = 3, 3
	if want := []Row{warning, urgent}; !reflect.DeepEqual(rows, want) {
		t.Errorf("Compute:\n got  %+v\n want %+v", rows, want)
	}
}

func TestComputeEmptyPopulation(t *testing.T) {
	rows, err := Compute(monday, nil, nil, DefaultParams())
	if err != nil || rows != nil {
		t.Errorf("Compute(empty) = %v, %v; want no rows, no error", rows, err)
	}
}

// boundsPopulation: 40 companies in section A at 100, 60 in B at 0, so
// q_w = q_u = 0.6. A's raw thresholds are 100, B's are 0.
func boundsPopulation() []CompanyScore {
	return append(same(40, "A", "", "100"), same(60, "B", "", "0")...)
}

func TestComputeBounds(t *testing.T) {
	tests := []struct {
		name       string
		scores     []CompanyScore
		previous   map[Key]scoring.Points
		key        Key
		shrunk     string
		final      string
		bound      Bound
		wantPrev   *scoring.Points
		flaggedDyn int
	}{
		{"upper bound", boundsPopulation(), nil, Key{"A", SeverityWarning}, "82.86", "80", BoundUpper, nil, 0},       // (40·100 + 30·60)/70
		{"lower bound", boundsPopulation(), nil, Key{"B", SeverityWarning}, "20", "40", BoundLower, nil, 60},         // (0 + 30·60)/90
		{"urgent upper bound", boundsPopulation(), nil, Key{"A", SeverityUrgent}, "74.29", "60", BoundUpper, nil, 0}, // (4000 + 1200)/70
		{"urgent lower bound", boundsPopulation(), nil, Key{"B", SeverityUrgent}, "13.33", "20", BoundLower, nil, 60},
		{"step up capped at previous + 10", boundsPopulation(), map[Key]scoring.Points{{"A", SeverityWarning}: pts("65")},
			Key{"A", SeverityWarning}, "82.86", "75", BoundStepUp, ptr(pts("65")), 0},
		{"step down capped at previous − 10", boundsPopulation(), map[Key]scoring.Points{{"B", SeverityWarning}: pts("55")},
			Key{"B", SeverityWarning}, "20", "45", BoundStepDown, ptr(pts("55")), 60},
		{"bound still applies within the step range", boundsPopulation(), map[Key]scoring.Points{{"A", SeverityWarning}: pts("72")},
			Key{"A", SeverityWarning}, "82.86", "80", BoundUpper, ptr(pts("72")), 0},
		{"unclamped value within the step range", companies("K", "", "10", "20", "30", "40", "50", "60", "70", "80", "90", "100"),
			map[Key]scoring.Points{{"K", SeverityWarning}: pts("50")}, Key{"K", SeverityWarning}, "58.75", "58.75", BoundNone, ptr(pts("50")), 5},
		{"urgent step down, then the gap does not bind", boundsPopulation(), map[Key]scoring.Points{{"B", SeverityUrgent}: pts("35")},
			Key{"B", SeverityUrgent}, "13.33", "25", BoundStepDown, ptr(pts("35")), 60},
		// 270 companies at 50: q_w = 1, q_u = 0, raw 50 for both; shrunk
		// warning (13500 + 1800)/300 = 51, urgent (13500 + 1200)/300 = 49.
		{"urgent at most warning − 5", same(270, "E", "", "50"), nil, Key{"E", SeverityUrgent}, "49", "46", BoundUrgentGap, nil, 0},
		{"gap applies after the step limit", same(270, "E", "", "50"), map[Key]scoring.Points{{"E", SeverityUrgent}: pts("58")},
			Key{"E", SeverityUrgent}, "49", "46", BoundUrgentGap, ptr(pts("58")), 0},
		// Warning falls from 51 to 30 + 10 = 40 (step_down), so urgent,
		// which has no previous value of its own, is capped at 35.
		{"urgent follows the warning's step limit through the gap", same(270, "E", "", "50"), map[Key]scoring.Points{{"E", SeverityWarning}: pts("30")},
			Key{"E", SeverityUrgent}, "49", "35", BoundUrgentGap, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := Compute(monday, tt.scores, tt.previous, DefaultParams())
			if err != nil {
				t.Fatal(err)
			}
			r, ok := find(rows, tt.key)
			if !ok {
				t.Fatalf("no row for %+v in %+v", tt.key, rows)
			}
			if r.Shrunk != pts(tt.shrunk) || r.Final != pts(tt.final) || r.Bound != tt.bound || r.FlaggedDynamic != tt.flaggedDyn {
				t.Errorf("shrunk %s final %s bound %s flagged %d; want %s %s %s %d",
					r.Shrunk, r.Final, r.Bound, r.FlaggedDynamic, tt.shrunk, tt.final, tt.bound, tt.flaggedDyn)
			}
			if !reflect.DeepEqual(r.Previous, tt.wantPrev) {
				t.Errorf("previous %v, want %v", r.Previous, tt.wantPrev)
			}
		})
	}
}

func find(rows []Row, k Key) (Row, bool) {
	for _, r := range rows {
		if r.Key() == k {
			return r, true
		}
	}
	return Row{}, false
}

func TestComputeHierarchy(t *testing.T) {
	// Section C: 60 companies in division 13 (scores 1…60), one company in
	// division 14 (score 0), 9 filed under C itself (score 95).
	// Section A: 30 companies only in division 01 (score 80).
	var scores []CompanyScore
	for i := 1; i <= 60; i++ {
		scores = append(scores, CompanyScore{Section: "C", Division: "13", Score: scoring.WholePoints(int64(i))})
	}
	scores = append(scores, CompanyScore{Section: "C", Division: "14", Score: 0})
	scores = append(scores, same(9, "C", "", "95")...)
	scores = append(scores, same(30, "A", "01", "80")...)
	rows, err := Compute(monday, scores, nil, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}

	var order []string
	for _, r := range rows {
		order = append(order, r.Industry+"/"+string(r.Severity))
	}
	if got, want := strings.Join(order, " "), "A/warning A/urgent 01/warning 01/urgent C/warning C/urgent 13/warning 13/urgent 14/warning 14/urgent"; got != want {
		t.Errorf("row order %q, want %q", got, want)
	}

	get := func(k Key) Row {
		r, ok := find(rows, k)
		if !ok {
			t.Fatalf("no row %+v", k)
		}
		return r
	}
	c, a := get(Key{"C", SeverityWarning}), get(Key{"A", SeverityWarning})
	if c.N != 70 || c.Level != LevelSection || c.ParentIndustry != "" {
		t.Errorf("section C: n %d level %s parent %q; want 70 (60 + 1 + 9), section, none", c.N, c.Level, c.ParentIndustry)
	}
	if a.N != 30 {
		t.Errorf("section A: n %d, want 30 from its division alone", a.N)
	}
	for _, sev := range severities {
		sec := get(Key{"C", sev})
		for _, code := range []string{"13", "14"} {
			div := get(Key{code, sev})
			if div.Level != LevelDivision || div.ParentIndustry != "C" || div.Parent != sec.Shrunk {
				t.Errorf("%s/%s: level %s, parent %q = %s; want division of C shrinking toward C's shrunk %s",
					code, sev, div.Level, div.ParentIndustry, div.Parent, sec.Shrunk)
			}
		}
	}
	// Division 14 has one company: it stays within 1/31 of the way from its
	// parent toward its own raw value.
	one := get(Key{"14", SeverityWarning})
	if one.N != 1 || one.Raw != 0 || one.Shrunk != shrink(1, 0, 30, one.Parent) {
		t.Errorf("division 14: %+v", one)
	}
	if diff := one.Parent - one.Shrunk; diff < 0 || diff > one.Parent/31+1 {
		t.Errorf("division 14 moved %s from its parent %s", diff, one.Parent)
	}
	// A division with the same scores as its section shrinks to its own
	// level: section A and division 01 hold the same 30 companies at 80.
	if d01 := get(Key{"01", SeverityWarning}); d01.Raw != a.Raw || d01.Parent != a.Shrunk || d01.N != 30 {
		t.Errorf("division 01: %+v; section A: %+v", d01, a)
	}
}

func TestComputeErrors(t *testing.T) {
	ok := companies("C", "13", "50")
	badParams := DefaultParams()
	badParams.MaxStep = 0
	tests := []struct {
		name   string
		week   scoring.Date
		scores []CompanyScore
		p      Params
		want   string
	}{
		{"week not a Monday", monday + 1, ok, DefaultParams(), "week 2026-11-24 is a Tuesday, want the Monday of an ISO week"},
		{"bad params", monday, ok, badParams, "threshold params: max step 0.00 must lie in (0, 100]"},
		{"unknown section", monday, append(ok, CompanyScore{Section: "Z", Score: 1}), DefaultParams(), `scores[1]: section "Z" is not one of A–T`},
		{"lower-case section", monday, append(ok, CompanyScore{Section: "c", Score: 1}), DefaultParams(), `scores[1]: section "c" is not one of A–T`},
		{"division 98", monday, append(ok, CompanyScore{Section: "T", Division: "98", Score: 1}), DefaultParams(), `scores[1]: division "98" is not two digits 01–97`},
		{"division 00", monday, append(ok, CompanyScore{Section: "A", Division: "00", Score: 1}), DefaultParams(), `scores[1]: division "00" is not two digits 01–97`},
		{"one-digit division", monday, append(ok, CompanyScore{Section: "A", Division: "1", Score: 1}), DefaultParams(), `scores[1]: division "1" is not two digits 01–97`},
		{"division in two sections", monday, append(ok, CompanyScore{Section: "D", Division: "13", Score: 1}), DefaultParams(), "scores[1]: division 13 is in section D here but in section C before"},
		{"score above 100", monday, append(ok, CompanyScore{Section: "C", Score: 10001}), DefaultParams(), "scores[1]: score 100.01 is outside [0, 100]"},
		{"negative score", monday, append(ok, CompanyScore{Section: "C", Score: -1}), DefaultParams(), "scores[1]: score -0.01 is outside [0, 100]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compute(tt.week, tt.scores, nil, tt.p)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParamsValidate(t *testing.T) {
	if err := DefaultParams().Validate(); err != nil {
		t.Fatalf("DefaultParams: %v", err)
	}
	mutate := func(f func(*Params)) Params { p := DefaultParams(); f(&p); return p }
	tests := []struct {
		name string
		p    Params
		want string
	}{
		{"urgent too close to warning", mutate(func(p *Params) { p.FixedUrgent = pts("56") }), "fixed urgent 56.00 must be at most fixed warning 60.00 − urgent gap 5.00"},
		{"negative m", mutate(func(p *Params) { p.M = -1 }), "m = -1 must lie in [0, 1000000]"},
		{"negative bound", mutate(func(p *Params) { p.Bound = -1 }), "bound -0.01 must lie in [0, 100]"},
		{"zero step", mutate(func(p *Params) { p.MaxStep = 0 }), "max step 0.00 must lie in (0, 100]"},
		{"negative gap", mutate(func(p *Params) { p.UrgentGap = -100 }), "urgent gap -1.00 must not be negative"},
		{"warning above 100", mutate(func(p *Params) { p.FixedWarning = pts("100.01") }), "fixed thresholds 100.01/40.00 must lie in (0, 100]"},
	}
	for _, tt := range tests {
		err := tt.p.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Validate() = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

func TestFinals(t *testing.T) {
	rows, err := Compute(monday, boundsPopulation(), nil, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	prev := Finals(rows)
	want := map[Key]scoring.Points{
		{"A", SeverityWarning}: pts("80"), {"A", SeverityUrgent}: pts("60"),
		{"B", SeverityWarning}: pts("40"), {"B", SeverityUrgent}: pts("20"),
	}
	if !reflect.DeepEqual(prev, want) {
		t.Errorf("Finals = %v, want %v", prev, want)
	}
	// Next week, same population: nothing moves, previous is recorded.
	next, err := Compute(monday+7, boundsPopulation(), prev, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range next {
		if r.Previous == nil || *r.Previous != r.Final || r.Week != monday+7 {
			t.Errorf("%+v: previous %v, final %s", r.Key(), r.Previous, r.Final)
		}
	}
}
