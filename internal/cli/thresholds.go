package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/daemon"
	"github.com/arbsync/arbsync/internal/digest"
	"github.com/arbsync/arbsync/internal/thresholdsdb"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

func thresholdsCommand() *command {
	return &command{
		name:    "thresholds",
		args:    "recompute|backtest [flags]",
		summary: "weekly dynamic thresholds: recompute a week (-dry-run), or backtest rules and thresholds",
		about: "The weekly dynamic thresholds per industry: recompute computes, stores and applies a week's, as the " +
			"weekly job does (or only prints them with -dry-run); backtest compares the scoring rules, each with " +
			"fixed and dynamic thresholds, on the stored history.",
		subs: []*command{{
			name:    "thresholds recompute",
			args:    "[-week 2026-W48] [-dry-run]",
			summary: "compute, store and apply a week's thresholds, and write its report",
			about: "Computes a week's warning and urgent thresholds per industry from the current scores, stores " +
				"them (replacing that week's rows) and writes the week's report, as the weekly job does. If it is " +
				"the newest week, its thresholds are put in force: every company whose level changes under them is " +
				"updated, and a company pushed into a worse level gets an alert. With -dry-run it prints the table " +
				"and the changes from last week and writes nothing.",
			env: true,
			run: runThresholdsRecompute,
		}, backtestCommand()},
	}
}

// parseWeek reads an ISO week ("2026-W48") or any date in it ("2026-11-24").
func parseWeek(s string) (scoring.Date, error) {
	var y, w int
	if n, err := fmt.Sscanf(s, "%d-W%d", &y, &w); err == nil && n == 2 && strings.Contains(s, "-W") {
		if w < 1 || w > 53 {
			return 0, fmt.Errorf("week %q: week number must be 1-53", s)
		}
		// ISO week 1 contains January 4th.
		jan4 := scoring.NewDate(y, time.January, 4)
		d := thresholdsdb.WeekOf(jan4).AddDays(7 * (w - 1))
		if yy, ww := d.Time().ISOWeek(); yy != y || ww != w {
			return 0, fmt.Errorf("week %q does not exist", s)
		}
		return d, nil
	}
	d, err := scoring.ParseDate(s)
	if err != nil {
		return 0, fmt.Errorf("week %q: want an ISO week like 2026-W48 or a date like 2026-11-24", s)
	}
	return thresholdsdb.WeekOf(d), nil
}

// weekFlag is the -week flag of the commands that work on one week.
type weekFlag struct{ value *string }

func newWeekFlag(fs *flag.FlagSet) weekFlag {
	return weekFlag{fs.String("week", "", "ISO week (2026-W48) or a date in it; default: this week")}
}

// of returns the week the flag names, or job's current week when it is
// not set; a bad value is a usage error.
func (f weekFlag) of(job *thresholdsdb.Job) (scoring.Date, error) {
	if *f.value == "" {
		return job.CurrentWeek(), nil
	}
	week, err := parseWeek(*f.value)
	if err != nil {
		return 0, usageError{err.Error()}
	}
	return week, nil
}

func isoWeek(d scoring.Date) string {
	y, w := d.Time().ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

func runThresholdsRecompute(ctx context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	weekFlag := newWeekFlag(fs)
	dry := fs.Bool("dry-run", false, "print the table it would write, and the changes from last week, without writing")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	a := app.App{Config: cfg, Log: log, Pool: pool}
	job := a.WeeklyJob()
	week, err := weekFlag.of(job)
	if err != nil {
		return err
	}
	var res thresholdsdb.Result
	if *dry {
		res, err = job.Compute(ctx, week)
	} else {
		err = daemon.RunExclusive(ctx, pool, cfg.ReplicaID, log, daemon.Job{Name: ThresholdsJobName, Exclusive: true, Run: func(ctx context.Context) error {
			var err error
			res, err = weeklyRun(ctx, job, a.Digest(), cfg, week)
			return err
		}})
	}
	if err != nil {
		return err
	}
	if res.Waiting {
		fmt.Fprintf(io.Stdout, "%s not computed: companies still hold another scoring rule's score; "+
			"the rescore (`arbsync score`) computes the week when it has rescored them\n", isoWeek(week))
		return nil
	}
	printThresholds(io.Stdout, res)
	if *dry {
		fmt.Fprintf(io.Stdout, "dry run: nothing written for %s\n", isoWeek(week))
	} else {
		fmt.Fprintf(io.Stdout, "stored %d rows for %s (%d companies); %d companies changed level, %d alerts\n",
			len(res.Rows), isoWeek(week), res.Scored, res.Relevelled, res.Alerts)
	}
	return nil
}

// DigestJobName is the job_runs name (and lease) of the daily digest.
const DigestJobName = "digest"

// ThresholdsJobName is the job_runs name (and lease) of the weekly job.
const ThresholdsJobName = "thresholds"

// weeklyRun computes, stores and applies a week's thresholds, publishes its
// report and writes the weekly summary to the digest channels (none when
// dj is nil): what the weekly job does.
func weeklyRun(ctx context.Context, job *thresholdsdb.Job, dj *digest.Job, cfg config.Config, week scoring.Date) (thresholdsdb.Result, error) {
	res, err := job.Run(ctx, week)
	if err != nil || res.Waiting {
		return res, err
	}
	w, err := job.Report(ctx, res, time.Now().In(cfg.Timezone))
	if err != nil {
		return res, fmt.Errorf("weekly report: %w", err)
	}
	if _, err := job.Publish(ctx, w, cfg.ReportDir); err != nil {
		return res, err
	}
	if dj != nil {
		if _, err := dj.Weekly(ctx, w); err != nil {
			return res, err
		}
	}
	return res, nil
}

// weeklyJob is the daemon's scheduled weekly job for the current week.
func weeklyJob(job *thresholdsdb.Job, dj *digest.Job, cfg config.Config) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		_, err := weeklyRun(ctx, job, dj, cfg, job.CurrentWeek())
		return err
	}
}

func printThresholds(w io.Writer, res thresholdsdb.Result) {
	fmt.Fprintf(w, "thresholds for %s (week of %s), %d scored companies\n", isoWeek(res.Week), res.Week, res.Scored)
	if len(res.Rows) == 0 {
		fmt.Fprintln(w, "no scored companies: no thresholds")
		return
	}
	fmt.Fprintf(w, "alert budgets: q_w = %.4f, q_u = %.4f\n", qOf(res.Rows, thresholds.SeverityWarning), qOf(res.Rows, thresholds.SeverityUrgent))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "INDUSTRY\tLEVEL\tSEVERITY\tN\tRAW\tSHRUNK\tFINAL\tLAST WEEK\tCHANGE\tBOUND\t")
	for _, r := range res.Rows {
		prev, change := "-", "-"
		if r.Previous != nil {
			prev = r.Previous.String()
			change = fmt.Sprintf("%+.2f", (r.Final - *r.Previous).Float64())
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Industry, r.Level, r.Severity, r.N, r.Raw, r.Shrunk, r.Final, prev, change, r.Bound)
	}
	tw.Flush()
}

func qOf(rows []thresholds.Row, s thresholds.Severity) float64 {
	for _, r := range rows {
		if r.Severity == s {
			return r.Q
		}
	}
	return 0
}
