package thresholdsdb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// LookAhead says what a backtest still knows that arbsync could not have
// known on a past Monday. Every run stores it and prints it.
const LookAhead = "Scores are rebuilt as of each Monday from the stored cases: a case counts from its filing date " +
	"until the day it was removed, and its result and execution status only from its closing date (pending, " +
	"not applicable before). Remaining look-ahead: a case's execution status is today's, taken as known from " +
	"its closing date (an award enforced or given up on later counts so from the day it closed); a case the " +
	"vendor had removed before arbsync first fetched it is missing; a case counts from its filing date even " +
	"if the vendor published it later. Outcomes use the cases as stored today, so a case filed in a horizon " +
	"and still pending counts as serious only through the three-case rule."

// LookAheadZH is LookAhead in Chinese: the weekly report shows both.
const LookAheadZH = "按每个周一用已存储的案件重建评分：案件自立案日起计入、至被移除日止，结果与执行情况自结案日起才计入（此前视为未结、不适用）。" +
	"仍有的前视偏差：执行情况取当前值，并视为结案日即已知（后来才执行或确定无法执行的裁决，自结案日起按此计）；" +
	"arbsync 首次获取前已被数据源移除的案件不在历史中；数据源晚于立案日公布的案件仍自立案日起计入。" +
	"结果指标按当前存储的案件判断，观察期内立案、至今未结的案件只通过“不少于 3 件”计入 serious。"

// BacktestOptions select the weeks, horizon and rules of a backtest.
type BacktestOptions struct {
	// From and To: the weeks whose Monday lies in [From, To].
	From, To scoring.Date
	// Horizon is how many days after a week its outcomes are read (90).
	Horizon int
	// Today bounds the weeks: a week whose horizon ends after Today is
	// skipped (its outcome is not known yet).
	Today scoring.Date
	// Rules are the rules compared; nil means all (scoring.Rules).
	Rules []scoring.Rule
	// Location is the zone in which a case's removal time becomes a date
	// (ARBSYNC_TIMEZONE); nil means UTC.
	Location *time.Location
}

// BacktestRun is a backtest's result, as printed and stored.
type BacktestRun struct {
	// ID and ComputedAt are set when the run is stored (StoreBacktest) or
	// read (LatestBacktest).
	ID         int64     `json:"id,omitempty"`
	ComputedAt time.Time `json:"computedAt,omitzero"`
	// Weeks are the Mondays backtested; Skipped counts the later ones whose
	// horizon had not passed.
	Weeks   []scoring.Date `json:"weeks"`
	Skipped int            `json:"skippedWeeks"`
	Horizon int            `json:"horizonDays"`
	// Companies were observed in every week: Observations company-weeks.
	Companies    int            `json:"companies"`
	Observations int            `json:"observations"`
	Rules        []scoring.Rule `json:"rules"`
	// BacktestVersion and MethodVersion name the backtest's and the
	// threshold method's versions.
	BacktestVersion int    `json:"backtestVersion"`
	MethodVersion   int    `json:"methodVersion"`
	LookAhead       string `json:"lookAhead"`
	// Results: every rule, method, severity and outcome, over all companies
	// (Section "") and then per section.
	Results []thresholds.BacktestResult `json:"results"`
}

// From and To return the first and last week.
func (r BacktestRun) From() scoring.Date { return r.Weeks[0] }

// To returns the last week.
func (r BacktestRun) To() scoring.Date { return r.Weeks[len(r.Weeks)-1] }

// backtestPage is how many companies the backtest reads at once.
const backtestPage = 2000

// Backtest replays stored history (ARCHITECTURE.md “Thresholds”): for
// every enabled, synced company and every week it rebuilds each rule's
// score as of that Monday from the cases as they were knowable then
// (storedCase.asOf), reads what followed in the horizon (outcomes), and
// compares the rules and threshold methods at rule 1's fixed alert volume
// (thresholds.Backtest). It reads only arbsync.cases, the watchlist and
// the industries, pages through the companies, and writes nothing.
func (j *Job) Backtest(ctx context.Context, o BacktestOptions) (BacktestRun, error) {
	if o.Horizon <= 0 {
		o.Horizon = 90
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if len(o.Rules) == 0 {
		o.Rules = scoring.Rules
	}
	run := BacktestRun{Horizon: o.Horizon, Rules: slices.Sorted(slices.Values(o.Rules)),
		BacktestVersion: thresholds.BacktestVersion, MethodVersion: thresholds.MethodVersion, LookAhead: LookAhead}
	for w := WeekOf(o.From); w <= o.To; w = w.AddDays(7) {
		if w < o.From {
			continue
		}
		if w.AddDays(o.Horizon) > o.Today {
			run.Skipped++
			continue
		}
		run.Weeks = append(run.Weeks, w)
	}
	if len(run.Weeks) == 0 {
		return run, fmt.Errorf("no week from %s to %s has its %d-day horizon passed by %s", o.From, o.To, o.Horizon, o.Today)
	}
	bt, err := thresholds.NewBacktest(run.Weeks, run.Rules, j.params())
	if err != nil {
		return run, err
	}
	err = j.replay(ctx, o, run.Weeks, bt.Rules(), func(code, section, division string, scores [][]scoring.Points, happened []thresholds.Happened) error {
		if err := bt.Add(section, division, scores, happened); err != nil {
			return fmt.Errorf("backtest: company %s: %w", code, err)
		}
		return nil
	})
	if err != nil {
		return run, err
	}
	if bt.Companies() == 0 {
		return run, errors.New("backtest: no enabled company has been synced: nothing to backtest")
	}
	run.Companies = bt.Companies()
	run.Observations = run.Companies * len(run.Weeks)
	if run.Results, err = bt.Run(); err != nil {
		return run, err
	}
	return run, nil
}

// replay calls fn for every enabled, synced company, in credit-code order,
// with its section and division and, for each week, its score under each
// of rules as of that Monday (from its cases as knowable then) and what
// followed in the horizon. The slices passed to fn are reused: fn must not
// keep them.
func (j *Job) replay(ctx context.Context, o BacktestOptions, weeks []scoring.Date, rules []scoring.Rule,
	fn func(code, section, division string, scores [][]scoring.Points, happened []thresholds.Happened) error) error {
	scores := make([][]scoring.Points, len(rules))
	for i := range scores {
		scores[i] = make([]scoring.Points, len(weeks))
	}
	happened := make([]thresholds.Happened, len(weeks))
	var masked []scoring.Case
	q := db.New(j.Pool)
	after := ""
	for {
		page, err := q.RescoreCandidates(ctx, db.RescoreCandidatesParams{After: after, AllCompanies: true, AsOf: o.Today.Time(), MaxRows: backtestPage})
		if err != nil {
			return fmt.Errorf("backtest: list companies: %w", err)
		}
		if len(page) == 0 {
			return nil
		}
		after = page[len(page)-1].CreditCode
		codes := db.DueCodes(page)
		if len(codes) == 0 {
			continue
		}
		info, err := q.WatchlistIndustries(ctx, codes)
		if err != nil {
			return fmt.Errorf("backtest: read industries: %w", err)
		}
		where := make(map[string]db.WatchlistIndustriesRow, len(info))
		for _, in := range info {
			where[in.CreditCode] = in
		}
		rows, err := q.CasesForBacktest(ctx, codes)
		if err != nil {
			return fmt.Errorf("backtest: read cases: %w", err)
		}
		byCode := make(map[string][]storedCase, len(codes))
		for _, r := range rows {
			c, err := storedCaseOf(r, o.Location)
			if err != nil {
				return fmt.Errorf("backtest: company %s: %w", r.CreditCode, err)
			}
			byCode[r.CreditCode] = append(byCode[r.CreditCode], c)
		}
		for _, code := range codes {
			in, ok := where[code]
			if !ok {
				continue // left the watchlist since the page was read
			}
			cases := byCode[code]
			for w, week := range weeks {
				masked = masked[:0]
				for _, c := range cases {
					if k, ok := c.asOf(week); ok {
						masked = append(masked, k)
					}
				}
				for i, rule := range rules {
					scores[i][w] = rule.Score(masked, week, scoring.DefaultThresholds()).Score
				}
				happened[w] = outcomes(cases, week, o.Horizon)
			}
			if err := fn(code, in.SectionCode, in.Division, scores, happened); err != nil {
				return err
			}
		}
	}
}

// storedCase is a case as arbsync stores it now, with the dates that tell
// what could be known of it earlier.
type storedCase struct {
	now     scoring.Case // as stored today
	closed  bool
	closing scoring.Date
	removed bool
	removal scoring.Date // the day it was marked removed, in the configured zone
}

func storedCaseOf(r db.CasesForBacktestRow, loc *time.Location) (storedCase, error) {
	res, err := scoring.ParseOutcome(r.Result)
	if err != nil {
		return storedCase{}, err
	}
	exec, err := scoring.ParseExecutionStatus(r.ExecutionStatus)
	if err != nil {
		return storedCase{}, err
	}
	role, err := scoring.ParseRole(r.Role)
	if err != nil {
		return storedCase{}, err
	}
	c := storedCase{now: scoring.Case{
		FilingDate: scoring.DateOf(r.FilingDate), Result: res, ExecutionStatus: exec, Role: role,
		ClaimAmount: money.Fen(r.ClaimFen), Title: r.Title,
	}}
	if r.ClosingDate != nil {
		c.closed, c.closing = true, scoring.DateOf(*r.ClosingDate)
	}
	if r.RemovedAt != nil {
		c.removed, c.removal = true, scoring.DateOf(r.RemovedAt.In(loc))
	}
	return c, nil
}

// asOf returns the case as it was knowable on day d, and whether it counted
// then at all: filed by d and not removed by d. Before its closing date a
// case is pending with no execution status.
func (s storedCase) asOf(d scoring.Date) (scoring.Case, bool) {
	if s.now.FilingDate > d || s.removed && s.removal <= d {
		return scoring.Case{}, false
	}
	c := s.now
	if !s.closed || s.closing > d {
		c.Result, c.ExecutionStatus = scoring.OutcomePending, scoring.ExecutionNotApplicable
	}
	return c, true
}

// seriousCount is how many new answered cases in a horizon make it serious
// by their number alone.
const seriousCount = 3

// outcomes reads what followed week: the company's answered cases (as
// respondent, or without a role) filed in (week, week + horizon], as
// stored today and not removed. Any: at least one. Serious: one of them was
// lost fully or partly or its award is unexecuted or partially executed,
// or there are at least three.
func outcomes(cases []storedCase, week scoring.Date, horizon int) thresholds.Happened {
	var h thresholds.Happened
	n := 0
	end := week.AddDays(horizon)
	for _, s := range cases {
		c := s.now
		if s.removed || !c.Role.Answered() || c.FilingDate <= week || c.FilingDate > end {
			continue
		}
		n++
		if c.Result == scoring.OutcomeLose || c.Result == scoring.OutcomePartial || c.ExecutionStatus.Unexecuted() {
			h.Serious = true
		}
	}
	h.Any = n > 0
	h.Serious = h.Serious || n >= seriousCount
	return h
}

// StoreBacktest stores run (arbsync.backtest_runs and its results) in one
// transaction and sets its ID and ComputedAt.
func (j *Job) StoreBacktest(ctx context.Context, run *BacktestRun) error {
	if len(run.Weeks) == 0 {
		return errors.New("store backtest: a run without weeks")
	}
	rules := make([]int32, len(run.Rules))
	for i, r := range run.Rules {
		rules[i] = int32(r)
	}
	p := db.BacktestResultsInsertParams{}
	nan := func(r thresholds.Ratio) float64 {
		if !r.Valid {
			return math.NaN()
		}
		return r.Value
	}
	ci := func(i thresholds.Interval) (float64, float64) {
		if !i.Valid {
			return math.NaN(), math.NaN()
		}
		return i.Low, i.High
	}
	for _, r := range run.Results {
		p.RuleVersions = append(p.RuleVersions, int32(r.Rule))
		p.Methods = append(p.Methods, string(r.Method))
		p.Severities = append(p.Severities, string(r.Severity))
		p.Outcomes = append(p.Outcomes, string(r.Outcome))
		p.SectionCodes = append(p.SectionCodes, r.Section)
		p.Companies = append(p.Companies, int32(r.Companies))
		p.Observations = append(p.Observations, int64(r.Observations))
		p.Positives = append(p.Positives, int64(r.Positives))
		p.Volumes = append(p.Volumes, int64(r.Volume))
		p.Flagged = append(p.Flagged, r.Flagged)
		p.Hits = append(p.Hits, r.Hits)
		p.BaseRates = append(p.BaseRates, nan(r.BaseRate.Ratio))
		p.Precisions = append(p.Precisions, nan(r.Precision.Ratio))
		lo, hi := ci(r.Precision.CI)
		p.PrecisionLows, p.PrecisionHighs = append(p.PrecisionLows, lo), append(p.PrecisionHighs, hi)
		p.Recalls = append(p.Recalls, nan(r.Recall.Ratio))
		lo, hi = ci(r.Recall.CI)
		p.RecallLows, p.RecallHighs = append(p.RecallLows, lo), append(p.RecallHighs, hi)
		p.Lifts = append(p.Lifts, nan(r.Lift.Ratio))
		lo, hi = ci(r.Lift.CI)
		p.LiftLows, p.LiftHighs = append(p.LiftLows, lo), append(p.LiftHighs, hi)
		p.Aucs = append(p.Aucs, nan(r.AUC.Ratio))
		lo, hi = ci(r.AUC.CI)
		p.AucLows, p.AucHighs = append(p.AucLows, lo), append(p.AucHighs, hi)
		p.PrecisionDiffs = append(p.PrecisionDiffs, nan(r.PrecisionDiff.Ratio))
		lo, hi = ci(r.PrecisionDiff.CI)
		p.PrecisionDiffLows, p.PrecisionDiffHighs = append(p.PrecisionDiffLows, lo), append(p.PrecisionDiffHighs, hi)
		p.AucDiffs = append(p.AucDiffs, nan(r.AUCDiff.Ratio))
		lo, hi = ci(r.AUCDiff.CI)
		p.AucDiffLows, p.AucDiffHighs = append(p.AucDiffLows, lo), append(p.AucDiffHighs, hi)
	}
	err := pgx.BeginFunc(ctx, j.Pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		row, err := q.BacktestRunInsert(ctx, db.BacktestRunInsertParams{
			FromWeek: run.From().Time(), ToWeek: run.To().Time(), HorizonDays: int32(run.Horizon),
			Weeks: int32(len(run.Weeks)), SkippedWeeks: int32(run.Skipped), Companies: int32(run.Companies),
			Observations: int64(run.Observations), Rules: rules, BacktestVersion: int32(run.BacktestVersion),
			MethodVersion: int32(run.MethodVersion), LookAhead: run.LookAhead,
		})
		if err != nil {
			return err
		}
		p.RunID = row.ID
		if err := q.BacktestResultsInsert(ctx, p); err != nil {
			return err
		}
		run.ID, run.ComputedAt = row.ID, row.ComputedAt
		return nil
	})
	if err != nil {
		return fmt.Errorf("store backtest: %w", err)
	}
	j.Log.Info().Int64("run_id", run.ID).Int("weeks", len(run.Weeks)).Int("companies", run.Companies).
		Int("results", len(run.Results)).Msg("backtest stored")
	return nil
}

// ErrNoBacktest is LatestBacktest's error when no run is stored.
var ErrNoBacktest = errors.New("no backtest stored")

// LatestBacktest reads the newest stored run, or returns ErrNoBacktest.
func (j *Job) LatestBacktest(ctx context.Context) (StoredBacktest, error) {
	q := db.New(j.Pool)
	r, err := q.BacktestRunLatest(ctx)
	if errors.Is(err, pgx.ErrNoRows) {
		return StoredBacktest{}, ErrNoBacktest
	}
	if err != nil {
		return StoredBacktest{}, fmt.Errorf("read the latest backtest: %w", err)
	}
	rows, err := q.BacktestResultsForRun(ctx, r.ID)
	if err != nil {
		return StoredBacktest{}, fmt.Errorf("read backtest %d: %w", r.ID, err)
	}
	s := StoredBacktest{
		ID: r.ID, ComputedAt: r.ComputedAt, From: scoring.DateOf(r.FromWeek), To: scoring.DateOf(r.ToWeek),
		Weeks: int(r.Weeks), Skipped: int(r.SkippedWeeks), Horizon: int(r.HorizonDays), Companies: int(r.Companies),
		Observations: int(r.Observations), BacktestVersion: int(r.BacktestVersion), MethodVersion: int(r.MethodVersion),
		LookAhead: r.LookAhead,
	}
	for _, v := range r.Rules {
		s.Rules = append(s.Rules, scoring.Rule(v))
	}
	ratio := func(v float64) thresholds.Ratio {
		if math.IsNaN(v) {
			return thresholds.Ratio{}
		}
		return thresholds.Ratio{Value: v, Valid: true}
	}
	est := func(v, lo, hi float64) thresholds.Estimate {
		e := thresholds.Estimate{Ratio: ratio(v)}
		if !math.IsNaN(lo) && !math.IsNaN(hi) {
			e.CI = thresholds.Interval{Low: lo, High: hi, Valid: true}
		}
		return e
	}
	for _, x := range rows {
		s.Results = append(s.Results, thresholds.BacktestResult{
			Rule: scoring.Rule(x.RuleVersion), Method: thresholds.Method(x.Method), Severity: thresholds.Severity(x.Severity),
			Outcome: thresholds.Outcome(x.Outcome), Section: x.SectionCode, Companies: int(x.Companies),
			Observations: int(x.Observations), Positives: int(x.Positives), Volume: int(x.Volume),
			Flagged: x.Flagged, Hits: x.Hits, BaseRate: thresholds.Estimate{Ratio: ratio(x.BaseRate)},
			Precision:     est(x.Precision, x.PrecisionLow, x.PrecisionHigh),
			Recall:        est(x.Recall, x.RecallLow, x.RecallHigh),
			Lift:          est(x.Lift, x.LiftLow, x.LiftHigh),
			AUC:           est(x.Auc, x.AucLow, x.AucHigh),
			PrecisionDiff: est(x.PrecisionDiff, x.PrecisionDiffLow, x.PrecisionDiffHigh),
			AUCDiff:       est(x.AucDiff, x.AucDiffLow, x.AucDiffHigh),
		})
	}
	return s, nil
}

// StoredBacktest is a stored run: its range of weeks (From, To, Weeks of
// them) and its results, ordered as BacktestRun's.
type StoredBacktest struct {
	ID                             int64
	ComputedAt                     time.Time
	From, To                       scoring.Date
	Weeks, Skipped, Horizon        int
	Companies, Observations        int
	Rules                          []scoring.Rule
	BacktestVersion, MethodVersion int
	LookAhead                      string
	Results                        []thresholds.BacktestResult
}
