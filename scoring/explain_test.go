package scoring

import "testing"

func TestExplain(t *testing.T) {
	asOf := d("2026-11-24")
	cases := []Case{
		as(RoleRespondent, kase("2026-06-01", "20000", OutcomeLose, ExecutionNotApplicable)), // recent
		as(RoleRespondent, kase("2019-05-01", "50000", OutcomeLose, ExecutionUnexecuted)),    // old, unexecuted
		as(RoleApplicant, kase("2026-07-01", "9000", OutcomeWin, ExecutionNotApplicable)),    // the company filed it
		as(RoleRespondent, kase("2018-05-01", "50000", OutcomeWin, ExecutionExecuted)),       // old, done
		as(RoleRespondent, kase("2026-12-01", "50000", OutcomeLose, ExecutionUnexecuted)),    // after as-of
		{FilingDate: d("2026-05-01"), Result: OutcomeLose, Removed: true},                    // removed
	}
	notes := Explain(Rule2, cases, asOf)
	want := []struct {
		why    Why
		points string
	}{
		{WhyRecent, "31"}, // 0.4·20 + 0.3·10 + 0.2·100
		{WhyUnexecuted, "2.50"},
		{WhyNotAnswered, "0"},
		{WhyOld, "0"},
		{WhyFuture, "0"},
		{WhyRemoved, "0"},
	}
	res := Rule2.Score(cases, asOf, DefaultThresholds())
	var sum Points
	for i, w := range want {
		n := notes[i]
		if n.Index != i || n.Why != w.why || n.Points != pts(w.points) {
			t.Errorf("case %d: %+v, want %s %s", i, n, w.why, w.points)
		}
		if n.Why.Counts() != (n.Why == WhyRecent || n.Why == WhyUnexecuted) {
			t.Errorf("case %d: Counts() = %v", i, n.Why.Counts())
		}
		sum += n.Points
	}
	if lost := WholePoints(100) - res.Score; sum != lost {
		t.Errorf("notes add up to %s, the score lost %s", sum, lost)
	}
	// Rule 1 counts the applicant case, which then accounts for points.
	if n := Explain(Rule1, cases, asOf)[2]; n.Why != WhyRecent || n.Points <= 0 {
		t.Errorf("rule 1, applicant case: %+v", n)
	}
}

// Rule 1's deductions can exceed 100 (the score stops at 0): the notes are
// scaled to the 100 points lost.
func TestExplainScalesToWhatWasLost(t *testing.T) {
	cases := repeat(kase("2026-06-01", "0", OutcomePending, ExecutionNotApplicable), 6) // 120 points of deductions
	notes := Explain(Rule1, cases, d("2026-11-24"))
	var sum Points
	for _, n := range notes {
		if n.Points != pts("16.67") {
			t.Errorf("note %+v, want 16.67", n)
		}
		sum += n.Points
	}
	if sum != pts("100.02") {
		t.Errorf("sum %s, want 100.02 (six roundings of 16.666…)", sum)
	}
}

func TestTop(t *testing.T) {
	asOf := d("2026-11-24")
	cases := []Case{
		kase("2026-03-01", "10000", OutcomeWin, ExecutionNotApplicable),
		kase("2026-08-01", "90000", OutcomeLose, ExecutionUnexecuted),
		kase("2026-05-01", "10000", OutcomeWin, ExecutionNotApplicable),
		kase("2017-01-01", "0", OutcomeWin, ExecutionExecuted),
	}
	top := Top(Explain(Rule2, cases, asOf), cases, 2)
	if len(top) != 2 || top[0].Index != 1 || top[1].Index != 2 {
		t.Fatalf("top = %+v, want case 1 (the lost, unexecuted one), then case 2 (same points as 0, filed later)", top)
	}
	if all := Top(Explain(Rule2, cases, asOf), cases, 10); len(all) != 3 {
		t.Errorf("Top leaves out cases that account for nothing: %+v", all)
	}
}
