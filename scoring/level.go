package scoring

import "fmt"

// Level is a company's risk level, judged from its score and thresholds.
type Level string

// Levels, from best to worst.
const (
	LevelOK      Level = "ok"
	LevelWarning Level = "warning"
	LevelUrgent  Level = "urgent"
)

// Worse reports whether l is a worse level than other: urgent is worse than
// warning, and warning worse than ok. No level (the empty Level of a company
// never scored before) counts as ok, so a first score of warning is worse
// and a first score of ok is not.
func (l Level) Worse(other Level) bool { return l.severity() > other.severity() }

// severity orders the levels from ok (0) to urgent (2).
func (l Level) severity() int {
	switch l {
	case LevelUrgent:
		return 2
	case LevelWarning:
		return 1
	default:
		return 0
	}
}

// The fixed thresholds of the seed's alert rule (ARCHITECTURE.md “Scoring”).
const (
	FixedWarning Points = 6000 // 60.00
	FixedUrgent  Points = 4000 // 40.00
)

// Thresholds are the two score thresholds a company is judged against.
// A score strictly below Urgent is urgent, else strictly below Warning is a
// warning, else ok.
type Thresholds struct {
	Warning Points `json:"warning"`
	Urgent  Points `json:"urgent"`
}

// DefaultThresholds returns the fixed thresholds, warning 60 and urgent 40.
func DefaultThresholds() Thresholds {
	return Thresholds{Warning: FixedWarning, Urgent: FixedUrgent}
}

// Level returns the level of score under t (strict comparisons).
func (t Thresholds) Level(score Points) Level {
	switch {
	case score < t.Urgent:
		return LevelUrgent
	case score < t.Warning:
		return LevelWarning
	default:
		return LevelOK
	}
}

// Validate reports thresholds outside [0, 100] or an urgent threshold above
// the warning threshold.
func (t Thresholds) Validate() error {
	for _, f := range []struct {
		name string
		v    Points
	}{{"warning", t.Warning}, {"urgent", t.Urgent}} {
		if f.v < 0 || f.v > WholePoints(100) {
			return fmt.Errorf("%s threshold %s is outside [0, 100]", f.name, f.v)
		}
	}
	if t.Urgent > t.Warning {
		return fmt.Errorf("urgent threshold %s is above warning threshold %s", t.Urgent, t.Warning)
	}
	return nil
}
