package thresholds

import "fmt"

// Severity is which of the two thresholds a row holds.
type Severity string

// Severities.
const (
	SeverityWarning Severity = "warning"
	SeverityUrgent  Severity = "urgent"
)

// severities in the order Compute needs them: urgent depends on warning.
var severities = [2]Severity{SeverityWarning, SeverityUrgent}

// IndustryLevel tells whether an industry code is a GB/T 4754-2017
// section (门类, "A"–"T") or division (大类, "01"–"97").
type IndustryLevel string

// Industry levels.
const (
	LevelSection  IndustryLevel = "section"
	LevelDivision IndustryLevel = "division"
)

// Key identifies one threshold: an industry code and a severity.
type Key struct {
	Industry string
	Severity Severity
}

const (
	sectionCount = 20 // A–T
	maxDivision  = 97 // 01–97
)

// sectionIndex returns 0–19 for "A"–"T".
func sectionIndex(code string) (int, error) {
	if len(code) != 1 || code[0] < 'A' || code[0] >= 'A'+sectionCount {
		return 0, fmt.Errorf("section %q is not one of A–T", code)
	}
	return int(code[0] - 'A'), nil
}

// divisionNumber returns 1–97 for "01"–"97".
func divisionNumber(code string) (int, error) {
	if len(code) != 2 || code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9' {
		return 0, fmt.Errorf("division %q is not two digits 01–97", code)
	}
	n := int(code[0]-'0')*10 + int(code[1]-'0')
	if n < 1 || n > maxDivision {
		return 0, fmt.Errorf("division %q is not two digits 01–97", code)
	}
	return n, nil
}

func sectionCode(i int) string { return string(rune('A' + i)) }

func divisionCode(n int) string { return fmt.Sprintf("%02d", n) }
