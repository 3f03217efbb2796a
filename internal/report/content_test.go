package report_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/report"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

func TestISOWeek(t *testing.T) {
	for _, tc := range []struct {
		date scoring.Date
		want string
	}{
		{scoring.NewDate(2026, time.November, 23), "2026-W48"},
		{scoring.NewDate(2026, time.January, 1), "2026-W01"},
		{scoring.NewDate(2027, time.January, 1), "2026-W53"}, // a Friday in 2026's last week
		{scoring.NewDate(2024, time.December, 30), "2025-W01"},
	} {
		require.Equal(t, tc.want, report.ISOWeek(tc.date), tc.date.String())
	}
}

func TestHistogramBins(t *testing.T) {
	for _, tc := range []struct {
		score string
		bin   int
	}{
		{"0", 0}, {"4.99", 0}, {"5", 1}, {"59.99", 11}, {"60", 12}, {"94.99", 18}, {"95", 19}, {"99.99", 19}, {"100", 19},
	} {
		p, err := scoring.ParsePoints(tc.score)
		require.NoError(t, err)
		require.Equal(t, tc.bin, report.Bin(p), tc.score)
	}
	var h report.Histogram
	for _, s := range []scoring.Points{0, 500, 9999, 10000, 10000} {
		h.Add(s)
	}
	require.Equal(t, 5, h.N())
	require.Equal(t, 1, h.Counts[0])
	require.Equal(t, 1, h.Counts[1])
	require.Equal(t, 3, h.Counts[19])
}

func TestValidate(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		change func(r *report.Weekly)
		want   string
	}{
		{"week not a Monday", func(r *report.Weekly) { r.Week = r.Week.AddDays(1) }, "want the Monday"},
		{"label mismatch", func(r *report.Weekly) { r.ISOWeek = "2026-W47" }, `ISO week "2026-W47" does not match`},
		{"zero generated-at", func(r *report.Weekly) { r.GeneratedAt = time.Time{} }, "generated-at time is zero"},
		{"invalid params", func(r *report.Weekly) { r.Params.MaxStep = 0 }, "max step"},
		{"row of another week", func(r *report.Weekly) { r.Rows[3].Week = week1 }, "rows[3]: week 2026-11-16, want 2026-11-23"},
		{"row of another method", func(r *report.Weekly) { r.Rows[0].MethodVersion = 2 }, "rows[0]: method version 2, want 1"},
		{"duplicate row", func(r *report.Weekly) { r.Rows = append(r.Rows, r.Rows[0]) }, "second warning row for industry C"},
		{"unknown severity", func(r *report.Weekly) { r.Rows[0].Severity = "critical" }, `severity "critical"`},
		{"previous of the wrong week", func(r *report.Weekly) { r.Previous[0].Week = week0 }, "want last week 2026-11-16"},
		{"previous disagrees", func(r *report.Weekly) { r.Previous[0].Final += 100 }, "but last week's row says"},
		{"rows computed without previous", func(r *report.Weekly) { r.Rows[0].Previous = nil }, "was computed without last week's threshold"},
		{"histogram count", func(r *report.Weekly) { r.Histograms[0].Counts[3]++ }, "its rows n = 1013"},
		{"missing histogram", func(r *report.Weekly) { r.Histograms = r.Histograms[1:] }, "section C has rows but no histogram"},
		{"histogram without rows", func(r *report.Weekly) {
			r.Histograms = append(r.Histograms, report.Histogram{Section: "A"})
		}, `section "A" has no threshold rows`},
		{"flagged but ok", func(r *report.Weekly) { r.NewlyFlagged[0].To = scoring.LevelOK }, "want from ok or none to warning or urgent"},
		{"cleared but urgent", func(r *report.Weekly) { r.Cleared[0].To = scoring.LevelUrgent }, "want from warning or urgent to ok"},
		{"bad level", func(r *report.Weekly) { r.Riskiest[0].Level = "red" }, `level "red"`},
		{"score above 100", func(r *report.Weekly) { r.Riskiest[0].Score = scoring.WholePoints(101) }, "outside [0, 100]"},
		{"urgent above flagged", func(r *report.Weekly) { r.AlertVolume[0].Dynamic.Urgent = 10_000 }, "urgent 10000 must lie in [0, flagged"},
		{"backtest without a time", func(r *report.Weekly) { r.Backtest.ComputedAt = time.Time{} }, "backtest: computed-at time is zero"},
		{"backtest of no week", func(r *report.Weekly) { r.Backtest.Weeks = 0 }, "backtest: 0 weeks"},
		{"backtest result of another rule", func(r *report.Weekly) { r.Backtest.Rules = r.Backtest.Rules[:1] }, "rule 2 is not one of the run's rules"},
		{"backtest result twice", func(r *report.Weekly) {
			r.Backtest.Results = append(r.Backtest.Results, r.Backtest.Results[0])
		}, "second result for 1/fixed/warning/any/"},
		{"backtest hits above flagged", func(r *report.Weekly) { r.Backtest.Results[5].Hits = r.Backtest.Results[5].Flagged + 1 }, "hits of"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := clone(f.weekly)
			tc.change(&r)
			err := r.Validate()
			require.ErrorContains(t, err, tc.want)
			// No renderer writes anything for an invalid week.
			for _, render := range []func(io.Writer, report.Weekly) error{report.Markdown, report.HTML, report.CSV, report.BacktestCSV} {
				var b bytes.Buffer
				require.Error(t, render(&b, r))
				require.Zero(t, b.Len())
			}
		})
	}
}

// TestDeterministic: the same week renders the same bytes, whatever the
// order of its lists.
func TestDeterministic(t *testing.T) {
	f := newFixture(t)
	want := renderAll(t, f.weekly)

	shuffled := clone(f.weekly)
	rng := rand.New(rand.NewPCG(1, 2))
	shuffle := func(n int, swap func(i, j int)) { rng.Shuffle(n, swap) }
	shuffle(len(shuffled.Rows), func(i, j int) { shuffled.Rows[i], shuffled.Rows[j] = shuffled.Rows[j], shuffled.Rows[i] })
	shuffle(len(shuffled.Previous), func(i, j int) {
		shuffled.Previous[i], shuffled.Previous[j] = shuffled.Previous[j], shuffled.Previous[i]
	})
	shuffle(len(shuffled.Histograms), func(i, j int) {
		shuffled.Histograms[i], shuffled.Histograms[j] = shuffled.Histograms[j], shuffled.Histograms[i]
	})
	shuffle(len(shuffled.NewlyFlagged), func(i, j int) {
		shuffled.NewlyFlagged[i], shuffled.NewlyFlagged[j] = shuffled.NewlyFlagged[j], shuffled.NewlyFlagged[i]
	})
	shuffle(len(shuffled.Cleared), func(i, j int) { shuffled.Cleared[i], shuffled.Cleared[j] = shuffled.Cleared[j], shuffled.Cleared[i] })
	shuffle(len(shuffled.Riskiest), func(i, j int) {
		shuffled.Riskiest[i], shuffled.Riskiest[j] = shuffled.Riskiest[j], shuffled.Riskiest[i]
	})
	results := shuffled.Backtest.Results
	shuffle(len(results), func(i, j int) { results[i], results[j] = results[j], results[i] })
	require.Equal(t, want, renderAll(t, shuffled))
}

// clone deep-copies the slices of r a test may change.
func clone(r report.Weekly) report.Weekly {
	c := r
	c.Rows = append([]thresholds.Row(nil), r.Rows...)
	c.Previous = append([]thresholds.Row(nil), r.Previous...)
	c.Histograms = append([]report.Histogram(nil), r.Histograms...)
	c.NewlyFlagged = append([]report.LevelChange(nil), r.NewlyFlagged...)
	c.Cleared = append([]report.LevelChange(nil), r.Cleared...)
	c.Riskiest = append([]report.Company(nil), r.Riskiest...)
	c.AlertVolume = append([]report.IndustryAlerts(nil), r.AlertVolume...)
	if r.Backtest != nil {
		bt := *r.Backtest
		bt.Rules = append([]scoring.Rule(nil), bt.Rules...)
		bt.Results = append([]thresholds.BacktestResult(nil), bt.Results...)
		c.Backtest = &bt
	}
	return c
}

// renderAll returns the Markdown, HTML, CSV and backtest CSV of r.
func renderAll(t *testing.T, r report.Weekly) [4]string {
	t.Helper()
	var out [4]string
	for i, render := range []func(io.Writer, report.Weekly) error{report.Markdown, report.HTML, report.CSV, report.BacktestCSV} {
		var b bytes.Buffer
		require.NoError(t, render(&b, r))
		out[i] = b.String()
	}
	return out
}
