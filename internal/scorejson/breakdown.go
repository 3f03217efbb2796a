package scorejson

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
)

// breakdown is the JSON shape of a scoring.Result: a flat object of every
// component, in camel case.
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
	CountDeduction      scoring.Points     `json:"countDeduction"`
	AmountDeduction     scoring.Points     `json:"amountDeduction"`
	LoseRateDeduction   scoring.Points     `json:"loseRateDeduction"`
	UnexecutedDeduction scoring.Points     `json:"unexecutedDeduction"`
	LatestCase          *latestJSON        `json:"latestCase"`
}

type latestJSON struct {
	Title      string       `json:"title"`
	FilingDate scoring.Date `json:"filingDate"`
	Recent     bool         `json:"recent"`
}

func breakdownOf(r scoring.Result) breakdown {
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
		CountDeduction:      r.CountDeduction,
		AmountDeduction:     r.AmountDeduction,
		LoseRateDeduction:   r.LoseRateDeduction,
		UnexecutedDeduction: r.UnexecutedDeduction,
	}
	if r.Latest.Found {
		b.LatestCase = &latestJSON{Title: r.Latest.Title, FilingDate: r.Latest.FilingDate, Recent: r.Latest.Recent}
	}
	return b
}

// WriteBreakdown writes res to w as indented JSON (the output of
// `arbsync score --json`), followed by a newline: a flat object of every
// component, in camel case: ruleVersion, asOf, windowStart and windowEnd
// (the first and last day of the recent window, both inclusive), score,
// level, thresholds, recentCases, recentClaimTotal (a decimal yuan string),
// decidedCases, loseCases, partialCases, loseRate (a number with 4
// decimals), unexecutedCases, the four deductions (numbers with 2 decimals)
// and latestCase ({title, filingDate, recent} or null).
func WriteBreakdown(w io.Writer, res scoring.Result) error {
	b, err := json.MarshalIndent(breakdownOf(res), "", "  ")
	if err != nil {
		return fmt.Errorf("encode score breakdown: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write score breakdown: %w", err)
	}
	return nil
}
