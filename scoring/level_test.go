package scoring

import "testing"

func TestLevelWorse(t *testing.T) {
	none := Level("") // a company never scored before
	tests := []struct {
		l, other Level
		want     bool
	}{
		{LevelWarning, none, true},
		{LevelUrgent, none, true},
		{LevelOK, none, false},
		{LevelWarning, LevelOK, true},
		{LevelUrgent, LevelOK, true},
		{LevelUrgent, LevelWarning, true},
		{LevelOK, LevelOK, false},
		{LevelWarning, LevelWarning, false},
		{LevelUrgent, LevelUrgent, false},
		{LevelOK, LevelWarning, false},
		{LevelOK, LevelUrgent, false},
		{LevelWarning, LevelUrgent, false},
		{none, LevelOK, false},
	}
	for _, tt := range tests {
		if got := tt.l.Worse(tt.other); got != tt.want {
			t.Errorf("%q.Worse(%q) = %v, want %v", tt.l, tt.other, got, tt.want)
		}
	}
}
