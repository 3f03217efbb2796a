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
func scoreJSON(t *testing.T, input string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, "score", "-json")
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
	]}`)
	require.Equal(t, 0, code, errOut)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
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
