package bench

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/scoring"
)

// runRuleSwitch measures a change of ARBSYNC_SCORE_RULE over the
// RescoreCompanies database (scored first under the default rule if the
// rescore scenario did not run): what the daemon does at start after the
// change, as `arbsync score` does it. The daily rescore (not -all) finds
// every company due because another rule made its score and rescores it,
// raising no alert; then the week's thresholds are computed again from the
// new scores, their relevel raising none either. Both directions: 2 → 1,
// then back 1 → 2 (the change every deployment makes once). Limits: the
// rescore budget (60 s per 1,000,000) and the weekly budget (10 s).
func runRuleSwitch(ctx context.Context, r *runner) ([]Figure, error) {
	f, err := r.bigData(ctx)
	if err != nil {
		return nil, err
	}
	if !f.scored {
		r.logf("ruleswitch: scoring the companies first (the rescore scenario did not run)")
		if _, _, _, err := r.rescoreAll(ctx, f); err != nil {
			return nil, err
		}
	}
	if err := vacuumAnalyze(ctx, f.db.Pool, "arbsync.scores", "arbsync.current_scores"); err != nil {
		return nil, err
	}
	pool, err := f.db.connect(ctx, "arbsync", app.PoolConns)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	// A running daemon has this week's thresholds of the rule in force
	// before the switch (the weekly scenario computed them if it ran): the
	// switch is then what recomputes them. Without them the fixed
	// thresholds are in force, belong to no rule, and the daemon leaves
	// them; the week's first thresholds would then alert, as every first
	// week does.
	if th, err := db.New(pool).AppliedThresholdsRule(ctx); err != nil {
		return nil, err
	} else if th == 0 {
		r.logf("ruleswitch: computing this week's thresholds under rule %s first (the weekly scenario did not run)", scoring.DefaultRule)
		a := r.daemonApp(pool, "", "", 0)
		job := a.WeeklyJob()
		if _, err := job.Run(ctx, job.CurrentWeek()); err != nil {
			return nil, err
		}
	}
	rescoreLim, weeklyLim := budget(rescoreBudget, f.n), budget(weeklyBudget, f.n)
	var figs []Figure
	from := scoring.DefaultRule
	for _, to := range []scoring.Rule{scoring.Rule1, scoring.Rule2} {
		a := r.daemonApp(pool, "", "", 0)
		a.Config.ScoreRule = to
		assessor, err := a.Assessor()
		if err != nil {
			return figs, err
		}
		change, err := assessor.PendingRuleChange(ctx, db.New(pool))
		if err != nil {
			return figs, err
		}
		if change.Total() != f.n {
			return figs, fmt.Errorf("rule %s → %s: %d companies hold another rule's score, want %d", from, to, change.Total(), f.n)
		}
		checkpoint(ctx, f.db.Pool)
		runtime.GC()
		cpu := startCPU(f.db.pm)
		start := time.Now()
		st, err := assessor.Rescore(ctx, pool, scoringdb.RescoreOptions{})
		elapsed := time.Since(start)
		usage := cpu.String()
		if err != nil {
			return figs, err
		}
		if st.Scored != f.n || st.RuleChanged != f.n || st.Alerts != 0 {
			return figs, fmt.Errorf("rule %s → %s: rescore scored %d, %d of another rule, %d alerts; want %d, %d, 0",
				from, to, st.Scored, st.RuleChanged, st.Alerts, f.n, f.n)
		}
		figs = append(figs, newFigure(fmt.Sprintf("rule switch %s → %s: daily rescore of every company", from, to), elapsed.Seconds(), "s",
			rescoreLim.Seconds(), "s", fmt.Sprintf("budget: 60 s per 1,000,000 companies, scaled to %d", f.n), AtMost(1),
			fmt.Sprintf("%d companies due because another rule made their score: %.0f companies/s; %d history rows, %d alerts; %s",
				f.n, perSecond(int64(f.n), elapsed), st.Changed, st.Alerts, usage)))
		if err := vacuumAnalyze(ctx, f.db.Pool, "arbsync.scores", "arbsync.current_scores"); err != nil {
			return figs, err
		}

		job := a.WeeklyJob()
		checkpoint(ctx, f.db.Pool)
		runtime.GC()
		cpu = startCPU(f.db.pm)
		start = time.Now()
		res, err := job.Run(ctx, job.CurrentWeek())
		elapsed = time.Since(start)
		usage = cpu.String()
		if err != nil {
			return figs, err
		}
		if res.Waiting || res.Scored != f.n || res.Alerts != 0 {
			return figs, fmt.Errorf("rule %s → %s: thresholds waited %v, %d scores, %d alerts; want false, %d, 0", from, to, res.Waiting, res.Scored, res.Alerts, f.n)
		}
		figs = append(figs, newFigure(fmt.Sprintf("rule switch %s → %s: this week's thresholds from the new scores", from, to), elapsed.Seconds(), "s",
			weeklyLim.Seconds(), "s", fmt.Sprintf("budget: 10 s per 1,000,000 scores, scaled to %d", f.n), AtMost(1),
			fmt.Sprintf("%d scores, %d threshold rows, %d companies relevelled, %d alerts (rule change: %v); %s",
				res.Scored, len(res.Rows), res.Relevelled, res.Alerts, res.RuleChange, usage)))
		from = to
	}
	r.measured = fmt.Sprintf("%d companies, %d cases, rule %s → 1 → 2", f.n, f.cases, scoring.DefaultRule)
	return figs, nil
}
