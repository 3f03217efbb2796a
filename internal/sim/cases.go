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

// Shapes of ARCHITECTURE.md “The vendor”, as probabilities of one case.
const (
	shareRespondent = 0.93 // company is the respondent
	shareApplicant  = 0.04 // company files against a worker; the rest: third party
	shareWithdrawn  = 0.08 // of all cases
	shareSettled    = 0.56 // of all cases: mediation/settlement
	medianClaimYuan = 21500.0
	claimSigma      = 1.05 // log-normal spread of claims
	shareRemoved    = 0.015
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
}

// arrivals calls fn for each case the company files up to and including
// until, in filing order: a Poisson process of intensity p.DisputeRate a
// year from max(historyStart, founding). The arrival stream does not
// depend on until, so a later date only adds cases.
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

// planCase draws case i's life. It depends on (seed, code, i, filed) only.
func planCase(seed int64, p *CompanyProfile, i int, filed day) plannedCase {
	r := newRNG(seed, p.CreditCode, saltCase, uint64(i))
	tr := traits(p.Section[0])
	c := plannedCase{filed: filed}
	c.id = strconv.FormatUint(r.Uint64()|1<<63, 16) + strconv.FormatUint(r.Uint64()|1<<63, 16)

	var cs cause
	switch x := r.Float64(); {
	case x < shareRespondent:
		c.role = upstream.RoleRespondent
	case x < shareRespondent+shareApplicant:
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
		cs = pickCause(workerCauses[:], r)
	}
	c.cause = cs.name

	c.place = hearingPlace(p.home, r)
	pl := &places[c.place]
	yday := filed.time().YearDay()
	perDay := 3 + c.place%7 // busier committees number faster
	c.caseNo = pl.caseNumber(filed.time().Year(), (yday-1)*perDay+1+r.IntN(perDay))

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
	family := "劳动争议"
	if c.personnel {
		family = "人事争议"
	}
	c.title = strings.Join(c.applicants, "、") + "与" + strings.Join(c.respondents, "、") + family

	// Claims: log-normal, right-skewed, in fen.
	yuan := medianClaimYuan * tr.wage * cs.amount * math.Exp(claimSigma*r.NormFloat64())
	if len(c.applicants) > 1 {
		yuan *= float64(len(c.applicants))
	}
	c.claim = money.Fen(min(max(math.Round(yuan*100), 30_000), 5e9))

	// Outcome and time to close.
	pWin := clamp(0.16-0.03*p.Compliance, 0.05, 0.3)
	pLose := clamp(0.275+0.05*p.Compliance, 0.1, 0.5)
	var days float64
	switch x := r.Float64(); {
	case x < shareWithdrawn:
		c.outcome, days = upstream.ResultWithdrawn, 5+20*r.ExpFloat64()
	case x < shareWithdrawn+shareSettled:
		c.outcome, days = upstream.ResultSettled, 7+30*r.ExpFloat64()
		c.award = fraction(c.claim, between(r, 0.25, 0.8))
	default:
		days = 35 + 60*r.ExpFloat64()
		switch y := r.Float64(); {
		case y < pWin:
			c.outcome = upstream.ResultWin
		case y < pWin+pLose:
			c.outcome = upstream.ResultLose
			c.award = fraction(c.claim, between(r, 0.75, 1))
		default:
			c.outcome = upstream.ResultPartial
			c.award = fraction(c.claim, between(r, 0.15, 0.7))
		}
	}
	c.closes = filed + day(min(days, 400))

	// Enforcement: only when the company owes the award.
	if c.role == upstream.RoleRespondent && c.award > 0 && r.Float64() < 0.08+0.35*p.Distress {
		c.enforced = c.closes + 20 + day(40*r.ExpFloat64())
		c.enforceNo = "（" + strconv.Itoa(c.enforced.time().Year()) + "）" + pl.courtCode + "执" + strconv.Itoa(1+r.IntN(30000)) + "号"
		pExec := 0.65 - 0.4*p.Distress
		switch z := r.Float64(); {
		case z < pExec:
			c.settledExec, c.finalExec = c.enforced+30+day(90*r.ExpFloat64()), upstream.ExecExecuted
		case z < pExec+0.2:
			c.settledExec, c.finalExec = c.enforced+30+day(90*r.ExpFloat64()), upstream.ExecPartiallyExecuted
			c.finalOpen = min(max(fraction(c.award, between(r, 0.2, 0.8)), 1), c.award-1)
		default:
			c.finalExec, c.finalOpen = upstream.ExecUnexecuted, c.award // 终本: never paid
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
// filing first (ties by case id): the vendor's page order.
func companyCases(seed int64, p *CompanyProfile, d day) []caseView {
	var out []caseView
	arrivals(seed, p, saltArrivals, p.DisputeRate, d, func(i int, filed day) {
		pc := planCase(seed, p, i, filed)
		if c, ok := pc.view(d); ok {
			out = append(out, caseView{plan: &pc, c: c})
		}
	})
	slices.SortFunc(out, func(a, b caseView) int {
		if n := int(b.plan.filed - a.plan.filed); n != 0 {
			return n
		}
		return strings.Compare(a.c.CaseID, b.c.CaseID)
	})
	return out
}

// TruthAt is the simulated vendor's complete answer for a company on a
// date, as the client should return it (Raw empty): a pure function of
// (seed, code, date). It does not apply a server's UnknownShare.
func TruthAt(seed int64, code string, date time.Time) upstream.Company {
	p := Profile(seed, code)
	views := companyCases(seed, &p, dayOf(date))
	company := upstream.Company{CreditCode: code, CompanyName: p.Name, Cases: make([]upstream.Case, len(views))}
	for i := range views {
		company.Cases[i] = views[i].c
	}
	return company
}
