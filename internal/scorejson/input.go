// Package scorejson is the JSON form of `arbsync score -json`: a strict
// reader of one company's cases (ReadInput) and the writer of the full
// breakdown of its score (WriteBreakdown). The rules themselves are package
// scoring's; this package only reads and writes.
package scorejson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
)

// Input is one company's cases as read by ReadInput (`arbsync score --json`).
type Input struct {
	// AsOf is the as-of date to score at.
	AsOf scoring.Date
	// Thresholds judge the level; scoring.DefaultThresholds() when not given.
	Thresholds scoring.Thresholds
	// Cases are the company's cases, in input order.
	Cases []scoring.Case
	// CaseNos are their case numbers, "" where none was given (CaseNos[i]
	// is Cases[i]'s), for the breakdown to name them.
	CaseNos []string
}

// Known field names. Case fields follow ARCHITECTURE.md “The vendor”'s normalized case;
// "removed" is arbsync's own flag for a case the upstream no longer returns.
var (
	inputFields      = []string{"asOf", "cases", "thresholds"}
	thresholdFields  = []string{"urgent", "warning"}
	scoredCaseFields = []string{"caseNo", "claimAmount", "executionStatus", "filingDate", "removed", "result", "role", "title"}
	ignoredCaseField = []string{"awardAmount", "caseId", "cause", "closingDate", "committee",
		"unexecutedAmount", "updatedAt"}
)

// ReadInput reads one JSON object from r:
//
//	{"asOf": "2026-11-24",
//	 "thresholds": {"warning": 60, "urgent": 40},
//	 "cases": [{"title": "…", "filingDate": "2026-03-01", "claimAmount": "23000.50",
//	            "result": "lose", "executionStatus": "unexecuted"}]}
//
// asOf and cases are required; thresholds is optional (default 60/40; when
// present both keys are required). A case needs filingDate, result and
// executionStatus; claimAmount (a decimal yuan string or a plain JSON
// number, at most 2 decimals, read exactly) defaults to 0, title and caseNo
// to "", removed (boolean) to false, and role (respondent, applicant or
// third_party: the company's part in the case, which rule 2 reads) to none,
// which rule 2 counts as respondent. The other normalized case fields of
// ARCHITECTURE.md “The vendor” (caseId, cause, awardAmount, closingDate,
// unexecutedAmount, committee, updatedAt) are accepted and ignored. A JSON null counts as an
// absent field. Field names are matched exactly; unknown fields, malformed
// values and trailing data are errors that name the field and case index,
// e.g. `cases[3].claimAmount: amount "12,000" is not a decimal number of yuan`.
func ReadInput(r io.Reader) (Input, error) {
	dec := json.NewDecoder(r)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return Input{}, errors.New("input: empty, want a JSON object")
		}
		return Input{}, fmt.Errorf("input: %w", err)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Input{}, errors.New("input: unexpected data after the JSON object")
	}
	top, err := object(raw, "input", inputFields)
	if err != nil {
		return Input{}, err
	}

	var in Input
	if in.AsOf, err = required(top, "", "asOf", "YYYY-MM-DD", scoring.ParseDate); err != nil {
		return Input{}, err
	}

	if in.Thresholds, err = readThresholds(top["thresholds"]); err != nil {
		return Input{}, err
	}

	cases, ok := top["cases"]
	if !ok || isNull(cases) {
		return Input{}, errors.New("cases: missing (want an array, [] for none)")
	}
	var items []json.RawMessage
	if kind := jsonKind(cases); kind != "array" {
		return Input{}, fmt.Errorf("cases: want an array, got %s", kind)
	}
	if err := json.Unmarshal(cases, &items); err != nil {
		return Input{}, fmt.Errorf("cases: %w", err)
	}
	in.Cases = make([]scoring.Case, len(items))
	in.CaseNos = make([]string, len(items))
	for i, item := range items {
		if in.Cases[i], in.CaseNos[i], err = readCase(item, fmt.Sprintf("cases[%d]", i)); err != nil {
			return Input{}, err
		}
	}
	return in, nil
}

func readThresholds(raw json.RawMessage) (scoring.Thresholds, error) {
	if raw == nil || isNull(raw) {
		return scoring.DefaultThresholds(), nil
	}
	fields, err := object(raw, "thresholds", thresholdFields)
	if err != nil {
		return scoring.Thresholds{}, err
	}
	var th scoring.Thresholds
	for _, f := range []struct {
		name string
		dst  *scoring.Points
	}{{"warning", &th.Warning}, {"urgent", &th.Urgent}} {
		path := "thresholds." + f.name
		v, ok := fields[f.name]
		if !ok || isNull(v) {
			return scoring.Thresholds{}, fmt.Errorf("%s: missing (want a number of points)", path)
		}
		if kind := jsonKind(v); kind != "number" {
			return scoring.Thresholds{}, fmt.Errorf("%s: want a number of points, got %s", path, kind)
		}
		if *f.dst, err = scoring.ParsePoints(string(v)); err != nil {
			return scoring.Thresholds{}, fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := th.Validate(); err != nil {
		return scoring.Thresholds{}, fmt.Errorf("thresholds: %w", err)
	}
	return th, nil
}

// roleSpellings are the roles a case may name.
var roleSpellings = []string{scoring.RoleRespondent.String(), scoring.RoleApplicant.String(), scoring.RoleThirdParty.String()}

// readCase reads one case and its case number.
func readCase(raw json.RawMessage, path string) (c scoring.Case, caseNo string, err error) {
	fields, err := object(raw, path, scoredCaseFields, ignoredCaseField)
	if err != nil {
		return scoring.Case{}, "", err
	}
	if caseNo, _, err = stringValue(fields, path, "caseNo"); err != nil {
		return scoring.Case{}, "", err
	}
	c, err = readCaseFields(fields, path)
	return c, caseNo, err
}

// readCaseFields reads what scoring needs of a case's fields.
func readCaseFields(fields map[string]json.RawMessage, path string) (scoring.Case, error) {
	var err error
	var c scoring.Case
	if c.FilingDate, err = required(fields, path, "filingDate", "YYYY-MM-DD", scoring.ParseDate); err != nil {
		return scoring.Case{}, err
	}
	if c.Result, err = required(fields, path, "result", "one of "+spellings(scoring.OutcomeWithdrawn), scoring.ParseOutcome); err != nil {
		return scoring.Case{}, err
	}
	if c.ExecutionStatus, err = required(fields, path, "executionStatus", "one of "+spellings(scoring.ExecutionUnexecuted), scoring.ParseExecutionStatus); err != nil {
		return scoring.Case{}, err
	}

	if v, ok := fields["claimAmount"]; ok && !isNull(v) {
		text := string(v)
		switch kind := jsonKind(v); kind {
		case "string":
			if err := json.Unmarshal(v, &text); err != nil {
				return scoring.Case{}, fmt.Errorf("%s.claimAmount: %w", path, err)
			}
		case "number":
		default:
			return scoring.Case{}, fmt.Errorf("%s.claimAmount: want a decimal string of yuan, got %s", path, kind)
		}
		if c.ClaimAmount, err = money.Parse(text); err != nil {
			return scoring.Case{}, fmt.Errorf("%s.claimAmount: %w", path, err)
		}
	}

	if c.Title, _, err = stringValue(fields, path, "title"); err != nil {
		return scoring.Case{}, err
	}

	role, ok, err := stringValue(fields, path, "role")
	if err != nil {
		return scoring.Case{}, err
	}
	if ok && role != "" {
		if c.Role, err = scoring.ParseRole(role); err != nil {
			return scoring.Case{}, fmt.Errorf("%s.role: %q is not one of %s (or leave it out: no role)", path, role, strings.Join(roleSpellings, ", "))
		}
	}

	if v, ok := fields["removed"]; ok && !isNull(v) {
		if kind := jsonKind(v); kind != "boolean" {
			return scoring.Case{}, fmt.Errorf("%s.removed: want true or false, got %s", path, kind)
		}
		c.Removed = bytes.Equal(v, []byte("true"))
	}
	return c, nil
}

// object decodes raw as a JSON object and rejects keys outside known.
func object(raw json.RawMessage, path string, known ...[]string) (map[string]json.RawMessage, error) {
	if kind := jsonKind(raw); kind != "object" {
		return nil, fmt.Errorf("%s: want a JSON object, got %s", path, kind)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	all := slices.Concat(known...)
	var unknown []string
	for k := range fields {
		if !slices.Contains(all, k) {
			unknown = append(unknown, fmt.Sprintf("%q", k))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		slices.Sort(all)
		noun := "field"
		if len(unknown) > 1 {
			noun = "fields"
		}
		return nil, fmt.Errorf("%s: unknown %s %s (known: %s)", path, noun,
			strings.Join(unknown, ", "), strings.Join(all, ", "))
	}
	return fields, nil
}

// required reads the string field name, which must be present, with parse;
// want says what a missing field should hold. path names the object holding
// the field ("" at the top).
func required[T any](fields map[string]json.RawMessage, path, name, want string, parse func(string) (T, error)) (T, error) {
	var v T
	full := fieldPath(path, name)
	s, ok, err := stringValue(fields, path, name)
	if err != nil {
		return v, err
	}
	if !ok {
		return v, fmt.Errorf("%s: missing (want %s)", full, want)
	}
	if v, err = parse(s); err != nil {
		return v, fmt.Errorf("%s: %w", full, err)
	}
	return v, nil
}

// fieldPath names field name of the object at path ("" at the top).
func fieldPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// stringValue returns fields[name] as a string; ok is false when the field
// is absent or null. path names the object holding the field ("" at the top).
func stringValue(fields map[string]json.RawMessage, path, name string) (s string, ok bool, err error) {
	v, present := fields[name]
	if !present || isNull(v) {
		return "", false, nil
	}
	full := fieldPath(path, name)
	if kind := jsonKind(v); kind != "string" {
		return "", false, fmt.Errorf("%s: want a string, got %s", full, kind)
	}
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false, fmt.Errorf("%s: %w", full, err)
	}
	return s, true, nil
}

func isNull(raw json.RawMessage) bool { return jsonKind(raw) == "null" }

// jsonKind names the type of a syntactically valid JSON value.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		return "number"
	}
}

// spellings lists the wire spellings of an enumeration's values, from the
// first to last.
func spellings[T interface {
	~uint8
	String() string
}](last T) string {
	var names []string
	for v := range last + 1 {
		names = append(names, v.String())
	}
	return strings.Join(names, ", ")
}
