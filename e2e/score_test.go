package e2e

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// scoreJSON runs `arbsync score -json` with input on stdin.
func scoreJSON(t *testing.T, input string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return scoreJSONWith(t, nil, input, args...)
}

// scoreJSONWith runs `arbsync score -json args…` with exactly env.
func scoreJSONWith(t *testing.T, env []string, input string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"score", "-json"}, args...)...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(input)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errb.String(), ee.ExitCode()
	}
	require.NoError(t, err)
	return out.String(), errb.String(), 0
}

func TestScoreJSONThroughTheBinary(t *testing.T) {
	t.Parallel()
	out, errOut, code := scoreJSON(t, `{"asOf":"2026-11-24","thresholds":{"warning":70,"urgent":45},"cases":[
		{"caseId":"A1","caseNo":"京朝劳人仲字〔2026〕第1号","title":"张某与某公司劳动争议","filingDate":"2026-03-01","claimAmount":"10000.01","result":"partial","executionStatus":"executed"},
		{"caseId":"A2","title":"旧案","filingDate":"2025-11-24","claimAmount":"99999","result":"lose","executionStatus":"partially_executed"}
	]}`, "-rule", "1")
	require.Equal(t, 0, code, errOut)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Equal(t, 1.0, got["ruleVersion"])
	// One recent case (A2 was filed exactly 365 days before: out of the
	// window), half lost of one decided: 100 − 20 − 5.000005 − 75 − 25 (A2
	// partially executed, any age) < 0 → 0.
	require.Equal(t, 0.0, got["score"])
	require.Equal(t, "urgent", got["level"])
	require.Equal(t, 1.0, got["recentCases"])
	require.Equal(t, "10000.01", got["recentClaimTotal"])
	require.Equal(t, 0.5, got["loseRate"])
	require.Equal(t, 1.0, got["unexecutedCases"])
	require.Equal(t, 75.0, got["loseRateDeduction"])
	require.Equal(t, map[string]any{"warning": 70.0, "urgent": 45.0}, got["thresholds"])

	out, _, code = scoreJSON(t, `{"asOf":"2026-11-24","cases":[]}`)
	require.Equal(t, 0, code)
	require.Contains(t, out, `"score": 100.00`)
	require.Contains(t, out, `"level": "ok"`)
}

// The examples of rule 2 in the README, through the binary, as of
// 2026-11-24: one lost case of 20,000 yuan filed 2026-06-01 scores 69.00,
// with the respondent's role or with none; only an old unexecuted award
// 97.50; one lost case of 100 yuan 71.985, rounded half-up once to 71.99.
// Rule 2 is the default; each output carries the rule, the indicators, the
// weights and every case's part in the score.
func TestScoreJSONRule2Examples(t *testing.T) {
	t.Parallel()
	lost := func(role, yuan string) string {
		c := `{"caseNo":"京朝劳人仲字〔2026〕第9号","title":"张某追索劳动报酬","filingDate":"2026-06-01","claimAmount":"` + yuan +
			`","result":"lose","executionStatus":"executed"`
		if role != "" {
			c += `,"role":"` + role + `"`
		}
		return `{"asOf":"2026-11-24","cases":[` + c + `}]}`
	}
	type indicators struct{ Count, Amount, LoseRate, Execution float64 }
	type caseOut struct {
		Index  int
		CaseNo string
		Counts bool
		Why    string
		Points float64
	}
	tests := []struct {
		name       string
		input      string
		score      string
		indicators indicators
		cases      []caseOut
	}{
		{"one lost case of 20,000 yuan", lost("respondent", "20000"), "69.00",
			indicators{80, 90, 0, 100}, []caseOut{{0, "京朝劳人仲字〔2026〕第9号", true, "recent", 31}}},
		{"the same case with no role", lost("", "20000"), "69.00",
			indicators{80, 90, 0, 100}, []caseOut{{0, "京朝劳人仲字〔2026〕第9号", true, "recent", 31}}},
		{"only an old unexecuted award", `{"asOf":"2026-11-24","cases":[{"title":"旧案","filingDate":"2019-03-01","claimAmount":"80000","result":"lose","executionStatus":"unexecuted"}]}`, "97.50",
			indicators{100, 100, 100, 75}, []caseOut{{0, "", true, "unexecuted_award", 2.5}}},
		{"one lost case of 100 yuan", lost("respondent", "100"), "71.99",
			indicators{80, 99.95, 0, 100}, []caseOut{{0, "京朝劳人仲字〔2026〕第9号", true, "recent", 28.01}}},
	}
	for _, tt := range tests {
		out, errOut, code := scoreJSON(t, tt.input)
		require.Equal(t, 0, code, "%s: %s", tt.name, errOut)
		require.Contains(t, out, `"score": `+tt.score+`,`, tt.name)
		var got struct {
			RuleVersion int
			Indicators  indicators
			Weights     indicators
			Cases       []caseOut
		}
		require.NoError(t, json.Unmarshal([]byte(out), &got), tt.name)
		require.Equal(t, 2, got.RuleVersion, tt.name)
		require.Equal(t, tt.indicators, got.Indicators, tt.name)
		require.Equal(t, indicators{0.4, 0.3, 0.2, 0.1}, got.Weights, tt.name)
		require.Equal(t, tt.cases, got.Cases, tt.name)
	}

	// A case the company filed itself is shown, and does not count.
	out, errOut, code := scoreJSON(t, lost("applicant", "20000"))
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"score": 100.00,`)
	require.Contains(t, out, `"excludedCases": 1,`)
	require.Contains(t, out, `"why": "not_respondent"`)
	require.Contains(t, out, `"counts": false`)

	// The same input under rule 1 (-rule 1, or ARBSYNC_SCORE_RULE=1): one
	// lost case alone scores 0, and there are no indicators.
	out, errOut, code = scoreJSON(t, lost("respondent", "20000"), "-rule", "1")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"ruleVersion": 1,`)
	require.Contains(t, out, `"score": 0.00,`)
	require.Contains(t, out, `"indicators": null,`)
	out, errOut, code = scoreJSONWith(t, []string{"ARBSYNC_SCORE_RULE=1"}, lost("respondent", "20000"))
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"ruleVersion": 1,`, "the configured rule is the default")
}

// A -rule that is not a rule is misuse: exit 2, naming the flag, nothing
// printed; so is -rule without -json. A bad ARBSYNC_SCORE_RULE names the
// variable.
func TestScoreJSONRejectsABadRule(t *testing.T) {
	t.Parallel()
	for _, rule := range []string{"3", "two", ""} {
		out, errOut, code := scoreJSON(t, `{"asOf":"2026-11-24","cases":[]}`, "-rule="+rule)
		require.Equal(t, 2, code, "-rule %q", rule)
		require.Empty(t, out)
		require.Contains(t, errOut, `invalid value "`+rule+`" for flag -rule: "`+rule+`" is not a scoring rule version (1 or 2)`)
	}
	r := runCmd(t, []string{}, "", "score", "-rule", "1")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "-rule applies to -json only")
	out, errOut, code := scoreJSONWith(t, []string{"ARBSYNC_SCORE_RULE=9"}, `{"asOf":"2026-11-24","cases":[]}`)
	require.NotEqual(t, 0, code)
	require.Empty(t, out)
	require.Contains(t, errOut, `ARBSYNC_SCORE_RULE: "9" is not a scoring rule version (1 or 2)`)
	_, errOut, code = scoreJSON(t, `{"asOf":"2026-11-24","cases":[{"filingDate":"2026-01-01","result":"lose","executionStatus":"executed","role":"boss"}]}`)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `cases[0].role: "boss" is not one of respondent, applicant, third_party`)
}

func TestScoreJSONRejectsMalformedInput(t *testing.T) {
	t.Parallel()
	tests := []struct{ input, want string }{
		{`{"cases":[]}`, "asOf"},
		{`{"asOf":"24/11/2026","cases":[]}`, "asOf"},
		{`{"asOf":"2026-11-24","cases":[{"filingDate":"2026-01-01","claimAmount":"12,000","result":"lose","executionStatus":"executed"}]}`, `cases[0].claimAmount`},
		{`{"asOf":"2026-11-24","cases":[{"filingDate":"2026-01-01","claimAmount":"1","result":"won","executionStatus":"executed"}]}`, `cases[0].result`},
		{`{"asOf":"2026-11-24","cases":[{"filingDate":"2026-01-01","result":"lose","executionStatus":"executed","colour":"red"}]}`, `colour`},
		{`{"asOf":"2026-11-24","cases":[`, "invalid input"},
		{``, "invalid input"},
	}
	for _, tt := range tests {
		out, errOut, code := scoreJSON(t, tt.input)
		require.Equal(t, 2, code, "input %s", tt.input)
		require.Empty(t, out)
		require.Contains(t, errOut, tt.want, "input %s", tt.input)
	}
}
