package bench

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/scoringdb"
)

// Budgets of ARCHITECTURE.md “Targets” at 1,000,000 companies; at other sizes the budget
// scales linearly (a smoke run's figures are not performance results).
const (
	rescoreBudget   = 60 * time.Second
	weeklyBudget    = 10 * time.Second
	budgetCompanies = 1_000_000
)

// budget scales a million-company budget to n companies.
func budget(b time.Duration, n int) time.Duration {
	return time.Duration(float64(b) * float64(n) / budgetCompanies)
}

// bigFixture is a database of synced companies loaded directly with COPY.
type bigFixture struct {
	db     *database
	n      int
	cases  int64
	scored bool // every company has a current score
}

// loadSynthetic creates a database with n synced companies (watchlist,
// sync_state with last_success_at, and their simulated cases) loaded with
// COPY, then vacuumed and analyzed.
func (r *runner) loadSynthetic(ctx context.Context, label string, n int) (*bigFixture, error) {
	d, err := r.srv.newDatabase(ctx, label)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	companies := makeCompanies(r.cfg.Seed, n)
	if err := loadWatchlist(ctx, d.Pool, companies, true); err != nil {
		return nil, err
	}
	cases, err := copyCases(ctx, d.Pool, r.cfg.Seed, r.date, companies, 2)
	if err != nil {
		return nil, err
	}
	if err := vacuumAnalyze(ctx, d.Pool, "arbsync.watchlist", "arbsync.sync_state", "arbsync.cases"); err != nil {
		return nil, err
	}
	r.logf("loaded %d companies and %d cases with COPY in %.1f s", n, cases, time.Since(start).Seconds())
	return &bigFixture{db: d, n: n, cases: cases}, nil
}

// bigData returns the RescoreCompanies database, loading it on first use.
func (r *runner) bigData(ctx context.Context) (*bigFixture, error) {
	if r.big != nil {
		return r.big, nil
	}
	f, err := r.loadSynthetic(ctx, "big", r.cfg.RescoreCompanies)
	if err != nil {
		return nil, err
	}
	r.big = f
	return f, nil
}

// rescoreAll runs Assessor.Rescore(All) on f with the daemon's pool and
// returns what it did, how long it took and the CPU split meanwhile.
func (r *runner) rescoreAll(ctx context.Context, f *bigFixture) (scoringdb.Stats, time.Duration, string, error) {
	pool, err := f.db.connect(ctx, "arbsync", app.PoolConns)
	if err != nil {
		return scoringdb.Stats{}, 0, "", err
	}
	defer pool.Close()
	assessor, err := r.daemonApp(pool, "", "", 0).Assessor()
	if err != nil {
		return scoringdb.Stats{}, 0, "", err
	}
	checkpoint(ctx, f.db.Pool)
	runtime.GC()
	cpu := startCPU(f.db.pm)
	start := time.Now()
	st, err := assessor.Rescore(ctx, pool, scoringdb.RescoreOptions{All: true})
	elapsed := time.Since(start)
	if err != nil {
		return st, elapsed, "", err
	}
	if st.Scored != f.n {
		return st, elapsed, "", fmt.Errorf("rescore scored %d of %d companies", st.Scored, f.n)
	}
	f.scored = true
	return st, elapsed, cpu.String(), nil
}

// runRescore loads RescoreCompanies synced companies with COPY and times
// Assessor.Rescore(All) with no score stored (every company gets a history
// row and a current score: the heaviest case), and with RescoreSteady again
// with nothing changed (the steady state of the daily job).
func runRescore(ctx context.Context, r *runner) ([]Figure, error) {
	f, err := r.bigData(ctx)
	if err != nil {
		return nil, err
	}
	lim := budget(rescoreBudget, f.n)
	limName := fmt.Sprintf("budget: 60 s per 1,000,000 companies, scaled to %d", f.n)
	var figs []Figure
	passes := []string{"first, no stored scores"}
	if r.cfg.RescoreSteady {
		passes = append(passes, "again, nothing changed")
	}
	for _, pass := range passes {
		st, elapsed, usage, err := r.rescoreAll(ctx, f)
		if err != nil {
			return figs, err
		}
		figs = append(figs, newFigure("Rescore(All) time ("+pass+")", elapsed.Seconds(), "s",
			lim.Seconds(), "s", limName, AtMost(1),
			fmt.Sprintf("%d companies, %d cases: %.0f companies/s; %d score rows appended, %d alerts; %s",
				f.n, f.cases, perSecond(int64(f.n), elapsed), st.Changed, st.Alerts, usage)))
		if pass == "first, no stored scores" {
			if err := vacuumAnalyze(ctx, f.db.Pool, "arbsync.scores", "arbsync.current_scores"); err != nil {
				return figs, err
			}
		}
	}
	r.measured = fmt.Sprintf("%d companies, %d cases", f.n, f.cases)
	return figs, nil
}
