package thresholdsdb

import (
	"context"
	"fmt"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// BacktestOptions select the weeks and horizon of a backtest.
type BacktestOptions struct {
	From, To scoring.Date // weeks whose Monday lies in [From, To]
	Horizon  int          // days after a week in which new cases count (90)
	// Today bounds the weeks: a week whose horizon has not fully passed
	// by Today is skipped (its outcome is not known yet).
	Today scoring.Date
}

// BacktestReport is the outcome of a backtest.
type BacktestReport struct {
	Weeks     []scoring.Date
	Skipped   int // weeks whose horizon reaches past Today
	Companies int
	Warning   thresholds.BacktestResult
	Urgent    thresholds.BacktestResult
}

// Backtest replays the weekly method over stored history: for each week it
// scores every enabled, synced company as of that Monday from its stored
// cases (only cases filed by then count), computes that week's dynamic
// thresholds from those scores (chained week to week, as the job would),
// and compares which companies the fixed and the dynamic thresholds flag
// with whether the company had a new case filed within the horizon.
//
// The scores are rebuilt from today's knowledge of each case, so a case's
// result as known now is used for weeks when it was still pending; the
// lose-rate and execution components carry that look-ahead. Counts and
// amounts, which drive most of the score, do not.
func (j *Job) Backtest(ctx context.Context, o BacktestOptions) (BacktestReport, error) {
	if o.Horizon <= 0 {
		o.Horizon = 90
	}
	var rep BacktestReport
	for w := WeekOf(o.From); w <= o.To; w = w.AddDays(7) {
		if w < o.From {
			continue
		}
		if w.AddDays(o.Horizon) > o.Today {
			rep.Skipped++
			continue
		}
		rep.Weeks = append(rep.Weeks, w)
	}
	if len(rep.Weeks) == 0 {
		return rep, fmt.Errorf("no week from %s to %s has a complete %d-day horizon before %s", o.From, o.To, o.Horizon, o.Today)
	}
	type obs struct {
		score scoring.Points
		got   bool
	}
	var (
		places  []thresholds.CompanyScore // section/division per company
		perWeek = make([][]obs, len(rep.Weeks))
	)
	q := db.New(j.Pool)
	after := ""
	for {
		page, err := q.RescoreCandidates(ctx, db.RescoreCandidatesParams{After: after, AllCompanies: true, AsOf: o.Today.Time(), MaxRows: 2000})
		if err != nil {
			return rep, fmt.Errorf("backtest: list companies: %w", err)
		}
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1].CreditCode
		codes := db.DueCodes(page)
		if len(codes) == 0 {
			continue
		}
		info, err := q.WatchlistIndustries(ctx, codes)
		if err != nil {
			return rep, err
		}
		where := make(map[string]db.WatchlistIndustriesRow, len(info))
		for _, in := range info {
			where[in.CreditCode] = in
		}
		rows, err := q.CasesForScoring(ctx, codes)
		if err != nil {
			return rep, err
		}
		cases := make(map[string][]scoring.Case, len(codes))
		for _, r := range rows {
			res, _ := scoring.ParseOutcome(r.Result)
			exec, _ := scoring.ParseExecutionStatus(r.ExecutionStatus)
			role, _ := scoring.ParseRole(r.Role)
			cases[r.CreditCode] = append(cases[r.CreditCode], scoring.Case{
				FilingDate: scoring.DateOf(r.FilingDate), Result: res, ExecutionStatus: exec, Role: role,
				ClaimAmount: money.Fen(r.ClaimFen), Title: r.Title,
			})
		}
		for _, code := range codes {
			in := where[code]
			places = append(places, thresholds.CompanyScore{Section: in.SectionCode, Division: in.Division})
			cs := cases[code]
			for i, w := range rep.Weeks {
				got := false
				for _, c := range cs {
					if c.FilingDate > w && c.FilingDate <= w.AddDays(o.Horizon) {
						got = true
						break
					}
				}
				perWeek[i] = append(perWeek[i], obs{score: scoring.Score(cs, w, scoring.DefaultThresholds()).Score, got: got})
			}
		}
	}
	rep.Companies = len(places)
	p := j.params()
	fixed := scoring.Thresholds{Warning: p.FixedWarning, Urgent: p.FixedUrgent}
	var warn, urg []thresholds.Observation
	var previous map[thresholds.Key]scoring.Points
	for i, w := range rep.Weeks {
		scores := make([]thresholds.CompanyScore, len(places))
		for k := range places {
			scores[k] = places[k]
			scores[k].Score = perWeek[i][k].score
		}
		rows, err := thresholds.Compute(w, scores, previous, p)
		if err != nil {
			return rep, fmt.Errorf("backtest week %s: %w", w, err)
		}
		previous = thresholds.Finals(rows)
		lookup, err := thresholds.NewInForce(rows, fixed)
		if err != nil {
			return rep, err
		}
		for k, s := range scores {
			th := lookup.Applicable(s.Section, s.Division)
			got := perWeek[i][k].got
			warn = append(warn, thresholds.Observation{FlaggedFixed: s.Score < fixed.Warning, FlaggedDynamic: s.Score < th.Warning, GotNewCases: got})
			urg = append(urg, thresholds.Observation{FlaggedFixed: s.Score < fixed.Urgent, FlaggedDynamic: s.Score < th.Urgent, GotNewCases: got})
		}
	}
	rep.Warning = thresholds.Backtest(warn)
	rep.Urgent = thresholds.Backtest(urg)
	return rep, nil
}
