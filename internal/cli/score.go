package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/daemon"
	"github.com/arbsync/arbsync/internal/scorejson"
	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/internal/thresholdsdb"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/scoring"
)

func scoreCommand() *command {
	return &command{
		name:    "score",
		args:    "-json [-rule N] < company.json | [-all] [-code CREDIT_CODE]...",
		summary: "score cases from stdin (-json), or rescore companies in the database",
		about: "With -json, scores one company's cases given as JSON on standard input under the configured rule " +
			"(ARBSYNC_SCORE_RULE) or the one -rule names, and prints every component and every case's part in the " +
			"score (no database; see README \"Checking a score by hand\"); malformed input exits 2 and names the field. " +
			"Otherwise rescores companies in the database under the configured rule: those whose score changes today " +
			"because cases left the 365-day window or whose score another rule made (what the daily job does), every " +
			"company (-all), or the named ones. After a change of rule it also recomputes this week's thresholds from " +
			"the new scores; no alert is raised for the change itself.",
		env: true,
		run: runScore,
	}
}

func runScore(ctx context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	jsonIn := fs.Bool("json", false, "read one company's cases as JSON on stdin and print the full breakdown (no database)")
	var rule scoring.Rule // 0: the configured one
	fs.Func("rule", "with -json: score under this rule `N` (1 or 2; default ARBSYNC_SCORE_RULE, else 2)", func(v string) (err error) {
		rule, err = scoring.ParseRule(v)
		return err
	})
	all := fs.Bool("all", false, "rescore every enabled, synced company")
	var codes stringList
	fs.Var(&codes, "code", "rescore only the company with this `CREDIT_CODE` (repeatable)")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	if *jsonIn {
		if *all || len(codes) > 0 {
			return usagef("-json takes no other arguments but -rule")
		}
		if rule == 0 {
			cfg, err := config.Load(io.Env, config.Need{})
			if err != nil {
				return err
			}
			rule = cfg.ScoreRule
		}
		in, err := scorejson.ReadInput(io.Stdin)
		if err != nil {
			return usageError{fmt.Sprintf("invalid input: %v", err)}
		}
		return scorejson.WriteBreakdown(io.Stdout, rule, in)
	}
	if rule != 0 {
		return usagef("-rule applies to -json only: the database is scored with ARBSYNC_SCORE_RULE")
	}
	for i, code := range codes {
		codes[i] = uscc.Normalize(code)
		if !uscc.FormatValid(codes[i]) {
			return usagef("-code %q: %s", code, uscc.Problem(codes[i]))
		}
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	a := app.App{Config: cfg, Log: log, Pool: pool}
	assessor, err := a.Assessor()
	if err != nil {
		return err
	}
	st, err := rescore(ctx, rescorer{assessor: assessor, weekly: a.WeeklyJob(), pool: pool, cfg: cfg, log: log},
		scoringdb.RescoreOptions{All: *all, Codes: codes})
	fmt.Fprintf(io.Stdout, "rescore: %d companies scored, %d scores changed, %d alerts raised\n", st.Scored, st.Changed, st.Alerts)
	return err
}

// rescorer is what a rescore needs: the assessor, the weekly job (for the
// thresholds after a change of rule) and where to log.
type rescorer struct {
	assessor *scoringdb.Assessor
	weekly   *thresholdsdb.Job
	pool     *pgxpool.Pool
	cfg      config.Config
	log      zerolog.Logger
}

// rescore is the daily rescore (`arbsync score` and the daemon's job) under
// the configured rule. A company whose score another rule made is due, so a
// change of rule rescores everyone once, and that rescore raises no alert
// for the change (scoringdb.Assessor.Apply). When it leaves no score of
// another rule, and the thresholds in force were computed from another
// rule's scores, this week's thresholds are computed again from the new
// scores, as the weekly job does and under its lease: their relevel raises
// no alert either (thresholdsdb). The fixed thresholds belong to no rule
// and stay. One line says what the change did.
func rescore(ctx context.Context, r rescorer, opts scoringdb.RescoreOptions) (scoringdb.Stats, error) {
	q := db.New(r.pool)
	before, err := r.assessor.PendingRuleChange(ctx, q)
	if err != nil {
		return scoringdb.Stats{}, err
	}
	if before.Rescoring() {
		r.log.Info().Int("companies", before.Total()).Str("from", before.From()).Str("to", before.To.String()).
			Msg("scoring rule changed: rescoring every company whose score another rule made")
	}
	st, err := r.assessor.Rescore(ctx, r.pool, opts)
	if err != nil || !before.Pending() {
		return st, err
	}
	after, err := r.assessor.PendingRuleChange(ctx, q)
	if err != nil || after.Rescoring() {
		return st, err // a partial rescore (-code, or a sync racing it): the rest comes later
	}
	if after.Thresholds != 0 {
		err = daemon.RunExclusive(ctx, r.pool, r.cfg.ReplicaID, r.log, daemon.Job{
			Name: ThresholdsJobName, Exclusive: true, Run: weeklyJob(r.weekly, nil, r.cfg), // quiet: no weekly summary from a rule change
		})
		if errors.Is(err, daemon.ErrLeaseHeld) {
			r.log.Info().Msg("the weekly thresholds job is running on another replica: it computes this week from the new scores")
			err = nil
		}
		if err != nil {
			return st, err
		}
	}
	lv, err := r.assessor.CountLevels(ctx, q)
	if err != nil {
		return st, err
	}
	r.log.Info().Str("from", before.From()).Str("to", before.To.String()).Int("rescored", st.RuleChanged).
		Int("warning", lv.Warning).Int("urgent", lv.Urgent).
		Msgf("scoring rule changed from %s to %s: %d companies rescored, %d now warning, %d now urgent; no alerts for the change",
			before.From(), before.To, st.RuleChanged, lv.Warning, lv.Urgent)
	return st, nil
}

// rescoreJob is the daily rescore the daemon schedules (and runs at start
// after a change of rule, see ruleChanged). It also folds the score
// distribution's deltas, for a daemon that no Prometheus scrapes (a scrape
// folds them too).
func rescoreJob(r rescorer, dist *scoringdb.Distribution) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if _, err := rescore(ctx, r, scoringdb.RescoreOptions{}); err != nil {
			return err
		}
		_, err := dist.Compact(ctx)
		return err
	}
}

// ruleChanged reports whether a change of the configured rule is left to
// finish: the daemon then runs the rescore at start.
func ruleChanged(r rescorer) func(ctx context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		c, err := r.assessor.PendingRuleChange(ctx, db.New(r.pool))
		return c.Pending(), err
	}
}
