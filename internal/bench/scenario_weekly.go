package bench

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/arbsync/arbsync/internal/app"
)

// runWeekly times thresholdsdb.Job.Run over the current scores of the
// RescoreCompanies database (scored first if the rescore scenario did not
// run): the first run of the week, which moves every company from the fixed
// thresholds to its industry's and writes the alerts that causes, then a
// rerun of the same week, which replaces the rows and changes nothing.
func runWeekly(ctx context.Context, r *runner) ([]Figure, error) {
	f, err := r.bigData(ctx)
	if err != nil {
		return nil, err
	}
	if !f.scored {
		r.logf("weekly: scoring the companies first (the rescore scenario did not run)")
		if _, _, _, err := r.rescoreAll(ctx, f); err != nil {
			return nil, err
		}
		if err := vacuumAnalyze(ctx, f.db.Pool, "arbsync.scores", "arbsync.current_scores"); err != nil {
			return nil, err
		}
	}
	pool, err := f.db.connect(ctx, "arbsync", app.PoolConns)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	job := r.daemonApp(pool, "", "", 0).WeeklyJob()
	week := job.CurrentWeek()
	lim := budget(weeklyBudget, f.n)
	limName := fmt.Sprintf("budget: 10 s per 1,000,000 scores, scaled to %d", f.n)
	var figs []Figure
	for _, pass := range []string{"first run of the week", "rerun, nothing changes"} {
		checkpoint(ctx, f.db.Pool)
		runtime.GC()
		cpu := startCPU(f.db.pm)
		start := time.Now()
		res, err := job.Run(ctx, week)
		elapsed := time.Since(start)
		usage := cpu.String()
		if err != nil {
			return figs, err
		}
		if res.Scored != f.n {
			return figs, fmt.Errorf("weekly: %d companies in the population, want %d", res.Scored, f.n)
		}
		figs = append(figs, newFigure("thresholdsdb.Job.Run time ("+pass+")", elapsed.Seconds(), "s",
			lim.Seconds(), "s", limName, AtMost(1),
			fmt.Sprintf("week %s: %d scores, %d threshold rows, %d companies relevelled, %d alerts; %s",
				week, res.Scored, len(res.Rows), res.Relevelled, res.Alerts, usage)))
	}
	r.measured = fmt.Sprintf("%d current scores, week %s", f.n, week)
	return figs, nil
}
