package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/report"
)

func reportCommand() *command {
	return &command{
		name:    "report",
		args:    "weekly [flags]",
		summary: "write the weekly threshold report files",
		about:   "Writes the reports risk managers read. Today there is one: the weekly threshold report.",
		subs: []*command{{
			name:    "report weekly",
			args:    "[-week 2026-W48] [-out DIR]",
			summary: "write a week's threshold report (Markdown, HTML, CSVs)",
			about: "Writes the weekly threshold report as Markdown, one self-contained HTML file, a CSV of the thresholds " +
				"and a CSV of the latest backtest, and prints " +
				"their paths. A week whose report the weekly job stored is written exactly as stored; for the " +
				"current week without a stored report, the thresholds are computed from the current scores " +
				"(nothing is written to the database).",
			env: true,
			run: runReport,
		}},
	}
}

func runReport(ctx context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	weekFlag := newWeekFlag(fs)
	out := fs.String("out", "", "directory for the .md, .html and .csv files (default: ARBSYNC_REPORT_DIR)")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	job := app.App{Config: cfg, Log: log, Pool: pool}.WeeklyJob()
	week, err := weekFlag.of(job)
	if err != nil {
		return err
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
		files := map[string]string{".md": stored.Markdown, ".html": stored.Html, ".csv": stored.Csv}
		if stored.BacktestCsv != "" { // reports stored before the backtest CSV have none
			files[report.BacktestCSVSuffix] = stored.BacktestCsv
		}
		for ext, body := range files {
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
