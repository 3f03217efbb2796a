package scoring

import (
	"math/rand/v2"
	"testing"
)

func TestNextChange(t *testing.T) {
	const asOf = "2026-11-24"
	filed := func(s string) Case { return Case{FilingDate: d(s)} }
	tests := []struct {
		name   string
		asOf   string // the default asOf when empty
		cases  []Case
		want   string
		wantOK bool
	}{
		{"no cases", "", nil, "", false},
		{"only old cases", "", []Case{filed("2020-01-01"), filed("2025-11-24")}, "", false},
		{"a recent case leaves 365 days after filing", "", []Case{filed("2026-03-01")}, "2027-03-01", true},
		{"the earliest leaver wins", "", []Case{filed("2026-03-01"), filed("2025-12-01"), filed("2026-11-24")}, "2026-12-01", true},
		{"a case filed 364 days ago leaves tomorrow", "", []Case{filed("2025-11-25")}, "2026-11-25", true},
		{"a case filed today leaves in 365 days", "", []Case{filed("2026-11-24")}, "2027-11-24", true},
		{"a future-dated case enters on its filing date", "", []Case{filed("2026-03-01"), filed("2026-12-25")}, "2026-12-25", true},
		{"removed cases never change anything", "", []Case{{FilingDate: d("2026-03-01"), Removed: true}}, "", false},
		{"leap year: 2024-02-29 leaves on 2025-02-28", "2024-06-01", []Case{filed("2024-02-29")}, "2025-02-28", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := asOf
			if tt.asOf != "" {
				at = tt.asOf
			}
			got, ok := NextChange(tt.cases, d(at))
			if ok != tt.wantOK || ok && got != d(tt.want) {
				t.Errorf("NextChange = %s, %v; want %s, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestNextChangeIsSafe checks the promise the daily rescore relies on: the
// score does not change on any day before NextChange.
func TestNextChangeIsSafe(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	asOf := d("2026-11-24")
	var buf []Case
	for range 2_000 {
		buf = randomCompany(rng, asOf, buf)
		base := Score(buf, asOf, DefaultThresholds())
		next, ok := NextChange(buf, asOf)
		end := asOf + 2*WindowDays
		if ok {
			if next <= asOf {
				t.Fatalf("NextChange = %s, not after %s", next, asOf)
			}
			end = next
		}
		for day := asOf + 1; day < end; day++ {
			if got := Score(buf, day, DefaultThresholds()); !got.SameAs(base) {
				t.Fatalf("cases %+v: score changed on %s, before NextChange %s (%v)", buf, day, next, ok)
			}
		}
		if ok && !membershipChanges(buf, next) {
			t.Fatalf("cases %+v: nothing enters or leaves on NextChange %s", buf, next)
		}
	}
}

// membershipChanges reports whether some case starts to count, or leaves
// the recent window, on day.
func membershipChanges(cases []Case, day Date) bool {
	state := func(c Case, at Date) (counted, recent bool) {
		counted = !c.Removed && c.FilingDate <= at
		return counted, counted && c.FilingDate > at-WindowDays
	}
	for _, c := range cases {
		c0, r0 := state(c, day-1)
		c1, r1 := state(c, day)
		if c0 != c1 || r0 != r1 {
			return true
		}
	}
	return false
}
