// Package weekly is the weekly thresholds job: it computes a week's
// per-industry thresholds (package thresholds) from the stored current
// scores, replaces that week's rows in arbsync.industry_thresholds
// atomically, puts the new thresholds in force per industry
// (arbsync.applied_thresholds), updates the level of every company they
// move (raising an alert for each company pushed into a worse level), and
// writes the weekly report.
//
// Rerunning a week gives the same rows: its inputs are the stored scores and
// last week's stored finals. Only the newest week is put in force, so
// recomputing an old week never rolls thresholds back.
//
// Thresholds belong to a scoring rule: a week is computed from the current
// scores the job's rule made, and records that rule. After a change of rule
// (ARCHITECTURE.md "Scoring") the job waits while companies still hold the
// old rule's score (the rescore is under way); the first week computed from
// the new rule's scores ignores last week's finals (another rule's, on
// another scale) and relevels without alerts: the rule changed, not the
// companies.
package thresholdsdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// Job computes and stores weekly thresholds.
type Job struct {
	Pool *pgxpool.Pool
	// Rule is the scoring rule of the scores the thresholds are computed
	// from (ARBSYNC_SCORE_RULE). Required.
	Rule   scoring.Rule
	Params thresholds.Params
	// Today is today's date in the configured zone, by the caller's clock;
	// CurrentWeek and the commands' default dates start from it.
	Today func() scoring.Date
	Log   zerolog.Logger
}

// WeekOf returns the Monday of d's ISO week.
func WeekOf(d scoring.Date) scoring.Date {
	off := (int(d.Weekday()) + 6) % 7 // Monday = 0
	return d.AddDays(-off)
}

// CurrentWeek is the Monday of this week (of Today).
func (j *Job) CurrentWeek() scoring.Date { return WeekOf(j.Today()) }

// Result is a computed week.
type Result struct {
	Week     scoring.Date
	Rows     []thresholds.Row
	Previous []thresholds.Row
	// Scored is the number of companies in the population.
	Scored int
	// Relevelled counts companies whose level the new thresholds changed;
	// Alerts those pushed into a worse level.
	Relevelled, Alerts int
	// Applied is false for a week older than the newest stored one.
	Applied bool
	// Population is the scores the thresholds were computed from.
	Population []thresholds.CompanyScore
	// Changes are the companies whose level the new thresholds changed.
	Changes []LevelChange
	// RuleChange is set when the thresholds this week replaced in force
	// were computed from another rule's scores: the week's relevel raised
	// no alert.
	RuleChange bool
	// Waiting is set when nothing was computed because companies still hold
	// another rule's score (a change of rule is being rescored); the rescore
	// computes the week when it is done.
	Waiting bool
}

// LevelChange is a company whose level changed when a week's thresholds
// were applied.
type LevelChange struct {
	CreditCode      string
	From, To        scoring.Level
	Score           scoring.Points
	Warning, Urgent scoring.Points
}

// Compute computes week's thresholds without writing anything.
func (j *Job) Compute(ctx context.Context, week scoring.Date) (Result, error) {
	return j.compute(ctx, db.New(j.Pool), week)
}

// errNoRule is the error of a Job built without a rule.
var errNoRule = errors.New("thresholdsdb: Job.Rule is not set (ARBSYNC_SCORE_RULE)")

func (j *Job) compute(ctx context.Context, q *db.Queries, week scoring.Date) (Result, error) {
	if !j.Rule.Valid() {
		return Result{}, errNoRule
	}
	if week != WeekOf(week) {
		return Result{}, fmt.Errorf("week %s is not a Monday", week)
	}
	prevRows, err := q.ThresholdsForWeek(ctx, week.AddDays(-7).Time())
	if err != nil {
		return Result{}, fmt.Errorf("read last week's thresholds: %w", err)
	}
	previous := make([]thresholds.Row, 0, len(prevRows))
	for _, r := range prevRows {
		if r.RuleVersion == int32(j.Rule) { // another rule's finals are on another scale
			previous = append(previous, rowFromDB(r))
		}
	}
	industries, err := q.IndustryList(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("read industries: %w", err)
	}
	type place struct{ section, division string }
	where := make(map[string]place, len(industries))
	for _, in := range industries {
		if in.Level == "division" {
			where[in.Code] = place{in.SectionCode, in.Code}
		} else {
			where[in.Code] = place{in.SectionCode, ""}
		}
	}
	groups, err := q.ThresholdScores(ctx, int32(j.Rule))
	if err != nil {
		return Result{}, fmt.Errorf("read scores: %w", err)
	}
	n := 0
	for _, g := range groups {
		n += int(g.Companies)
	}
	scores := make([]thresholds.CompanyScore, 0, n)
	for _, g := range groups {
		p := where[g.IndustryCode]
		for range g.Companies {
			scores = append(scores, thresholds.CompanyScore{Section: p.section, Division: p.division, Score: scoring.Points(g.Score)})
		}
	}
	rows, err := thresholds.Compute(week, scores, thresholds.Finals(previous), j.params())
	if err != nil {
		return Result{}, err
	}
	return Result{Week: week, Rows: rows, Previous: previous, Scored: n, Population: scores}, nil
}

func (j *Job) params() thresholds.Params {
	if j.Params == (thresholds.Params{}) {
		return thresholds.DefaultParams()
	}
	return j.Params
}

// Run computes week's thresholds and, in one transaction, replaces the
// week's rows, applies them to current scores (if week is the newest) and
// writes the alerts they cause.
func (j *Job) Run(ctx context.Context, week scoring.Date) (Result, error) {
	var res Result
	err := pgx.BeginFunc(ctx, j.Pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		if err := q.TransactionDisableJIT(ctx); err != nil {
			return fmt.Errorf("disable JIT: %w", err)
		}
		others, err := q.CurrentScoresOtherRules(ctx, int32(j.Rule))
		if err != nil {
			return fmt.Errorf("read the rules of the current scores: %w", err)
		}
		if len(others) > 0 {
			res = Result{Week: week, Waiting: true}
			return nil
		}
		if res, err = j.compute(ctx, q, week); err != nil {
			return err
		}
		// The rule of the thresholds in force, before this week's rows
		// replace the week's (which may be those in force).
		inForce, err := q.AppliedThresholdsRule(ctx)
		if err != nil {
			return fmt.Errorf("read the rule of the thresholds in force: %w", err)
		}
		if err := q.ThresholdsDeleteWeek(ctx, week.Time()); err != nil {
			return fmt.Errorf("replace week %s: %w", week, err)
		}
		if len(res.Rows) > 0 {
			if err := q.ThresholdsInsert(ctx, insertParams(week, j.Rule, res.Rows)); err != nil {
				return fmt.Errorf("store thresholds: %w", err)
			}
		}
		latest, err := q.ThresholdsLatestWeek(ctx, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return err
		}
		if len(latest) > 0 && scoring.DateOf(latest[0].Week) > week {
			return nil // an older week: stored, not applied
		}
		res.Applied = true
		res.RuleChange = inForce != 0 && inForce != int32(j.Rule)
		if err := j.apply(ctx, q, week, res.Rows); err != nil {
			return err
		}
		changed, err := q.CurrentScoresRelevel(ctx, int32(j.Rule))
		if err != nil {
			return fmt.Errorf("apply thresholds: %w", err)
		}
		res.Relevelled = len(changed)
		for _, c := range changed {
			res.Changes = append(res.Changes, LevelChange{
				CreditCode: c.CreditCode, From: scoring.Level(c.PreviousLevel), To: scoring.Level(c.Level),
				Score: scoring.Points(c.Score), Warning: scoring.Points(c.WarningThreshold), Urgent: scoring.Points(c.UrgentThreshold),
			})
		}
		if res.RuleChange {
			return nil // the rule changed, not the companies: no alerts
		}
		res.Alerts, err = j.writeAlerts(ctx, q, week, changed)
		return err
	})
	if err != nil {
		return Result{}, fmt.Errorf("thresholds for week %s: %w", week, err)
	}
	if res.Waiting {
		j.Log.Info().Str("week", week.String()).Str("rule", j.Rule.String()).
			Msg("weekly thresholds wait: companies still hold another scoring rule's score; the rescore computes the week when it is done")
		return res, nil
	}
	j.Log.Info().Str("week", week.String()).Str("rule", j.Rule.String()).Int("rows", len(res.Rows)).Int("companies", res.Scored).
		Int("relevelled", res.Relevelled).Int("alerts", res.Alerts).Bool("applied", res.Applied).Bool("rule_change", res.RuleChange).
		Msg("weekly thresholds stored")
	return res, nil
}

// apply puts week's thresholds in force: for every industry, its
// division's row, else its section's, else the fixed thresholds.
func (j *Job) apply(ctx context.Context, q *db.Queries, week scoring.Date, rows []thresholds.Row) error {
	p := j.params()
	l, err := thresholds.NewInForce(rows, scoring.Thresholds{Warning: p.FixedWarning, Urgent: p.FixedUrgent})
	if err != nil {
		return err
	}
	industries, err := q.IndustryList(ctx)
	if err != nil {
		return fmt.Errorf("read industries: %w", err)
	}
	set := db.AppliedThresholdsSetParams{Week: week.Time()}
	for _, in := range industries {
		division := ""
		if in.Level == "division" {
			division = in.Code
		}
		th := l.Applicable(in.SectionCode, division)
		set.IndustryCodes = append(set.IndustryCodes, in.Code)
		set.Warnings = append(set.Warnings, int64(th.Warning))
		set.Urgents = append(set.Urgents, int64(th.Urgent))
		set.Sources = append(set.Sources, l.Source(in.SectionCode, division))
	}
	if _, err := q.AppliedThresholdsSet(ctx, set); err != nil {
		return fmt.Errorf("put thresholds in force: %w", err)
	}
	return nil
}

// writeAlerts raises an alert for every company that the week's thresholds
// pushed into a worse level, naming the cases that drove its score (read
// for those companies only).
func (j *Job) writeAlerts(ctx context.Context, q *db.Queries, week scoring.Date, changed []db.CurrentScoresRelevelRow) (int, error) {
	var worse []db.CurrentScoresRelevelRow
	var codes []string
	for _, c := range changed {
		if scoring.Level(c.Level).Worse(scoring.Level(c.PreviousLevel)) {
			worse = append(worse, c)
			codes = append(codes, c.CreditCode)
		}
	}
	if len(worse) == 0 {
		return 0, nil
	}
	info, err := q.WatchlistIndustries(ctx, codes)
	if err != nil {
		return 0, fmt.Errorf("read company names: %w", err)
	}
	names := make(map[string]db.WatchlistIndustriesRow, len(info))
	for _, in := range info {
		names[in.CreditCode] = in
	}
	asOf := make(map[string]scoring.Date, len(worse))
	for _, c := range worse {
		asOf[c.CreditCode] = scoring.DateOf(c.AsOf)
	}
	top, err := scoringdb.TopCasesFor(ctx, q, j.Rule, asOf)
	if err != nil {
		return 0, err
	}
	raise := make([]outbox.Alert, len(worse))
	for i, c := range worse {
		raise[i] = outbox.LevelChange{
			Cause: outbox.ThresholdsCause(week), CreditCode: c.CreditCode,
			CompanyName: names[c.CreditCode].CompanyName, IndustryName: names[c.CreditCode].IndustryName,
			ScoreID: c.ScoreID, From: scoring.Level(c.PreviousLevel), To: scoring.Level(c.Level), Score: scoring.Points(c.Score),
			Thresholds:  scoring.Thresholds{Warning: scoring.Points(c.WarningThreshold), Urgent: scoring.Points(c.UrgentThreshold)},
			RecentCases: int(c.RecentCases), RecentClaim: money.Fen(c.RecentClaimFen), LatestCaseTitle: c.LatestCaseTitle,
			AsOf: scoring.DateOf(c.AsOf), Rule: j.Rule, TopCases: top[c.CreditCode],
		}.Alert()
	}
	return outbox.Enqueue(ctx, q, raise)
}

func insertParams(week scoring.Date, rule scoring.Rule, rows []thresholds.Row) db.ThresholdsInsertParams {
	p := db.ThresholdsInsertParams{Week: week.Time(), MethodVersion: thresholds.MethodVersion, RuleVersion: int32(rule)}
	for _, r := range rows {
		prev := int64(-1)
		if r.Previous != nil {
			prev = int64(*r.Previous)
		}
		p.IndustryCodes = append(p.IndustryCodes, r.Industry)
		p.IndustryLevels = append(p.IndustryLevels, string(r.Level))
		p.Severities = append(p.Severities, string(r.Severity))
		p.Ns = append(p.Ns, int32(r.N))
		p.Qs = append(p.Qs, r.Q)
		p.Raws = append(p.Raws, int64(r.Raw))
		p.Shrunks = append(p.Shrunks, int64(r.Shrunk))
		p.Finals = append(p.Finals, int64(r.Final))
		p.Previouses = append(p.Previouses, prev)
		p.Bounds = append(p.Bounds, string(r.Bound))
		p.P10s = append(p.P10s, int64(r.P10))
		p.P25s = append(p.P25s, int64(r.P25))
		p.P50s = append(p.P50s, int64(r.P50))
		p.P75s = append(p.P75s, int64(r.P75))
		p.P90s = append(p.P90s, int64(r.P90))
		p.Means = append(p.Means, int64(r.Mean))
		p.FlaggedFixeds = append(p.FlaggedFixeds, int32(r.FlaggedFixed))
		p.FlaggedDynamics = append(p.FlaggedDynamics, int32(r.FlaggedDynamic))
	}
	return p
}

// rowFromDB converts a stored row.
func rowFromDB(r db.ThresholdsForWeekRow) thresholds.Row {
	row := thresholds.Row{
		Week: scoring.DateOf(r.Week), Industry: r.IndustryCode, Level: thresholds.IndustryLevel(r.IndustryLevel),
		Severity: thresholds.Severity(r.Severity), N: int(r.N), Q: r.Q,
		Raw: scoring.Points(r.Raw), Shrunk: scoring.Points(r.Shrunk), Final: scoring.Points(r.Final),
		Bound: thresholds.Bound(r.BoundApplied),
		P10:   scoring.Points(r.P10), P25: scoring.Points(r.P25), P50: scoring.Points(r.P50),
		P75: scoring.Points(r.P75), P90: scoring.Points(r.P90), Mean: scoring.Points(r.Mean),
		FlaggedFixed: int(r.FlaggedFixed), FlaggedDynamic: int(r.FlaggedDynamic), MethodVersion: int(r.MethodVersion),
	}
	if r.Previous >= 0 {
		p := scoring.Points(r.Previous)
		row.Previous = &p
	}
	if row.Level == thresholds.LevelDivision {
		row.ParentIndustry = r.SectionCode
	}
	return row
}
