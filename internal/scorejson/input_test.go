package scorejson

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
)

func TestReadInput(t *testing.T) {
	in := `{
	  "asOf": "2026-11-24",
	  "thresholds": {"warning": 62.5, "urgent": 40},
	  "cases": [
	    {"caseId": "c1", "caseNo": "京朝劳人仲字〔2025〕第1234号", "title": "追索劳动报酬纠纷",
	     "cause": "追索劳动报酬纠纷", "role": "respondent", "claimAmount": "23000.50",
	     "awardAmount": "12000", "result": "lose", "filingDate": "2026-03-01",
	     "closingDate": null, "executionStatus": "unexecuted", "unexecutedAmount": "12000",
	     "committee": "北京市朝阳区劳动人事争议仲裁委员会", "updatedAt": "2026-05-01T08:00:00+08:00"},
	    {"filingDate": "2020-01-01", "claimAmount": 8000.5, "result": "settled",
	     "executionStatus": "not_applicable", "removed": true, "title": null},
	    {"filingDate": "2026-10-01", "result": "pending", "executionStatus": "not_applicable"}
	  ]
	}`
	got, err := ReadInput(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := Input{
		AsOf:       scoring.NewDate(2026, time.November, 24),
		Thresholds: scoring.Thresholds{Warning: 6250, Urgent: 4000},
		Cases: []scoring.Case{
			{FilingDate: scoring.NewDate(2026, time.March, 1), ClaimAmount: money.Fen(2300050), Result: scoring.OutcomeLose, ExecutionStatus: scoring.ExecutionUnexecuted, Title: "追索劳动报酬纠纷", Role: scoring.RoleRespondent},
			{FilingDate: scoring.NewDate(2020, time.January, 1), ClaimAmount: money.Fen(800050), Result: scoring.OutcomeSettled, ExecutionStatus: scoring.ExecutionNotApplicable, Removed: true},
			{FilingDate: scoring.NewDate(2026, time.October, 1), Result: scoring.OutcomePending, ExecutionStatus: scoring.ExecutionNotApplicable},
		},
		CaseNos: []string{"京朝劳人仲字〔2025〕第1234号", "", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadInput:\n got  %+v\n want %+v", got, want)
	}
}

func TestReadInputDefaults(t *testing.T) {
	got, err := ReadInput(strings.NewReader(`{"asOf":"2026-11-24","cases":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Thresholds != scoring.DefaultThresholds() || len(got.Cases) != 0 {
		t.Errorf("got %+v", got)
	}
	got, err = ReadInput(strings.NewReader(`{"asOf":"2026-11-24","thresholds":null,"cases":[]}`))
	if err != nil || got.Thresholds != scoring.DefaultThresholds() {
		t.Errorf("null thresholds: %+v, %v", got, err)
	}
}

func TestReadInputErrors(t *testing.T) {
	okCase := `{"filingDate":"2026-03-01","result":"lose","executionStatus":"unexecuted"}`
	withCase := func(c string) string { return `{"asOf":"2026-11-24","cases":[` + okCase + `,` + c + `]}` }
	tests := []struct {
		name, in, want string
	}{
		{"empty input", ``, `input: empty, want a JSON object`},
		{"syntax error", `{"asOf":`, `input: unexpected EOF`},
		{"not an object", `[]`, `input: want a JSON object, got array`},
		{"trailing data", `{"asOf":"2026-11-24","cases":[]} {}`, `input: unexpected data after the JSON object`},
		{"unknown top-level field", `{"asOf":"2026-11-24","cases":[],"asof":"x"}`, `input: unknown field "asof" (known: asOf, cases, thresholds)`},
		{"missing asOf", `{"cases":[]}`, `asOf: missing (want YYYY-MM-DD)`},
		{"null asOf", `{"asOf":null,"cases":[]}`, `asOf: missing (want YYYY-MM-DD)`},
		{"asOf not a string", `{"asOf":20261124,"cases":[]}`, `asOf: want a string, got number`},
		{"bad asOf", `{"asOf":"2026-11-31","cases":[]}`, `asOf: "2026-11-31" is not a date (want YYYY-MM-DD)`},
		{"missing cases", `{"asOf":"2026-11-24"}`, `cases: missing (want an array, [] for none)`},
		{"cases not an array", `{"asOf":"2026-11-24","cases":{}}`, `cases: want an array, got object`},
		{"case not an object", withCase(`"x"`), `cases[1]: want a JSON object, got string`},
		{"unknown case field", withCase(`{"claim_amount":"1"}`), `cases[1]: unknown field "claim_amount" (known: awardAmount, caseId, caseNo, cause, claimAmount, closingDate, committee, executionStatus, filingDate, removed, result, role, title, unexecutedAmount, updatedAt)`},
		{"unknown role", withCase(`{"filingDate":"2026-03-01","result":"lose","executionStatus":"unexecuted","role":"employer"}`), `cases[1].role: "employer" is not one of respondent, applicant, third_party (or leave it out: no role)`},
		{"role not a string", withCase(`{"filingDate":"2026-03-01","result":"lose","executionStatus":"unexecuted","role":1}`), `cases[1].role: want a string, got number`},
		{"caseNo not a string", withCase(`{"filingDate":"2026-03-01","result":"lose","executionStatus":"unexecuted","caseNo":12}`), `cases[1].caseNo: want a string, got number`},
		{"two unknown case fields", withCase(`{"b":1,"a":2}`), `cases[1]: unknown fields "a", "b" (known:`},
		{"field names are case-sensitive", withCase(`{"FilingDate":"2026-03-01"}`), `cases[1]: unknown field "FilingDate"`},
		{"claimAmount with a comma", withCase(`{"filingDate":"2026-03-01","result":"lose","executionStatus":"unexecuted","claimAmount":"12,000"}`), `cases[1].claimAmount: amount "12,000" is not a decimal number of yuan`},
		{"claimAmount with 3 decimals", withCase(`{"filingDate":"2026-03-01","result":"lose","executionStatus":"unexecuted","claimAmount":1.234}`), `cases[1].claimAmount: amount "1.234" has more than 2 decimal places`},
		{"negative claimAmount", withCase(`{"filingDate":"2026-03-01","result":"lose","executionStatus":"unexecuted","claimAmount":"-5"}`), `cases[1].claimAmount: amount "-5" is not a decimal number of yuan`},
		{"claimAmount in exponent form", withCase(`{"filingDate":"2026-03-01","result":"lose","executionStatus":"unexecuted","claimAmount":1e4}`), `cases[1].claimAmount: amount "1e4" is not a decimal number of yuan`},
		{"claimAmount boolean", withCase(`{"filingDate":"2026-03-01","result":"lose","executionStatus":"unexecuted","claimAmount":true}`), `cases[1].claimAmount: want a decimal string of yuan, got boolean`},
		{"missing filingDate", withCase(`{"result":"lose","executionStatus":"unexecuted"}`), `cases[1].filingDate: missing (want YYYY-MM-DD)`},
		{"bad filingDate", withCase(`{"filingDate":"2026/03/01","result":"lose","executionStatus":"unexecuted"}`), `cases[1].filingDate: "2026/03/01" is not a date (want YYYY-MM-DD)`},
		{"missing result", withCase(`{"filingDate":"2026-03-01","executionStatus":"unexecuted"}`), `cases[1].result: missing (want one of pending, win, lose, partial, settled, withdrawn)`},
		{"bad result", withCase(`{"filingDate":"2026-03-01","result":"lost","executionStatus":"unexecuted"}`), `cases[1].result: "lost" is not one of pending, win, lose, partial, settled, withdrawn`},
		{"result not a string", withCase(`{"filingDate":"2026-03-01","result":1,"executionStatus":"unexecuted"}`), `cases[1].result: want a string, got number`},
		{"missing executionStatus", withCase(`{"filingDate":"2026-03-01","result":"lose"}`), `cases[1].executionStatus: missing (want one of not_applicable, executed, partially_executed, unexecuted)`},
		{"bad executionStatus", withCase(`{"filingDate":"2026-03-01","result":"lose","executionStatus":"Unexecuted"}`), `cases[1].executionStatus: "Unexecuted" is not one of not_applicable, executed, partially_executed, unexecuted`},
		{"title not a string", withCase(`{"filingDate":"2026-03-01","result":"lose","executionStatus":"unexecuted","title":7}`), `cases[1].title: want a string, got number`},
		{"removed not a boolean", withCase(`{"filingDate":"2026-03-01","result":"lose","executionStatus":"unexecuted","removed":"yes"}`), `cases[1].removed: want true or false, got string`},
		{"thresholds not an object", `{"asOf":"2026-11-24","cases":[],"thresholds":60}`, `thresholds: want a JSON object, got number`},
		{"thresholds missing urgent", `{"asOf":"2026-11-24","cases":[],"thresholds":{"warning":60}}`, `thresholds.urgent: missing (want a number of points)`},
		{"thresholds warning as a string", `{"asOf":"2026-11-24","cases":[],"thresholds":{"warning":"60","urgent":40}}`, `thresholds.warning: want a number of points, got string`},
		{"thresholds with 3 decimals", `{"asOf":"2026-11-24","cases":[],"thresholds":{"warning":60,"urgent":40.125}}`, `thresholds.urgent: "40.125" is not a number of points with at most 2 decimals`},
		{"thresholds unknown key", `{"asOf":"2026-11-24","cases":[],"thresholds":{"warning":60,"urgent":40,"critical":20}}`, `thresholds: unknown field "critical" (known: urgent, warning)`},
		{"urgent above warning", `{"asOf":"2026-11-24","cases":[],"thresholds":{"warning":40,"urgent":60}}`, `thresholds: urgent threshold 60.00 is above warning threshold 40.00`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadInput(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want it to start with %q", err, tt.want)
			}
		})
	}
}

// role is optional: absent, null or "" is no role (which rule 2 counts as
// respondent); the three wire spellings are read as such.
func TestReadInputRoles(t *testing.T) {
	got, err := ReadInput(strings.NewReader(`{"asOf":"2026-11-24","cases":[
	  {"filingDate":"2026-03-01","result":"lose","executionStatus":"executed"},
	  {"filingDate":"2026-03-01","result":"lose","executionStatus":"executed","role":null},
	  {"filingDate":"2026-03-01","result":"lose","executionStatus":"executed","role":""},
	  {"filingDate":"2026-03-01","result":"lose","executionStatus":"executed","role":"respondent"},
	  {"filingDate":"2026-03-01","result":"lose","executionStatus":"executed","role":"applicant"},
	  {"filingDate":"2026-03-01","result":"lose","executionStatus":"executed","role":"third_party"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []scoring.Role{scoring.RoleUnknown, scoring.RoleUnknown, scoring.RoleUnknown,
		scoring.RoleRespondent, scoring.RoleApplicant, scoring.RoleThirdParty}
	for i, c := range got.Cases {
		if c.Role != want[i] {
			t.Errorf("cases[%d].role = %v, want %v", i, c.Role, want[i])
		}
	}
}
