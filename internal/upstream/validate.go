package upstream

import (
	"fmt"
	"time"
)

// Valid reports whether r is one of the roles of ARCHITECTURE.md “The vendor”.
func (r Role) Valid() bool {
	return r == RoleApplicant || r == RoleRespondent || r == RoleThirdParty
}

// Valid reports whether r is one of the results of ARCHITECTURE.md “The vendor”.
func (r Result) Valid() bool {
	switch r {
	case ResultWin, ResultLose, ResultPartial, ResultSettled, ResultWithdrawn, ResultPending:
		return true
	}
	return false
}

// Valid reports whether s is one of the execution statuses of ARCHITECTURE.md “The vendor”.
func (s ExecutionStatus) Valid() bool {
	switch s {
	case ExecExecuted, ExecPartiallyExecuted, ExecUnexecuted, ExecNotApplicable:
		return true
	}
	return false
}

// validateCase checks a decoded case's invariants and returns a message
// naming the first offending field, or "". Plausible dates run from 1987
// (arbitration committees in their current form) to 2099; the bounds are
// fixed, not relative to the clock, so a simulated future still decodes.
func validateCase(c *Case) string {
	earliestDate := time.Date(1987, 1, 1, 0, 0, 0, 0, time.UTC)
	latest := time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)
	switch {
	case c.CaseID == "":
		return "field caseId: empty"
	case len(c.CaseID) > 128:
		return "field caseId: longer than 128 bytes"
	case !c.Role.Valid():
		return fmt.Sprintf("field role: unknown value %q", c.Role)
	case !c.Result.Valid():
		return fmt.Sprintf("field result: unknown value %q", c.Result)
	case !c.ExecutionStatus.Valid():
		return fmt.Sprintf("field executionStatus: unknown value %q", c.ExecutionStatus)
	case c.FilingDate.IsZero():
		return "field filingDate: missing"
	case c.FilingDate.Before(earliestDate) || c.FilingDate.After(latest):
		return fmt.Sprintf("field filingDate: %s is implausible", c.FilingDate)
	case c.ClosingDate != nil && c.ClosingDate.Before(c.FilingDate.Time):
		return fmt.Sprintf("field closingDate: %s is before filingDate %s", c.ClosingDate, c.FilingDate)
	case c.ClosingDate != nil && c.ClosingDate.After(latest):
		return fmt.Sprintf("field closingDate: %s is implausible", c.ClosingDate)
	case c.Result == ResultPending && c.ClosingDate != nil:
		return "field closingDate: set on a pending case"
	case c.UpdatedAt.IsZero():
		return "field updatedAt: missing"
	case c.UnexecutedAmount > 0 && c.ExecutionStatus != ExecUnexecuted && c.ExecutionStatus != ExecPartiallyExecuted:
		return fmt.Sprintf("field unexecutedAmount: %s with executionStatus %q", c.UnexecutedAmount, c.ExecutionStatus)
	}
	return ""
}
