package scoring

import (
	"fmt"
	"slices"
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
	// Role is the company's part in the case. Rule 1 ignores it; rule 2
	// counts only the cases the company answers (respondent, or no role).
	Role Role
}

// Role is the company's part in a case (the wire's "role"). The zero value
// RoleUnknown is a case without a role, which rule 2 treats as one the
// company answers.
type Role uint8

// Roles, spelled as on the wire (RoleUnknown is the empty string).
const (
	RoleUnknown    Role = iota // no role given
	RoleRespondent             // respondent (被申请人): a worker's claim against the company
	RoleApplicant              // applicant (申请人): the company's claim against a worker
	RoleThirdParty             // third_party (第三人)
)

var roleNames = wireNames{"", "respondent", "applicant", "third_party"}

// ParseRole reads a role as spelled on the wire; "" is RoleUnknown.
func ParseRole(s string) (Role, error) {
	i, err := roleNames.parse(s)
	return Role(i), err
}

// String returns the wire spelling of r ("" for RoleUnknown).
func (r Role) String() string { return roleNames.name(uint8(r), "Role") }

// Answered reports whether the company answers the case: it is the
// respondent, or the case has no role. Rule 2 scores only those.
func (r Role) Answered() bool { return r == RoleUnknown || r == RoleRespondent }

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

var outcomeNames = wireNames{"pending", "win", "lose", "partial", "settled", "withdrawn"}

// ParseOutcome reads an outcome as spelled on the wire ("win", "lose", …).
func ParseOutcome(s string) (Outcome, error) {
	i, err := outcomeNames.parse(s)
	return Outcome(i), err
}

// String returns the wire spelling of o.
func (o Outcome) String() string { return outcomeNames.name(uint8(o), "Outcome") }

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

var executionNames = wireNames{"not_applicable", "executed", "partially_executed", "unexecuted"}

// ParseExecutionStatus reads an execution status as spelled on the wire.
func ParseExecutionStatus(s string) (ExecutionStatus, error) {
	i, err := executionNames.parse(s)
	return ExecutionStatus(i), err
}

// String returns the wire spelling of e.
func (e ExecutionStatus) String() string { return executionNames.name(uint8(e), "ExecutionStatus") }

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

// wireNames are the wire spellings of an enumeration's values, in order.
type wireNames []string

// parse returns the value spelled s.
func (n wireNames) parse(s string) (uint8, error) {
	if i := slices.Index(n, s); i >= 0 {
		return uint8(i), nil
	}
	return 0, fmt.Errorf("%q is not one of %s", s, strings.Join(n, ", "))
}

// name returns the spelling of v, or typ(v) for a value out of range.
func (n wireNames) name(v uint8, typ string) string {
	if int(v) < len(n) {
		return n[v]
	}
	return fmt.Sprintf("%s(%d)", typ, v)
}
