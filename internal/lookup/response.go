package lookup

import (
	"time"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/scoring"
)

// Sources of an answer, the values of Response.Source.
const (
	SourceCache    = "cache"    // the in-process cache
	SourcePostgres = "postgres" // stored data, no live fetch
	SourceUpstream = "upstream" // stored by a live fetch this request waited for
)

// latestCases is how many cases an answer lists.
const latestCases = 5

// Response is the JSON body of a successful lookup.
type Response struct {
	CreditCode string `json:"creditCode"`
	// CompanyName is the watchlist's name, or the vendor's for a company
	// the lookup added without ?name=.
	CompanyName string   `json:"companyName"`
	Industry    Industry `json:"industry"`
	// Score is 0-100 (lower is riskier); Score, Level, ScoreAsOf,
	// RuleVersion, Components and Thresholds are null for a company never
	// scored.
	Score     *float64 `json:"score"`
	Level     *string  `json:"level"`     // ok | warning | urgent
	ScoreAsOf *string  `json:"scoreAsOf"` // the score's as-of date (Asia/Shanghai), YYYY-MM-DD
	// RuleVersion is the scoring rule that produced Score: 1 or 2.
	RuleVersion *int        `json:"ruleVersion"`
	Components  *Components `json:"components"`
	Thresholds  *Thresholds `json:"thresholds"`
	// TopCases are the cases that account for the most of what the score
	// lost, the most first (at most 3; empty when no case counts): why the
	// company scores as it does.
	TopCases []TopCase `json:"topCases"`
	// LatestCases are the newest current cases, up to 5, newest first.
	LatestCases []Case `json:"latestCases"`
	// RecentEvents are the changes found in the company's cases in the
	// last 90 days, up to 20, newest first (see Event).
	RecentEvents []Event `json:"recentEvents"`
	// LastSyncAt is the end of the last successful fetch: the data is as
	// of then.
	LastSyncAt time.Time `json:"lastSyncAt"`
	// FreshnessSeconds is the data's age in whole seconds, at answer time.
	FreshnessSeconds int64 `json:"freshnessSeconds"`
	// Stale is true when the data is older than the freshness limit: it is
	// served because a live fetch failed (RefreshError says why) or is not
	// possible (the company is disabled, or live fetches are off).
	Stale        bool          `json:"stale"`
	RefreshError *RefreshError `json:"refreshError,omitempty"`
	// Source says where the answer came from: cache, postgres or upstream.
	Source string `json:"source"`
}

// Industry is the company's GB/T 4754-2017 industry and its section.
type Industry struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	SectionCode string `json:"sectionCode"`
	SectionName string `json:"sectionName"`
}

// Components are the inputs of the score and the points each deducted.
type Components struct {
	RecentCases int `json:"recentCases"` // cases filed in the last 365 days
	// RecentClaimAmount is their claims' sum in yuan, a decimal string.
	RecentClaimAmount string  `json:"recentClaimAmount"`
	DecidedCases      int     `json:"decidedCases"`
	LoseCases         int     `json:"loseCases"`
	PartialCases      int     `json:"partialCases"`
	LoseRate          float64 `json:"loseRate"`        // 0-1
	UnexecutedCases   int     `json:"unexecutedCases"` // any year
	// ExcludedCases are the cases rule 2 does not score: the company
	// filed them (applicant) or is a third party. 0 under rule 1.
	ExcludedCases int `json:"excludedCases"`
	// Indicators are rule 2's four indicator scores and their weights;
	// null under rule 1, which has none.
	Indicators *Indicators `json:"indicators"`
	Deductions Deductions  `json:"deductions"`
}

// Indicators are rule 2's indicator scores, each out of 100, and the
// weights that combine them into the score.
type Indicators struct {
	Count     float64 `json:"count"`     // max(0, 100 − 20 × recent cases)
	Amount    float64 `json:"amount"`    // max(0, 100 − 5 × recent claims / 10,000 yuan)
	LoseRate  float64 `json:"loseRate"`  // max(0, 100 − 150 × lose rate)
	Execution float64 `json:"execution"` // max(0, 100 − 25 × unexecuted cases)
	Weights   Weights `json:"weights"`
}

// Weights are rule 2's weights of its indicators (0.4 is 40 %).
type Weights struct {
	Count     float64 `json:"count"`
	Amount    float64 `json:"amount"`
	LoseRate  float64 `json:"loseRate"`
	Execution float64 `json:"execution"`
}

// TopCase is one of the cases that drove the score down.
type TopCase struct {
	CaseNo     string `json:"caseNo"`
	Title      string `json:"title"`
	FilingDate string `json:"filingDate"` // YYYY-MM-DD
	// Points is the part of 100 − score the case accounts for.
	Points float64 `json:"points"`
	// Why is why it counts: recent (filed in the last 365 days) or
	// unexecuted_award (older, its award not executed).
	Why string `json:"why"`
}

// Deductions are the points each component took off 100 (under rule 2,
// each weighted indicator's: 0.4 × (100 − count), …).
type Deductions struct {
	Count      float64 `json:"count"`
	Amount     float64 `json:"amount"`
	LoseRate   float64 `json:"loseRate"`
	Unexecuted float64 `json:"unexecuted"`
}

// Thresholds are the warning and urgent scores that applied, and where they
// came from (fixed, section or division).
type Thresholds struct {
	Warning float64 `json:"warning"`
	Urgent  float64 `json:"urgent"`
	Source  string  `json:"source"`
}

// Case summarizes one arbitration case. Amounts are yuan, decimal strings.
type Case struct {
	CaseNo          string  `json:"caseNo"`
	Title           string  `json:"title"`
	Cause           string  `json:"cause"`
	Role            string  `json:"role"`
	FilingDate      string  `json:"filingDate"` // YYYY-MM-DD
	ClosingDate     *string `json:"closingDate"`
	Result          string  `json:"result"`
	ExecutionStatus string  `json:"executionStatus"`
	ClaimAmount     string  `json:"claimAmount"`
	AwardAmount     string  `json:"awardAmount"`
}

// RefreshError says why a live fetch the answer needed did not happen or
// failed; the answer then carries the data as last stored.
type RefreshError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// buildResponse turns a stored company into an answer. row must have a
// last successful sync.
func buildResponse(row *db.LookupCompanyRow, cases []db.LookupLatestCasesRow, top []outbox.TopCase, source string) *Response {
	r := &Response{
		CreditCode:  row.CreditCode,
		CompanyName: row.CompanyName,
		Industry: Industry{
			Code: row.IndustryCode, Name: row.IndustryName,
			SectionCode: row.SectionCode, SectionName: row.SectionName,
		},
		LatestCases: make([]Case, 0, len(cases)),
		TopCases:    make([]TopCase, 0, len(top)),
		Source:      source,
	}
	if row.LastSuccessAt != nil {
		r.LastSyncAt = row.LastSuccessAt.UTC()
	}
	if row.Scored {
		score, level := row.Score, row.Level
		r.Score, r.Level = &score, &level
		if row.ScoreAsOf != nil {
			d := date(*row.ScoreAsOf)
			r.ScoreAsOf = &d
		}
		r.Components = &Components{
			RecentCases:       int(row.RecentCases),
			RecentClaimAmount: row.RecentClaimAmount,
			DecidedCases:      int(row.DecidedCases),
			LoseCases:         int(row.LoseCases),
			PartialCases:      int(row.PartialCases),
			LoseRate:          row.LoseRate,
			UnexecutedCases:   int(row.UnexecutedCases),
			ExcludedCases:     int(row.ExcludedCases),
			Deductions: Deductions{
				Count: row.CountDeduction, Amount: row.AmountDeduction,
				LoseRate: row.LoseRateDeduction, Unexecuted: row.UnexecutedDeduction,
			},
		}
		if row.HasIndicators {
			w := scoring.Rule2Weights
			r.Components.Indicators = &Indicators{
				Count: row.CountScore, Amount: row.AmountScore, LoseRate: row.LoseRateScore, Execution: row.ExecutionScore,
				Weights: Weights{Count: w.Count.Float64(), Amount: w.Amount.Float64(), LoseRate: w.LoseRate.Float64(), Execution: w.Execution.Float64()},
			}
		}
		rule := int(row.RuleVersion)
		r.RuleVersion = &rule
		r.Thresholds = &Thresholds{Warning: row.WarningThreshold, Urgent: row.UrgentThreshold, Source: row.ThresholdSource}
	}
	for _, c := range top {
		r.TopCases = append(r.TopCases, TopCase{
			CaseNo: c.CaseNo, Title: c.Title, FilingDate: c.FilingDate.String(), Points: c.Points.Float64(), Why: string(c.Why),
		})
	}
	for _, c := range cases {
		out := Case{
			CaseNo: c.CaseNo, Title: c.Title, Cause: c.Cause, Role: c.Role,
			FilingDate: date(c.FilingDate), Result: c.Result, ExecutionStatus: c.ExecutionStatus,
			ClaimAmount: c.ClaimAmount, AwardAmount: c.AwardAmount,
		}
		if c.ClosingDate != nil {
			d := date(*c.ClosingDate)
			out.ClosingDate = &d
		}
		r.LatestCases = append(r.LatestCases, out)
	}
	return r
}

// at returns a copy of r as served at now from source: its age and
// staleness are computed again.
func (r *Response) at(now time.Time, freshness time.Duration, source string) *Response {
	c := *r
	c.Source = source
	age := max(now.Sub(r.LastSyncAt), 0)
	c.FreshnessSeconds = int64(age / time.Second)
	c.Stale = age > freshness
	return &c
}

func date(t time.Time) string { return t.UTC().Format(time.DateOnly) }
