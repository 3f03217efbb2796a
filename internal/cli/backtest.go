package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/thresholdsdb"
	"github.com/arbsync/arbsync/thresholds"
)

func runBacktest(ctx context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	from := fs.String("from", "", "first week (date or ISO week), required")
	to := fs.String("to", "", "last week (date or ISO week); default: the last week whose horizon has passed")
	horizon := fs.String("horizon", "90d", "how long after each week new cases count, in days (e.g. 90d)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	if *from == "" {
		return usagef("missing -from (e.g. -from 2025-06-02)")
	}
	days, err := strconv.Atoi(strings.TrimSuffix(*horizon, "d"))
	if err != nil || days < 1 || days > 3650 {
		return usagef("-horizon %q: want a number of days like 90d", *horizon)
	}
	start, err := parseWeek(*from)
	if err != nil {
		return usageError{err.Error()}
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	job := app.App{Config: cfg, Log: log, Pool: pool}.WeeklyJob()
	today := job.Today()
	end := today
	if *to != "" {
		if end, err = parseWeek(*to); err != nil {
			return usageError{err.Error()}
		}
	}
	rep, err := job.Backtest(ctx, thresholdsdb.BacktestOptions{From: start, To: end, Horizon: days, Today: today})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(io.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printBacktest(io.Stdout, rep, days)
	return nil
}

func printBacktest(w io.Writer, rep thresholdsdb.BacktestReport, horizon int) {
	fmt.Fprintf(w, "backtest over %d weeks (%s … %s), %d companies, horizon %d days", len(rep.Weeks), rep.Weeks[0], rep.Weeks[len(rep.Weeks)-1], rep.Companies, horizon)
	if rep.Skipped > 0 {
		fmt.Fprintf(w, "; %d later weeks skipped (horizon not yet passed)", rep.Skipped)
	}
	fmt.Fprintln(w)
	for _, s := range []struct {
		name string
		r    thresholds.BacktestResult
	}{{"warning", rep.Warning}, {"urgent", rep.Urgent}} {
		r := s.r
		fmt.Fprintf(w, "\n%s flags: %d observations, %d got new cases (base rate %s)\n", s.name, r.Observations, r.Positives, pct(r.BaseRate))
		fmt.Fprintf(w, "  %-8s flagged %7d  hits %7d  precision %8s  recall %8s  lift %6s\n", "fixed", r.Fixed.Flagged, r.Fixed.Hits, pct(r.Fixed.Precision), pct(r.Fixed.Recall), num(r.Fixed.Lift))
		fmt.Fprintf(w, "  %-8s flagged %7d  hits %7d  precision %8s  recall %8s  lift %6s\n", "dynamic", r.Dynamic.Flagged, r.Dynamic.Hits, pct(r.Dynamic.Precision), pct(r.Dynamic.Recall), num(r.Dynamic.Lift))
		fmt.Fprintf(w, "  dynamic vs fixed: precision %s, recall %s, lift %s (the seed claims about +37%%)\n", signedPct(r.PrecisionChange), signedPct(r.RecallChange), signedPct(r.LiftChange))
	}
}

func pct(r thresholds.Ratio) string {
	if !r.Valid {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*r.Value)
}

func signedPct(r thresholds.Ratio) string {
	if !r.Valid {
		return "n/a"
	}
	return fmt.Sprintf("%+.1f%%", 100*r.Value)
}

func num(r thresholds.Ratio) string {
	if !r.Valid {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", r.Value)
}
