package scoring

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/arbsync/arbsync/internal/money"
)

// referenceScore follows ARCHITECTURE.md “Scoring” word by word with math/big rationals and
// no shortcuts. TestScoreMatchesReference compares Score with it.
func referenceScore(cases []Case, asOf Date) (score, amount, loseDed Points, rate Rate) {
	r := func(n int64) *big.Rat { return new(big.Rat).SetInt64(n) }
	var n, lose, partial, decided, unexec int64
	claimYuan := r(0)
	for _, c := range cases {
		if c.Removed || c.FilingDate > asOf {
			continue
		}
		if c.ExecutionStatus == ExecutionUnexecuted || c.ExecutionStatus == ExecutionPartiallyExecuted {
			unexec++
		}
		if !(asOf-WindowDays < c.FilingDate && c.FilingDate <= asOf) {
			continue
		}
		n++
		claimYuan.Add(claimYuan, big.NewRat(int64(max(c.ClaimAmount, 0)), 100))
		switch c.Result {
		case OutcomeWin, OutcomeSettled:
			decided++
		case OutcomeLose:
			decided++
			lose++
		case OutcomePartial:
			decided++
			partial++
		}
	}
	amountDed := new(big.Rat).Mul(r(5), new(big.Rat).Quo(claimYuan, r(10000)))
	if amountDed.Cmp(r(150)) > 0 {
		amountDed = r(150)
	}
	loseRate := r(0)
	if decided > 0 {
		loseRate = new(big.Rat).Quo(new(big.Rat).Add(r(lose), big.NewRat(partial, 2)), r(decided))
	}
	loseDeduction := new(big.Rat).Mul(r(150), loseRate)
	total := new(big.Rat).Add(r(20*n), amountDed)
	total.Add(total, loseDeduction)
	total.Add(total, r(25*unexec))
	s := new(big.Rat).Sub(r(100), total)
	if s.Sign() < 0 {
		s = r(0)
	}
	return Points(roundRat(s, 100)), Points(roundRat(amountDed, 100)), Points(roundRat(loseDeduction, 100)), Rate(roundRat(loseRate, 10000))
}

// roundRat returns x×scale rounded half-up, for x ≥ 0.
func roundRat(x *big.Rat, scale int64) int64 {
	v := new(big.Rat).Mul(x, new(big.Rat).SetInt64(scale))
	v.Add(v, big.NewRat(1, 2))
	q := new(big.Int).Quo(v.Num(), v.Denom()) // floor for v ≥ 0
	return q.Int64()
}

// randomCompany returns 0–7 cases filed from ~3 years before asOf to a
// month after it, with amounts down to the fen.
func randomCompany(rng *rand.Rand, asOf Date, buf []Case) []Case {
	buf = buf[:0]
	for range rng.IntN(8) {
		claim := money.Fen(rng.Int64N(5_000_000)) // up to 50,000 yuan
		if rng.IntN(10) == 0 {
			claim = money.Fen(rng.Int64N(40_000_000)) // around the cap
		}
		buf = append(buf, Case{
			FilingDate:      asOf - Date(rng.IntN(1100)) + 30,
			ClaimAmount:     claim,
			Result:          Outcome(rng.IntN(6)),
			ExecutionStatus: ExecutionStatus(rng.IntN(4)),
			Removed:         rng.IntN(20) == 0,
			Title:           "t",
		})
	}
	return buf
}

func TestScoreMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	asOf := d("2026-11-24")
	var buf []Case
	nonZero := 0
	for i := range 200_000 {
		buf = randomCompany(rng, asOf, buf)
		got := Score(buf, asOf, DefaultThresholds())
		score, amount, loseDed, rate := referenceScore(buf, asOf)
		if got.Score != score || got.AmountDeduction != amount || got.LoseRateDeduction != loseDed || got.LoseRate != rate {
			t.Fatalf("company %d %+v:\n got score %s amount %s lose %s rate %s\nwant score %s amount %s lose %s rate %s",
				i, buf, got.Score, got.AmountDeduction, got.LoseRateDeduction, got.LoseRate, score, amount, loseDed, rate)
		}
		if score > 0 {
			nonZero++
		}
	}
	if nonZero < 20_000 {
		t.Errorf("only %d random companies scored above 0; the test data exercise too little", nonZero)
	}
}
