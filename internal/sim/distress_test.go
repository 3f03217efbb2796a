package sim

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/stretchr/testify/require"
)

// distressTally adds up, over many companies, what the distress process
// leaves in the vendor's data.
type distressTally struct {
	companies, everDistressed int
	lengths                   []int // days, of finished episodes since 2018
	// Exposure in years weighted by each company's own normal rate: the
	// cases a company would have filed at its normal rate.
	expectIn, expectOut float64
	casesIn, casesOut   int // individual cases filed in and out of distress
	disputes            int // individual cases plus collective disputes
	collective          int
	collectiveCases     int
	allCases            int
	workers             []int
	// by state: [0] out of distress, [1] in it
	workerFiled, remuneration [2]int
	adjudicated, lose         [2]int
	owed, unexecuted          [2]int
	enforced, enforcedOpen    int
}

func tallyDistress(t *testing.T, seed int64, n int, d time.Time) distressTally {
	t.Helper()
	var tl distressTally
	for i := range n {
		code := uscc.Generate(i%34, uint64(i)+500000)
		p := Profile(seed, code)
		h := HistoryAt(seed, code, d)
		tl.companies++
		// Days in and out of distress since the vendor's history begins.
		from := max(historyStart, dayOf(p.Founded.Time))
		to := dayOf(d)
		if from > to {
			continue
		}
		inDays, ever := 0, false
		for _, e := range h.Episodes {
			s, end := dayOf(e.Start.Time), to+1
			if e.End != nil {
				end = dayOf(e.End.Time)
				if s >= historyStart {
					tl.lengths = append(tl.lengths, int(end-s))
				}
			}
			s, end = max(s, from), min(end, to+1)
			if end > s {
				inDays += int(end - s)
				ever = true
			}
		}
		if ever {
			tl.everDistressed++
		}
		outDays := int(to+1-from) - inDays
		tl.expectIn += float64(inDays) / 365.25 * p.NormalRate
		tl.expectOut += float64(outDays) / 365.25 * p.NormalRate

		inEpisode := map[string]bool{}
		inCollective := map[string]bool{}
		for _, e := range h.Episodes {
			for _, id := range e.CaseIDs {
				inEpisode[id] = true
			}
			for _, c := range e.Collective {
				tl.collective++
				tl.workers = append(tl.workers, c.Workers)
				for _, id := range c.CaseIDs {
					inCollective[id] = true
				}
			}
		}
		for _, c := range h.Company.Cases {
			tl.allCases++
			st := 0
			if inEpisode[c.CaseID] {
				st = 1
			}
			if inCollective[c.CaseID] {
				tl.collectiveCases++
			} else {
				tl.disputes++
				if st == 1 {
					tl.casesIn++
				} else {
					tl.casesOut++
				}
			}
			if c.Role == upstream.RoleRespondent {
				tl.workerFiled[st]++
				if c.Cause == "追索劳动报酬纠纷" {
					tl.remuneration[st]++
				}
			}
			switch c.Result {
			case upstream.ResultWin, upstream.ResultPartial:
				tl.adjudicated[st]++
			case upstream.ResultLose:
				tl.adjudicated[st]++
				tl.lose[st]++
			}
			// Awards the company owes, closed long enough ago for
			// enforcement to have run its course.
			if c.Role == upstream.RoleRespondent && c.AwardAmount > 0 && c.ClosingDate != nil && c.ClosingDate.Before(d.AddDate(0, -9, 0)) {
				tl.owed[st]++
				if c.ExecutionStatus == upstream.ExecUnexecuted {
					tl.unexecuted[st]++
				}
				if c.ExecutionStatus != upstream.ExecNotApplicable {
					tl.enforced++
					if c.ExecutionStatus == upstream.ExecUnexecuted {
						tl.enforcedOpen++
					}
				}
			}
		}
	}
	tl.disputes += tl.collective // each collective dispute counts once
	return tl
}

// TestDistressShapes checks the distress process over 4,000 companies and
// the vendor's history to the test date (almost nine years): how many
// companies go through distress, how long it lasts, and what it does to
// their cases (package doc, “Distress”).
func TestDistressShapes(t *testing.T) {
	tl := tallyDistress(t, 1, 4000, simDate())
	share := func(a, b int) float64 { return float64(a) / float64(b) }
	slices.Sort(tl.lengths)
	slices.Sort(tl.workers)
	meanWorkers := 0.0
	for _, w := range tl.workers {
		meanWorkers += float64(w)
	}
	meanWorkers /= float64(len(tl.workers))
	multiplier := (float64(tl.casesIn) / tl.expectIn) / (float64(tl.casesOut) / tl.expectOut)
	t.Logf("%d companies, %d ever distressed (%.3f); %d finished episodes, length median %d d, p10 %d, p90 %d",
		tl.companies, tl.everDistressed, share(tl.everDistressed, tl.companies), len(tl.lengths),
		tl.lengths[len(tl.lengths)/2], tl.lengths[len(tl.lengths)/10], tl.lengths[len(tl.lengths)*9/10])
	t.Logf("individual cases: %d in distress, %d out; rate multiplier %.2f (normal-state fit %.2f)",
		tl.casesIn, tl.casesOut, multiplier, float64(tl.casesOut)/tl.expectOut)
	t.Logf("%d cases, %d disputes; %d collective (%.4f of disputes), %d collective cases (%.3f of cases), workers mean %.1f median %d max %d",
		tl.allCases, tl.disputes, tl.collective, share(tl.collective, tl.disputes), tl.collectiveCases, share(tl.collectiveCases, tl.allCases),
		meanWorkers, tl.workers[len(tl.workers)/2], tl.workers[len(tl.workers)-1])
	t.Logf("out / in distress: remuneration %.3f / %.3f of worker-filed; lose %.3f / %.3f of adjudicated; unexecuted %.3f / %.3f of owed awards; %.3f of enforcements end unexecuted",
		share(tl.remuneration[0], tl.workerFiled[0]), share(tl.remuneration[1], tl.workerFiled[1]),
		share(tl.lose[0], tl.adjudicated[0]), share(tl.lose[1], tl.adjudicated[1]),
		share(tl.unexecuted[0], tl.owed[0]), share(tl.unexecuted[1], tl.owed[1]), share(tl.enforcedOpen, tl.enforced))

	ever := share(tl.everDistressed, tl.companies)
	require.True(t, ever > 0.1 && ever < 0.35, "a few per cent a year: %.3f of companies distressed at some time in nine years", ever)
	median := tl.lengths[len(tl.lengths)/2]
	require.True(t, median >= 120 && median <= 260, "episodes last months: median %d days", median)
	require.GreaterOrEqual(t, tl.lengths[0], episodeMinDays)
	require.LessOrEqual(t, tl.lengths[len(tl.lengths)-1], episodeMaxDays)

	require.InDelta(t, 1, float64(tl.casesOut)/tl.expectOut, 0.1, "outside distress cases arrive at the normal rate")
	require.InDelta(t, distressRateMult, multiplier, 0.8, "in distress individual cases arrive several times faster")

	require.InDelta(t, 0.013, share(tl.collective, tl.disputes), 0.005, "collective disputes are about 1.3%% of disputes")
	require.True(t, meanWorkers >= 17 && meanWorkers <= 25, "about 23 workers per collective dispute: %.1f", meanWorkers)
	require.GreaterOrEqual(t, tl.workers[0], collectiveMin)
	collectiveShare := share(tl.collectiveCases, tl.allCases)
	require.True(t, collectiveShare > 0.12 && collectiveShare < 0.32, "about a fifth of cases belong to collective disputes: %.3f", collectiveShare)

	remIn, remOut := share(tl.remuneration[1], tl.workerFiled[1]), share(tl.remuneration[0], tl.workerFiled[0])
	require.Greater(t, remIn, 0.5, "unpaid wages dominate in distress")
	require.Greater(t, remIn, 2*remOut)
	loseIn, loseOut := share(tl.lose[1], tl.adjudicated[1]), share(tl.lose[0], tl.adjudicated[0])
	require.Greater(t, loseIn, loseOut+0.1, "a distressed company loses more often")
	unexIn, unexOut := share(tl.unexecuted[1], tl.owed[1]), share(tl.unexecuted[0], tl.owed[0])
	require.Greater(t, unexIn, 0.3, "a distressed company stops paying awards")
	require.Greater(t, unexIn, 3*unexOut)
	enforcedOpen := share(tl.enforcedOpen, tl.enforced)
	require.True(t, enforcedOpen > 0.3 && enforcedOpen < 0.55, "about 40%% of enforcements find nothing to execute: %.3f", enforcedOpen)
}

// TestDistressRelapse: after an episode the company is more likely to enter
// another for a while, but most do not.
func TestDistressRelapse(t *testing.T) {
	var inWindow, outWindow float64 // expected entries at each company's base hazard
	var entriesIn, entriesOut, episodes, relapsed int
	horizon := day(30000) // 2052
	for i := range 20000 {
		code := uscc.Generate(i%34, uint64(i)+700000)
		p := Profile(2, code)
		eps := distressEpisodes(2, &p, horizon)
		t0 := max(dayOf(p.Founded.Time), historyStart-distressWarmup)
		prevEnd := day(math.MinInt32)
		at := t0
		for k, e := range eps {
			// Normal time from at to e.start: the first relapseDays after
			// the previous episode are the relapse window.
			win := max(0, min(e.start, prevEnd+relapseDays)-at)
			inWindow += float64(win) / 365.25 * p.DistressHazard
			outWindow += float64(e.start-at-win) / 365.25 * p.DistressHazard
			if k > 0 && e.start < prevEnd+relapseDays {
				entriesIn++
			} else {
				entriesOut++
			}
			if k > 0 && e.start < prevEnd+relapseDays {
				relapsed++
			}
			episodes++
			prevEnd, at = e.end, e.end
		}
		win := max(0, min(horizon, prevEnd+relapseDays)-at)
		inWindow += float64(win) / 365.25 * p.DistressHazard
		outWindow += float64(horizon-at-win) / 365.25 * p.DistressHazard
	}
	factor := (float64(entriesIn) / inWindow) / (float64(entriesOut) / outWindow)
	t.Logf("%d episodes; %d began within %d days of the previous one; hazard factor in the window %.2f", episodes, relapsed, relapseDays, factor)
	require.InDelta(t, relapseFactor, factor, 0.5, "past distress raises the hazard of another episode")
	require.Less(t, float64(relapsed), 0.4*float64(episodes), "but does not determine it")
}

// TestHistoryIsPure: the episodes and cases are a function of (seed, code,
// date); a later date keeps every earlier episode and every case that arose
// in one.
func TestHistoryIsPure(t *testing.T) {
	found := 0
	for i := range 3000 {
		code := uscc.Generate(i%34, uint64(i)+900000)
		early := HistoryAt(4, code, simDate().AddDate(-2, 0, 0))
		require.Equal(t, early, HistoryAt(4, code, simDate().AddDate(-2, 0, 0)))
		require.Equal(t, early.Company, TruthAt(4, code, simDate().AddDate(-2, 0, 0)))
		if len(early.Episodes) == 0 {
			continue
		}
		found++
		late := HistoryAt(4, code, simDate())
		require.GreaterOrEqual(t, len(late.Episodes), len(early.Episodes))
		visible := map[string]bool{}
		for _, c := range late.Company.Cases {
			visible[c.CaseID] = true
		}
		for k, e := range early.Episodes {
			l := late.Episodes[k]
			require.Equal(t, e.Start, l.Start)
			if e.End != nil {
				require.Equal(t, e.End, l.End)
			}
			ids := map[string]bool{}
			for _, id := range l.CaseIDs {
				ids[id] = true
			}
			for _, id := range e.CaseIDs {
				require.True(t, ids[id] || !visible[id], "case %s arose in distress and still does", id)
			}
		}
	}
	require.Greater(t, found, 100)
	differ := 0
	for i := range 200 {
		code := uscc.Generate(i%34, uint64(i)+900000)
		a, b := HistoryAt(4, code, simDate()), HistoryAt(5, code, simDate())
		if len(a.Episodes) != len(b.Episodes) || len(a.Company.Cases) != len(b.Company.Cases) {
			differ++
		}
	}
	require.Greater(t, differ, 20, "another seed, other companies")
}
