package scorejson

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/arbsync/arbsync/scoring"
)

// encodeInput writes in in the format ReadInput reads.
func encodeInput(t *testing.T, in Input) []byte {
	t.Helper()
	type jsonCase struct {
		FilingDate      string `json:"filingDate"`
		Result          string `json:"result"`
		ExecutionStatus string `json:"executionStatus"`
		ClaimAmount     string `json:"claimAmount"`
		Title           string `json:"title"`
		Removed         bool   `json:"removed"`
		Role            string `json:"role,omitempty"`
		CaseNo          string `json:"caseNo,omitempty"`
	}
	type jsonInput struct {
		AsOf       string `json:"asOf"`
		Thresholds struct {
			Warning scoring.Points `json:"warning"`
			Urgent  scoring.Points `json:"urgent"`
		} `json:"thresholds"`
		Cases []jsonCase `json:"cases"`
	}
	out := jsonInput{AsOf: in.AsOf.String(), Cases: []jsonCase{}}
	out.Thresholds.Warning, out.Thresholds.Urgent = in.Thresholds.Warning, in.Thresholds.Urgent
	for i, c := range in.Cases {
		out.Cases = append(out.Cases, jsonCase{FilingDate: c.FilingDate.String(), Result: c.Result.String(),
			ExecutionStatus: c.ExecutionStatus.String(), ClaimAmount: c.ClaimAmount.String(), Title: c.Title, Removed: c.Removed,
			Role: c.Role.String(), CaseNo: in.CaseNos[i]})
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzReadInput feeds arbitrary bytes to `arbsync score --json`'s reader. It
// must never panic and must explain every rejection; accepted input must
// score and print without error, and survive a round trip: written back in
// the documented format and read again, it is the same input. `go test` runs
// the seeds; `make fuzz` explores.
func FuzzReadInput(f *testing.F) {
	for _, s := range []string{
		`{"asOf":"2026-11-24","cases":[]}`,
		`{"asOf":"2026-11-24","thresholds":{"warning":62.5,"urgent":40},"cases":[{"caseId":"c1","title":"追索劳动报酬纠纷","claimAmount":"23000.50","result":"lose","filingDate":"2026-03-01","executionStatus":"unexecuted"}]}`,
		`{"asOf":"2026-11-24","cases":[{"filingDate":"2020-01-01","claimAmount":8000.5,"result":"settled","executionStatus":"not_applicable","removed":true,"title":null}]}`,
		`{"asOf":"2026-11-24","cases":[{"filingDate":"2026-10-01","result":"pending","executionStatus":"not_applicable","claimAmount":"12,000"}]}`,
		`{"asOf":"2026-02-30","cases":[]}`,
		`{"asOf":"2026-11-24","thresholds":{"warning":40,"urgent":60},"cases":[]}`,
		`{"asOf":"2026-11-24","cases":[{"filingDate":"2026-10-01","result":"boss","executionStatus":"x"}]}`,
		`{"asOf":"2026-11-24","cases":[]} {}`,
		`{"asOf":"2026-11-24","cases":[{"filingDate":"2026-10-01","result":"win","executionStatus":"executed","claimAmount":1e400}]}`,
		`{"asOf":"2026-11-24","cases":[{"filingDate":"2026-10-01","result":"win","executionStatus":"executed","claimAmount":"99999999999999999999.99"}]}`,
		`[]`, `null`, ``, `{`, `{"asOf":1}`, `{"cases":{}}`, `{"asOf":"2026-11-24","cases":[null]}`,
		`{"asOf":"2026-11-24","cases":[],"extra":1}`,
		`{"asOf":"2026-11-24","cases":[{"caseNo":"京朝劳人仲字〔2026〕第1号","filingDate":"2026-06-01","result":"lose","executionStatus":"executed","claimAmount":"20000","role":"applicant"}]}`,
		`{"asOf":"2026-11-24","cases":[{"filingDate":"2026-06-01","result":"lose","executionStatus":"executed","role":"boss"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ReadInput(bytes.NewReader(data))
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("rejected without a message")
			}
			return
		}
		for _, rule := range scoring.Rules {
			var out bytes.Buffer
			if err := WriteBreakdown(&out, rule, in); err != nil {
				t.Fatalf("rule %s: breakdown of accepted input: %v", rule, err)
			}
			if !json.Valid(out.Bytes()) {
				t.Fatalf("rule %s: the breakdown is not JSON:\n%s", rule, out.Bytes())
			}
		}
		again, err := ReadInput(bytes.NewReader(encodeInput(t, in)))
		if err != nil {
			t.Fatalf("accepted input written back is rejected: %v\ninput: %q\nwritten: %s", err, data, encodeInput(t, in))
		}
		if !reflect.DeepEqual(in, again) {
			t.Fatalf("round trip changed the input:\n first %+v\n again %+v", in, again)
		}
	})
}
