package scorejson

import (
	"strings"
	"testing"

	"github.com/arbsync/arbsync/scoring"
)

// writeBreakdown reads in and writes its breakdown under rule.
func writeBreakdown(t *testing.T, rule scoring.Rule, in string) string {
	t.Helper()
	input, err := ReadInput(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := WriteBreakdown(&out, rule, input); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// Rule 1's breakdown: its own deductions, no indicators, and each case's
// share of what the score lost (the recent case its count and amount
// deductions, the old unexecuted award the unexecuted one).
func TestWriteBreakdownRule1(t *testing.T) {
	got := writeBreakdown(t, scoring.Rule1, `{"asOf":"2026-11-24","cases":[
	  {"title":"追索劳动报酬纠纷","filingDate":"2026-06-15","claimAmount":"23000.50","result":"win","executionStatus":"executed"},
	  {"title":"社会保险纠纷","filingDate":"2019-05-01","claimAmount":"50000","result":"lose","executionStatus":"unexecuted"}]}`)
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
  "excludedCases": 0,
  "indicators": null,
  "weights": null,
  "countDeduction": 20.00,
  "amountDeduction": 11.50,
  "loseRateDeduction": 0.00,
  "unexecutedDeduction": 25.00,
  "latestCase": {
    "title": "追索劳动报酬纠纷",
    "filingDate": "2026-06-15",
    "recent": true
  },
  "cases": [
    {
      "index": 0,
      "title": "追索劳动报酬纠纷",
      "filingDate": "2026-06-15",
      "counts": true,
      "why": "recent",
      "points": 31.50
    },
    {
      "index": 1,
      "title": "社会保险纠纷",
      "filingDate": "2019-05-01",
      "counts": true,
      "why": "unexecuted_award",
      "points": 25.00
    }
  ]
}
`
	if got != want {
		t.Errorf("WriteBreakdown wrote\n%s\nwant\n%s", got, want)
	}
}

// Rule 2's breakdown: the four indicator scores and their weights, the
// weighted deductions, the case the company filed left out and named as
// such. One lost respondent case of 20,000 yuan: count 80, amount 90, lose
// rate 0; one old unexecuted award: execution 75. 0.4·80 + 0.3·90 + 0.2·0 +
// 0.1·75 = 66.50, and the deductions 8 + 3 + 20 + 2.5 = 33.50 split 31.00 to
// the recent case and 2.50 to the award.
func TestWriteBreakdownRule2(t *testing.T) {
	got := writeBreakdown(t, scoring.Rule2, `{"asOf":"2026-11-24","cases":[
	  {"caseNo":"京朝劳人仲字〔2026〕第1号","title":"张某追索劳动报酬","role":"respondent","filingDate":"2026-06-01","claimAmount":"20000","result":"lose","executionStatus":"executed"},
	  {"caseNo":"京朝劳人仲字〔2026〕第2号","title":"公司诉李某竞业限制","role":"applicant","filingDate":"2026-09-01","claimAmount":"5000","result":"win","executionStatus":"not_applicable"},
	  {"title":"旧案","filingDate":"2019-05-01","claimAmount":"50000","result":"lose","executionStatus":"unexecuted"}]}`)
	for _, want := range []string{
		`"ruleVersion": 2,`,
		`"score": 66.50,`,
		`"level": "ok",`,
		`"recentCases": 1,`,
		`"recentClaimTotal": "20000.00",`,
		`"unexecutedCases": 1,`,
		`"excludedCases": 1,`,
		`"indicators": {
    "count": 80.00,
    "amount": 90.00,
    "loseRate": 0.00,
    "execution": 75.00
  },`,
		`"weights": {
    "count": 0.4000,
    "amount": 0.3000,
    "loseRate": 0.2000,
    "execution": 0.1000
  },`,
		`"countDeduction": 8.00,`,
		`"amountDeduction": 3.00,`,
		`"loseRateDeduction": 20.00,`,
		`"unexecutedDeduction": 2.50,`,
		`{
      "index": 0,
      "caseNo": "京朝劳人仲字〔2026〕第1号",
      "title": "张某追索劳动报酬",
      "filingDate": "2026-06-01",
      "role": "respondent",
      "counts": true,
      "why": "recent",
      "points": 31.00
    }`,
		`{
      "index": 1,
      "caseNo": "京朝劳人仲字〔2026〕第2号",
      "title": "公司诉李某竞业限制",
      "filingDate": "2026-09-01",
      "role": "applicant",
      "counts": false,
      "why": "not_respondent",
      "points": 0.00
    }`,
		`{
      "index": 2,
      "title": "旧案",
      "filingDate": "2019-05-01",
      "counts": true,
      "why": "unexecuted_award",
      "points": 2.50
    }`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("breakdown lacks\n%s\nin\n%s", want, got)
		}
	}
}

func TestWriteBreakdownWithoutCases(t *testing.T) {
	for _, rule := range scoring.Rules {
		got := writeBreakdown(t, rule, `{"asOf":"2026-11-24","cases":[]}`)
		for _, want := range []string{`"latestCase": null`, `"score": 100.00`, `"cases": []`, `"ruleVersion": ` + rule.String()} {
			if !strings.Contains(got, want) {
				t.Errorf("rule %s: no %s in\n%s", rule, want, got)
			}
		}
	}
}
