package scoring

import (
	"fmt"
	"strings"

	"github.com/arbsync/arbsync/internal/money"
)

// Case is what scoring needs of one arbitration case. Callers convert their
// own case rows (database rows, upstream.Case) into it; scoring knows
// nothing about where a case came from.
type Case struct {
	// FilingDate is the date the case was filed (立案日期).
	FilingDate Date
	// Result is the outcome from the company's side.
	Result Outcome
	// ExecutionStatus tells whether the award has been enforced.
	ExecutionStatus ExecutionStatus
	// Removed marks a case that the upstream no longer returns; removed
	// cases are ignored entirely. Callers may instead leave them out.
	Removed bool
	// ClaimAmount is the amount claimed, in fen. Negative amounts (which
	// money.Parse never produces) count as zero.
	ClaimAmount money.Fen
	// Title is the case title, reported as the latest case's title.
	Title string
}

// Outcome is a case's result from the company's side (ARCHITECTURE.md “The vendor” "result").
// The zero value is OutcomePending, which never deducts anything.
type Outcome uint8

// Outcomes, spelled as on the wire.
const (
	OutcomePending   Outcome = iota // pending: not decided yet
	OutcomeWin                      // win: decided for the company
	OutcomeLose                     // lose: decided against the company
	OutcomePartial                  // partial: partly against the company
	OutcomeSettled                  // settled: mediated or settled; counts as decided
	OutcomeWithdrawn                // withdrawn: not decided
)

var outcomeNames = [...]string{"pending", "win", "lose", "partial", "settled", "withdrawn"}

// ParseOutcome reads an outcome as spelled on the wire ("win", "lose", …).
func ParseOutcome(s string) (Outcome, error) {
	for i, n := range outcomeNames {
		if s == n {
			return Outcome(i), nil
		}
	}
	return 0, fmt.Errorf("%q is not one of %s", s, allowed(outcomeNames[:]))
}

// String returns the wire spelling of o.
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// Decided reports whether o counts as a decided case: win, lose, partial
// or settled.
func (o Outcome) Decided() bool {
	return o == OutcomeWin || o == OutcomeLose || o == OutcomePartial || o == OutcomeSettled
}

// MarshalText implements encoding.TextMarshaler.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (o *Outcome) UnmarshalText(b []byte) error {
	v, err := ParseOutcome(string(b))
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// ExecutionStatus tells whether an award has been enforced (ARCHITECTURE.md “The vendor”
// "executionStatus"). The zero value is ExecutionNotApplicable, which never
// deducts anything.
type ExecutionStatus uint8

// Execution statuses, spelled as on the wire.
const (
	ExecutionNotApplicable     ExecutionStatus = iota // not_applicable
	ExecutionExecuted                                 // executed
	ExecutionPartiallyExecuted                        // partially_executed: counts as unexecuted
	ExecutionUnexecuted                               // unexecuted
)

var executionNames = [...]string{"not_applicable", "executed", "partially_executed", "unexecuted"}

// ParseExecutionStatus reads an execution status as spelled on the wire.
func ParseExecutionStatus(s string) (ExecutionStatus, error) {
	for i, n := range executionNames {
		if s == n {
			return ExecutionStatus(i), nil
		}
	}
	return 0, fmt.Errorf("%q is not one of %s", s, allowed(executionNames[:]))
}

// String returns the wire spelling of e.
func (e ExecutionStatus) String() string {
	if int(e) < len(executionNames) {
		return executionNames[e]
	}
	return fmt.Sprintf("ExecutionStatus(%d)", uint8(e))
}

// Unexecuted reports whether e counts for the unexecuted deduction:
// unexecuted or partially_executed.
func (e ExecutionStatus) Unexecuted() bool {
	return e == ExecutionUnexecuted || e == ExecutionPartiallyExecuted
}

// MarshalText implements encoding.TextMarshaler.
func (e ExecutionStatus) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (e *ExecutionStatus) UnmarshalText(b []byte) error {
	v, err := ParseExecutionStatus(string(b))
	if err != nil {
		return err
	}
	*e = v
	return nil
}

func allowed(names []string) string {
	return strings.Join(names, ", ")
}
