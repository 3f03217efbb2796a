package cli

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/scorejson"
	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/scoring"
)

func scoreCommand() *command {
	return &command{
		name:    "score",
		args:    "-json < company.json | [-all] [-code CREDIT_CODE]...",
		summary: "score cases from stdin (-json), or rescore companies in the database",
		about: "With -json, scores one company's cases given as JSON on standard input and prints every component " +
			"(no database; see README \"Checking a score by hand\"); malformed input exits 2 and names the field. " +
			"Otherwise rescores companies in the database: those whose score changes today because cases left the " +
			"365-day window (what the daily job does), every company (-all), or the named ones.",
		env: true,
		run: runScore,
	}
}

func runScore(ctx context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	jsonIn := fs.Bool("json", false, "read one company's cases as JSON on stdin and print the full breakdown (no database)")
	all := fs.Bool("all", false, "rescore every enabled, synced company")
	var codes stringList
	fs.Var(&codes, "code", "rescore only the company with this `CREDIT_CODE` (repeatable)")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	if *jsonIn {
		if *all || len(codes) > 0 {
			return usagef("-json takes no other arguments")
		}
		in, err := scorejson.ReadInput(io.Stdin)
		if err != nil {
			return usageError{fmt.Sprintf("invalid input: %v", err)}
		}
		return scorejson.WriteBreakdown(io.Stdout, scoring.Score(in.Cases, in.AsOf, in.Thresholds))
	}
	for i, code := range codes {
		codes[i] = uscc.Normalize(code)
		if !uscc.FormatValid(codes[i]) {
			return usagef("-code %q: %s", code, uscc.Problem(codes[i]))
		}
	}
	cfg, _, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	a, err := app.App{Config: cfg}.Assessor()
	if err != nil {
		return err
	}
	st, err := a.Rescore(ctx, pool, scoringdb.RescoreOptions{All: *all, Codes: codes})
	fmt.Fprintf(io.Stdout, "rescore: %d companies scored, %d scores changed, %d alerts raised\n", st.Scored, st.Changed, st.Alerts)
	return err
}

// rescoreJob is the daily rescore the daemon schedules.
// It also folds the score distribution's deltas, for a daemon that no
// Prometheus scrapes (a scrape folds them too).
func rescoreJob(a *scoringdb.Assessor, pool *pgxpool.Pool, dist *scoringdb.Distribution) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if _, err := a.Rescore(ctx, pool, scoringdb.RescoreOptions{}); err != nil {
			return err
		}
		_, err := dist.Compact(ctx)
		return err
	}
}
