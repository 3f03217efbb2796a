package thresholds

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/arbsync/arbsync/scoring"
)

// BacktestVersion identifies the backtest's method (outcomes, equal alert
// volume, intervals); stored runs carry it. Change it whenever they change.
const BacktestVersion = 2

// Outcome is what a backtest checks a flag against: what happened to the
// company in the horizon after the week.
type Outcome string

// Outcomes.
const (
	// OutcomeAny: a new case the company answers (respondent, or no role)
	// was filed in the horizon.
	OutcomeAny Outcome = "any"
	// OutcomeSerious: such a case was filed in the horizon and the company
	// lost it fully or partly, or its award ended unexecuted or partially
	// executed; or three or more such cases were filed in the horizon.
	OutcomeSerious Outcome = "serious"
)

// BacktestOutcomes lists the outcomes in report order.
var BacktestOutcomes = [2]Outcome{OutcomeAny, OutcomeSerious}

// Method is how a backtest sets the thresholds of a rule.
type Method string

// Methods.
const (
	// MethodFixed: one global cutoff that flags, each week, as many
	// companies as rule 1 with the fixed thresholds does (for rule 1, the
	// fixed thresholds themselves).
	MethodFixed Method = "fixed"
	// MethodDynamic: the weekly method, with the same budget and the rule's
	// global cutoff as the parent, chained week to week as the job does.
	MethodDynamic Method = "dynamic"
)

// BacktestMethods lists the methods in report order.
var BacktestMethods = [2]Method{MethodFixed, MethodDynamic}

// Happened is what followed one company-week.
type Happened struct {
	Any, Serious bool
}

func (h Happened) of(o int) bool {
	if o == 0 {
		return h.Any
	}
	return h.Serious
}

// Estimate is a proportion, a lift or an AUC with its 95% interval. It
// encodes in JSON as {"value": v, "ci": [low, high]} with nulls where
// undefined.
type Estimate struct {
	Ratio
	CI Interval
}

// MarshalJSON writes {"value": …, "ci": …}.
func (e Estimate) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Value Ratio    `json:"value"`
		CI    Interval `json:"ci"`
	}{e.Ratio, e.CI})
}

// BacktestResult is one cell of a backtest over one set of observations
// (all companies, or one section's): a rule's flags under a method and
// severity, checked against an outcome.
type BacktestResult struct {
	Rule     scoring.Rule `json:"ruleVersion"`
	Method   Method       `json:"method"`
	Severity Severity     `json:"severity"`
	Outcome  Outcome      `json:"outcome"`
	// Section is the GB/T 4754 section, "" for all companies.
	Section string `json:"section"`
	// Companies is the number of companies observed.
	Companies int `json:"companies"`
	// Observations counts company-weeks; Positives those the outcome
	// followed.
	Observations int `json:"observations"`
	Positives    int `json:"positives"`
	// Volume (k) is what rule 1 with the fixed thresholds flags among the
	// observations: the alert volume every cell is held to overall.
	Volume int `json:"volume"`
	// Flagged is what the cell flags; at a fixed cut's ties a company-week
	// counts for its share, so Flagged and Hits may be fractional.
	Flagged float64 `json:"flagged"`
	// Hits are the flagged company-weeks the outcome followed.
	Hits float64 `json:"hits"`
	// BaseRate = Positives / Observations.
	BaseRate Estimate `json:"baseRate"`
	// Precision = Hits / Flagged; Recall = Hits / Positives; Lift =
	// Precision / BaseRate (its interval is Precision's over the base rate).
	Precision Estimate `json:"precision"`
	Recall    Estimate `json:"recall"`
	Lift      Estimate `json:"lift"`
	// AUC is the rank quality of the rule's score for the outcome: the
	// probability that a positive company-week scores lower (riskier) than
	// a negative one, ties counting half. It depends on neither method nor
	// severity.
	AUC Estimate `json:"auc"`
	// PrecisionDiff is Precision minus that of rule 1 with the fixed
	// thresholds (same severity and outcome, same observations): today's
	// rule, the baseline. Its interval is paired over the companies, so it
	// tells whether the difference is noise. Undefined for the baseline.
	PrecisionDiff Estimate `json:"precisionDiff"`
	// AUCDiff is AUC minus rule 1's, paired likewise; undefined for rule 1.
	AUCDiff Estimate `json:"aucDiff"`
}

// Backtest is the history a backtest evaluates, held compactly: for every
// company its industry and, for every week, each rule's score and what
// followed. Make one with NewBacktest, Add every company, then Run.
// Memory: about 2·len(Rules()) + 1 bytes per company-week.
type Backtest struct {
	weeks    []scoring.Date
	report   []scoring.Rule
	scored   []scoring.Rule // Rule1 first: it sets the alert volume
	p        Params
	section  []uint8 // 0–19
	division []uint8 // 0 = none, 1–97
	scores   []uint16
	happened []uint8
}

// NewBacktest prepares a backtest over weeks (Mondays, ascending) that
// reports rules. Rule 1 is scored whatever rules says: its fixed thresholds
// set the alert volume every rule and method is compared at.
func NewBacktest(weeks []scoring.Date, rules []scoring.Rule, p Params) (*Backtest, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if len(weeks) == 0 {
		return nil, errors.New("backtest: no week")
	}
	for i, w := range weeks {
		if w.Weekday() != time.Monday || i > 0 && w <= weeks[i-1] {
			return nil, fmt.Errorf("backtest: weeks[%d] = %s: want ascending Mondays", i, w)
		}
	}
	if len(rules) == 0 {
		return nil, errors.New("backtest: no rule")
	}
	b := &Backtest{weeks: slices.Clone(weeks), p: p, scored: []scoring.Rule{scoring.Rule1}}
	for _, r := range rules {
		if !r.Valid() {
			return nil, fmt.Errorf("backtest: rule %d is not a scoring rule", int(r))
		}
		if slices.Contains(b.report, r) {
			return nil, fmt.Errorf("backtest: rule %s given twice", r)
		}
		b.report = append(b.report, r)
		if !slices.Contains(b.scored, r) {
			b.scored = append(b.scored, r)
		}
	}
	slices.Sort(b.report)
	return b, nil
}

// Weeks returns the weeks, ascending.
func (b *Backtest) Weeks() []scoring.Date { return b.weeks }

// Rules returns the rules Add takes scores of, in the order it takes them:
// rule 1 first, then the other reported rules.
func (b *Backtest) Rules() []scoring.Rule { return b.scored }

// Companies returns how many companies were added.
func (b *Backtest) Companies() int { return len(b.section) }

// Add adds a company of section (A–T) and division ("" or 01–97):
// scores[i][w] is its score under Rules()[i] as of Weeks()[w], and
// happened[w] what followed week w. A serious outcome without any new case
// is an error.
func (b *Backtest) Add(section, division string, scores [][]scoring.Points, happened []Happened) error {
	s, err := sectionIndex(section)
	if err != nil {
		return fmt.Errorf("backtest company %d: %w", len(b.section), err)
	}
	dv := 0
	if division != "" {
		if dv, err = divisionNumber(division); err != nil {
			return fmt.Errorf("backtest company %d: %w", len(b.section), err)
		}
	}
	nw := len(b.weeks)
	if len(scores) != len(b.scored) || len(happened) != nw {
		return fmt.Errorf("backtest company %d: %d score series and %d outcomes, want %d and %d",
			len(b.section), len(scores), len(happened), len(b.scored), nw)
	}
	for r := range scores {
		if len(scores[r]) != nw {
			return fmt.Errorf("backtest company %d: %d scores of rule %s, want %d", len(b.section), len(scores[r]), b.scored[r], nw)
		}
		for w, v := range scores[r] {
			if v < 0 || v > scoring.WholePoints(100) {
				return fmt.Errorf("backtest company %d: rule %s week %s: score %s is outside [0, 100]", len(b.section), b.scored[r], b.weeks[w], v)
			}
		}
	}
	for w, h := range happened {
		if h.Serious && !h.Any {
			return fmt.Errorf("backtest company %d: week %s: a serious outcome without a new case", len(b.section), b.weeks[w])
		}
	}
	b.section = append(b.section, uint8(s))
	b.division = append(b.division, uint8(dv))
	for r := range scores {
		for _, v := range scores[r] {
			b.scores = append(b.scores, uint16(v))
		}
	}
	for _, h := range happened {
		var bits uint8
		if h.Any {
			bits |= 1
		}
		if h.Serious {
			bits |= 2
		}
		b.happened = append(b.happened, bits)
	}
	return nil
}

func (b *Backtest) score(c, r, w int) scoring.Points {
	return scoring.Points(b.scores[(c*len(b.scored)+r)*len(b.weeks)+w])
}

func (b *Backtest) outcome(c, w int) Happened {
	bits := b.happened[c*len(b.weeks)+w]
	return Happened{Any: bits&1 != 0, Serious: bits&2 != 0}
}

// weekRule is what a week's flags under one rule need.
type weekRule struct {
	cut     [2]Cut   // the fixed method's, warning and urgent
	inForce *InForce // the dynamic method's thresholds
}

// Run evaluates the backtest. Each week, the volume k_w (k_u) is how many
// companies rule 1 flags with the fixed thresholds (score below
// Params.FixedWarning, FixedUrgent). For every rule, the fixed method is
// the cut that flags the rule's k lowest scores (CutAt); the dynamic method
// is ComputeBudgets with budgets k/N and the rule's VolumeThreshold as the
// global threshold, chained week to week per rule (last week's finals are
// this week's previous). Every company-week is then checked against the
// outcomes. Results come for every reported rule, method, severity and
// outcome, over all companies (Section "") and per section, in that order
// of nesting (all companies first, then sections A–T).
func (b *Backtest) Run() ([]BacktestResult, error) {
	nc, nw, nr := b.Companies(), len(b.weeks), len(b.scored)
	if nc == 0 {
		return nil, errors.New("backtest: no company")
	}
	plan := make([]weekRule, nw*nr) // [week][rule]
	pop := make([]CompanyScore, nc)
	for c := range pop {
		pop[c].Section = sectionCode(int(b.section[c]))
		if dv := b.division[c]; dv != 0 {
			pop[c].Division = divisionCodes[dv]
		}
	}
	sorted := make([]scoring.Points, nc)
	previous := make([]map[Key]scoring.Points, nr)
	for w, week := range b.weeks {
		var k [2]int
		for c := range nc {
			s := b.score(c, 0, w)
			if s < b.p.FixedWarning {
				k[0]++
			}
			if s < b.p.FixedUrgent {
				k[1]++
			}
		}
		for r := range nr {
			for c := range nc {
				pop[c].Score = b.score(c, r, w)
				sorted[c] = pop[c].Score
			}
			slices.Sort(sorted)
			wr := &plan[w*nr+r]
			wr.cut = [2]Cut{CutAt(sorted, k[0]), CutAt(sorted, k[1])}
			budgets := Budgets{
				Warning: Budget{Flagged: k[0], Threshold: VolumeThreshold(sorted, k[0], b.p.FixedWarning)},
				Urgent:  Budget{Flagged: k[1], Threshold: VolumeThreshold(sorted, k[1], b.p.FixedUrgent)},
			}
			rows, err := ComputeBudgets(week, pop, previous[r], b.p, budgets)
			if err != nil {
				return nil, fmt.Errorf("backtest week %s rule %s: %w", week, b.scored[r], err)
			}
			previous[r] = Finals(rows)
			global := scoring.Thresholds{Warning: budgets.Warning.Threshold, Urgent: budgets.Urgent.Threshold}
			if wr.inForce, err = NewInForce(rows, global); err != nil {
				return nil, err
			}
		}
	}

	groups := make([]*cohort, 1+sectionCount)
	groupOf := func(g int) *cohort {
		if groups[g] == nil {
			groups[g] = newCohort(nr)
		}
		return groups[g]
	}
	tally := newCompanyTally(nr)
	for c := range nc {
		tally.reset()
		sec, dv := int(b.section[c]), int(b.division[c])
		gs := [2]*cohort{groupOf(0), groupOf(1 + sec)}
		for w := range nw {
			h := b.outcome(c, w)
			tally.observations++
			for o := range 2 {
				if h.of(o) {
					tally.positives[o]++
				}
			}
			for r := range nr {
				wr := &plan[w*nr+r]
				s := b.score(c, r, w)
				th := wr.inForce.at(sec, dv)
				dyn := [2]scoring.Points{th.Warning, th.Urgent}
				for sev := range 2 {
					if r == 0 {
						tally.volume[sev] += wr.cut[sev].Weight(s) // rule 1's cut is its fixed thresholds: 0 or 1
					}
					weights := [2]float64{wr.cut[sev].Weight(s), 0}
					if s < dyn[sev] {
						weights[1] = 1
					}
					for m := range 2 {
						i := cellIndex(r, m, sev)
						tally.flagged[i] += weights[m]
						for o := range 2 {
							if h.of(o) {
								tally.hits[i*2+o] += weights[m]
							}
						}
					}
				}
				for o := range 2 {
					for _, g := range gs {
						g.rank[r*2+o].Add(s, h.of(o))
					}
				}
			}
		}
		for _, g := range gs {
			g.add(tally)
		}
	}

	// The AUC's clustered variance needs each observation's placement
	// among all of its group's observations: a second pass.
	for _, g := range groups {
		if g != nil {
			for i := range g.rank {
				g.rank[i].Finish()
			}
		}
	}
	for c := range nc {
		gs := [2]*cohort{groups[0], groups[1+int(b.section[c])]}
		for _, g := range gs {
			for r := range nr {
				for o := range 2 {
					rk := &g.rank[r*2+o]
					for w := range nw {
						rk.AddObservation(b.score(c, r, w), b.outcome(c, w).of(o))
					}
					rk.EndCluster()
				}
			}
			for r := 1; r < nr; r++ {
				for o := range 2 {
					g.aucPairs[r*2+o].Add(&g.rank[o], &g.rank[r*2+o])
				}
			}
		}
	}

	var out []BacktestResult
	for gi, g := range groups {
		if g == nil {
			continue
		}
		section := ""
		if gi > 0 {
			section = sectionCode(gi - 1)
		}
		for _, rule := range b.report {
			r := slices.Index(b.scored, rule)
			for m, method := range BacktestMethods {
				for sev, severity := range severities {
					for o, outcome := range BacktestOutcomes {
						out = append(out, g.result(r, m, sev, o, BacktestResult{
							Rule: rule, Method: method, Severity: severity, Outcome: outcome, Section: section,
						}))
					}
				}
			}
		}
	}
	return out, nil
}

// cellIndex numbers (rule, method, severity).
func cellIndex(r, m, sev int) int { return (r*2+m)*2 + sev }

// companyTally is one company's totals over the weeks.
type companyTally struct {
	observations int
	positives    [2]int
	volume       [2]float64
	flagged      []float64 // by cellIndex
	hits         []float64 // by cellIndex·2 + outcome
}

func newCompanyTally(rules int) *companyTally {
	return &companyTally{flagged: make([]float64, rules*4), hits: make([]float64, rules*8)}
}

func (t *companyTally) reset() {
	t.observations, t.positives, t.volume = 0, [2]int{}, [2]float64{}
	clear(t.flagged)
	clear(t.hits)
}

// cohort accumulates the companies of one set of observations.
type cohort struct {
	companies    int
	observations int
	positives    [2]int
	volume       [2]float64
	base         [2]Clustered // positives over observations
	flagged      []float64    // by cellIndex
	precision    []Clustered  // hits over flagged, by cellIndex·2 + outcome
	recall       []Clustered  // hits over positives
	vsBaseline   []Contrast   // precision minus rule 1 fixed's, by cellIndex·2 + outcome
	rank         []Ranking    // by rule·2 + outcome
	aucPairs     []AUCPair    // AUC minus rule 1's, by rule·2 + outcome
}

func newCohort(rules int) *cohort {
	return &cohort{
		flagged: make([]float64, rules*4), precision: make([]Clustered, rules*8),
		recall: make([]Clustered, rules*8), vsBaseline: make([]Contrast, rules*8),
		rank: make([]Ranking, rules*2), aucPairs: make([]AUCPair, rules*2),
	}
}

func (g *cohort) add(t *companyTally) {
	g.companies++
	g.observations += t.observations
	for o := range 2 {
		g.positives[o] += t.positives[o]
		g.base[o].Add(float64(t.positives[o]), float64(t.observations))
	}
	for sev := range 2 {
		g.volume[sev] += t.volume[sev]
	}
	for i, f := range t.flagged {
		g.flagged[i] += f
		base := cellIndex(0, 0, i%2) // rule 1, fixed, the same severity
		for o := range 2 {
			h := t.hits[i*2+o]
			g.precision[i*2+o].Add(h, f)
			g.recall[i*2+o].Add(h, float64(t.positives[o]))
			g.vsBaseline[i*2+o].Add(h, f, t.hits[base*2+o], t.flagged[base])
		}
	}
}

func (g *cohort) result(r, m, sev, o int, res BacktestResult) BacktestResult {
	i := cellIndex(r, m, sev)
	prec, rec, base := g.precision[i*2+o], g.recall[i*2+o], g.base[o]
	res.Companies, res.Observations, res.Positives = g.companies, g.observations, g.positives[o]
	res.Volume = int(g.volume[sev] + 0.5)
	res.Flagged, res.Hits = g.flagged[i], prec.x
	res.BaseRate = Estimate{Ratio: base.Estimate()}
	res.Precision = Estimate{Ratio: prec.Estimate(), CI: prec.Interval()}
	res.Recall = Estimate{Ratio: rec.Estimate(), CI: rec.Interval()}
	if res.Precision.Valid && res.BaseRate.Valid && res.BaseRate.Value > 0 {
		b := res.BaseRate.Value
		res.Lift.Ratio = Ratio{Value: res.Precision.Value / b, Valid: true}
		if ci := res.Precision.CI; ci.Valid {
			res.Lift.CI = Interval{Low: ci.Low / b, High: ci.High / b, Valid: true}
		}
	}
	rk := &g.rank[r*2+o]
	res.AUC = Estimate{Ratio: rk.AUC(), CI: rk.Interval()}
	if r > 0 || m > 0 {
		res.PrecisionDiff = g.vsBaseline[i*2+o].Estimate()
	}
	if r > 0 {
		res.AUCDiff = g.aucPairs[r*2+o].Difference(&g.rank[o], rk)
	}
	return res
}

// divisionCodes are "01"–"97" by number, so that building a week's
// population allocates nothing.
var divisionCodes = func() (codes [maxDivision + 1]string) {
	for dv := 1; dv <= maxDivision; dv++ {
		codes[dv] = divisionCode(dv)
	}
	return codes
}()
