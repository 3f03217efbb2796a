package sim

import (
	"math"
	"math/rand/v2"
)

// The distress process (package doc, “Distress”, gives the source of every
// number here). Each company alternates between normal and distressed;
// the episodes are a pure function of (seed, credit code), drawn forward in
// time from one random stream, so generating them further (a later date)
// only appends episodes and never changes an earlier one.
const (
	// distressHazard is the yearly hazard of entering distress of a
	// 25-employee company in an industry with multiplier 1; it scales with
	// (employees/25)^distressSizePow and stays in [hazardMin, hazardMax].
	distressHazard   = 0.03
	distressSizePow  = -0.2
	hazardMin        = 0.005
	hazardMax        = 0.12
	episodeMedian    = 180.0 // days
	episodeSigma     = 0.6   // log-normal spread of episode lengths
	episodeMinDays   = 30
	episodeMaxDays   = 730
	relapseFactor    = 2.5  // hazard multiplier in the relapse window
	relapseDays      = 1095 // relapse window after an episode ends
	distressWarmup   = 730  // the process starts this long before historyStart
	distressRateMult = 4.0  // individual cases a year in distress ÷ normal
	// collectivePerCase is the yearly rate of collective disputes while
	// distressed, per case a year of the company's normal rate.
	collectivePerCase = 0.88
	collectiveMin     = 10   // workers: the legal threshold (十人以上)
	collectiveExtra   = 13.0 // mean workers above the threshold (mean 23)
)

// episode is one spell of distress: the company is distressed on the days
// start ≤ d < end.
type episode struct{ start, end day }

// episodeAt returns the index of the episode d falls in, or -1.
func episodeAt(eps []episode, d day) int {
	for k := range eps {
		if d < eps[k].start {
			return -1
		}
		if d < eps[k].end {
			return k
		}
	}
	return -1
}

// distressHazardOf is the company's yearly hazard of entering distress
// outside a relapse window.
func distressHazardOf(tr sectionTraits, employees int) float64 {
	h := distressHazard * tr.hazard * math.Pow(float64(employees)/25, distressSizePow)
	return clamp(h, hazardMin, hazardMax)
}

// meanEpisodeYears is the mean episode length in years (of the unclamped
// log-normal; the clamp moves it by well under 1%).
func meanEpisodeYears() float64 {
	return episodeMedian * math.Exp(episodeSigma*episodeSigma/2) / 365.25
}

// distressShare is the long-run share of time a company with hazard h
// spends distressed: an episode's mean length over that plus the mean
// normal spell that follows one (hazard h×relapseFactor for relapseDays,
// then h).
func distressShare(h float64) float64 {
	hr, w := h*relapseFactor, relapseDays/365.25
	stay := math.Exp(-hr * w)
	normal := (1-stay)/hr + stay/h
	d := meanEpisodeYears()
	return d / (d + normal)
}

// meanCollectiveWorkers is the mean size of a collective dispute at a
// company of the given head count: collectiveMin plus a geometric number
// of mean collectiveExtra, capped at the head count; 0 below the threshold.
func meanCollectiveWorkers(employees int) float64 {
	if employees < collectiveMin {
		return 0
	}
	q := collectiveExtra / (collectiveExtra + 1) // P(one more worker)
	n := float64(employees - collectiveMin)
	return collectiveMin + q*(1-math.Pow(q, n))/(1-q)
}

// collectiveWorkers draws a collective dispute's size.
func collectiveWorkers(r *rand.Rand, employees int) int {
	q := collectiveExtra / (collectiveExtra + 1)
	extra := int(math.Log(1-r.Float64()) / math.Log(q)) // geometric on 0, 1, …
	return min(collectiveMin+extra, employees)
}

// distressEpisodes returns the company's episodes that start on or before
// horizon, in order.
func distressEpisodes(seed int64, p *CompanyProfile, horizon day) []episode {
	t0 := max(dayOf(p.Founded.Time), historyStart-distressWarmup)
	if horizon < t0 || p.DistressHazard <= 0 {
		return nil
	}
	r := newRNG(seed, p.CreditCode, saltDistress, 0)
	h := p.DistressHazard
	var eps []episode
	t, relapseUntil := float64(t0), math.Inf(-1)
	for {
		need := r.ExpFloat64() // unit-rate exposure until the next entry
		if t < relapseUntil {
			if dt := need * 365.25 / (h * relapseFactor); t+dt < relapseUntil {
				t += dt
				need = 0
			} else {
				need -= (relapseUntil - t) * h * relapseFactor / 365.25
				t = relapseUntil
			}
		}
		t += need * 365.25 / h
		if t > float64(horizon) {
			return eps
		}
		length := clamp(math.Round(episodeMedian*math.Exp(episodeSigma*r.NormFloat64())), episodeMinDays, episodeMaxDays)
		e := episode{start: day(t), end: day(t) + day(length)}
		eps = append(eps, e)
		t, relapseUntil = float64(e.end), float64(e.end)+relapseDays
	}
}

// modulatedArrivals calls fn for each arrival up to and including until of a
// Poisson process starting at from whose intensity is normal (a year)
// outside the episodes and distressed inside them, with the episode the
// arrival falls in (-1 outside). It maps one unit-rate stream through the
// cumulative intensity, so the stream does not depend on until: a later
// date only adds arrivals.
func modulatedArrivals(r *rand.Rand, from, until day, eps []episode, normal, distressed float64, fn func(i int, filed day, ep int)) {
	t, k, i := float64(from), 0, 0
	need := r.ExpFloat64()
	for t <= float64(until)+1 {
		for k < len(eps) && float64(eps[k].end) <= t {
			k++
		}
		rate, end, ep := normal, math.Inf(1), -1
		switch {
		case k < len(eps) && float64(eps[k].start) <= t:
			rate, end, ep = distressed, float64(eps[k].end), k
		case k < len(eps):
			end = float64(eps[k].start)
		}
		if rate > 0 {
			if dt := need * 365.25 / rate; t+dt < end {
				t += dt
				if t > float64(until)+1 {
					return
				}
				fn(i, day(t), ep)
				i++
				need = r.ExpFloat64()
				continue
			}
			need -= (end - t) * rate / 365.25
		}
		if math.IsInf(end, 1) {
			return
		}
		t = end
	}
}
