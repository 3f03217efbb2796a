package upstream

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/arbsync/arbsync/internal/money"
)

// Role is the company's position in a case.
type Role string

// Roles of ARCHITECTURE.md “The vendor”.
const (
	RoleApplicant  Role = "applicant"
	RoleRespondent Role = "respondent"
	RoleThirdParty Role = "third_party"
)

// Result is a case's outcome from the company's side.
type Result string

// Results of ARCHITECTURE.md “The vendor”.
const (
	ResultWin       Result = "win"
	ResultLose      Result = "lose"
	ResultPartial   Result = "partial"
	ResultSettled   Result = "settled"
	ResultWithdrawn Result = "withdrawn"
	ResultPending   Result = "pending"
)

// ExecutionStatus tells whether an award has been enforced.
type ExecutionStatus string

// Execution statuses of ARCHITECTURE.md “The vendor”.
const (
	ExecExecuted          ExecutionStatus = "executed"
	ExecPartiallyExecuted ExecutionStatus = "partially_executed"
	ExecUnexecuted        ExecutionStatus = "unexecuted"
	ExecNotApplicable     ExecutionStatus = "not_applicable"
)

// Case is one arbitration case normalized from either wire protocol. It is
// what the client returns and what sync stores in arbsync.cases.
type Case struct {
	CaseID           string          `json:"caseId"`
	CaseNo           string          `json:"caseNo"`
	Title            string          `json:"title"`
	Cause            string          `json:"cause"`
	Role             Role            `json:"role"`
	ClaimAmount      money.Fen       `json:"claimAmount"`
	AwardAmount      money.Fen       `json:"awardAmount"`
	Result           Result          `json:"result"`
	FilingDate       Date            `json:"filingDate"`
	ClosingDate      *Date           `json:"closingDate"`
	ExecutionStatus  ExecutionStatus `json:"executionStatus"`
	UnexecutedAmount money.Fen       `json:"unexecutedAmount"`
	Committee        string          `json:"committee"`
	UpdatedAt        time.Time       `json:"updatedAt"`
	// Raw is the case record exactly as the upstream sent it.
	Raw json.RawMessage `json:"-"`
}

// Company is the result of fetching one company: its name as the upstream
// knows it and all of its cases (every page).
type Company struct {
	CreditCode  string
	CompanyName string
	Cases       []Case
}

// Date is a calendar date (no time of day), encoded as "2006-01-02".
type Date struct{ time.Time }

// DateOf returns the date of t's calendar day in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// ParseDate parses "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, err
	}
	return Date{t}, nil
}

// String formats the date as "2006-01-02".
func (d Date) String() string { return d.Format(time.DateOnly) }

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON encodes the date as "2006-01-02". Without it the embedded
// time.Time's MarshalJSON would win over MarshalText and print a full
// RFC 3339 time.
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// UnmarshalJSON decodes "2006-01-02" (null leaves d unchanged).
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("date %s is not a JSON string like \"2006-01-02\"", b)
	}
	return d.UnmarshalText(b[1 : len(b)-1])
}
