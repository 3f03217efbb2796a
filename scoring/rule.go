package scoring

import (
	"fmt"
	"strings"
)

// Rule is a version of the scoring rules. Every stored score carries the
// rule that produced it.
type Rule int

// The rules.
const (
	// Rule1 reads the seed's code sketch literally: every indicator deducts
	// from one 100-point budget, so one lost case alone scores 0.
	Rule1 Rule = 1
	// Rule2 reads the seed's table as written: four indicators, each scored
	// out of 100 by its own rule, weighted 40/30/20/10 %, over the cases
	// the company answers (respondent, or no role).
	Rule2 Rule = 2
	// DefaultRule is the rule a deployment uses unless it chooses another.
	DefaultRule = Rule2
)

// Rules lists every rule, oldest first.
var Rules = []Rule{Rule1, Rule2}

// ParseRule reads a rule version ("1" or "2").
func ParseRule(s string) (Rule, error) {
	for _, r := range Rules {
		if strings.TrimSpace(s) == fmt.Sprint(int(r)) {
			return r, nil
		}
	}
	return 0, fmt.Errorf("%q is not a scoring rule version (1 or 2)", s)
}

// Valid reports whether r is a rule this package implements.
func (r Rule) Valid() bool { return r == Rule1 || r == Rule2 }

// String returns the version number, e.g. "2".
func (r Rule) String() string { return fmt.Sprint(int(r)) }

// Score computes a company's score under rule r; see Score (rule 1) and
// the package documentation for rule 2. It panics on a rule that is not
// Valid: callers validate the rule when they read their configuration.
func (r Rule) Score(cases []Case, asOf Date, th Thresholds) Result {
	switch r {
	case Rule1:
		return Score(cases, asOf, th)
	case Rule2:
		return score2(cases, asOf, th)
	}
	panic(fmt.Sprintf("scoring: unknown rule %d", int(r)))
}

// Weights are rule 2's weights of its four indicators, as rates (0.4000
// is 40 %): recent cases, their claims, the lose rate and unexecuted awards.
type Weights struct {
	Count, Amount, LoseRate, Execution Rate
}

// Rule2Weights are the weights of the seed's table.
var Rule2Weights = Weights{Count: 4000, Amount: 3000, LoseRate: 2000, Execution: 1000}

// Indicators are rule 2's four indicator scores, each out of 100 and
// rounded half-up to 0.01 for display (the score is computed from the
// exact values):
//
//	Count     = max(0, 100 − 20 × |recent|)
//	Amount    = max(0, 100 − 5 × Σ claim of recent / 10,000 yuan)
//	LoseRate  = max(0, 100 − 150 × lose rate)
//	Execution = max(0, 100 − 25 × unexecuted)
type Indicators struct {
	Count, Amount, LoseRate, Execution Points
}

// Rule 2's constants beyond rule 1's: an indicator reaches 0 at 5 recent
// cases, at 200,000 yuan claimed (20,000,000 fen), at a lose rate of 2/3 and
// at 4 unexecuted awards.
const (
	rule2AmountZeroFen = fullScore * amountFenPerPoint // 20,000,000 fen
	weightTenths       = 10                            // weights are 4, 3, 2 and 1 tenths
)

// score2 is rule 2. With n recent answered cases, C their claims in fen
// capped at 20,000,000, K = 2·#lose + #partial and D = #decided among them
// (taken as 1 when nothing was decided, where K = 0), and u the answered
// unexecuted cases of any age:
//
//	score = ( 4·s_count·200,000·D + 3·(20,000,000 − C)·D
//	        + 2·max(0, 100·D − 75·K)·200,000 + 1·s_exec·200,000·D ) / (10·200,000·D)
//
// exactly, rounded half-up to 0.01 once. 100 × the numerator is at most
// 2·10^10·D, so int64 is exact for D below 4.6·10^8 decided cases.
func score2(cases []Case, asOf Date, th Thresholds) Result {
	r := Result{RuleVersion: int(Rule2), AsOf: asOf, Thresholds: th}
	claim := r.tally(cases, true)

	cappedFen := min(claim, rule2AmountZeroFen)
	k := int64(2*r.LoseCount + r.PartialCount)
	d := int64(max(r.DecidedCount, 1))
	n, u := int64(r.RecentCount), int64(r.UnexecutedCount)

	sCount := max(0, fullScore-pointsPerRecentCase*n)    // whole points
	sExec := max(0, fullScore-pointsPerUnexecutedCase*u) // whole points
	loseOff := min(fullScore*d, loseHalfWeight*k)        // 100 − s_lose, times D
	amountLeft := rule2AmountZeroFen - cappedFen         // s_amount, times 200,000

	r.Indicators = Indicators{
		Count:     WholePoints(sCount),
		Amount:    Points(RoundHalfUp(amountLeft, amountFenPerHundredth)),
		LoseRate:  Points(RoundHalfUp(hundredths*(fullScore*d-loseOff), d)),
		Execution: WholePoints(sExec),
	}
	w := Rule2Weights
	r.CountDeduction = Points(int64(w.Count) * (fullScore - sCount) * hundredths / tenThousandths)
	r.AmountDeduction = Points(RoundHalfUp(int64(w.Amount)*hundredths*cappedFen, tenThousandths*amountFenPerPoint))
	r.LoseRateDeduction = Points(RoundHalfUp(int64(w.LoseRate)*hundredths*loseOff, tenThousandths*d))
	r.UnexecutedDeduction = Points(int64(w.Execution) * (fullScore - sExec) * hundredths / tenThousandths)
	r.LoseRate = Rate(RoundHalfUp(tenThousandths/2*k, d))

	const wc, wa, wl, we = 4, 3, 2, 1 // Rule2Weights in tenths
	num := wc*sCount*amountFenPerPoint*d + wa*amountLeft*d +
		wl*(fullScore*d-loseOff)*amountFenPerPoint + we*sExec*amountFenPerPoint*d
	den := weightTenths * amountFenPerPoint * d
	r.Score = Points(RoundHalfUp(hundredths*num, den))
	r.Level = th.Level(r.Score)
	return r
}
