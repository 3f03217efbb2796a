package thresholdsdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/report"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// RiskiestShown is how many of the lowest-scoring companies the report lists.
const RiskiestShown = 20

// Report gathers the weekly report of a computed week. Its histograms and
// alert volumes come from res.Population, the very scores the thresholds
// were computed from, so every number in the report agrees with the table.
// "Newly flagged" and "cleared" are the companies whose level this week's
// thresholds changed when they were applied (res.Changes).
func (j *Job) Report(ctx context.Context, res Result, generatedAt time.Time) (report.Weekly, error) {
	q := db.New(j.Pool)
	p := j.params()
	w := report.Weekly{
		Week: res.Week, GeneratedAt: generatedAt, MethodVersion: thresholds.MethodVersion, Params: p,
		Rows: res.Rows, Previous: res.Previous, IndustryNames: map[string]string{},
	}
	inds, err := q.IndustryList(ctx)
	if err != nil {
		return w, err
	}
	for _, in := range inds {
		w.IndustryNames[in.Code] = in.Name
	}
	fixed := scoring.Thresholds{Warning: p.FixedWarning, Urgent: p.FixedUrgent}
	now, err := thresholds.NewInForce(res.Rows, fixed)
	if err != nil {
		return w, err
	}
	prev, err := thresholds.NewInForce(res.Previous, fixed)
	if err != nil {
		return w, err
	}
	// Histograms and alert volume per section, from the population.
	hist := map[string]*report.Histogram{}
	type volume struct {
		companies            int
		fixed, dynamic, last report.AlertCounts
	}
	vol := map[string]*volume{}
	var sections []string
	for _, s := range res.Population {
		h := hist[s.Section]
		if h == nil {
			h = &report.Histogram{Section: s.Section}
			hist[s.Section] = h
			vol[s.Section] = &volume{}
			sections = append(sections, s.Section)
		}
		h.Add(s.Score)
		v := vol[s.Section]
		v.companies++
		count(&v.fixed, s.Score, fixed)
		count(&v.dynamic, s.Score, now.Applicable(s.Section, s.Division))
		count(&v.last, s.Score, prev.Applicable(s.Section, s.Division))
	}
	slices.Sort(sections)
	for _, sec := range sections {
		w.Histograms = append(w.Histograms, *hist[sec])
		v := vol[sec]
		ia := report.IndustryAlerts{Industry: sec, Companies: v.companies, Fixed: v.fixed, Dynamic: v.dynamic}
		if len(res.Previous) > 0 {
			last := v.last
			ia.LastWeek = &last
		}
		w.AlertVolume = append(w.AlertVolume, ia)
	}

	// Companies whose level the new thresholds changed.
	if len(res.Changes) > 0 {
		codes := make([]string, len(res.Changes))
		for i, c := range res.Changes {
			codes[i] = c.CreditCode
		}
		info, err := q.WatchlistIndustries(ctx, codes)
		if err != nil {
			return w, err
		}
		byCode := make(map[string]db.WatchlistIndustriesRow, len(info))
		for _, in := range info {
			byCode[in.CreditCode] = in
		}
		for _, c := range res.Changes {
			in := byCode[c.CreditCode]
			industry := in.SectionCode
			if in.Division != "" && now.Source(in.SectionCode, in.Division) == "division" {
				industry = in.Division
			}
			lc := report.LevelChange{
				CreditCode: c.CreditCode, Name: in.CompanyName, Industry: industry, Score: c.Score,
				From: c.From, To: c.To, Thresholds: scoring.Thresholds{Warning: c.Warning, Urgent: c.Urgent},
			}
			switch {
			case c.To == scoring.LevelOK:
				w.Cleared = append(w.Cleared, lc)
			case c.From == scoring.LevelOK || c.From == "":
				w.NewlyFlagged = append(w.NewlyFlagged, lc)
			}
		}
	}

	switch bt, err := j.LatestBacktest(ctx); {
	case err == nil:
		w.Backtest = &report.Backtest{
			RunID: bt.ID, ComputedAt: bt.ComputedAt.In(generatedAt.Location()), From: bt.From, To: bt.To, Weeks: bt.Weeks,
			Horizon: bt.Horizon, Companies: bt.Companies, Observations: bt.Observations, Rules: bt.Rules, Results: bt.Results,
			LookAhead: LookAheadZH + " " + bt.LookAhead,
		}
	case !errors.Is(err, ErrNoBacktest):
		return w, err
	}

	if w.Events, err = weekEvents(ctx, q, res.Week, generatedAt.Location()); err != nil {
		return w, err
	}

	risky, err := q.CurrentScoresRiskiest(ctx, RiskiestShown)
	if err != nil {
		return w, err
	}
	for _, r := range risky {
		w.Riskiest = append(w.Riskiest, report.Company{
			CreditCode: r.CreditCode, Name: r.CompanyName, Industry: r.IndustryCode, Score: scoring.Points(r.Score),
			Level: scoring.Level(r.Level), RecentCases: int(r.RecentCases), RecentClaims: money.Fen(r.RecentClaimFen),
		})
	}
	return w, nil
}

func count(c *report.AlertCounts, s scoring.Points, th scoring.Thresholds) {
	if s < th.Warning {
		c.Flagged++
	}
	if s < th.Urgent {
		c.Urgent++
	}
}

// Publish renders the report into dir (Markdown, HTML, CSV, backtest CSV)
// and stores it in arbsync.threshold_reports. It returns the files written.
func (j *Job) Publish(ctx context.Context, w report.Weekly, dir string) ([]string, error) {
	var md, html, csv, btCSV bytes.Buffer
	if err := report.Markdown(&md, w); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := report.HTML(&html, w); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := report.CSV(&csv, w); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := report.BacktestCSV(&btCSV, w); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := db.New(j.Pool).ThresholdReportUpsert(ctx, db.ThresholdReportUpsertParams{
		Week: w.Week.Time(), Markdown: md.String(), Html: html.String(), Csv: csv.String(), BacktestCsv: btCSV.String(),
		GeneratedAt: w.GeneratedAt,
	}); err != nil {
		return nil, fmt.Errorf("store report: %w", err)
	}
	if dir == "" {
		return nil, nil
	}
	return report.WriteFiles(dir, w)
}
