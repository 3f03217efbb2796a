package scoring

import (
	"math"
	"testing"

	"github.com/arbsync/arbsync/internal/money"
)

// want lists the components a test expects; amounts and points are
// written as decimal strings.
type want struct {
	recent                            int
	claim                             string
	decided, lose, partial            int
	rate                              Rate
	unexec                            int
	count, amount, loseDed, unexecDed string
	score                             string
	level                             Level
}

func checkResult(t *testing.T, got Result, w want) {
	t.Helper()
	exp := got // keep AsOf, Thresholds and Latest; compare everything else
	exp.RuleVersion = RuleVersion
	exp.RecentCount, exp.RecentClaimTotal = w.recent, yuan(w.claim)
	exp.DecidedCount, exp.LoseCount, exp.PartialCount = w.decided, w.lose, w.partial
	exp.LoseRate, exp.UnexecutedCount = w.rate, w.unexec
	exp.CountDeduction, exp.AmountDeduction = pts(w.count), pts(w.amount)
	exp.LoseRateDeduction, exp.UnexecutedDeduction = pts(w.loseDed), pts(w.unexecDed)
	exp.Score, exp.Level = pts(w.score), w.level
	if got != exp {
		t.Errorf("Score:\n got  %+v\n want %+v", got, exp)
	}
}

func TestScore(t *testing.T) {
	const asOf = "2026-11-24" // 365 days before is 2025-11-24
	const (
		pending   = OutcomePending
		win       = OutcomeWin
		lose      = OutcomeLose
		partial   = OutcomePartial
		settled   = OutcomeSettled
		withdrawn = OutcomeWithdrawn
		na        = ExecutionNotApplicable
		executed  = ExecutionExecuted
		partExec  = ExecutionPartiallyExecuted
		unexec    = ExecutionUnexecuted
	)
	recent := "2026-06-15"
	old := "2019-05-01"
	tests := []struct {
		name  string
		asOf  string
		cases []Case
		want  want
	}{
		{"no cases", asOf, nil,
			want{0, "0", 0, 0, 0, 0, 0, "0", "0", "0", "0", "100", LevelOK}},

		// Window boundaries.
		{"filed exactly 365 days before as-of is out", asOf,
			[]Case{kase("2025-11-24", "20000", lose, na)},
			want{0, "0", 0, 0, 0, 0, 0, "0", "0", "0", "0", "100", LevelOK}},
		{"filed 364 days before as-of is in", asOf,
			[]Case{kase("2025-11-25", "0", pending, na)},
			want{1, "0", 0, 0, 0, 0, 0, "20", "0", "0", "0", "80", LevelOK}},
		{"filed on as-of is in", asOf,
			[]Case{kase("2026-11-24", "0", pending, na)},
			want{1, "0", 0, 0, 0, 0, 0, "20", "0", "0", "0", "80", LevelOK}},
		{"filed after as-of is ignored, even unexecuted", asOf,
			[]Case{kase("2026-11-25", "50000", lose, unexec)},
			want{0, "0", 0, 0, 0, 0, 0, "0", "0", "0", "0", "100", LevelOK}},

		// Leap years: the window is 365 days, not a calendar year.
		{"leap: 2023-03-02 is 365 days before 2024-03-01", "2024-03-01",
			[]Case{kase("2023-03-02", "0", pending, na)},
			want{0, "0", 0, 0, 0, 0, 0, "0", "0", "0", "0", "100", LevelOK}},
		{"leap: 2023-03-03 is 364 days before 2024-03-01", "2024-03-01",
			[]Case{kase("2023-03-03", "0", pending, na)},
			want{1, "0", 0, 0, 0, 0, 0, "20", "0", "0", "0", "80", LevelOK}},
		{"leap: 2024-02-29 is 365 days before 2025-02-28", "2025-02-28",
			[]Case{kase("2024-02-29", "0", pending, na)},
			want{0, "0", 0, 0, 0, 0, 0, "0", "0", "0", "0", "100", LevelOK}},
		{"leap: 2024-03-01 is 364 days before 2025-02-28", "2025-02-28",
			[]Case{kase("2024-03-01", "0", pending, na)},
			want{1, "0", 0, 0, 0, 0, 0, "20", "0", "0", "0", "80", LevelOK}},
		{"leap: as-of on 2024-02-29", "2024-02-29",
			[]Case{kase("2023-03-01", "0", pending, na), kase("2023-03-02", "0", pending, na)},
			want{1, "0", 0, 0, 0, 0, 0, "20", "0", "0", "0", "80", LevelOK}},

		// Amount deduction.
		{"100,000 yuan deducts 50", asOf,
			[]Case{kase(recent, "100000", pending, na)},
			want{1, "100000", 0, 0, 0, 0, 0, "20", "50", "0", "0", "30", LevelUrgent}},
		{"300,000 yuan reaches the cap of 150", asOf,
			[]Case{kase(recent, "300000", pending, na)},
			want{1, "300000", 0, 0, 0, 0, 0, "20", "150", "0", "0", "0", LevelUrgent}},
		{"amounts above the cap deduct 150", asOf,
			[]Case{kase(recent, "250000", pending, na), kase("2026-01-01", "250000", pending, na)},
			want{2, "500000", 0, 0, 0, 0, 0, "40", "150", "0", "0", "0", LevelUrgent}},
		{"1 fen below the cap shows 150.00 rounded", asOf,
			[]Case{kase(recent, "299999.99", pending, na)},
			want{1, "299999.99", 0, 0, 0, 0, 0, "20", "150", "0", "0", "0", LevelUrgent}},
		{"fen count: 10,000.01 yuan deducts 5.000005", asOf,
			[]Case{kase(recent, "10000.01", pending, na)},
			want{1, "10000.01", 0, 0, 0, 0, 0, "20", "5", "0", "0", "75", LevelOK}},
		{"amounts of older cases do not count", asOf,
			[]Case{kase(old, "90000", pending, na), kase(recent, "10000", pending, na)},
			want{1, "10000", 0, 0, 0, 0, 0, "20", "5", "0", "0", "75", LevelOK}},

		// Rounding happens once, at the end, half-up.
		{"79.995 rounds up to 80.00 (10 yuan deducts 0.005)", asOf,
			[]Case{kase(recent, "10", pending, na)},
			want{1, "10", 0, 0, 0, 0, 0, "20", "0.01", "0", "0", "80", LevelOK}},
		{"79.985 rounds up to 79.99 (30 yuan deducts 0.015)", asOf,
			[]Case{kase(recent, "30", pending, na)},
			want{1, "30", 0, 0, 0, 0, 0, "20", "0.02", "0", "0", "79.99", LevelOK}},
		{"79.994995 rounds down to 79.99 (10.01 yuan)", asOf,
			[]Case{kase(recent, "10.01", pending, na)},
			want{1, "10.01", 0, 0, 0, 0, 0, "20", "0.01", "0", "0", "79.99", LevelOK}},
		{"43.49975 rounds up to 43.50", asOf,
			[]Case{kase(recent, "23000.50", win, executed), kase(old, "50000", lose, unexec)},
			want{1, "23000.50", 1, 0, 0, 0, 1, "20", "11.50", "0", "25", "43.50", LevelWarning}},

		// Lose rate.
		{"no decided case: lose rate 0", asOf,
			[]Case{kase(recent, "0", pending, na), kase("2026-01-01", "0", withdrawn, na)},
			want{2, "0", 0, 0, 0, 0, 0, "40", "0", "0", "0", "60", LevelOK}},
		{"one lose: lose rate 1", asOf,
			[]Case{kase(recent, "0", lose, na)},
			want{1, "0", 1, 1, 0, 10000, 0, "20", "0", "150", "0", "0", LevelUrgent}},
		{"partial counts half", asOf,
			[]Case{kase(recent, "0", partial, na)},
			want{1, "0", 1, 0, 1, 5000, 0, "20", "0", "75", "0", "5", LevelUrgent}},
		{"withdrawn and pending are not decided", asOf,
			[]Case{kase(recent, "0", lose, na), kase(recent, "0", withdrawn, na), kase(recent, "0", pending, na)},
			want{3, "0", 1, 1, 0, 10000, 0, "60", "0", "150", "0", "0", LevelUrgent}},
		{"settled is decided", asOf,
			[]Case{kase(recent, "0", settled, na)},
			want{1, "0", 1, 0, 0, 0, 0, "20", "0", "0", "0", "80", LevelOK}},
		{"win and settled dilute a lose", asOf,
			[]Case{kase(recent, "0", lose, na), kase(recent, "0", win, na), kase(recent, "0", settled, na)},
			want{3, "0", 3, 1, 0, 3333, 0, "60", "0", "50", "0", "0", LevelUrgent}},
		{"lose rate 1/6 shows 0.1667", asOf,
			[]Case{kase(recent, "0", partial, na), kase(recent, "0", win, na), kase(recent, "0", settled, na)},
			want{3, "0", 3, 0, 1, 1667, 0, "60", "0", "25", "0", "15", LevelUrgent}},
		{"lose rate 1/32 shows 0.0313 and deducts 4.6875 → 4.69", asOf,
			append([]Case{kase(recent, "0", partial, na)}, repeat(kase(recent, "0", win, na), 15)...),
			want{16, "0", 16, 0, 1, 313, 0, "320", "0", "4.69", "0", "0", LevelUrgent}},
		{"decided older cases do not count", asOf,
			[]Case{kase(old, "0", lose, na), kase(recent, "0", win, na)},
			want{1, "0", 1, 0, 0, 0, 0, "20", "0", "0", "0", "80", LevelOK}},

		// Unexecuted deduction: any age.
		{"old unexecuted case counts", asOf,
			[]Case{kase(old, "50000", lose, unexec)},
			want{0, "0", 0, 0, 0, 0, 1, "0", "0", "0", "25", "75", LevelOK}},
		{"partially executed counts, executed and not applicable do not", asOf,
			[]Case{kase(old, "0", lose, partExec), kase(old, "0", lose, executed), kase(old, "0", lose, na)},
			want{0, "0", 0, 0, 0, 0, 1, "0", "0", "0", "25", "75", LevelOK}},
		{"recent unexecuted case counts in every deduction", asOf,
			[]Case{kase(recent, "2000", lose, unexec)},
			want{1, "2000", 1, 1, 0, 10000, 1, "20", "1", "150", "25", "0", LevelUrgent}},

		// Clamp at 0.
		{"exactly 100 deducted scores 0", asOf,
			repeat(kase(recent, "0", pending, na), 5),
			want{5, "0", 0, 0, 0, 0, 0, "100", "0", "0", "0", "0", LevelUrgent}},
		{"more than 100 deducted scores 0, not negative", asOf,
			append(repeat(kase(recent, "0", pending, na), 6), repeat(kase(old, "0", lose, unexec), 3)...),
			want{6, "0", 0, 0, 0, 0, 3, "120", "0", "0", "75", "0", LevelUrgent}},
		{"0.001 above zero rounds to 0.00", asOf,
			append([]Case{kase(recent, "9998", win, na)}, repeat(kase(old, "0", pending, unexec), 3)...),
			want{1, "9998", 1, 0, 0, 0, 3, "20", "5.00", "0", "75", "0.00", LevelUrgent}},
		{"0.005 above zero rounds up to 0.01", asOf,
			append([]Case{kase(recent, "9990", win, na)}, repeat(kase(old, "0", pending, unexec), 3)...),
			want{1, "9990", 1, 0, 0, 0, 3, "20", "5.00", "0", "75", "0.01", LevelUrgent}},

		// Removed cases.
		{"removed cases are ignored", asOf,
			[]Case{{FilingDate: d(recent), ClaimAmount: yuan("90000"), Result: lose, ExecutionStatus: unexec, Removed: true}},
			want{0, "0", 0, 0, 0, 0, 0, "0", "0", "0", "0", "100", LevelOK}},
		{"negative amounts count as zero", asOf,
			[]Case{{FilingDate: d(recent), ClaimAmount: -yuan("90000")}, kase(recent, "10000", pending, na)},
			want{2, "10000", 0, 0, 0, 0, 0, "40", "5", "0", "0", "55", LevelWarning}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Score(tt.cases, d(tt.asOf), DefaultThresholds())
			checkResult(t, got, tt.want)
			if got.AsOf != d(tt.asOf) || got.Thresholds != DefaultThresholds() {
				t.Errorf("AsOf %s, Thresholds %+v", got.AsOf, got.Thresholds)
			}
		})
	}
}

func repeat(c Case, n int) []Case {
	out := make([]Case, n)
	for i := range out {
		out[i] = c
	}
	return out
}

func TestLeapWindowArithmetic(t *testing.T) {
	// Guards the leap-year rows above: each pair is exactly 365 days apart.
	for _, p := range [][2]string{{"2023-03-02", "2024-03-01"}, {"2024-02-29", "2025-02-28"}, {"2023-03-01", "2024-02-29"}, {"2025-11-24", "2026-11-24"}} {
		if got := d(p[1]) - d(p[0]); got != WindowDays {
			t.Errorf("%s − %s = %d days, want 365", p[1], p[0], got)
		}
	}
}

func TestScoreSaturatesClaimTotal(t *testing.T) {
	big := Case{FilingDate: d("2026-06-15"), ClaimAmount: money.Fen(math.MaxInt64/2 + 1)}
	got := Score([]Case{big, big, big}, d("2026-11-24"), DefaultThresholds())
	if got.RecentClaimTotal != math.MaxInt64 || got.AmountDeduction != WholePoints(150) || got.Score != 0 {
		t.Errorf("got total %d, amount %s, score %s", got.RecentClaimTotal, got.AmountDeduction, got.Score)
	}
}

func TestScoreLevels(t *testing.T) {
	tests := []struct {
		th    Thresholds
		score Points
		want  Level
	}{
		{DefaultThresholds(), 10000, LevelOK},
		{DefaultThresholds(), 6000, LevelOK},
		{DefaultThresholds(), 5999, LevelWarning},
		{DefaultThresholds(), 4000, LevelWarning},
		{DefaultThresholds(), 3999, LevelUrgent},
		{DefaultThresholds(), 0, LevelUrgent},
		{Thresholds{Warning: 7250, Urgent: 5025}, 7249, LevelWarning},
		{Thresholds{Warning: 7250, Urgent: 5025}, 7250, LevelOK},
		{Thresholds{Warning: 7250, Urgent: 5025}, 5024, LevelUrgent},
		{Thresholds{Warning: 0, Urgent: 0}, 0, LevelOK},
	}
	for _, tt := range tests {
		if got := tt.th.Level(tt.score); got != tt.want {
			t.Errorf("%+v.Level(%s) = %s, want %s", tt.th, tt.score, got, tt.want)
		}
	}
	// Score uses the thresholds it is given.
	c := []Case{kase("2026-06-15", "0", OutcomePending, ExecutionNotApplicable)} // 80.00
	if got := Score(c, d("2026-11-24"), Thresholds{Warning: 8001, Urgent: 8000}); got.Level != LevelWarning {
		t.Errorf("80.00 under 80.01/80.00 is %s, want warning", got.Level)
	}
	if got := Score(c, d("2026-11-24"), Thresholds{Warning: 8001, Urgent: 8001}); got.Level != LevelUrgent {
		t.Errorf("80.00 under 80.01/80.01 is %s, want urgent", got.Level)
	}
}

func TestThresholdsValidate(t *testing.T) {
	tests := []struct {
		th      Thresholds
		wantErr bool
	}{
		{DefaultThresholds(), false},
		{Thresholds{Warning: 10000, Urgent: 0}, false},
		{Thresholds{Warning: 5000, Urgent: 5000}, false},
		{Thresholds{Warning: 4000, Urgent: 6000}, true},
		{Thresholds{Warning: 10001, Urgent: 4000}, true},
		{Thresholds{Warning: 6000, Urgent: -1}, true},
	}
	for _, tt := range tests {
		if err := tt.th.Validate(); (err != nil) != tt.wantErr {
			t.Errorf("%+v.Validate() = %v, wantErr %v", tt.th, err, tt.wantErr)
		}
	}
}

func TestScoreLatestCase(t *testing.T) {
	asOf := d("2026-11-24")
	named := func(filed, title string) Case { return Case{FilingDate: d(filed), Title: title} }
	tests := []struct {
		name  string
		cases []Case
		want  LatestCase
	}{
		{"none", nil, LatestCase{}},
		{"latest recent case", []Case{named("2026-01-01", "a"), named("2026-05-01", "b"), named("2020-01-01", "c")},
			LatestCase{Found: true, Title: "b", FilingDate: d("2026-05-01"), Recent: true}},
		{"no recent case: latest older case", []Case{named("2019-01-01", "a"), named("2021-03-01", "b")},
			LatestCase{Found: true, Title: "b", FilingDate: d("2021-03-01"), Recent: false}},
		{"future-dated cases are not latest", []Case{named("2026-01-01", "a"), named("2026-12-01", "future")},
			LatestCase{Found: true, Title: "a", FilingDate: d("2026-01-01"), Recent: true}},
		{"removed cases are not latest", []Case{named("2026-01-01", "a"), {FilingDate: d("2026-02-01"), Title: "gone", Removed: true}},
			LatestCase{Found: true, Title: "a", FilingDate: d("2026-01-01"), Recent: true}},
		{"same day: greatest title, whatever the order", []Case{named("2026-01-01", "b"), named("2026-01-01", "c"), named("2026-01-01", "a")},
			LatestCase{Found: true, Title: "c", FilingDate: d("2026-01-01"), Recent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Score(tt.cases, asOf, DefaultThresholds()).Latest; got != tt.want {
				t.Errorf("Latest = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSameAs(t *testing.T) {
	cases := []Case{kase("2026-06-15", "23000.50", OutcomeWin, ExecutionExecuted), kase("2019-05-01", "50000", OutcomeLose, ExecutionUnexecuted)}
	base := Score(cases, d("2026-11-24"), DefaultThresholds())
	tests := []struct {
		name  string
		other Result
		want  bool
	}{
		{"identical", base, true},
		{"later as-of, same cases counted", Score(cases, d("2027-01-01"), DefaultThresholds()), true},
		{"other thresholds, same level", Score(cases, d("2026-11-24"), Thresholds{Warning: 6500, Urgent: 3000}), true},
		{"other thresholds, other level", Score(cases, d("2026-11-24"), Thresholds{Warning: 4000, Urgent: 3000}), false},
		{"case aged out", Score(cases, d("2027-06-15"), DefaultThresholds()), false},
		{"other title", Score([]Case{{FilingDate: d("2026-06-15"), ClaimAmount: yuan("23000.50"), Result: OutcomeWin, ExecutionStatus: ExecutionExecuted, Title: "renamed"}, cases[1]}, d("2026-11-24"), DefaultThresholds()), false},
	}
	for _, tt := range tests {
		if got := base.SameAs(tt.other); got != tt.want {
			t.Errorf("%s: SameAs = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestScoreDoesNotAllocate(t *testing.T) {
	cases := []Case{kase("2026-06-15", "23000.50", OutcomePartial, ExecutionExecuted), kase("2019-05-01", "50000", OutcomeLose, ExecutionUnexecuted)}
	asOf := d("2026-11-24")
	if n := testing.AllocsPerRun(100, func() { _ = Score(cases, asOf, DefaultThresholds()) }); n != 0 {
		t.Errorf("Score allocates %v times per call", n)
	}
}
