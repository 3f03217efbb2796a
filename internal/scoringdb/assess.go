package scoringdb

import (
	"context"
	"errors"
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
	// CaseNos are the cases' numbers (CaseNos[i] is Cases[i]'s), which an
	// alert shows beside the cases that drove the score. nil when the
	// caller does not have them: Apply then reads the cases of the
	// companies that alert again, with their numbers.
	CaseNos []string
}

// Stats count what an Apply did.
type Stats struct {
	Scored  int // companies scored
	Changed int // score-history rows appended
	Alerts  int // alerts written to the outbox
	// RuleChanged counts the companies scored whose previous score another
	// rule made: each got a history row, and its change of level raised no
	// alert (the rule changed, not the company).
	RuleChanged int
}

func (s *Stats) add(o Stats) {
	s.Scored += o.Scored
	s.Changed += o.Changed
	s.Alerts += o.Alerts
	s.RuleChanged += o.RuleChanged
}

// Assessor scores companies in the database.
type Assessor struct {
	// Rule is the scoring rule every score is computed with
	// (ARBSYNC_SCORE_RULE). Required.
	Rule scoring.Rule
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

// caseNos are the case numbers of cases, in order.
func caseNos(cases []upstream.Case) []string {
	out := make([]string, len(cases))
	for i := range cases {
		out[i] = cases[i].CaseNo
	}
	return out
}

// errNoRule is the error of an Assessor built without a rule.
var errNoRule = errors.New("scoringdb: Assessor.Rule is not set (ARBSYNC_SCORE_RULE)")

// Apply scores companies (each at most once per call) inside tx, under
// a.Rule. A company whose previous score another rule made gets a history
// row (its rule changed) and no alert, whatever its level did: the rule
// changed, not the company.
func (a *Assessor) Apply(ctx context.Context, tx pgx.Tx, companies []Company, asOf scoring.Date) (Stats, error) {
	if !a.Rule.Valid() {
		return Stats{}, errNoRule
	}
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
		byCode = make(map[string]*Company, len(companies))
	)
	app.RuleVersion = int32(a.Rule)
	for i := range companies {
		c := &companies[i]
		in, ok := info[c.CreditCode]
		if !ok {
			continue // deleted from the watchlist meanwhile: its history stays, unscored
		}
		byCode[c.CreditCode] = c
		th := inForce.of(in.IndustryCode)
		res := a.Rule.Score(c.Cases, asOf, th)
		st.Scored++
		nextOn := ""
		if d, ok := scoring.NextChange(c.Cases, asOf); ok {
			nextOn = d.String()
		}
		p, had := prev[c.CreditCode]
		if had && p.RuleVersion != int32(a.Rule) {
			st.RuleChanged++
		}
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

	var worse []db.ScoresAppendRow
	for _, r := range rows {
		res := result[r.CreditCode]
		p, had := prev[r.CreditCode]
		if had && p.RuleVersion != int32(a.Rule) {
			continue // the rule changed, not the company
		}
		if res.Level.Worse(scoring.Level(p.Level)) { // a first score's previous level is empty
			worse = append(worse, r)
		}
	}
	if len(worse) == 0 {
		return st, nil
	}
	top, err := a.topCases(ctx, q, worse, byCode, asOf)
	if err != nil {
		return st, err
	}
	raise := make([]outbox.Alert, len(worse))
	for i, r := range worse {
		res, in := result[r.CreditCode], info[r.CreditCode]
		raise[i] = outbox.LevelChange{
			Cause: outbox.ScoreCause(r.ScoreID), CreditCode: r.CreditCode,
			CompanyName: in.CompanyName, IndustryName: in.IndustryName,
			ScoreID: r.ScoreID, From: scoring.Level(prev[r.CreditCode].Level), To: res.Level, Score: res.Score, Thresholds: res.Thresholds,
			RecentCases: res.RecentCount, RecentClaim: res.RecentClaimTotal, LatestCaseTitle: res.Latest.Title, AsOf: res.AsOf,
			Rule: a.Rule, TopCases: top[r.CreditCode],
		}.Alert()
	}
	st.Alerts, err = outbox.Enqueue(ctx, q, raise)
	return st, err
}

// topCases are the cases that drove the scores of the companies that
// alert: from the cases at hand when they carry their numbers, else read
// again (TopCasesFor).
func (a *Assessor) topCases(ctx context.Context, q *db.Queries, alerting []db.ScoresAppendRow, companies map[string]*Company, asOf scoring.Date) (map[string][]outbox.TopCase, error) {
	top := make(map[string][]outbox.TopCase, len(alerting))
	load := map[string]scoring.Date{}
	for _, r := range alerting {
		c := companies[r.CreditCode]
		if len(c.CaseNos) == len(c.Cases) && c.CaseNos != nil {
			top[r.CreditCode] = outbox.TopCases(a.Rule, c.Cases, c.CaseNos, asOf)
		} else {
			load[r.CreditCode] = asOf
		}
	}
	if len(load) == 0 {
		return top, nil
	}
	loaded, err := TopCasesFor(ctx, q, a.Rule, load)
	for code, cases := range loaded {
		top[code] = cases
	}
	return top, err
}

// TopCasesFor reads the current cases of the companies in asOf, with their
// numbers, and returns for each the cases that drove its score under rule
// at its as-of date (outbox.TopCases): what an alert names.
func TopCasesFor(ctx context.Context, q *db.Queries, rule scoring.Rule, asOf map[string]scoring.Date) (map[string][]outbox.TopCase, error) {
	codes := make([]string, 0, len(asOf))
	for code := range asOf {
		codes = append(codes, code)
	}
	rows, err := q.CasesToExplain(ctx, codes)
	if err != nil {
		return nil, fmt.Errorf("read the cases of the companies that alert: %w", err)
	}
	type company struct {
		cases []scoring.Case
		nos   []string
	}
	byCode := make(map[string]*company, len(codes))
	for _, r := range rows {
		c, err := caseOf(r.FilingDate, r.ClaimFen, r.Result, r.ExecutionStatus, r.Role, r.Title)
		if err != nil {
			return nil, fmt.Errorf("case %s of %s: %w", r.CaseNo, r.CreditCode, err)
		}
		co := byCode[r.CreditCode]
		if co == nil {
			co = &company{}
			byCode[r.CreditCode] = co
		}
		co.cases = append(co.cases, c)
		co.nos = append(co.nos, r.CaseNo)
	}
	top := make(map[string][]outbox.TopCase, len(codes))
	for code, co := range byCode {
		top[code] = outbox.TopCases(rule, co.cases, co.nos, asOf[code])
	}
	return top, nil
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

// same reports whether the stored current score equals res in rule, score,
// level and every component (rule 2's indicators and excluded cases
// included), so that a change of rule always writes a history row.
func same(p db.CurrentScoresForRow, r scoring.Result) bool {
	ind := indicatorsOf(r)
	return p.RuleVersion == int32(r.RuleVersion) &&
		p.Score == int64(r.Score) && p.Level == string(r.Level) &&
		p.RecentCases == int32(r.RecentCount) && p.RecentClaimFen == int64(r.RecentClaimTotal) &&
		p.DecidedCases == int32(r.DecidedCount) && p.LoseCases == int32(r.LoseCount) &&
		p.PartialCases == int32(r.PartialCount) && p.LoseRate == int64(r.LoseRate) &&
		p.UnexecutedCases == int32(r.UnexecutedCount) && p.LatestCaseTitle == r.Latest.Title &&
		p.ExcludedCases == int32(r.Excluded) &&
		[4]int64{p.CountScore, p.AmountScore, p.LoseRateScore, p.ExecutionScore} == ind
}

// indicatorsOf is r's four indicator scores as stored: hundredths of a
// point, -1 (NULL) each under rule 1, which has none.
func indicatorsOf(r scoring.Result) [4]int64 {
	if r.RuleVersion == int(scoring.Rule1) {
		return [4]int64{-1, -1, -1, -1}
	}
	i := r.Indicators
	return [4]int64{int64(i.Count), int64(i.Amount), int64(i.LoseRate), int64(i.Execution)}
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
	ind := indicatorsOf(r)
	p.CountScores = append(p.CountScores, ind[0])
	p.AmountScores = append(p.AmountScores, ind[1])
	p.LoseRateScores = append(p.LoseRateScores, ind[2])
	p.ExecutionScores = append(p.ExecutionScores, ind[3])
	p.ExcludedCases = append(p.ExcludedCases, int32(r.Excluded))
}
