package scorejson

import (
	"strings"
	"testing"
	"time"

	"github.com/arbsync/arbsync/scoring"
)

func TestWriteBreakdown(t *testing.T) {
	in := `{"asOf":"2026-11-24","cases":[
	  {"title":"追索劳动报酬纠纷","filingDate":"2026-06-15","claimAmount":"23000.50","result":"win","executionStatus":"executed"},
	  {"title":"社会保险纠纷","filingDate":"2019-05-01","claimAmount":"50000","result":"lose","executionStatus":"unexecuted"}]}`
	input, err := ReadInput(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := WriteBreakdown(&out, scoring.Score(input.Cases, input.AsOf, input.Thresholds)); err != nil {
		t.Fatal(err)
	}
	want := `{
  "ruleVersion": 1,
  "asOf": "2026-11-24",
  "windowStart": "2025-11-25",
  "windowEnd": "2026-11-24",
  "score": 43.50,
  "level": "warning",
  "thresholds": {
    "warning": 60.00,
    "urgent": 40.00
  },
  "recentCases": 1,
  "recentClaimTotal": "23000.50",
  "decidedCases": 1,
  "loseCases": 0,
  "partialCases": 0,
  "loseRate": 0.0000,
  "unexecutedCases": 1,
  "countDeduction": 20.00,
  "amountDeduction": 11.50,
  "loseRateDeduction": 0.00,
  "unexecutedDeduction": 25.00,
  "latestCase": {
    "title": "追索劳动报酬纠纷",
    "filingDate": "2026-06-15",
    "recent": true
  }
}
`
	if out.String() != want {
		t.Errorf("WriteBreakdown wrote\n%s\nwant\n%s", out.String(), want)
	}
}

func TestWriteBreakdownWithoutCases(t *testing.T) {
	var out strings.Builder
	if err := WriteBreakdown(&out, scoring.Score(nil, scoring.NewDate(2026, time.November, 24), scoring.DefaultThresholds())); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"latestCase": null`) || !strings.Contains(out.String(), `"score": 100.00`) {
		t.Errorf("got\n%s", out.String())
	}
}
