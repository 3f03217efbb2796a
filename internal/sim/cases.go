package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/upstream"
)

// cause is an arbitration cause (案由) with its share of cases and its
// typical claim relative to the median.
type cause struct {
	name   string
	weight float64
	amount float64
}

// Causes by who files. Read-only.
var (
	// workerCauses are what workers file against employers.
	workerCauses = [...]cause{
		{"劳动合同纠纷", 30, 1.1},
		{"追索劳动报酬纠纷", 24, 0.7},
		{"经济补偿金纠纷", 10, 1.3},
		{"确认劳动关系纠纷", 9, 0.8},
		{"社会保险纠纷", 8, 0.9},
		{"工伤保险待遇纠纷", 6, 2.2},
		{"劳务派遣合同纠纷", 4, 0.9},
		{"福利待遇纠纷", 3, 0.6},
		{"竞业限制纠纷", 1, 2.0},
	}
	// personnelCauses are disputes of public institutions' staff.
	personnelCauses = [...]cause{
		{"人事争议", 40, 1.0},
		{"聘用合同争议", 45, 1.0},
		{"辞退争议", 15, 1.2},
	}
	// employerCauses are what employers file against (former) workers.
	employerCauses = [...]cause{
		{"劳动合同纠纷", 60, 1.0},
		{"竞业限制纠纷", 40, 2.5},
	}
)

// regime is how one case goes, as probabilities, in one state of the
// company (package doc, “Distress”, gives their sources). Read-only.
type regime struct {
	respondent, applicant float64 // the company's role; the rest: third party
	withdrawn, settled    float64 // of all cases
	win, lose             float64 // of adjudicated cases, at compliance 0
	causes                []cause // what workers file
}

var (
	// normalTimes is a company that is not distressed. Its shares are set
	// so that the whole mix, distress included, lands on the shapes of
	// ARCHITECTURE.md “The vendor”.
	normalTimes = regime{
		respondent: 0.91, applicant: 0.045,
		withdrawn: 0.08, settled: 0.56,
		win: 0.22, lose: 0.20,
		causes: workerCauses[:],
	}
	// distressed is a company in a distress episode: wage arrears, layoffs.
	distressed = regime{
		respondent: 0.97, applicant: 0.01,
		withdrawn: 0.04, settled: 0.45,
		win: 0.06, lose: 0.40,
		causes: distressCauses[:],
	}
	// distressCauses are what workers file against a distressed employer:
	// mostly unpaid wages, then severance.
	distressCauses = [...]cause{
		{"追索劳动报酬纠纷", 50, 0.7},
		{"劳动合同纠纷", 16, 1.1},
		{"经济补偿金纠纷", 14, 1.3},
		{"社会保险纠纷", 8, 0.9},
		{"确认劳动关系纠纷", 6, 0.8},
		{"工伤保险待遇纠纷", 3, 2.2},
		{"劳务派遣合同纠纷", 2, 0.9},
		{"福利待遇纠纷", 1, 0.6},
	}
	// collectiveCauses are the common claim of a collective dispute.
	collectiveCauses = [...]cause{
		{"追索劳动报酬纠纷", 80, 0.7},
		{"经济补偿金纠纷", 20, 1.3},
	}
)

const (
	medianClaimYuan = 22500.0
	claimSigma      = 1.05 // log-normal spread of claims
	collectiveSigma = 0.35 // spread of one collective dispute's claims around its median
	shareRemoved    = 0.015
	maxCloseDays    = 400 // a case closes at most this long after filing
)

// plannedCase is a case's whole life, fixed at filing; what the vendor
// shows on a date is a view of it (see view).
type plannedCase struct {
	id          string
	caseNo      string
	cause       string
	personnel   bool
	role        upstream.Role
	applicants  []string
	respondents []string
	thirdParty  string
	title       string
	place       int
	claim       money.Fen
	filed       day
	closes      day
	outcome     upstream.Result
	award       money.Fen
	enforceNo   string
	enforced    day // enforcement filed; 0 = never
	settledExec day // enforcement finished; 0 = never
	finalExec   upstream.ExecutionStatus
	finalOpen   money.Fen
	removed     day // vendor removed the case; 0 = never
	tod         [4]int
	episode     int // the distress episode it was filed in; -1 = none
	collective  int // the collective dispute it belongs to; -1 = none
	workers     int // that dispute's size
}

// arrivals calls fn for each arrival up to and including until, in order,
// of a Poisson process of constant intensity rate a year from
// max(historyStart, founding). The arrival stream does not depend on
// until, so a later date only adds arrivals.
func arrivals(seed int64, p *CompanyProfile, salt uint64, rate float64, until day, fn func(i int, filed day)) {
	start := max(historyStart, dayOf(p.Founded.Time))
	if rate <= 0 || until < start {
		return
	}
	r := newRNG(seed, p.CreditCode, salt, 0)
	t := float64(start)
	for i := 0; ; i++ {
		t += r.ExpFloat64() * 365.25 / rate
		if t > float64(until)+1 {
			return
		}
		fn(i, day(t))
	}
}

// planCase draws individual case i's life. It depends on (seed, code, i,
// filed) and the company's episodes only.
func planCase(seed int64, p *CompanyProfile, i int, filed day, ep int, eps []episode) plannedCase {
	r := newRNG(seed, p.CreditCode, saltCase, uint64(i))
	tr := traits(p.Section[0])
	c := plannedCase{filed: filed, episode: ep, collective: -1}
	c.id = caseID(r)
	rg := &normalTimes
	if ep >= 0 {
		rg = &distressed
	}

	var cs cause
	switch x := r.Float64(); {
	case x < rg.respondent:
		c.role = upstream.RoleRespondent
	case x < rg.respondent+rg.applicant:
		c.role = upstream.RoleApplicant
	default:
		c.role = upstream.RoleThirdParty
	}
	switch {
	case c.role == upstream.RoleApplicant:
		cs = pickCause(employerCauses[:], r)
	case r.Float64() < tr.personnel:
		cs = pickCause(personnelCauses[:], r)
		c.personnel = true
	default:
		cs = pickCause(rg.causes, r)
	}
	c.cause = cs.name

	c.place = hearingPlace(p.home, r)
	pl := &places[c.place]
	c.caseNo = pl.caseNumber(filed.time().Year(), firstNumber(filed, c.place, r))

	workers := 1
	if r.Float64() < 0.06 {
		workers = 2 + r.IntN(3)
	}
	names := make([]string, workers)
	for k := range names {
		names[k] = workerName(r)
	}
	switch c.role {
	case upstream.RoleRespondent:
		c.applicants, c.respondents = names, []string{p.Name}
	case upstream.RoleApplicant:
		c.applicants, c.respondents = []string{p.Name}, names[:1]
	default:
		c.applicants, c.respondents = names, []string{agencyName(places[p.home].city, r)}
		c.thirdParty = p.Name
	}
	c.title = title(c.applicants, c.respondents, c.personnel)

	// Claims: log-normal, right-skewed, in fen.
	yuan := medianClaimYuan * tr.wage * cs.amount * math.Exp(claimSigma*r.NormFloat64())
	if len(c.applicants) > 1 {
		yuan *= float64(len(c.applicants))
	}
	c.claim = claimFen(yuan)

	if f := c.decide(r, p, rg); f > 0 {
		c.award = fraction(c.claim, f)
		if c.role == upstream.RoleRespondent {
			c.enforce(r, p, pl, ep >= 0 || episodeAt(eps, c.closes) >= 0)
			c.finalOpen = c.open(r, c.award)
		}
	}
	if r.Float64() < shareRemoved {
		c.removed = filed + 20 + day(r.IntN(700))
	}
	for k := range c.tod {
		c.tod[k] = 8*3600 + r.IntN(12*3600)
	}
	return c
}

// planCollective draws collective dispute j: several workers filing on
// one day at the company's home committee with one common claim, each
// worker a case of their own (consecutive case numbers), heard together
// (one outcome, one closing day) and enforced together.
func planCollective(seed int64, p *CompanyProfile, j int, filed day, ep int) []plannedCase {
	r := newRNG(seed, p.CreditCode, saltCollective, uint64(j)+1)
	tr := traits(p.Section[0])
	n := collectiveWorkers(r, p.Employees)
	cs := pickCause(collectiveCauses[:], r)
	pl := &places[p.home]
	first := firstNumber(filed, p.home, r)
	median := medianClaimYuan * tr.wage * cs.amount * math.Exp(claimSigma*r.NormFloat64())

	// What happens to all of them: decided on a template case.
	var tpl plannedCase
	tpl.filed = filed
	f := tpl.decide(r, p, &distressed)
	if f > 0 {
		tpl.enforce(r, p, pl, true)
	}

	out := make([]plannedCase, n)
	for k := range out {
		c := tpl
		c.id = caseID(r)
		c.cause, c.role, c.place = cs.name, upstream.RoleRespondent, p.home
		c.episode, c.collective, c.workers = ep, j, n
		c.caseNo = pl.caseNumber(filed.time().Year(), first+k)
		c.applicants, c.respondents = []string{workerName(r)}, []string{p.Name}
		c.title = title(c.applicants, c.respondents, false)
		c.claim = claimFen(median * math.Exp(collectiveSigma*r.NormFloat64()))
		if f > 0 {
			c.award = fraction(c.claim, f)
			c.finalOpen = c.open(r, c.award)
		}
		if c.enforced != 0 {
			c.enforceNo = enforcementNo(c.enforced, pl, r) // each worker's own
		}
		if r.Float64() < shareRemoved {
			c.removed = filed + 20 + day(r.IntN(700))
		}
		for t := range c.tod {
			c.tod[t] = 8*3600 + r.IntN(12*3600)
		}
		out[k] = c
	}
	return out
}

// decide draws how case c ends and when, under regime rg. It returns the
// award as a fraction of the claim: 0 when the company owes nothing.
func (c *plannedCase) decide(r *rand.Rand, p *CompanyProfile, rg *regime) float64 {
	pWin := clamp(rg.win-0.03*p.Compliance, 0.02, 0.3)
	pLose := clamp(rg.lose+0.05*p.Compliance, 0.1, 0.6)
	var days, f float64
	switch x := r.Float64(); {
	case x < rg.withdrawn:
		c.outcome, days = upstream.ResultWithdrawn, 5+20*r.ExpFloat64()
	case x < rg.withdrawn+rg.settled:
		c.outcome, days, f = upstream.ResultSettled, 7+30*r.ExpFloat64(), between(r, 0.25, 0.8)
	default:
		days = 35 + 60*r.ExpFloat64()
		switch y := r.Float64(); {
		case y < pWin:
			c.outcome = upstream.ResultWin
		case y < pWin+pLose:
			c.outcome, f = upstream.ResultLose, between(r, 0.75, 1)
		default:
			c.outcome, f = upstream.ResultPartial, between(r, 0.15, 0.7)
		}
	}
	c.closes = c.filed + day(min(days, maxCloseDays))
	return f
}

// enforce draws whether an award is enforced and how that ends. A company
// that is distressed when the case arose or when the award falls due
// mostly does not pay; otherwise its NonPayment trait decides.
func (c *plannedCase) enforce(r *rand.Rand, p *CompanyProfile, pl *place, unpaid bool) {
	pEnforce, pExec := 0.08+0.35*p.NonPayment, 0.65-0.4*p.NonPayment
	if unpaid {
		pEnforce, pExec = 0.7, 0.2
	}
	if r.Float64() >= pEnforce {
		return
	}
	c.enforced = c.closes + 20 + day(40*r.ExpFloat64())
	c.enforceNo = enforcementNo(c.enforced, pl, r)
	switch z := r.Float64(); {
	case z < pExec:
		c.settledExec, c.finalExec = c.enforced+30+day(90*r.ExpFloat64()), upstream.ExecExecuted
	case z < pExec+0.2:
		c.settledExec, c.finalExec = c.enforced+30+day(90*r.ExpFloat64()), upstream.ExecPartiallyExecuted
	default:
		c.finalExec = upstream.ExecUnexecuted // 终本: never paid
	}
}

// enforcementNo is the number of an enforcement case filed on d at the
// court beside pl, e.g. （2025）京0105执1234号.
func enforcementNo(d day, pl *place, r *rand.Rand) string {
	return "（" + strconv.Itoa(d.time().Year()) + "）" + pl.courtCode + "执" + strconv.Itoa(1+r.IntN(30000)) + "号"
}

// open is what stays unpaid of award once enforcement ends.
func (c *plannedCase) open(r *rand.Rand, award money.Fen) money.Fen {
	switch c.finalExec {
	case upstream.ExecPartiallyExecuted:
		return min(max(fraction(award, between(r, 0.2, 0.8)), 1), award-1)
	case upstream.ExecUnexecuted:
		return award
	}
	return 0
}

func caseID(r *rand.Rand) string {
	return strconv.FormatUint(r.Uint64()|1<<63, 16) + strconv.FormatUint(r.Uint64()|1<<63, 16)
}

// firstNumber is a case's sequence number at a committee for its filing
// day: busier committees number faster.
func firstNumber(filed day, place int, r *rand.Rand) int {
	perDay := 3 + place%7
	return (filed.time().YearDay()-1)*perDay + 1 + r.IntN(perDay)
}

func title(applicants, respondents []string, personnel bool) string {
	family := "劳动争议"
	if personnel {
		family = "人事争议"
	}
	return strings.Join(applicants, "、") + "与" + strings.Join(respondents, "、") + family
}

func claimFen(yuan float64) money.Fen {
	return money.Fen(min(max(math.Round(yuan*100), 30_000), 5e9))
}

func pickCause(cs []cause, r *rand.Rand) cause {
	total := 0.0
	for _, c := range cs {
		total += c.weight
	}
	x := r.Float64() * total
	for _, c := range cs {
		if x < c.weight {
			return c
		}
		x -= c.weight
	}
	return cs[len(cs)-1]
}

// fraction returns f×x rounded to the fen, at least 1 fen.
func fraction(f money.Fen, x float64) money.Fen {
	return max(1, money.Fen(math.Round(float64(f)*x)))
}

func clamp(x, lo, hi float64) float64 { return min(max(x, lo), hi) }

// caseView is what the vendor shows of a planned case on one day.
type caseView struct {
	plan *plannedCase
	c    upstream.Case
}

// view materializes c as of day d; ok is false when the case is not (or
// no longer) visible. Every field change coincides with an event day, and
// UpdatedAt is the last event's time, so UpdatedAt changes exactly when
// the content does.
func (c *plannedCase) view(d day) (upstream.Case, bool) {
	if c.filed > d || (c.removed != 0 && c.removed <= d) {
		return upstream.Case{}, false
	}
	out := upstream.Case{
		CaseID: c.id, CaseNo: c.caseNo, Title: c.title, Cause: c.cause, Role: c.role,
		ClaimAmount: c.claim, Result: upstream.ResultPending, FilingDate: c.filed.date(),
		ExecutionStatus: upstream.ExecNotApplicable, Committee: places[c.place].committee,
		UpdatedAt: c.filed.at(c.tod[0]),
	}
	if c.closes <= d {
		closed := c.closes.date()
		out.Result, out.AwardAmount, out.ClosingDate = c.outcome, c.award, &closed
		out.UpdatedAt = c.closes.at(c.tod[1])
	}
	if c.enforced != 0 && c.enforced <= d {
		out.ExecutionStatus, out.UnexecutedAmount = upstream.ExecUnexecuted, c.award
		out.UpdatedAt = c.enforced.at(c.tod[2])
		if c.settledExec != 0 && c.settledExec <= d {
			out.ExecutionStatus, out.UnexecutedAmount = c.finalExec, c.finalOpen
			out.UpdatedAt = c.settledExec.at(c.tod[3])
		}
	}
	return out, true
}

// companyCases returns the visible cases of a company on day d, newest
// filing first (ties by case id): the vendor's page order. Individual
// cases arrive at NormalRate outside distress episodes and DistressRate
// inside them; collective disputes arrive at CollectiveRate inside them.
func companyCases(seed int64, p *CompanyProfile, d day) []caseView {
	views, _ := companyHistory(seed, p, d)
	return views
}

// companyHistory is companyCases and the episodes the cases were drawn
// with (those starting up to the latest closing day a visible case can
// have, so that a later date never changes a case already planned).
func companyHistory(seed int64, p *CompanyProfile, d day) ([]caseView, []episode) {
	start := max(historyStart, dayOf(p.Founded.Time))
	if d < start {
		return nil, nil
	}
	eps := distressEpisodes(seed, p, d+maxCloseDays+1)
	var out []caseView
	keep := func(pc *plannedCase) {
		if c, ok := pc.view(d); ok {
			out = append(out, caseView{plan: pc, c: c})
		}
	}
	r := newRNG(seed, p.CreditCode, saltArrivals, 0)
	modulatedArrivals(r, start, d, eps, p.NormalRate, p.DistressRate, func(i int, filed day, ep int) {
		pc := planCase(seed, p, i, filed, ep, eps)
		keep(&pc)
	})
	if p.CollectiveRate > 0 && len(eps) > 0 {
		r := newRNG(seed, p.CreditCode, saltCollective, 0)
		modulatedArrivals(r, start, d, eps, 0, p.CollectiveRate, func(j int, filed day, ep int) {
			group := planCollective(seed, p, j, filed, ep)
			for k := range group {
				keep(&group[k])
			}
		})
	}
	slices.SortFunc(out, func(a, b caseView) int {
		if n := int(b.plan.filed - a.plan.filed); n != 0 {
			return n
		}
		return strings.Compare(a.c.CaseID, b.c.CaseID)
	})
	return out, eps
}

// TruthAt is the simulated vendor's complete answer for a company on a
// date, as the client should return it (Raw empty): a pure function of
// (seed, code, date). It does not apply a server's UnknownShare.
func TruthAt(seed int64, code string, date time.Time) upstream.Company {
	p := Profile(seed, code)
	views := companyCases(seed, &p, dayOf(date))
	return company(&p, views)
}

func company(p *CompanyProfile, views []caseView) upstream.Company {
	company := upstream.Company{CreditCode: p.CreditCode, CompanyName: p.Name, Cases: make([]upstream.Case, len(views))}
	for i := range views {
		company.Cases[i] = views[i].c
	}
	return company
}

// History is everything the simulator knows about a company on a date:
// what the vendor shows (Company, as TruthAt) and the latent distress
// episodes that shaped it.
type History struct {
	Company upstream.Company `json:"company"`
	// Episodes are the distress episodes that started on or before the
	// date, oldest first (those before 2018 shaped the risk but left no
	// cases the vendor has).
	Episodes []DistressEpisode `json:"episodes"`
}

// DistressEpisode is one spell of distress as of a date.
type DistressEpisode struct {
	Start upstream.Date `json:"start"` // first day distressed
	// End is the first day back to normal; nil while the episode is still
	// running on the date.
	End *upstream.Date `json:"end,omitempty"`
	// CaseIDs are the visible cases filed during the episode, collective
	// ones included, in the vendor's order.
	CaseIDs []string `json:"caseIds"`
	// Collective are the collective disputes filed during the episode.
	Collective []CollectiveDispute `json:"collective"`
}

// CollectiveDispute is ten or more workers filing together against the
// company: one case per worker, filed the same day at one committee.
type CollectiveDispute struct {
	Filed     upstream.Date `json:"filed"`
	Committee string        `json:"committee"`
	Workers   int           `json:"workers"` // who filed, one case each
	// CaseIDs are the dispute's visible cases (the vendor may have removed
	// some).
	CaseIDs []string `json:"caseIds"`
}

// HistoryAt returns the company's History on date: a pure function of
// (seed, code, date), like TruthAt.
func HistoryAt(seed int64, code string, date time.Time) History {
	p := Profile(seed, code)
	d := dayOf(date)
	views, eps := companyHistory(seed, &p, d)
	h := History{Company: company(&p, views), Episodes: []DistressEpisode{}}
	for _, e := range eps {
		if e.start > d {
			break
		}
		de := DistressEpisode{Start: e.start.date(), CaseIDs: []string{}, Collective: []CollectiveDispute{}}
		if e.end <= d {
			end := e.end.date()
			de.End = &end
		}
		h.Episodes = append(h.Episodes, de)
	}
	groups := map[[2]int]int{} // (episode, dispute) → index in its episode's Collective
	for i := range views {
		pc := views[i].plan
		if pc.episode < 0 {
			continue
		}
		de := &h.Episodes[pc.episode]
		de.CaseIDs = append(de.CaseIDs, pc.id)
		if pc.collective < 0 {
			continue
		}
		key := [2]int{pc.episode, pc.collective}
		g, ok := groups[key]
		if !ok {
			g = len(de.Collective)
			groups[key] = g
			de.Collective = append(de.Collective, CollectiveDispute{
				Filed: pc.filed.date(), Committee: places[pc.place].committee, Workers: pc.workers, CaseIDs: []string{},
			})
		}
		de.Collective[g].CaseIDs = append(de.Collective[g].CaseIDs, pc.id)
	}
	return h
}
