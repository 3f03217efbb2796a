package scoring

import "testing"

// Levels from best to worst: a level is worse than every level of an
// earlier group and of no later one. No level (a company never scored
// before) ranks with ok.
func TestLevelWorse(t *testing.T) {
	groups := [][]Level{{"", LevelOK}, {LevelWarning}, {LevelUrgent}}
	for i, g := range groups {
		for j, h := range groups {
			for _, l := range g {
				for _, other := range h {
					if got, want := l.Worse(other), i > j; got != want {
						t.Errorf("%q.Worse(%q) = %v, want %v", l, other, got, want)
					}
				}
			}
		}
	}
}
