package report_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/report"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// The fixture's weeks: two weeks before, last week and this week
// (2026-W48). Compute runs for each, each from the previous one's finals.
var (
	week0 = scoring.NewDate(2026, time.November, 9)
	week1 = week0.AddDays(7)
	week2 = week0.AddDays(14)
)

// evilName is a company name that tries to inject markup into every format.
// It has a line break too, which must not break a Markdown table row.
const evilName = `<script>alert("x")</script> & | *坏*` + "\n" + `公司`

// names are the GB/T 4754-2017 names of the fixture's industries.
func names() map[string]string {
	return map[string]string{
		"C": "制造业", "13": "农副食品加工业", "18": "纺织服装、服饰业", "39": "计算机、通信和其他电子设备制造业",
		"E": "建筑业", "47": "房屋建筑业", "50": "建筑装饰、装修和其他建筑业",
		"F": "批发和零售业", "51": "批发业", "52": "零售业",
		"I": "信息传输、软件和信息技术服务业", "64": "互联网和相关服务", "65": "软件和信息技术服务业",
		"K": "房地产业",
	}
}

// industry is a synthetic industry: its share of companies and how risky
// its companies are (share with no case at all, mean and spread of the
// others' scores).
type industry struct {
	section, division string
	weight            int
	clean             float64
	mean, sd          float64
}

var industries = []industry{
	{"C", "", 3, 0.55, 62, 18},
	{"C", "13", 5, 0.50, 58, 20},
	{"C", "18", 8, 0.35, 50, 22}, // garments: many disputes
	{"C", "39", 9, 0.55, 64, 18},
	{"E", "47", 9, 0.30, 45, 22}, // construction: wage arrears
	{"E", "50", 7, 0.35, 48, 22},
	{"F", "51", 12, 0.65, 68, 16},
	{"F", "52", 10, 0.60, 64, 18},
	{"I", "64", 6, 0.70, 72, 14},
	{"I", "65", 8, 0.70, 74, 13},
	{"K", "", 1, 0.50, 60, 20}, // small: filed under the section only
}

// company is one synthetic watched company with last week's and this
// week's scores.
type company struct {
	code, name        string
	section, division string
	scores            [3]scoring.Points // week0, week1, week2
}

// population returns n companies, the same for the same seed: scores drift
// a little from week to week and about 4% move a lot.
func population(n int, seed uint64) []company {
	rng := rand.New(rand.NewPCG(seed, 2026))
	total := 0
	for _, ind := range industries {
		total += ind.weight
	}
	draw := func(ind industry) scoring.Points {
		if rng.Float64() < ind.clean {
			return scoring.WholePoints(100)
		}
		v := math.Round((ind.mean + ind.sd*rng.NormFloat64()) * 100)
		return scoring.Points(min(max(v, 0), 10000))
	}
	out := make([]company, n)
	for i := range out {
		pick := rng.IntN(total)
		var ind industry
		for _, ind = range industries {
			if pick < ind.weight {
				break
			}
			pick -= ind.weight
		}
		c := company{
			code: fmt.Sprintf("91%016d", 3100000000000000+i), name: fmt.Sprintf("测试企业%04d有限公司", i),
			section: ind.section, division: ind.division,
		}
		c.scores[0] = draw(ind)
		for w := 1; w < 3; w++ {
			c.scores[w] = c.scores[w-1]
			if rng.Float64() < 0.04 {
				c.scores[w] = draw(ind)
			}
		}
		if i == 7 {
			// Clean until this week, then urgent: newly flagged and among
			// the riskiest, so its name shows in every company table.
			c.name = evilName
			c.scores = [3]scoring.Points{scoring.WholePoints(100), scoring.WholePoints(100), 0}
		}
		out[i] = c
	}
	return out
}

func scoresOf(cs []company, week int) []thresholds.CompanyScore {
	out := make([]thresholds.CompanyScore, len(cs))
	for i, c := range cs {
		out[i] = thresholds.CompanyScore{Section: c.section, Division: c.division, Score: c.scores[week]}
	}
	return out
}

// fixture is a realistic week: 3,000 companies in 5 sections and 9
// divisions, three weeks of thresholds computed by thresholds.Compute, and
// everything the report needs derived from them as the lead's queries
// would.
type fixture struct {
	weekly    report.Weekly
	companies []company
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	cs := population(3000, 48)
	p := thresholds.DefaultParams()
	var weeks [3][]thresholds.Row
	var prev map[thresholds.Key]scoring.Points
	for w, date := range []scoring.Date{week0, week1, week2} {
		rows, err := thresholds.Compute(date, scoresOf(cs, w), prev, p)
		require.NoError(t, err)
		weeks[w], prev = rows, thresholds.Finals(rows)
	}
	lastLookup, err := thresholds.NewInForce(weeks[1], scoring.DefaultThresholds())
	require.NoError(t, err)
	lookup, err := thresholds.NewInForce(weeks[2], scoring.DefaultThresholds())
	require.NoError(t, err)

	r := report.Weekly{
		Week:          week2,
		GeneratedAt:   time.Date(2026, time.November, 23, 3, 0, 12, 0, time.FixedZone("CST", 8*3600)),
		MethodVersion: thresholds.MethodVersion,
		Params:        p,
		Rows:          weeks[2],
		Previous:      weeks[1],
		IndustryNames: names(),
	}

	hist := map[string]*report.Histogram{}
	alerts := map[string]*report.IndustryAlerts{}
	var sections []string
	fixed := scoring.DefaultThresholds()
	for _, c := range cs {
		h := hist[c.section]
		if h == nil {
			h = &report.Histogram{Section: c.section}
			hist[c.section] = h
			alerts[c.section] = &report.IndustryAlerts{Industry: c.section, LastWeek: &report.AlertCounts{}}
			sections = append(sections, c.section)
		}
		h.Add(c.scores[2])

		now, before := lookup.Applicable(c.section, c.division), lastLookup.Applicable(c.section, c.division)
		a := alerts[c.section]
		a.Companies++
		count(&a.Fixed, fixed.Level(c.scores[2]))
		count(&a.Dynamic, now.Level(c.scores[2]))
		count(a.LastWeek, before.Level(c.scores[1]))

		code := c.section
		if c.division != "" {
			code = c.division
		}
		from, to := before.Level(c.scores[1]), now.Level(c.scores[2])
		change := report.LevelChange{
			CreditCode: c.code, Name: c.name, Industry: code, Score: c.scores[2],
			PreviousScore: &c.scores[1], From: from, To: to, Thresholds: now,
		}
		switch {
		case from == scoring.LevelOK && to != scoring.LevelOK:
			r.NewlyFlagged = append(r.NewlyFlagged, change)
		case from != scoring.LevelOK && to == scoring.LevelOK:
			r.Cleared = append(r.Cleared, change)
		}
	}
	slices.Sort(sections)
	for _, s := range sections {
		r.Histograms = append(r.Histograms, *hist[s])
		r.AlertVolume = append(r.AlertVolume, *alerts[s])
	}

	// The riskiest ten, with case counts and claims derived from the score.
	byScore := slices.Clone(cs)
	slices.SortStableFunc(byScore, func(a, b company) int { return int(a.scores[2] - b.scores[2]) })
	for i, c := range byScore[:10] {
		code := c.section
		if c.division != "" {
			code = c.division
		}
		r.Riskiest = append(r.Riskiest, report.Company{
			CreditCode: c.code, Name: c.name, Industry: code, Score: c.scores[2],
			Level:       lookup.Applicable(c.section, c.division).Level(c.scores[2]),
			RecentCases: 5 - i/3, RecentClaims: money.Fen(123456789 + 1000*i),
		})
	}

	r.Backtest = backtestOf(t, cs)

	require.NoError(t, r.Validate())
	return fixture{weekly: r, companies: cs}
}

// backtestOf runs the backtest over the fixture's three weeks: rule 1 is
// the companies' scores, rule 2 a gentler version of them, and a company
// gets a new case the more often the lower it scores.
func backtestOf(t *testing.T, cs []company) *report.Backtest {
	t.Helper()
	weeks := []scoring.Date{week0, week1, week2}
	b, err := thresholds.NewBacktest(weeks, []scoring.Rule{scoring.Rule1, scoring.Rule2}, thresholds.DefaultParams())
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(7, 7))
	for _, c := range cs {
		scores := [][]scoring.Points{make([]scoring.Points, 3), make([]scoring.Points, 3)}
		happened := make([]thresholds.Happened, 3)
		for w := range weeks {
			s := c.scores[w]
			gentle := scoring.WholePoints(100) - (scoring.WholePoints(100)-s)/2 - scoring.Points(rng.IntN(1500))
			scores[0][w], scores[1][w] = s, max(gentle, 0)
			happened[w].Any = rng.Float64() < 0.05+float64(scoring.WholePoints(100)-s)/20000
			happened[w].Serious = happened[w].Any && rng.IntN(3) == 0
		}
		require.NoError(t, b.Add(c.section, c.division, scores, happened))
	}
	results, err := b.Run()
	require.NoError(t, err)
	return &report.Backtest{
		RunID: 3, ComputedAt: time.Date(2026, time.November, 20, 18, 30, 0, 0, time.FixedZone("CST", 8*3600)),
		From: week0, To: week2, Weeks: 3, Horizon: 90, Companies: len(cs), Observations: 3 * len(cs),
		Rules: []scoring.Rule{scoring.Rule1, scoring.Rule2}, Results: results,
		LookAhead: "执行情况取当前值 the execution status is today's",
	}
}

func count(c *report.AlertCounts, l scoring.Level) {
	switch l {
	case scoring.LevelUrgent:
		c.Urgent++
		c.Flagged++
	case scoring.LevelWarning:
		c.Flagged++
	}
}

// emptyWeekly is a week with nothing scored: no rows, no previous week, no
// companies, no backtest.
func emptyWeekly() report.Weekly {
	return report.Weekly{
		Week:          week2,
		GeneratedAt:   time.Date(2026, time.November, 23, 3, 0, 0, 0, time.UTC),
		MethodVersion: thresholds.MethodVersion,
		Params:        thresholds.DefaultParams(),
	}
}

// row returns the row of industry and severity.
func row(t *testing.T, rows []thresholds.Row, industry string, sev thresholds.Severity) thresholds.Row {
	t.Helper()
	for _, r := range rows {
		if r.Industry == industry && r.Severity == sev {
			return r
		}
	}
	t.Fatalf("no %s row for %s", sev, industry)
	return thresholds.Row{}
}

// firstWeek is the fixture's population in a first week: thresholds
// computed without a previous week, no last week's alert volume, no level
// changes, no backtest.
func firstWeek(t *testing.T) report.Weekly {
	t.Helper()
	f := newFixture(t)
	rows, err := thresholds.Compute(week2, scoresOf(f.companies, 2), nil, f.weekly.Params)
	require.NoError(t, err)
	lookup, err := thresholds.NewInForce(rows, scoring.DefaultThresholds())
	require.NoError(t, err)
	r := f.weekly
	r.Rows, r.Previous, r.NewlyFlagged, r.Cleared, r.Backtest = rows, nil, nil, nil, nil
	r.AlertVolume = nil
	for _, h := range r.Histograms {
		a := report.IndustryAlerts{Industry: h.Section}
		for _, c := range f.companies {
			if c.section == h.Section {
				a.Companies++
				count(&a.Fixed, scoring.DefaultThresholds().Level(c.scores[2]))
				count(&a.Dynamic, lookup.Applicable(c.section, c.division).Level(c.scores[2]))
			}
		}
		r.AlertVolume = append(r.AlertVolume, a)
	}
	require.NoError(t, r.Validate())
	return r
}
