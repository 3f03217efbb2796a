package sim

import (
	"math"
	"time"

	"github.com/arbsync/arbsync/internal/upstream"
)

// division is one GB/T 4754-2017 division and its share of companies.
type division struct {
	code    string // "01".."97"
	section byte   // 'A'..'T'
	name    string
	weight  float64
}

// CompanyProfile is the latent make-up of a simulated company: what it
// is, how large, and how prone to labor disputes. It is a pure function
// of (seed, credit code); the cases follow from it and the date.
type CompanyProfile struct {
	CreditCode string `json:"creditCode"` // the code it was derived from
	Name       string `json:"name"`       // registered name, e.g. 北京恒达科技有限公司
	// Industry is the GB/T 4754-2017 division code ("01".."97").
	Industry     string `json:"industry"`
	IndustryName string `json:"industryName"` // the division's name
	// Section is the division's section letter ("A".."T").
	Section   string        `json:"section"`
	Employees int           `json:"employees"` // head count
	Founded   upstream.Date `json:"founded"`   // cases start no earlier
	// DisputeRate is the long-run expected number of new arbitration cases
	// a year, distress episodes and collective disputes included.
	DisputeRate float64 `json:"disputeRate"`
	// NormalRate is the intensity of the Poisson arrival of cases a year
	// while the company is not distressed; DistressRate (a multiple of it)
	// while it is. NormalRate is derived from DisputeRate so that the
	// long-run mean stays DisputeRate.
	NormalRate   float64 `json:"normalRate"`
	DistressRate float64 `json:"distressRate"`
	// CollectiveRate is the number of collective disputes (ten or more
	// workers filing together) a year while distressed; 0 under ten
	// employees.
	CollectiveRate float64 `json:"collectiveRate"`
	// DistressHazard is the yearly hazard of entering distress from the
	// normal state (raised for a while after an episode ends).
	DistressHazard float64 `json:"distressHazard"`
	// Compliance is a standard normal latent; higher means a worse
	// employer: it loses more often when a case is adjudicated.
	Compliance float64 `json:"compliance"`
	// NonPayment in [0, 1) is how likely the company, when not distressed,
	// leaves awards unpaid (enforcement filed, partially or never executed).
	NonPayment float64 `json:"nonPayment"`
	// City and Committee locate the company and its home arbitration
	// committee (most of its cases are heard there).
	City      string `json:"city"`
	Committee string `json:"committee"` // home committee's full name
	home      int    // index into places
}

// sectionTraits are the labor-dispute characteristics of one section.
type sectionTraits struct {
	disputes  float64 // expected cases a year per 100 employees
	size      float64 // multiplier of the median head count (25)
	wage      float64 // multiplier of claim amounts
	personnel float64 // share of personnel-dispute (人事争议) causes
	hazard    float64 // multiplier of the hazard of entering distress
}

// traits returns the section's characteristics. Construction, catering,
// retail, logistics, business services (labor dispatch) and manufacturing
// see the most disputes per employee; finance and the public sector the
// fewest (ARCHITECTURE.md “The vendor”).
func traits(section byte) sectionTraits {
	switch section {
	case 'A':
		return sectionTraits{0.6, 1.0, 0.6, 0.01, 1.0}
	case 'B':
		return sectionTraits{1.1, 3.0, 1.0, 0.01, 1.0}
	case 'C':
		return sectionTraits{1.3, 2.2, 0.8, 0, 1.3}
	case 'D':
		return sectionTraits{0.4, 4.0, 1.2, 0.05, 0.4}
	case 'E':
		return sectionTraits{2.2, 1.6, 0.95, 0, 1.6}
	case 'F':
		return sectionTraits{1.4, 0.6, 0.75, 0, 1.0}
	case 'G':
		return sectionTraits{1.7, 1.3, 0.85, 0.01, 1.0}
	case 'H':
		return sectionTraits{2.0, 0.9, 0.6, 0, 1.4}
	case 'I':
		return sectionTraits{0.8, 1.2, 1.6, 0, 0.9}
	case 'J':
		return sectionTraits{0.35, 1.5, 1.9, 0.02, 0.5}
	case 'K':
		return sectionTraits{1.0, 1.0, 1.1, 0, 1.4}
	case 'L':
		return sectionTraits{1.6, 1.0, 0.9, 0.01, 1.4}
	case 'M':
		return sectionTraits{0.7, 0.9, 1.3, 0.05, 0.8}
	case 'N':
		return sectionTraits{0.6, 1.5, 0.8, 0.3, 0.7}
	case 'O':
		return sectionTraits{1.5, 0.6, 0.6, 0, 1.1}
	case 'P':
		return sectionTraits{0.8, 1.5, 1.0, 0.35, 0.8}
	case 'Q':
		return sectionTraits{0.6, 2.5, 1.1, 0.4, 0.6}
	case 'R':
		return sectionTraits{0.8, 0.8, 1.0, 0.2, 1.0}
	case 'S':
		return sectionTraits{0.15, 3.0, 1.0, 0.8, 0.2}
	default: // 'T'
		return sectionTraits{0.1, 1.0, 1.2, 0.5, 0.2}
	}
}

// Profile returns the simulated company behind a credit code for a seed.
// It costs about a microsecond and allocates the strings it returns and its
// two random streams.
func Profile(seed int64, code string) CompanyProfile {
	r := newRNG(seed, code, saltProfile, 0)
	total := 0.0
	for i := range divisions {
		total += divisions[i].weight
	}
	x := r.Float64() * total
	div := &divisions[len(divisions)-1]
	for i := range divisions {
		if x < divisions[i].weight {
			div = &divisions[i]
			break
		}
		x -= divisions[i].weight
	}
	tr := traits(div.section)

	// Head count: log-normal around 25 × the section's multiplier.
	employees := int(math.Round(25 * tr.size * math.Exp(1.35*r.NormFloat64())))
	employees = min(max(employees, 1), 200_000)

	// Founded: most companies are young; exponential age, mean 8 years.
	// Founding dates are anchored to a fixed day, not the simulated date.
	founded := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -int(365*8*r.ExpFloat64()))
	if earliest := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC); founded.Before(earliest) {
		founded = earliest.AddDate(0, 0, r.IntN(3650))
	}

	compliance := r.NormFloat64()
	u := r.Float64()
	nonPayment := u * u * u // most companies pay; a few do not

	// Dispute intensity: per-100-employee rate, sublinear in size, shifted
	// by the employer's compliance, with company-level noise. It is the
	// long-run mean; the normal-state rate is what remains once distress
	// (share pi of the time, distressRateMult times the rate, collective
	// disputes of w workers on average) is accounted for.
	rate := tr.disputes * math.Pow(float64(employees)/100, 0.8) * math.Exp(0.3*compliance+0.5*r.NormFloat64())
	rate = min(rate, 60)
	hazard := distressHazardOf(tr, employees)
	pi := distressShare(hazard)
	collective := 0.0
	if employees >= collectiveMin {
		collective = collectivePerCase
	}
	normal := rate / (1 - pi + pi*distressRateMult + pi*collective*meanCollectiveWorkers(employees))

	home := homePlace(code, r)
	p := CompanyProfile{
		CreditCode:     code,
		Industry:       div.code,
		IndustryName:   div.name,
		Section:        string(div.section),
		Employees:      employees,
		Founded:        upstream.DateOf(founded),
		DisputeRate:    rate,
		NormalRate:     normal,
		DistressRate:   normal * distressRateMult,
		CollectiveRate: normal * collective,
		DistressHazard: hazard,
		Compliance:     compliance,
		NonPayment:     nonPayment,
		City:           places[home].city,
		Committee:      places[home].committee,
		home:           home,
	}
	nr := newRNG(seed, code, saltName, 0)
	p.Name = companyName(places[home].city, div, employees, nr)
	return p
}
