package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arbsync/arbsync/config"
	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/report"
)

func runReport(ctx context.Context, args []string, io IO) error {
	if len(args) == 0 || args[0] != "weekly" {
		return usagef("usage: arbsync report weekly [-week 2026-W48] [-out DIR]")
	}
	fs := newFlagSet("report weekly", io.Stderr)
	weekFlag := fs.String("week", "", "ISO week (2026-W48) or a date in it; default: this week")
	out := fs.String("out", "", "directory for the .md, .html and .csv files (default: ARBSYNC_REPORT_DIR)")
	fs.Usage = func() {
		fmt.Fprintln(io.Stderr, `usage: arbsync report weekly [-week 2026-W48] [-out DIR]

Writes the weekly threshold report (Markdown, self-contained HTML, CSV). A
week whose report the weekly job stored is written exactly as stored; for
the current week without a stored report, the thresholds are computed from
the current scores (nothing is written to the database).`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	job := newWeeklyJob(cfg, log, pool)
	week := job.CurrentWeek()
	if *weekFlag != "" {
		if week, err = parseWeek(*weekFlag); err != nil {
			return usageError{err.Error()}
		}
	}
	dir := *out
	if dir == "" {
		dir = cfg.ReportDir
	}
	stored, err := db.New(pool).ThresholdReportGet(ctx, week.Time())
	switch {
	case err == nil:
		base := filepath.Join(dir, "arbsync-thresholds-"+isoWeek(week))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for ext, body := range map[string]string{".md": stored.Markdown, ".html": stored.Html, ".csv": stored.Csv} {
			if err := os.WriteFile(base+ext, []byte(body), 0o644); err != nil {
				return err
			}
			fmt.Fprintln(io.Stdout, base+ext)
		}
		return nil
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	if week != job.CurrentWeek() {
		return fmt.Errorf("no stored report for %s: the weekly job did not run that week (reports of past weeks cannot be rebuilt from today's scores)", isoWeek(week))
	}
	res, err := job.Compute(ctx, week)
	if err != nil {
		return err
	}
	w, err := job.Report(ctx, res, time.Now().In(cfg.Timezone))
	if err != nil {
		return err
	}
	paths, err := report.WriteFiles(dir, w)
	for _, p := range paths {
		fmt.Fprintln(io.Stdout, p)
	}
	return err
}
