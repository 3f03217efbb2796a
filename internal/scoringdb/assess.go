package scoringdb

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/scoring"
)

// Company is one company's current (not removed) cases.
type Company struct {
	CreditCode string
	Cases      []scoring.Case
}

// Stats count what an Apply did.
type Stats struct {
	Scored  int // companies scored
	Changed int // score-history rows appended
	Alerts  int // alerts written to the outbox
}

func (s *Stats) add(o Stats) {
	s.Scored += o.Scored
	s.Changed += o.Changed
	s.Alerts += o.Alerts
}

// Assessor scores companies in the database.
type Assessor struct {
	// Fixed are the thresholds for an industry without a row in
	// arbsync.applied_thresholds (the weekly job writes one for every
	// industry; the migration seeds them).
	Fixed scoring.Thresholds
	// Today is the as-of date of the sync hook and of a rescore not given
	// one: today in the configured zone, by the caller's clock. Required.
	Today func() scoring.Date
	// Metrics may be nil.
	Metrics *Metrics

	mu     sync.Mutex
	totals Stats // what the sync hook did, for a command's summary
}

// Totals is what the sync hook has done so far.
func (a *Assessor) Totals() Stats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.totals
}

// FromUpstream converts normalized cases to scoring input.
func FromUpstream(cases []upstream.Case) []scoring.Case {
	out := make([]scoring.Case, len(cases))
	for i := range cases {
		c := &cases[i]
		res, _ := scoring.ParseOutcome(string(c.Result))
		exec, _ := scoring.ParseExecutionStatus(string(c.ExecutionStatus))
		role, _ := scoring.ParseRole(string(c.Role))
		out[i] = scoring.Case{
			Role:            role,
			FilingDate:      scoring.DateOf(c.FilingDate.Time),
			Result:          res,
			ExecutionStatus: exec,
			ClaimAmount:     c.ClaimAmount,
			Title:           c.Title,
		}
	}
	return out
}

// Apply scores companies (each at most once per call) inside tx.
func (a *Assessor) Apply(ctx context.Context, tx pgx.Tx, companies []Company, asOf scoring.Date) (Stats, error) {
	if len(companies) == 0 {
		return Stats{}, nil
	}
	q := db.New(tx)
	codes := make([]string, len(companies))
	for i, c := range companies {
		codes[i] = c.CreditCode
	}
	prevRows, err := q.CurrentScoresFor(ctx, codes)
	if err != nil {
		return Stats{}, fmt.Errorf("read current scores: %w", err)
	}
	prev := make(map[string]db.CurrentScoresForRow, len(prevRows))
	for _, r := range prevRows {
		prev[r.CreditCode] = r
	}
	infoRows, err := q.WatchlistIndustries(ctx, codes)
	if err != nil {
		return Stats{}, fmt.Errorf("read industries: %w", err)
	}
	info := make(map[string]db.WatchlistIndustriesRow, len(infoRows))
	for _, r := range infoRows {
		info[r.CreditCode] = r
	}
	inForce, err := a.inForce(ctx, q)
	if err != nil {
		return Stats{}, err
	}

	var (
		st     Stats
		app    db.ScoresAppendParams
		next   db.CurrentScoresSetNextChangeParams
		result = make(map[string]scoring.Result, len(companies))
	)
	app.RuleVersion = scoring.RuleVersion
	for _, c := range companies {
		in, ok := info[c.CreditCode]
		if !ok {
			continue // deleted from the watchlist meanwhile: its history stays, unscored
		}
		th := inForce.of(in.IndustryCode)
		res := scoring.Score(c.Cases, asOf, th)
		st.Scored++
		nextOn := ""
		if d, ok := scoring.NextChange(c.Cases, asOf); ok {
			nextOn = d.String()
		}
		p, had := prev[c.CreditCode]
		if had && same(p, res) {
			next.CreditCodes = append(next.CreditCodes, c.CreditCode)
			next.NextChangeOns = append(next.NextChangeOns, nextOn)
			continue
		}
		result[c.CreditCode] = res
		appendScore(&app, c.CreditCode, res, nextOn)
	}
	if len(next.CreditCodes) > 0 {
		if err := q.CurrentScoresSetNextChange(ctx, next); err != nil {
			return st, fmt.Errorf("record next change dates: %w", err)
		}
	}
	if len(app.CreditCodes) == 0 {
		return st, nil
	}
	rows, err := q.ScoresAppend(ctx, app)
	if err != nil {
		return st, fmt.Errorf("append scores: %w", err)
	}
	st.Changed = len(rows)

	var raise []outbox.Alert
	for _, r := range rows {
		res := result[r.CreditCode]
		prevLevel := scoring.Level(prev[r.CreditCode].Level) // empty for a first score
		if !res.Level.Worse(prevLevel) {
			continue
		}
		in := info[r.CreditCode]
		raise = append(raise, outbox.LevelChange{
			Cause: outbox.ScoreCause(r.ScoreID), CreditCode: r.CreditCode,
			CompanyName: in.CompanyName, IndustryName: in.IndustryName,
			ScoreID: r.ScoreID, From: prevLevel, To: res.Level, Score: res.Score, Thresholds: res.Thresholds,
			RecentCases: res.RecentCount, RecentClaim: res.RecentClaimTotal, LatestCaseTitle: res.Latest.Title, AsOf: res.AsOf,
		}.Alert())
	}
	st.Alerts, err = outbox.Enqueue(ctx, q, raise)
	return st, err
}

// thresholdsInForce are the thresholds in force per industry.
type thresholdsInForce struct {
	byIndustry map[string]scoring.Thresholds
	fixed      scoring.Thresholds
}

func (t thresholdsInForce) of(industry string) scoring.Thresholds {
	if th, ok := t.byIndustry[industry]; ok {
		return th
	}
	return t.fixed
}

func (a *Assessor) inForce(ctx context.Context, q *db.Queries) (thresholdsInForce, error) {
	t := thresholdsInForce{fixed: a.Fixed}
	if t.fixed == (scoring.Thresholds{}) {
		t.fixed = scoring.DefaultThresholds()
	}
	rows, err := q.AppliedThresholds(ctx)
	if err != nil {
		return t, fmt.Errorf("read thresholds in force: %w", err)
	}
	t.byIndustry = make(map[string]scoring.Thresholds, len(rows))
	for _, r := range rows {
		t.byIndustry[r.IndustryCode] = scoring.Thresholds{Warning: scoring.Points(r.WarningThreshold), Urgent: scoring.Points(r.UrgentThreshold)}
	}
	return t, nil
}

// same reports whether the stored current score equals res in score, level
// and every component.
func same(p db.CurrentScoresForRow, r scoring.Result) bool {
	return p.Score == int64(r.Score) && p.Level == string(r.Level) &&
		p.RecentCases == int32(r.RecentCount) && p.RecentClaimFen == int64(r.RecentClaimTotal) &&
		p.DecidedCases == int32(r.DecidedCount) && p.LoseCases == int32(r.LoseCount) &&
		p.PartialCases == int32(r.PartialCount) && p.LoseRate == int64(r.LoseRate) &&
		p.UnexecutedCases == int32(r.UnexecutedCount) && p.LatestCaseTitle == r.Latest.Title
}

func appendScore(p *db.ScoresAppendParams, code string, r scoring.Result, nextOn string) {
	p.CreditCodes = append(p.CreditCodes, code)
	p.AsOfs = append(p.AsOfs, r.AsOf.Time())
	p.Scores = append(p.Scores, int64(r.Score))
	p.Levels = append(p.Levels, string(r.Level))
	p.RecentCases = append(p.RecentCases, int32(r.RecentCount))
	p.RecentClaimFen = append(p.RecentClaimFen, int64(r.RecentClaimTotal))
	p.DecidedCases = append(p.DecidedCases, int32(r.DecidedCount))
	p.LoseCases = append(p.LoseCases, int32(r.LoseCount))
	p.PartialCases = append(p.PartialCases, int32(r.PartialCount))
	p.LoseRates = append(p.LoseRates, int64(r.LoseRate))
	p.UnexecutedCases = append(p.UnexecutedCases, int32(r.UnexecutedCount))
	p.CountDeductions = append(p.CountDeductions, int64(r.CountDeduction))
	p.AmountDeductions = append(p.AmountDeductions, int64(r.AmountDeduction))
	p.LoseRateDeductions = append(p.LoseRateDeductions, int64(r.LoseRateDeduction))
	p.UnexecutedDeductions = append(p.UnexecutedDeductions, int64(r.UnexecutedDeduction))
	p.WarningThresholds = append(p.WarningThresholds, int64(r.Thresholds.Warning))
	p.UrgentThresholds = append(p.UrgentThresholds, int64(r.Thresholds.Urgent))
	p.LatestCaseTitles = append(p.LatestCaseTitles, r.Latest.Title)
	p.NextChangeOns = append(p.NextChangeOns, nextOn)
}
