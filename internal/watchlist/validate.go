package watchlist

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/uscc"
)

// RowError is one problem in an import file.
type RowError struct {
	// Line is the physical line of the field at fault (the header is line 1;
	// a quoted field spanning lines counts each of them).
	Line int
	// Column is the header name of the column at fault, or "" when the
	// problem is not one column's (a header without a name, say).
	Column string
	// Message says what is wrong, naming the column and quoting the value,
	// e.g. `credit_code "91440300708461136A": check character is 'A' but
	// the first 17 characters require 'T'`.
	Message string
}

// Error returns "line N: " and the message.
func (e RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// ValidationError lists every problem found in an import file, in line
// order. When Import returns it, nothing was changed.
type ValidationError struct {
	Errors []RowError
}

// Error lists all the problems, one per line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "watchlist import: %d problem(s) in the file, nothing changed:", len(e.Errors))
	for _, re := range e.Errors {
		b.WriteString("\n")
		b.WriteString(re.Error())
	}
	return b.String()
}

// entry is a validated, normalized row, as it will be stored.
type entry struct {
	line             int // line of the credit code
	creditCode       string
	companyName      string
	industryCode     string
	enabled          bool
	note             string
	checksumOverride bool
	// refresh is the refresh interval; not Valid means keep the stored one.
	refresh pgtype.Interval
	// refreshText is interval text that PostgreSQL still has to parse.
	refreshText string
	refreshLine int
}

// validator checks records one at a time and collects their problems.
type validator struct {
	industries map[string]bool
	seen       map[string]int // credit code → line of its first row
	errs       []RowError
}

func newValidator(industries []db.ArbsyncIndustry) *validator {
	v := &validator{industries: make(map[string]bool, len(industries)), seen: make(map[string]int)}
	for _, in := range industries {
		v.industries[in.Code] = true
	}
	return v
}

func (v *validator) fail(rec *record, c column, format string, args ...any) {
	v.errs = append(v.errs, RowError{Line: rec.lines[c], Column: c.String(), Message: fmt.Sprintf(format, args...)})
}

// check validates and normalizes rec as the watchlist trigger would. ok is
// false when the row has a problem (recorded in v.errs).
func (v *validator) check(rec *record) (e entry, ok bool) {
	before := len(v.errs)
	for c := range numColumns {
		if f := rec.fields[c]; !utf8.ValidString(f) {
			v.fail(rec, c, "%s is not valid UTF-8 (save the file as UTF-8, not GBK)", c)
			return entry{}, false
		} else if strings.ContainsRune(f, 0) {
			v.fail(rec, c, "%s contains a NUL character", c)
			return entry{}, false
		}
	}
	e = entry{line: rec.lines[colCreditCode], note: rec.fields[colNote], enabled: true}

	override, overrideOK := v.boolean(rec, colChecksumOverride, false)
	e.checksumOverride = override
	e.creditCode = uscc.Normalize(rec.fields[colCreditCode])
	// The trigger trims with btrim (spaces only), so this does too.
	e.companyName = strings.Trim(rec.fields[colCompanyName], " ")
	if e.creditCode == "" {
		msg := "credit code is empty"
		if e.companyName != "" {
			msg += ` for company "` + e.companyName + `"`
		}
		v.fail(rec, colCreditCode, "%s", msg)
	} else {
		problem := uscc.Problem(e.creditCode)
		checksumOnly := strings.HasPrefix(problem, "check character")
		if problem != "" && !(checksumOnly && (override || !overrideOK)) {
			v.fail(rec, colCreditCode, "credit_code %q: %s", e.creditCode, problem)
		}
		if first, dup := v.seen[e.creditCode]; dup {
			v.fail(rec, colCreditCode, "credit_code %q duplicates line %d", e.creditCode, first)
		} else {
			v.seen[e.creditCode] = rec.lines[colCreditCode]
		}
	}

	if e.companyName == "" {
		v.fail(rec, colCompanyName, "company name is empty%s", forCode(e.creditCode))
	}
	e.industryCode = strings.ToUpper(strings.Trim(rec.fields[colIndustryCode], " "))
	switch {
	case e.industryCode == "":
		v.fail(rec, colIndustryCode, "industry code is empty%s", forCode(e.creditCode))
	case !v.industries[e.industryCode]:
		v.fail(rec, colIndustryCode, `unknown industry code "%s"%s (use a GB/T 4754-2017 section A-T or division 01-97; see arbsync.industries)`, e.industryCode, forCode(e.creditCode))
	}
	e.enabled, _ = v.boolean(rec, colEnabled, true)
	v.interval(rec, &e)
	return e, len(v.errs) == before
}

// boolean parses column c, which defaults to def when empty. ok is false
// (and the problem recorded) when the value is not a boolean.
func (v *validator) boolean(rec *record, c column, def bool) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(rec.fields[c])) {
	case "":
		return def, true
	case "true", "1", "yes", "是":
		return true, true
	case "false", "0", "no", "否":
		return false, true
	}
	v.fail(rec, c, "%s %q: not a boolean (use true/false, 1/0, yes/no or 是/否)", c, rec.fields[c])
	return def, false
}

// interval parses a Go duration at once; other text waits for
// resolveIntervals.
func (v *validator) interval(rec *record, e *entry) {
	text := strings.TrimSpace(rec.fields[colRefreshInterval])
	if text == "" {
		return
	}
	e.refreshLine = rec.lines[colRefreshInterval]
	iv, isGo, problem := goInterval(text)
	switch {
	case !isGo:
		e.refreshText = text
	case problem == "":
		problem = intervalProblem(iv)
	}
	if problem != "" {
		v.fail(rec, colRefreshInterval, "%s", intervalMessage(text, e.creditCode, problem))
	}
	e.refresh = iv
}

// forCode names the row in a message as the watchlist trigger does
// (` for credit code "…"`), or returns "" when the row has no code.
func forCode(code string) string {
	if code == "" {
		return ""
	}
	return ` for credit code "` + code + `"`
}

// intervalMessage words a refresh_interval problem as the watchlist trigger
// does, quoting the interval as the file wrote it:
// `refresh_interval "30s" for credit code "…" is shorter than the minimum 1 minute`.
// A problem that is not a predicate ("is …"), such as PostgreSQL's own
// message for text it cannot read, follows a colon.
func intervalMessage(text, code, problem string) string {
	sep := ": "
	if strings.HasPrefix(problem, "is ") {
		sep = " "
	}
	return "refresh_interval " + strconv.Quote(text) + forCode(code) + sep + problem
}

// resolveIntervals has PostgreSQL parse the refresh intervals that are not
// Go durations, each distinct text once, and checks the results.
func (v *validator) resolveIntervals(ctx context.Context, q *db.Queries, entries []entry) error {
	var texts []string
	seen := map[string]bool{}
	for _, e := range entries {
		if e.refreshText != "" && !seen[e.refreshText] {
			seen[e.refreshText] = true
			texts = append(texts, e.refreshText)
		}
	}
	if len(texts) == 0 {
		return nil
	}
	values := make(map[string]pgtype.Interval, len(texts))
	problems := map[string]string{}
	rows, err := q.WatchlistImportParseIntervals(ctx, texts)
	if err != nil {
		if !isDataError(err) {
			return fmt.Errorf("watchlist import: parse refresh intervals: %w", err)
		}
		// At least one is bad: ask about each to name them all.
		rows = rows[:0]
		for _, t := range texts {
			r, err := q.WatchlistImportParseIntervals(ctx, []string{t})
			var pe *pgconn.PgError
			switch {
			case errors.As(err, &pe) && isDataError(err):
				problems[t] = pe.Message
			case err != nil:
				return fmt.Errorf("watchlist import: parse refresh interval %q: %w", t, err)
			default:
				rows = append(rows, r...)
			}
		}
	}
	for _, r := range rows {
		values[r.Input] = r.Value
		if p := intervalProblem(r.Value); p != "" {
			problems[r.Input] = p
		}
	}
	for i := range entries {
		e := &entries[i]
		if e.refreshText == "" {
			continue
		}
		if p, bad := problems[e.refreshText]; bad {
			v.errs = append(v.errs, RowError{Line: e.refreshLine, Column: colRefreshInterval.String(),
				Message: intervalMessage(e.refreshText, e.creditCode, p)})
			continue
		}
		e.refresh = values[e.refreshText]
	}
	return nil
}

// isDataError reports whether err is PostgreSQL rejecting a value (SQLSTATE
// class 22, data exception: bad interval syntax, a field out of range).
func isDataError(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && strings.HasPrefix(pe.Code, "22")
}

// result returns the problems found, in line and column order, or nil.
func (v *validator) result() error {
	if len(v.errs) == 0 {
		return nil
	}
	order := func(name string) int {
		c, _ := columnNamed(name)
		return int(c)
	}
	slices.SortStableFunc(v.errs, func(a, b RowError) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(order(a.Column), order(b.Column)))
	})
	return &ValidationError{Errors: v.errs}
}
