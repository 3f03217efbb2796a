package report_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/report"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

func readCSV(t *testing.T, r report.Weekly) [][]string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, report.CSV(&b, r))
	data := b.Bytes()
	require.Equal(t, []byte{0xEF, 0xBB, 0xBF}, data[:3], "UTF-8 byte order mark")
	records, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	require.NoError(t, err)
	return records
}

func TestCSV(t *testing.T) {
	f := newFixture(t)
	records := readCSV(t, f.weekly)
	require.Equal(t, report.CSVHeader(), records[0])
	require.Equal(t, []string{
		"week", "industry_code", "industry_name", "level", "severity", "n", "q_percent", "raw", "shrunk", "final",
		"previous", "change", "bound_applied", "p10", "p25", "p50", "p75", "p90", "mean",
		"flagged_fixed", "flagged_dynamic", "method_version",
	}, records[0])
	require.Len(t, records, len(f.weekly.Rows)+1)

	col := map[string]int{}
	for i, name := range records[0] {
		col[name] = i
	}
	// Report order: each section, then its divisions, warning first.
	require.Equal(t, []string{"C", "warning"}, []string{records[1][col["industry_code"]], records[1][col["severity"]]})
	require.Equal(t, []string{"C", "urgent"}, []string{records[2][col["industry_code"]], records[2][col["severity"]]})
	require.Equal(t, []string{"13", "warning"}, []string{records[3][col["industry_code"]], records[3][col["severity"]]})

	for _, rec := range records[1:] {
		require.Regexp(t, `^\d{1,3}\.\d{4}$`, rec[col["q_percent"]], "q as a percentage")
		for _, name := range []string{"raw", "shrunk", "final", "previous", "change", "p10", "p25", "p50", "p75", "p90", "mean"} {
			require.Regexp(t, `^-?\d{1,3}\.\d{2}$`, rec[col[name]], name)
		}
	}

	w39 := row(t, f.weekly.Rows, "39", thresholds.SeverityWarning)
	var got []string
	for _, rec := range records {
		if rec[col["industry_code"]] == "39" && rec[col["severity"]] == "warning" {
			got = rec
		}
	}
	require.Equal(t, []string{
		"2026-11-23", "39", "计算机、通信和其他电子设备制造业", "division", "warning", itoa(w39.N), percent4(w39.Q),
		w39.Raw.String(), w39.Shrunk.String(), w39.Final.String(), w39.Previous.String(), (w39.Final - *w39.Previous).String(),
		"none", w39.P10.String(), w39.P25.String(), w39.P50.String(), w39.P75.String(), w39.P90.String(), w39.Mean.String(),
		itoa(w39.FlaggedFixed), itoa(w39.FlaggedDynamic), "1",
	}, got)

	var upper []string
	for _, rec := range records {
		if rec[col["industry_code"]] == "I" && rec[col["severity"]] == "warning" {
			upper = rec
		}
	}
	require.Equal(t, "upper", upper[col["bound_applied"]])
	require.Equal(t, "信息传输、软件和信息技术服务业", upper[col["industry_name"]])
}

func TestCSVEmptyAndFirstWeek(t *testing.T) {
	records := readCSV(t, emptyWeekly())
	require.Equal(t, [][]string{report.CSVHeader()}, records)

	r := firstWeek(t)
	records = readCSV(t, r)
	require.Len(t, records, len(r.Rows)+1)
	for _, rec := range records[1:] {
		require.Empty(t, rec[10], "previous")
		require.Empty(t, rec[11], "change")
	}
}

func readBacktestCSV(t *testing.T, r report.Weekly) [][]string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, report.BacktestCSV(&b, r))
	data := b.Bytes()
	require.Equal(t, []byte{0xEF, 0xBB, 0xBF}, data[:3], "UTF-8 byte order mark")
	records, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	require.NoError(t, err)
	return records
}

// The backtest CSV holds every result of the latest run, all companies
// first, then each section.
func TestBacktestCSV(t *testing.T) {
	f := newFixture(t)
	records := readBacktestCSV(t, f.weekly)
	require.Equal(t, report.BacktestCSVHeader(), records[0])
	bt := f.weekly.Backtest
	require.Len(t, records, len(bt.Results)+1)
	col := map[string]int{}
	for i, name := range records[0] {
		col[name] = i
	}
	require.Equal(t, []string{"", "1", "fixed", "warning", "any"}, []string{records[1][col["section_code"]], records[1][col["rule_version"]],
		records[1][col["method"]], records[1][col["severity"]], records[1][col["outcome"]]})
	require.Equal(t, []string{"", "1", "fixed", "warning", "serious"}, []string{records[2][col["section_code"]], records[2][col["rule_version"]],
		records[2][col["method"]], records[2][col["severity"]], records[2][col["outcome"]]})
	require.Equal(t, "C", records[17][col["section_code"]], "16 cells over all companies, then section C")
	require.Equal(t, "制造业", records[17][col["section_name"]])

	c := result(t, bt, scoring.Rule2, thresholds.MethodDynamic, thresholds.SeverityUrgent, thresholds.OutcomeSerious)
	var got []string
	for _, rec := range records {
		if rec[col["section_code"]] == "" && rec[col["rule_version"]] == "2" && rec[col["method"]] == "dynamic" &&
			rec[col["severity"]] == "urgent" && rec[col["outcome"]] == "serious" {
			got = rec
		}
	}
	f6 := func(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
	require.Equal(t, []string{
		"3", "2026-11-20T18:30:00+08:00", "2026-11-09", "2026-11-23", "3", "90", "2", "dynamic", "urgent", "serious", "", "",
		itoa(c.Companies), itoa(c.Observations), itoa(c.Positives), itoa(c.Volume),
		strconv.FormatFloat(c.Flagged, 'f', 2, 64), strconv.FormatFloat(c.Hits, 'f', 2, 64), f6(c.BaseRate.Value),
		f6(c.Precision.Value), f6(c.Precision.CI.Low), f6(c.Precision.CI.High),
		f6(c.Recall.Value), f6(c.Recall.CI.Low), f6(c.Recall.CI.High),
		f6(c.Lift.Value), f6(c.Lift.CI.Low), f6(c.Lift.CI.High),
		f6(c.AUC.Value), f6(c.AUC.CI.Low), f6(c.AUC.CI.High),
		f6(c.PrecisionDiff.Value), f6(c.PrecisionDiff.CI.Low), f6(c.PrecisionDiff.CI.High),
		f6(c.AUCDiff.Value), f6(c.AUCDiff.CI.Low), f6(c.AUCDiff.CI.High),
	}, got)
	// The baseline has no difference to itself: empty, not zero.
	require.Equal(t, []string{"", "", "", "", "", ""}, records[1][len(records[1])-6:])

	// Undefined values are empty, not zero.
	r := clone(f.weekly)
	r.Backtest.Results[0].Precision = thresholds.Estimate{}
	require.Empty(t, readBacktestCSV(t, r)[1][col["precision"]])
	require.Empty(t, readBacktestCSV(t, r)[1][col["precision_low"]])

	require.Equal(t, [][]string{report.BacktestCSVHeader()}, readBacktestCSV(t, emptyWeekly()), "no backtest: the header alone")
}
