package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// ansi matches the colour codes of zerolog's console format.
var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// Every process a test starts is watched for error-level log lines: a
// normal run logs none, so one that the test did not provoke on purpose is
// a bug even when every assertion holds (the daily rescore once failed at
// every daemon start while the whole suite passed). A test that provokes
// errors names them with allowErrors, by a substring of the line.

// errorLevels are the zerolog levels that fail a test.
var errorLevels = map[string]bool{"error": true, "fatal": true, "panic": true}

// errorLines returns the error-level log lines of output: JSON lines whose
// "level" is error, fatal or panic, and console lines with zerolog's ERR,
// FTL or PNC marker.
func errorLines(output string) []string {
	var out []string
	for _, line := range strings.Split(output, "\n") {
		line = strings.TrimSpace(ansi.ReplaceAllString(line, ""))
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "{") {
			var v struct {
				Level string `json:"level"`
			}
			if json.Unmarshal([]byte(line), &v) == nil && errorLevels[v.Level] {
				out = append(out, line)
			}
			continue
		}
		for _, m := range []string{" ERR ", " FTL ", " PNC "} {
			if strings.Contains(line, m) {
				out = append(out, line)
				break
			}
		}
	}
	return out
}

// unexpectedErrors returns the error lines of output that contain none of
// allowed.
func unexpectedErrors(output string, allowed []string) []string {
	var out []string
	for _, l := range errorLines(output) {
		ok := false
		for _, a := range allowed {
			if strings.Contains(l, a) {
				ok = true
				break
			}
		}
		if !ok {
			out = append(out, l)
		}
	}
	return out
}

// requireNoUnexpectedErrors fails t when output holds an error line that
// contains none of allowed.
func requireNoUnexpectedErrors(t *testing.T, who, output string, allowed []string) {
	t.Helper()
	if bad := unexpectedErrors(output, allowed); len(bad) > 0 {
		if len(bad) > 10 {
			bad = append(bad[:10], "…")
		}
		t.Errorf("%s logged %d error line(s) the test did not provoke:\n%s", who, len(unexpectedErrors(output, allowed)), strings.Join(bad, "\n"))
	}
}

// The check itself: it sees JSON and console error lines and nothing else.
func TestErrorLinesFindsErrorLevels(t *testing.T) {
	t.Parallel()
	out := strings.Join([]string{
		`{"level":"info","component":"sync","message":"pass finished"}`,
		`{"level":"error","component":"scheduler","job":"rescore","error":"boom","message":"job failed"}`,
		`{"level":"warn","message":"watchlist listener lost its connection"}`,
		`12:00:01 ERR job failed error=boom component=scheduler`,
		`12:00:02 INF pass finished component=sync`,
		"\x1b[90m12:00:03\x1b[0m \x1b[31mERR\x1b[0m \x1b[1mjob failed\x1b[0m",
		`{"level":"fatal","message":"cannot go on"}`,
		`arbsync run: invalid configuration:`,
	}, "\n")
	require := func(cond bool, msg string) {
		t.Helper()
		if !cond {
			t.Fatal(msg)
		}
	}
	lines := errorLines(out)
	require(len(lines) == 4, "four error lines: "+strings.Join(lines, " | "))
	require(len(unexpectedErrors(out, []string{"job failed"})) == 1, "allowing \"job failed\" leaves the fatal line")
	require(len(unexpectedErrors(out, []string{"job failed", "cannot go on"})) == 0, "both allowed")
}
