package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Verdicts of a figure.
const (
	VerdictPass = "pass"
	VerdictFail = "fail"
	VerdictInfo = "info" // no target: reported for the reader
)

// Target is what a figure must reach: its Ratio (or, with OnValue, its
// Value) compared with Bound by Op ("≥", "≤" or "=").
type Target struct {
	Op      string
	Bound   float64
	OnValue bool
}

// AtLeast is a target on the ratio: ratio ≥ bound.
func AtLeast(bound float64) *Target { return &Target{Op: "≥", Bound: bound} }

// AtMost is a target on the ratio: ratio ≤ bound.
func AtMost(bound float64) *Target { return &Target{Op: "≤", Bound: bound} }

// ValueIs is a target on the value itself: value = want.
func ValueIs(want float64) *Target { return &Target{Op: "=", Bound: want, OnValue: true} }

// String reads like "ratio ≥ 0.95" or "value = 0".
func (t *Target) String() string {
	if t == nil {
		return ""
	}
	on := "ratio"
	if t.OnValue {
		on = "value"
	}
	return on + " " + t.Op + " " + strconv.FormatFloat(t.Bound, 'g', -1, 64)
}

// met reports whether the figure reaches the target.
func (t *Target) met(f Figure) bool {
	x := f.Ratio
	if t.OnValue {
		x = f.Value
	}
	switch t.Op {
	case "≥":
		return x >= t.Bound
	case "≤":
		return x <= t.Bound
	default:
		return x == t.Bound
	}
}

// Figure is one measured number with the limit (or baseline) it is
// compared with. The limit is measured in the same run, except for the
// time and memory budgets of ARCHITECTURE.md “Targets”, which are fixed numbers and say so
// in LimitName.
type Figure struct {
	Scenario  string  `json:"scenario"`
	Name      string  `json:"figure"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"`
	Limit     float64 `json:"limit"`
	LimitUnit string  `json:"limit_unit"`
	LimitName string  `json:"limit_name"` // what the limit is and how it was obtained
	Ratio     float64 `json:"ratio"`      // Value / Limit
	Target    string  `json:"target,omitempty"`
	Verdict   string  `json:"verdict"`
	Note      string  `json:"note,omitempty"`
}

// newFigure computes the ratio and the verdict.
func newFigure(name string, value float64, unit string, limit float64, limitUnit, limitName string, target *Target, note string) Figure {
	f := Figure{Name: name, Value: value, Unit: unit, Limit: limit, LimitUnit: limitUnit, LimitName: limitName, Note: note}
	if limit != 0 {
		f.Ratio = value / limit
	}
	f.Verdict = VerdictInfo
	if target != nil {
		f.Target = target.String()
		f.Verdict = VerdictFail
		if target.met(f) {
			f.Verdict = VerdictPass
		}
	}
	return f
}

// ScenarioRun is how one scenario went.
type ScenarioRun struct {
	Name     string  `json:"name"`
	Title    string  `json:"title"`
	Seconds  float64 `json:"seconds"` // wall time including its setup
	Error    string  `json:"error,omitempty"`
	Measured string  `json:"measured,omitempty"` // sizes actually measured
}

// Report is a whole run: what it measured and on what.
type Report struct {
	StartedAt time.Time     `json:"started_at"`
	Seconds   float64       `json:"seconds"`
	Command   string        `json:"command"`
	Machine   Machine       `json:"machine"`
	Smoke     bool          `json:"smoke"`
	Scenarios []ScenarioRun `json:"scenarios"`
	Figures   []Figure      `json:"figures"`
}

// Machine describes where the run happened.
type Machine struct {
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GoVersion  string `json:"go_version"`
	PostgreSQL string `json:"postgresql"`
	Database   string `json:"database"` // "devpg (durable: fsync on, full_page_writes on)" or "external"
	LoadAvg    string `json:"load_average_at_start,omitempty"`
}

// Missed counts figures that failed their target.
func (r *Report) Missed() int {
	n := 0
	for _, f := range r.Figures {
		if f.Verdict == VerdictFail {
			n++
		}
	}
	return n
}

// Failed counts scenarios that ended with an error.
func (r *Report) Failed() int {
	n := 0
	for _, s := range r.Scenarios {
		if s.Error != "" {
			n++
		}
	}
	return n
}

// WriteTable prints the figures as an aligned table, then the scenario
// durations and errors.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tFIGURE\tVALUE\tUNIT\tLIMIT / BASELINE (same run)\tRATIO\tTARGET\tRESULT")
	for _, f := range r.Figures {
		limit, rat := "-", "-"
		if f.Limit != 0 {
			limit, rat = num(f.Limit)+" "+f.LimitUnit, ratio(f.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s (%s)\t%s\t%s\t%s\n",
			f.Scenario, f.Name, num(f.Value), f.Unit, limit, f.LimitName, rat, orDash(f.Target), f.Verdict)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	notes := false
	for _, f := range r.Figures {
		if f.Note != "" {
			if !notes {
				fmt.Fprintln(w, "Notes:")
				notes = true
			}
			fmt.Fprintf(w, "  %s / %s: %s\n", f.Scenario, f.Name, f.Note)
		}
	}
	if notes {
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Scenarios:")
	for _, s := range r.Scenarios {
		status := "ok"
		if s.Error != "" {
			status = "ERROR: " + s.Error
		}
		fmt.Fprintf(w, "  %-10s %8.1f s  %s", s.Name, s.Seconds, status)
		if s.Measured != "" {
			fmt.Fprintf(w, "  [%s]", s.Measured)
		}
		fmt.Fprintln(w)
	}
	_, err := fmt.Fprintf(w, "Total %.1f s; %d figures, %d missed their target, %d scenarios failed.\n",
		r.Seconds, len(r.Figures), r.Missed(), r.Failed())
	return err
}

// WriteJSON writes the report to path.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// num formats a figure with about four significant digits.
func num(v float64) string {
	a := math.Abs(v)
	switch {
	case v == 0:
		return "0"
	case a >= 1e5:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}

func ratio(v float64) string {
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
