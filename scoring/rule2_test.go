package scoring

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// as builds a case of the given role.
func as(role Role, c Case) Case {
	c.Role = role
	return c
}

func TestRule2(t *testing.T) {
	const asOf = "2026-11-24" // the window is (2025-11-24, 2026-11-24]
	const (
		pending = OutcomePending
		win     = OutcomeWin
		lose    = OutcomeLose
		partial = OutcomePartial
		settled = OutcomeSettled
		na      = ExecutionNotApplicable
		unexec  = ExecutionUnexecuted
		part    = ExecutionPartiallyExecuted
	)
	resp := func(c Case) Case { return as(RoleRespondent, c) }
	recent, old := "2026-06-01", "2019-05-01"
	tests := []struct {
		name       string
		asOf       string
		cases      []Case
		score      string
		indicators [4]string // count, amount, lose rate, execution
		deductions [4]string
		excluded   int
	}{
		// The design's examples.
		{"one lost case of 20,000 yuan", asOf, []Case{resp(kase(recent, "20000", lose, na))},
			"69.00", [4]string{"80", "90", "0", "100"}, [4]string{"8", "3", "20", "0"}, 0},
		{"the same with no role", asOf, []Case{kase(recent, "20000", lose, na)},
			"69.00", [4]string{"80", "90", "0", "100"}, [4]string{"8", "3", "20", "0"}, 0},
		{"only an old unexecuted award", asOf, []Case{resp(kase(old, "50000", lose, unexec))},
			"97.50", [4]string{"100", "100", "100", "75"}, [4]string{"0", "0", "0", "2.50"}, 0},
		{"one lost case of 100 yuan: 71.985 rounds half-up", asOf, []Case{resp(kase(recent, "100", lose, na))},
			"71.99", [4]string{"80", "99.95", "0", "100"}, [4]string{"8", "0.02", "20", "0"}, 0},

		{"no cases", asOf, nil, "100.00", [4]string{"100", "100", "100", "100"}, [4]string{"0", "0", "0", "0"}, 0},

		// Window edges, as rule 1.
		{"filed exactly 365 days before as-of is out", asOf, []Case{resp(kase("2025-11-24", "20000", lose, na))},
			"100.00", [4]string{"100", "100", "100", "100"}, [4]string{"0", "0", "0", "0"}, 0},
		{"filed 364 days before as-of is in", asOf, []Case{resp(kase("2025-11-25", "0", pending, na))},
			"92.00", [4]string{"80", "100", "100", "100"}, [4]string{"8", "0", "0", "0"}, 0},
		{"filed on as-of is in", asOf, []Case{resp(kase(asOf, "0", pending, na))},
			"92.00", [4]string{"80", "100", "100", "100"}, [4]string{"8", "0", "0", "0"}, 0},
		{"filed after as-of is ignored, even unexecuted", asOf, []Case{resp(kase("2026-11-25", "50000", lose, unexec))},
			"100.00", [4]string{"100", "100", "100", "100"}, [4]string{"0", "0", "0", "0"}, 0},
		{"leap: 2023-03-02 is 365 days before 2024-03-01", "2024-03-01", []Case{resp(kase("2023-03-02", "0", pending, na))},
			"100.00", [4]string{"100", "100", "100", "100"}, [4]string{"0", "0", "0", "0"}, 0},

		// Roles: only the company's own disputes score.
		{"a case the company filed does not score", asOf, []Case{as(RoleApplicant, kase(recent, "90000", lose, unexec))},
			"100.00", [4]string{"100", "100", "100", "100"}, [4]string{"0", "0", "0", "0"}, 1},
		{"a third-party case does not score", asOf, []Case{as(RoleThirdParty, kase(recent, "90000", lose, na))},
			"100.00", [4]string{"100", "100", "100", "100"}, [4]string{"0", "0", "0", "0"}, 1},
		{"an applicant case beside a respondent one leaves it alone", asOf,
			[]Case{resp(kase(recent, "20000", lose, na)), as(RoleApplicant, kase(recent, "20000", win, na))},
			"69.00", [4]string{"80", "90", "0", "100"}, [4]string{"8", "3", "20", "0"}, 1},
		{"cases filed after as-of are not counted as excluded either", asOf,
			[]Case{as(RoleApplicant, kase("2026-12-01", "1", win, na))},
			"100.00", [4]string{"100", "100", "100", "100"}, [4]string{"0", "0", "0", "0"}, 0},

		// The lose rate is exact: 1/3 and 1/6.
		{"lose rate 1/3 deducts exactly 50 of the indicator", asOf,
			[]Case{resp(kase(recent, "0", lose, na)), resp(kase(recent, "0", win, na)), resp(kase(recent, "0", settled, na))},
			"66.00", [4]string{"40", "100", "50", "100"}, [4]string{"24", "0", "10", "0"}, 0},
		{"lose rate 1/6: a partial among three decided", asOf,
			[]Case{resp(kase(recent, "0", partial, na)), resp(kase(recent, "0", win, na)), resp(kase(recent, "0", settled, na))},
			"71.00", [4]string{"40", "100", "75", "100"}, [4]string{"24", "0", "5", "0"}, 0},
		{"lose rate 2/9: 66.67 of the indicator, the score exact", asOf,
			[]Case{resp(kase(recent, "0", lose, na)), resp(kase(recent, "0", lose, na)), resp(kase(recent, "0", win, na)),
				resp(kase("2026-01-01", "0", win, na)), resp(kase("2026-01-01", "0", win, na)), resp(kase("2026-01-01", "0", win, na)),
				resp(kase("2026-02-01", "0", win, na)), resp(kase("2026-02-01", "0", win, na)), resp(kase("2026-02-01", "0", win, na))},
			// 0.4·0 + 0.3·100 + 0.2·(100 − 150·2/9) + 0.1·100 = 30 + 13.333… + 10
			"53.33", [4]string{"0", "100", "66.67", "100"}, [4]string{"40", "0", "6.67", "0"}, 0},
		{"lose rate 2/3 takes the indicator to 0", asOf,
			[]Case{resp(kase(recent, "0", lose, na)), resp(kase(recent, "0", lose, na)), resp(kase(recent, "0", win, na))},
			"56.00", [4]string{"40", "100", "0", "100"}, [4]string{"24", "0", "20", "0"}, 0},
		{"pending and withdrawn are not decided", asOf,
			[]Case{resp(kase(recent, "0", pending, na)), resp(kase(recent, "0", OutcomeWithdrawn, na))},
			"84.00", [4]string{"60", "100", "100", "100"}, [4]string{"16", "0", "0", "0"}, 0},

		// Half-up ties at the end only.
		{"300 yuan lost: 71.955 rounds up to 71.96", asOf, []Case{resp(kase(recent, "300", lose, na))},
			"71.96", [4]string{"80", "99.85", "0", "100"}, [4]string{"8", "0.05", "20", "0"}, 0},

		// Floors: an indicator never goes below 0.
		{"five recent cases take the count indicator to 0, six do not go below", asOf,
			repeat(resp(kase(recent, "0", pending, na)), 6),
			"60.00", [4]string{"0", "100", "100", "100"}, [4]string{"40", "0", "0", "0"}, 0},
		{"200,000 yuan takes the amount indicator to 0", asOf, []Case{resp(kase(recent, "200000", pending, na))},
			"62.00", [4]string{"80", "0", "100", "100"}, [4]string{"8", "30", "0", "0"}, 0},
		{"beyond 200,000 yuan the amount indicator stays 0", asOf, []Case{resp(kase(recent, "900000", pending, na))},
			"62.00", [4]string{"80", "0", "100", "100"}, [4]string{"8", "30", "0", "0"}, 0},
		{"four unexecuted awards take the execution indicator to 0, five do not go below", asOf,
			append(repeat(resp(kase(old, "0", lose, unexec)), 4), resp(kase(old, "0", lose, part))),
			"90.00", [4]string{"100", "100", "100", "0"}, [4]string{"0", "0", "0", "10"}, 0},
		{"everything at once scores 0", asOf,
			append(repeat(resp(kase(recent, "50000", lose, unexec)), 5), resp(kase(old, "0", lose, unexec))),
			"0.00", [4]string{"0", "0", "0", "0"}, [4]string{"40", "30", "20", "10"}, 0},

		{"removed cases are ignored", asOf,
			[]Case{{FilingDate: d(recent), ClaimAmount: yuan("90000"), Result: lose, ExecutionStatus: unexec, Removed: true}},
			"100.00", [4]string{"100", "100", "100", "100"}, [4]string{"0", "0", "0", "0"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Rule2.Score(tt.cases, d(tt.asOf), DefaultThresholds())
			if got.RuleVersion != 2 {
				t.Errorf("RuleVersion = %d, want 2", got.RuleVersion)
			}
			if got.Score != pts(tt.score) {
				t.Errorf("Score = %s, want %s", got.Score, tt.score)
			}
			ind := Indicators{pts(tt.indicators[0]), pts(tt.indicators[1]), pts(tt.indicators[2]), pts(tt.indicators[3])}
			if got.Indicators != ind {
				t.Errorf("Indicators = %+v, want %+v", got.Indicators, ind)
			}
			ded := [4]Points{got.CountDeduction, got.AmountDeduction, got.LoseRateDeduction, got.UnexecutedDeduction}
			if want := [4]Points{pts(tt.deductions[0]), pts(tt.deductions[1]), pts(tt.deductions[2]), pts(tt.deductions[3])}; ded != want {
				t.Errorf("deductions = %v, want %v", ded, want)
			}
			if got.Excluded != tt.excluded {
				t.Errorf("Excluded = %d, want %d", got.Excluded, tt.excluded)
			}
			if want := DefaultThresholds().Level(got.Score); got.Level != want {
				t.Errorf("Level = %s, want %s", got.Level, want)
			}
		})
	}
}

// Rule 2 reads the counts over answered cases only: a company with an
// applicant case sees it neither in the recent count nor in the latest case.
func TestRule2CountsAnsweredCasesOnly(t *testing.T) {
	cases := []Case{
		as(RoleRespondent, kase("2026-03-01", "1000", OutcomeWin, 0)),
		as(RoleApplicant, kase("2026-09-01", "5000", OutcomeLose, ExecutionUnexecuted)),
	}
	got := Rule2.Score(cases, d("2026-11-24"), DefaultThresholds())
	if got.RecentCount != 1 || got.RecentClaimTotal != yuan("1000") || got.UnexecutedCount != 0 || got.DecidedCount != 1 {
		t.Errorf("counts: %+v", got)
	}
	if got.Latest.Title != "case 2026-03-01" {
		t.Errorf("latest case %q, want the respondent case", got.Latest.Title)
	}
	if r1 := Rule1.Score(cases, d("2026-11-24"), DefaultThresholds()); r1.RecentCount != 2 || r1.Latest.Title != "case 2026-09-01" {
		t.Errorf("rule 1 counts every case: %+v", r1)
	}
}

// referenceScore2 follows the rule word by word with math/big rationals.
func referenceScore2(cases []Case, asOf Date) Points {
	r := func(n int64) *big.Rat { return new(big.Rat).SetInt64(n) }
	var n, lose, partial, decided, unexec int64
	claimYuan := r(0)
	for _, c := range cases {
		if c.Removed || c.FilingDate > asOf || c.Role == RoleApplicant || c.Role == RoleThirdParty {
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
	floor0 := func(x *big.Rat) *big.Rat {
		if x.Sign() < 0 {
			return r(0)
		}
		return x
	}
	loseRate := r(0)
	if decided > 0 {
		loseRate = new(big.Rat).Quo(new(big.Rat).Add(r(lose), big.NewRat(partial, 2)), r(decided))
	}
	sCount := floor0(r(100 - 20*n))
	sAmount := floor0(new(big.Rat).Sub(r(100), new(big.Rat).Mul(r(5), new(big.Rat).Quo(claimYuan, r(10000)))))
	sLose := floor0(new(big.Rat).Sub(r(100), new(big.Rat).Mul(r(150), loseRate)))
	sExec := floor0(r(100 - 25*unexec))
	s := new(big.Rat).Mul(big.NewRat(4, 10), sCount)
	s.Add(s, new(big.Rat).Mul(big.NewRat(3, 10), sAmount))
	s.Add(s, new(big.Rat).Mul(big.NewRat(2, 10), sLose))
	s.Add(s, new(big.Rat).Mul(big.NewRat(1, 10), sExec))
	return Points(roundRat(s, 100))
}

func TestRule2MatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2026))
	asOf := d("2026-11-24")
	var buf []Case
	for i := range 200_000 {
		cs := randomCompany(rng, asOf, buf)
		for j := range cs {
			cs[j].Role = Role(rng.IntN(4))
		}
		if got, want := Rule2.Score(cs, asOf, DefaultThresholds()).Score, referenceScore2(cs, asOf); got != want {
			t.Fatalf("company %d: Score = %s, reference %s; cases %+v", i, got, want, cs)
		}
		buf = cs
	}
}

func TestRuleDispatch(t *testing.T) {
	cases := []Case{kase("2026-06-01", "20000", OutcomeLose, ExecutionNotApplicable)}
	asOf := d("2026-11-24")
	if Rule1.Score(cases, asOf, DefaultThresholds()) != Score(cases, asOf, DefaultThresholds()) {
		t.Error("Rule1.Score differs from Score")
	}
	if got := Rule1.Score(cases, asOf, DefaultThresholds()).Score; got != 0 {
		t.Errorf("rule 1: one lost case of 20,000 yuan scores %s, want 0.00", got)
	}
	for _, tc := range []struct {
		in   string
		want Rule
		ok   bool
	}{{"1", Rule1, true}, {"2", Rule2, true}, {" 2 ", Rule2, true}, {"3", 0, false}, {"", 0, false}, {"v2", 0, false}} {
		got, err := ParseRule(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseRule(%q) = %v, %v", tc.in, got, err)
		}
	}
	if DefaultRule != Rule2 {
		t.Errorf("the default rule is %s, want 2", DefaultRule)
	}
}

func TestParseRole(t *testing.T) {
	for s, want := range map[string]Role{"": RoleUnknown, "respondent": RoleRespondent, "applicant": RoleApplicant, "third_party": RoleThirdParty} {
		got, err := ParseRole(s)
		if err != nil || got != want || got.String() != s {
			t.Errorf("ParseRole(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseRole("defendant"); err == nil {
		t.Error("ParseRole accepted defendant")
	}
	if !RoleUnknown.Answered() || !RoleRespondent.Answered() || RoleApplicant.Answered() || RoleThirdParty.Answered() {
		t.Error("Answered: respondent and no role only")
	}
}
