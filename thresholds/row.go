package thresholds

import "github.com/arbsync/arbsync/scoring"

// Bound names the last step of the method that changed a threshold, so the
// final value equals that step's limit.
type Bound string

// Bounds, in the order the method applies them.
const (
	// BoundNone: final = shrunk; no clamp changed it.
	BoundNone Bound = "none"
	// BoundLower: raised to fixed − Bound.
	BoundLower Bound = "lower"
	// BoundUpper: lowered to fixed + Bound.
	BoundUpper Bound = "upper"
	// BoundStepUp: the rise from last week's final was capped at
	// previous + MaxStep.
	BoundStepUp Bound = "step_up"
	// BoundStepDown: the fall from last week's final was capped at
	// previous − MaxStep.
	BoundStepDown Bound = "step_down"
	// BoundUrgentGap: an urgent threshold lowered to the industry's final
	// warning threshold − UrgentGap.
	BoundUrgentGap Bound = "urgent_gap"
)

// Row is one threshold of one industry for one week: a row of
// arbsync.industry_thresholds without the database's computed_at.
type Row struct {
	// Week is the Monday of the ISO week the threshold is for.
	Week scoring.Date
	// Industry is the section ("C") or division ("13") code.
	Industry string
	// Level tells whether Industry is a section or a division.
	Level IndustryLevel
	// ParentIndustry is a division's section; "" for a section, whose
	// parent is the fixed threshold.
	ParentIndustry string
	// Severity is warning or urgent.
	Severity Severity
	// N is the number of scored companies in the industry (for a section,
	// its divisions' companies and those filed under the section itself).
	N int
	// Q is the alert budget: the share of all scored companies below the
	// fixed threshold of this severity.
	Q float64
	// Raw is the industry's Q-quantile of scores (percentile_cont).
	Raw scoring.Points
	// Parent is the value shrunk toward: the fixed threshold for a
	// section, the section's Shrunk for a division.
	Parent scoring.Points
	// Shrunk is (N·Raw + M·Parent) / (N + M).
	Shrunk scoring.Points
	// Final is the threshold in force: Shrunk after the clamps.
	Final scoring.Points
	// Previous is last week's Final, nil when there was none.
	Previous *scoring.Points
	// Bound is the last clamp that changed the value (BoundNone if none).
	Bound Bound
	// P10 … P90 are the industry's score percentiles (percentile_cont).
	P10, P25, P50, P75, P90 scoring.Points
	// Mean is the industry's mean score.
	Mean scoring.Points
	// FlaggedFixed counts the industry's companies scoring strictly below
	// the fixed threshold of this severity.
	FlaggedFixed int
	// FlaggedDynamic counts those scoring strictly below Final.
	FlaggedDynamic int
	// MethodVersion is the version of the method that produced the row.
	MethodVersion int
}

// Key returns the row's industry and severity.
func (r Row) Key() Key { return Key{Industry: r.Industry, Severity: r.Severity} }

// Finals returns the final thresholds of rows by industry and severity:
// Finals(last week's rows) is what Compute takes as previous.
func Finals(rows []Row) map[Key]scoring.Points {
	m := make(map[Key]scoring.Points, len(rows))
	for _, r := range rows {
		m[r.Key()] = r.Final
	}
	return m
}
