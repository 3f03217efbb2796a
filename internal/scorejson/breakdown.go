package scorejson

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
)

// breakdown is the JSON shape of a scoring.Result: a flat object of every
// component, in camel case, then every input case's part in it.
type breakdown struct {
	RuleVersion         int                `json:"ruleVersion"`
	AsOf                scoring.Date       `json:"asOf"`
	WindowStart         scoring.Date       `json:"windowStart"`
	WindowEnd           scoring.Date       `json:"windowEnd"`
	Score               scoring.Points     `json:"score"`
	Level               scoring.Level      `json:"level"`
	Thresholds          scoring.Thresholds `json:"thresholds"`
	RecentCases         int                `json:"recentCases"`
	RecentClaimTotal    money.Fen          `json:"recentClaimTotal"`
	DecidedCases        int                `json:"decidedCases"`
	LoseCases           int                `json:"loseCases"`
	PartialCases        int                `json:"partialCases"`
	LoseRate            scoring.Rate       `json:"loseRate"`
	UnexecutedCases     int                `json:"unexecutedCases"`
	ExcludedCases       int                `json:"excludedCases"`
	Indicators          *indicatorsJSON    `json:"indicators"`
	Weights             *weightsJSON       `json:"weights"`
	CountDeduction      scoring.Points     `json:"countDeduction"`
	AmountDeduction     scoring.Points     `json:"amountDeduction"`
	LoseRateDeduction   scoring.Points     `json:"loseRateDeduction"`
	UnexecutedDeduction scoring.Points     `json:"unexecutedDeduction"`
	LatestCase          *latestJSON        `json:"latestCase"`
	Cases               []caseJSON         `json:"cases"`
}

// indicatorsJSON are rule 2's indicator scores, out of 100.
type indicatorsJSON struct {
	Count     scoring.Points `json:"count"`
	Amount    scoring.Points `json:"amount"`
	LoseRate  scoring.Points `json:"loseRate"`
	Execution scoring.Points `json:"execution"`
}

// weightsJSON are rule 2's weights, as rates (0.4000 is 40 %).
type weightsJSON struct {
	Count     scoring.Rate `json:"count"`
	Amount    scoring.Rate `json:"amount"`
	LoseRate  scoring.Rate `json:"loseRate"`
	Execution scoring.Rate `json:"execution"`
}

// caseJSON is one input case's part in the score.
type caseJSON struct {
	Index      int            `json:"index"`
	CaseNo     string         `json:"caseNo,omitempty"`
	Title      string         `json:"title"`
	FilingDate scoring.Date   `json:"filingDate"`
	Role       string         `json:"role,omitempty"`
	Counts     bool           `json:"counts"`
	Why        scoring.Why    `json:"why"`
	Points     scoring.Points `json:"points"`
}

type latestJSON struct {
	Title      string       `json:"title"`
	FilingDate scoring.Date `json:"filingDate"`
	Recent     bool         `json:"recent"`
}

func breakdownOf(r scoring.Result, in Input, notes []scoring.CaseNote) breakdown {
	b := breakdown{
		RuleVersion:         r.RuleVersion,
		AsOf:                r.AsOf,
		WindowStart:         r.AsOf - scoring.WindowDays + 1,
		WindowEnd:           r.AsOf,
		Score:               r.Score,
		Level:               r.Level,
		Thresholds:          r.Thresholds,
		RecentCases:         r.RecentCount,
		RecentClaimTotal:    r.RecentClaimTotal,
		DecidedCases:        r.DecidedCount,
		LoseCases:           r.LoseCount,
		PartialCases:        r.PartialCount,
		LoseRate:            r.LoseRate,
		UnexecutedCases:     r.UnexecutedCount,
		ExcludedCases:       r.Excluded,
		CountDeduction:      r.CountDeduction,
		AmountDeduction:     r.AmountDeduction,
		LoseRateDeduction:   r.LoseRateDeduction,
		UnexecutedDeduction: r.UnexecutedDeduction,
	}
	if r.Latest.Found {
		b.LatestCase = &latestJSON{Title: r.Latest.Title, FilingDate: r.Latest.FilingDate, Recent: r.Latest.Recent}
	}
	if r.RuleVersion == int(scoring.Rule2) {
		i, w := r.Indicators, scoring.Rule2Weights
		b.Indicators = &indicatorsJSON{Count: i.Count, Amount: i.Amount, LoseRate: i.LoseRate, Execution: i.Execution}
		b.Weights = &weightsJSON{Count: w.Count, Amount: w.Amount, LoseRate: w.LoseRate, Execution: w.Execution}
	}
	b.Cases = make([]caseJSON, len(notes))
	for i, n := range notes {
		c := &in.Cases[n.Index]
		b.Cases[i] = caseJSON{
			Index: n.Index, Title: c.Title, FilingDate: c.FilingDate, Role: c.Role.String(),
			Counts: n.Why.Counts(), Why: n.Why, Points: n.Points,
		}
		if n.Index < len(in.CaseNos) {
			b.Cases[i].CaseNo = in.CaseNos[n.Index]
		}
	}
	return b
}

// WriteBreakdown scores in under rule and writes the full breakdown to w as
// indented JSON (the output of `arbsync score -json`), followed by a
// newline: a flat object of every component, in camel case: ruleVersion,
// asOf, windowStart and windowEnd (the first and last day of the recent
// window, both inclusive), score, level, thresholds, recentCases,
// recentClaimTotal (a decimal yuan string), decidedCases, loseCases,
// partialCases, loseRate (a number with 4 decimals), unexecutedCases,
// excludedCases (the cases rule 2 leaves out: applicant or third party),
// indicators and weights (rule 2's four indicator scores and their weights,
// {count, amount, loseRate, execution}; null under rule 1), the four
// deductions (numbers with 2 decimals: under rule 2 the points each weighted
// indicator takes off), latestCase ({title, filingDate, recent} or null),
// and cases: every input case in order, {index, caseNo (when given), title,
// filingDate, role (when given), counts, why, points}, where why is one of
// scoring.Why's spellings and points the part of 100 − score it accounts for.
// rule must be Valid.
func WriteBreakdown(w io.Writer, rule scoring.Rule, in Input) error {
	res := rule.Score(in.Cases, in.AsOf, in.Thresholds)
	notes := scoring.Explain(rule, in.Cases, in.AsOf)
	b, err := json.MarshalIndent(breakdownOf(res, in, notes), "", "  ")
	if err != nil {
		return fmt.Errorf("encode score breakdown: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write score breakdown: %w", err)
	}
	return nil
}
