package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/arbsync/arbsync/thresholds"
)

// CSVHeader is the header row of CSV, in column order.
func CSVHeader() []string {
	return []string{
		"week", "industry_code", "industry_name", "level", "severity", "n", "q_percent", "raw", "shrunk", "final",
		"previous", "change", "bound_applied", "p10", "p25", "p50", "p75", "p90", "mean",
		"flagged_fixed", "flagged_dynamic", "method_version",
	}
}

// utf8BOM lets Excel recognise the file as UTF-8 and show Chinese names.
const utf8BOM = "\uFEFF"

// CSV writes the thresholds table: the header (CSVHeader), then one record
// per industry and severity in report order (each section, then its
// divisions; warning before urgent). The file starts with a UTF-8 byte
// order mark so that Excel opens the Chinese industry names correctly;
// strip it (or read with a BOM-aware reader) when parsing. Records end in
// CRLF (RFC 4180). Scores and thresholds have two decimals; q_percent is
// the budget q as a percentage with four decimals (12.3457 for q = 0.123457); counts
// are integers; previous and change are empty when the industry had no
// threshold last week; change = final − previous. It writes nothing when r
// is invalid (see Weekly.Validate).
func CSV(w io.Writer, r Weekly) error {
	v, err := prepare(r)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString(utf8BOM)
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	records := [][]string{CSVHeader()}
	for _, ind := range v.Industries {
		for _, c := range []*cellView{ind.Warning, ind.Urgent} {
			if c != nil {
				records = append(records, csvRecord(c.Row, r.IndustryNames[c.Row.Industry]))
			}
		}
	}
	if err := cw.WriteAll(records); err != nil {
		return fmt.Errorf("render csv report: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	return nil
}

func csvRecord(r thresholds.Row, name string) []string {
	previous, change := "", ""
	if r.Previous != nil {
		previous, change = r.Previous.String(), (r.Final - *r.Previous).String()
	}
	return []string{
		r.Week.String(), r.Industry, name, string(r.Level), string(r.Severity),
		strconv.Itoa(r.N), strconv.FormatFloat(r.Q*100, 'f', 4, 64),
		r.Raw.String(), r.Shrunk.String(), r.Final.String(), previous, change, string(r.Bound),
		r.P10.String(), r.P25.String(), r.P50.String(), r.P75.String(), r.P90.String(), r.Mean.String(),
		strconv.Itoa(r.FlaggedFixed), strconv.Itoa(r.FlaggedDynamic), strconv.Itoa(r.MethodVersion),
	}
}
