package thresholds

import (
	"strings"
	"testing"

	"github.com/arbsync/arbsync/scoring"
)

func TestInForce(t *testing.T) {
	row := func(industry string, sev Severity, final string) Row {
		return Row{Week: monday, Industry: industry, Severity: sev, Final: pts(final)}
	}
	rows := []Row{
		row("C", SeverityWarning, "65"), row("C", SeverityUrgent, "45"),
		row("13", SeverityWarning, "70"), row("13", SeverityUrgent, "50"),
		row("14", SeverityWarning, "55"), // no urgent row: urgent falls back to C
	}
	l, err := NewInForce(rows, scoring.DefaultThresholds())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, section, division string
		want                    scoring.Thresholds
	}{
		{"division row", "C", "13", scoring.Thresholds{Warning: pts("70"), Urgent: pts("50")}},
		{"division without a row: section row", "C", "15", scoring.Thresholds{Warning: pts("65"), Urgent: pts("45")}},
		{"filed under the section: section row", "C", "", scoring.Thresholds{Warning: pts("65"), Urgent: pts("45")}},
		{"each severity falls back on its own", "C", "14", scoring.Thresholds{Warning: pts("55"), Urgent: pts("45")}},
		{"section without a row: fixed", "A", "01", scoring.DefaultThresholds()},
		{"unknown codes: fixed", "Z", "99", scoring.DefaultThresholds()},
	}
	for _, tt := range tests {
		if got := l.Applicable(tt.section, tt.division); got != tt.want {
			t.Errorf("%s: Applicable(%q, %q) = %+v, want %+v", tt.name, tt.section, tt.division, got, tt.want)
		}
	}
	empty, err := NewInForce(nil, scoring.Thresholds{Warning: pts("61"), Urgent: pts("41")})
	if err != nil {
		t.Fatal(err)
	}
	if got := empty.Applicable("C", "13"); got != (scoring.Thresholds{Warning: pts("61"), Urgent: pts("41")}) {
		t.Errorf("empty lookup: %+v", got)
	}
}

func TestInForceOfComputedRows(t *testing.T) {
	rows, err := Compute(monday, append(same(40, "C", "13", "100"), same(60, "B", "", "0")...), nil, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewInForce(rows, scoring.DefaultThresholds())
	if err != nil {
		t.Fatal(err)
	}
	d13, _ := find(rows, Key{"13", SeverityWarning})
	u13, _ := find(rows, Key{"13", SeverityUrgent})
	if got := l.Applicable("C", "13"); got.Warning != d13.Final || got.Urgent != u13.Final {
		t.Errorf("Applicable(C, 13) = %+v, want %s/%s", got, d13.Final, u13.Final)
	}
}

func TestNewInForceErrors(t *testing.T) {
	tests := []struct {
		name string
		rows []Row
		want string
	}{
		{"two weeks", []Row{{Week: monday, Industry: "C", Severity: SeverityWarning}, {Week: monday + 7, Industry: "C", Severity: SeverityUrgent}},
			"rows[1]: week 2026-11-30, but rows[0] is for week 2026-11-23"},
		{"duplicate", []Row{{Week: monday, Industry: "C", Severity: SeverityWarning}, {Week: monday, Industry: "C", Severity: SeverityWarning}},
			"rows[1]: second warning row for industry C"},
		{"bad severity", []Row{{Week: monday, Industry: "C", Severity: "critical"}}, `rows[0]: severity "critical" is neither warning nor urgent`},
		{"bad industry", []Row{{Week: monday, Industry: "C13", Severity: SeverityUrgent}}, `rows[0]: industry "C13" is neither a section A–T nor a division 01–97`},
	}
	for _, tt := range tests {
		_, err := NewInForce(tt.rows, scoring.DefaultThresholds())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}
