package thresholds

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// With the fixed thresholds' own budgets, ComputeBudgets is Compute: the
// weekly job's behaviour does not change.
func TestComputeBudgetsWithFixedBudgetsIsCompute(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	div2sec := gbt4754()
	p := DefaultParams()
	for range 200 {
		scores, prev := randomPopulation(rng, div2sec)
		want, err := Compute(monday, scores, prev, p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ComputeBudgets(monday, scores, prev, p, FixedBudgets(scores, p))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("ComputeBudgets(FixedBudgets) differs from Compute:\n got  %+v\n want %+v", got, want)
		}
	}
}

// Explicit budgets set q, the sections' parent, the centre of the bounds
// and what FlaggedFixed counts.
func TestComputeBudgetsExplicit(t *testing.T) {
	scores := companies("K", "", "10", "20", "30", "40", "50", "60", "70", "80", "90", "100")
	b := Budgets{Warning: Budget{Flagged: 2, Threshold: pts("30")}, Urgent: Budget{Flagged: 1, Threshold: pts("15")}}
	rows, err := ComputeBudgets(monday, scores, nil, DefaultParams(), b)
	if err != nil {
		t.Fatal(err)
	}
	w, u := rows[0], rows[1]
	// q_w = 2/10: pos 1.8 → 20 + 0.8·10 = 28; shrunk (10·28 + 30·30)/40.
	if w.Q != 0.2 || w.Raw != pts("28") || w.Parent != pts("30") || w.Shrunk != pts("29.5") || w.Final != pts("29.5") ||
		w.Bound != BoundNone || w.FlaggedFixed != 2 || w.FlaggedDynamic != 2 {
		t.Errorf("warning row %+v", w)
	}
	// q_u = 1/10: pos 0.9 → 19; shrunk (190 + 30·15)/40 = 16, within
	// [15 − 20, 15 + 20] and below 29.5 − 5.
	if u.Q != 0.1 || u.Raw != pts("19") || u.Parent != pts("15") || u.Shrunk != pts("16") || u.Final != pts("16") ||
		u.Bound != BoundNone || u.FlaggedFixed != 1 || u.FlaggedDynamic != 1 {
		t.Errorf("urgent row %+v", u)
	}

	// The bounds follow the budget's threshold: 90 ± 20 lifts a raw 28.
	b.Warning.Threshold = pts("90")
	rows, err = ComputeBudgets(monday, scores, nil, DefaultParams(), b)
	if err != nil {
		t.Fatal(err)
	}
	if w := rows[0]; w.Shrunk != pts("74.5") || w.Final != pts("74.5") || w.Bound != BoundNone {
		t.Errorf("warning with threshold 90: %+v", w) // (280 + 2700)/40
	}
	b.Warning.Threshold = pts("100")
	rows, _ = ComputeBudgets(monday, scores, nil, DefaultParams(), b)
	if w := rows[0]; w.Shrunk != pts("82") || w.Final != pts("82") {
		t.Errorf("warning with threshold 100: %+v", w) // (280 + 3000)/40, inside [80, 120]
	}
}

func TestComputeBudgetsRejectsImpossibleBudgets(t *testing.T) {
	scores := companies("K", "", "10", "20", "30")
	for _, tt := range []struct {
		b    Budgets
		says string
	}{
		{Budgets{Warning: Budget{Flagged: 4, Threshold: pts("60")}, Urgent: Budget{Threshold: pts("40")}}, "warning budget flags 4 of 3 companies"},
		{Budgets{Warning: Budget{Flagged: 1, Threshold: pts("60")}, Urgent: Budget{Flagged: -1, Threshold: pts("40")}}, "urgent budget flags -1 of 3"},
		{Budgets{Warning: Budget{Flagged: 1, Threshold: pts("60")}, Urgent: Budget{Threshold: 10001}}, "urgent budget threshold 100.01 is outside [0, 100]"},
	} {
		_, err := ComputeBudgets(monday, scores, nil, DefaultParams(), tt.b)
		if err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("ComputeBudgets(%+v) error %v, want one saying %q", tt.b, err, tt.says)
		}
	}
	if _, err := ComputeBudgets(monday.AddDays(1), scores, nil, DefaultParams(), FixedBudgets(scores, DefaultParams())); err == nil {
		t.Error("a Tuesday is not a week")
	}
}
