package thresholds

import (
	"fmt"

	"github.com/arbsync/arbsync/scoring"
)

// InForce answers which thresholds apply to a company: its division's row,
// else its section's, else the fixed thresholds. Each severity falls back
// on its own (Compute always writes both). Build one per week with
// NewInForce; an InForce is read-only and safe for concurrent use.
type InForce struct {
	fixed    scoring.Thresholds
	section  [sectionCount]entry
	division [maxDivision + 1]entry
}

type entry struct {
	value [2]scoring.Points // by severity: warning, urgent
	has   [2]bool
}

// NewInForce indexes the rows of one week. fixed is the final fallback,
// normally scoring.DefaultThresholds(). Rows of several weeks, two rows for
// one industry and severity, and unknown codes or severities are errors.
func NewInForce(rows []Row, fixed scoring.Thresholds) (*InForce, error) {
	l := &InForce{fixed: fixed}
	for i, r := range rows {
		if r.Week != rows[0].Week {
			return nil, fmt.Errorf("rows[%d]: week %s, but rows[0] is for week %s", i, r.Week, rows[0].Week)
		}
		var sev int
		switch r.Severity {
		case SeverityWarning:
			sev = 0
		case SeverityUrgent:
			sev = 1
		default:
			return nil, fmt.Errorf("rows[%d]: severity %q is neither warning nor urgent", i, r.Severity)
		}
		var e *entry
		if s, err := sectionIndex(r.Industry); err == nil {
			e = &l.section[s]
		} else if dv, err := divisionNumber(r.Industry); err == nil {
			e = &l.division[dv]
		} else {
			return nil, fmt.Errorf("rows[%d]: industry %q is neither a section A–T nor a division 01–97", i, r.Industry)
		}
		if e.has[sev] {
			return nil, fmt.Errorf("rows[%d]: second %s row for industry %s", i, r.Severity, r.Industry)
		}
		e.value[sev], e.has[sev] = r.Final, true
	}
	return l, nil
}

// Applicable returns the thresholds for a company of section (A–T) and
// division ("" or 01–97). Unknown codes fall back like missing rows.
func (l *InForce) Applicable(section, division string) scoring.Thresholds {
	out := [2]scoring.Points{l.fixed.Warning, l.fixed.Urgent}
	var sec, div *entry
	if s, err := sectionIndex(section); err == nil {
		sec = &l.section[s]
	}
	if division != "" {
		if dv, err := divisionNumber(division); err == nil {
			div = &l.division[dv]
		}
	}
	for i := range out {
		switch {
		case div != nil && div.has[i]:
			out[i] = div.value[i]
		case sec != nil && sec.has[i]:
			out[i] = sec.value[i]
		}
	}
	return scoring.Thresholds{Warning: out[0], Urgent: out[1]}
}

// at is Applicable for a section index (0–19) and a division number (0 for
// none, else 1–97).
func (l *InForce) at(section, division int) scoring.Thresholds {
	out := [2]scoring.Points{l.fixed.Warning, l.fixed.Urgent}
	sec, div := &l.section[section], &l.division[division]
	for i := range out {
		switch {
		case division != 0 && div.has[i]:
			out[i] = div.value[i]
		case sec.has[i]:
			out[i] = sec.value[i]
		}
	}
	return scoring.Thresholds{Warning: out[0], Urgent: out[1]}
}

// Source names where a company's warning threshold comes from: "division",
// "section" or "fixed" (the value stored as applied_thresholds.threshold_source).
func (l *InForce) Source(section, division string) string {
	if division != "" {
		if dv, err := divisionNumber(division); err == nil && l.division[dv].has[0] {
			return string(LevelDivision)
		}
	}
	if s, err := sectionIndex(section); err == nil && l.section[s].has[0] {
		return string(LevelSection)
	}
	return "fixed"
}
