package scoring

import (
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/arbsync/arbsync/internal/money"
)

const benchCompanies = 1_000_000

// benchPortfolio returns benchCompanies companies with 0–10 cases each
// (5 on average) as one flat slice and the offsets of each company's cases.
func benchPortfolio(asOf Date) ([]Case, []int32) {
	rng := rand.New(rand.NewPCG(7, 8))
	titles := []string{"劳动合同纠纷", "追索劳动报酬纠纷", "社会保险纠纷", "经济补偿金纠纷", "工伤保险待遇纠纷"}
	cases := make([]Case, 0, 5*benchCompanies+benchCompanies/10)
	offsets := make([]int32, 1, benchCompanies+1)
	for range benchCompanies {
		for range rng.IntN(11) {
			cases = append(cases, Case{
				FilingDate:      asOf - Date(rng.IntN(3*365)),
				ClaimAmount:     money.Fen(rng.Int64N(8_000_000)),
				Result:          Outcome(rng.IntN(6)),
				ExecutionStatus: ExecutionStatus(rng.IntN(4)),
				Title:           titles[rng.IntN(len(titles))],
				Role:            Role(rng.IntN(4)),
			})
		}
		offsets = append(offsets, int32(len(cases)))
	}
	return cases, offsets
}

// BenchmarkScore1M scores 1,000,000 companies (≈5 cases each) per
// iteration under each rule and reports the cost per company.
func BenchmarkScore1M(b *testing.B) {
	for _, rule := range Rules {
		b.Run("rule="+rule.String(), func(b *testing.B) { benchmarkScore(b, rule) })
	}
}

func benchmarkScore(b *testing.B, rule Rule) {
	asOf := d("2026-11-24")
	cases, offsets := benchPortfolio(asOf)
	th := DefaultThresholds()
	b.ReportAllocs()
	var sink Points
	for b.Loop() {
		for i := range benchCompanies {
			sink += rule.Score(cases[offsets[i]:offsets[i+1]], asOf, th).Score
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchCompanies, "ns/company")
	b.ReportMetric(float64(len(cases))/benchCompanies, "cases/company")
	b.ReportMetric(float64(unsafe.Sizeof(Case{})), "bytes/case")
	_ = sink
}

// BenchmarkNextChange1M runs NextChange for 1,000,000 companies per
// iteration (the daily rescore's skip test).
func BenchmarkNextChange1M(b *testing.B) {
	asOf := d("2026-11-24")
	cases, offsets := benchPortfolio(asOf)
	b.ReportAllocs()
	var sink Date
	for b.Loop() {
		for i := range benchCompanies {
			next, _ := NextChange(cases[offsets[i]:offsets[i+1]], asOf)
			sink += next
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchCompanies, "ns/company")
	_ = sink
}
