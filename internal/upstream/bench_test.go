package upstream_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
)

// benchCodes returns n generated credit codes.
func benchCodes(n int) []string {
	codes := make([]string, n)
	for i := range codes {
		codes[i] = uscc.Generate(i%34, uint64(i))
	}
	return codes
}

// BenchmarkSignRSA2048 is the machine's pure signing rate: the ceiling of
// an engine-bound signed sync.
func BenchmarkSignRSA2048(b *testing.B) {
	key := testKey()
	body := []byte(`{"creditCode":"91110105MA01ABCD3X","pageNum":1,"pageSize":50}`)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			d := sha256.Sum256(body)
			if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:]); err != nil {
				b.Error(err)
			}
		}
	})
}

// benchmarkFetch fetches companies from a simulator without latency or
// quota: the client and simulator share the machine's cores.
func benchmarkFetch(b *testing.B, proto string) {
	bundle := setup(b, nil)
	c := bundle.client(b, proto, func(cfg *upstream.Config) { cfg.Concurrency = 16; cfg.Registerer = nil })
	codes := benchCodes(1024)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			code := codes[next.Add(1)%int64(len(codes))]
			if _, err := c.Fetch(context.Background(), code); err != nil {
				b.Error(err)
			}
		}
	})
	b.StopTimer()
	st := bundle.sim.Stats()
	b.ReportMetric(float64(st.Requests)/float64(b.N), "requests/fetch")
}

// BenchmarkFetchSigned: engine-bound signed fetches (RSA signing on the
// client, verification on the simulator).
func BenchmarkFetchSigned(b *testing.B) { benchmarkFetch(b, upstream.ProtocolSigned) }

// BenchmarkFetchTianyuan: engine-bound tianyuan fetches (AES both ways).
func BenchmarkFetchTianyuan(b *testing.B) { benchmarkFetch(b, upstream.ProtocolTianyuan) }

// BenchmarkQuotaSaturation measures how close the client gets to a vendor
// quota of 200 QPS at 50 ms latency (±10 ms): the real-world bound of a
// sync. It reports the achieved rate of successful requests and its ratio
// to the quota; run it with a fixed count, e.g. -benchtime 2000x.
// "no_client_limit" leaves the quota to the vendor's busy answers, AIMD
// and the retry budget; "seed5" is the seed's design for contrast: 5
// blocking workers, no rate limit, which cannot pass 5 / latency = 100
// requests/s.
func BenchmarkQuotaSaturation(b *testing.B) {
	const quota = 200.0
	for _, tt := range []struct {
		name        string
		qps         float64
		concurrency int
	}{
		{"client_qps200_conc32", quota, 32},
		{"no_client_limit_conc32", 0, 32},
		{"seed5", 0, 5},
	} {
		b.Run(tt.name, func(b *testing.B) {
			bundle := setup(b, func(c *sim.Config) {
				c.QPS, c.Latency, c.Jitter = quota, 50*time.Millisecond, 10*time.Millisecond
			})
			c := bundle.client(b, upstream.ProtocolSigned, func(cfg *upstream.Config) {
				cfg.QPS, cfg.Concurrency, cfg.Registerer = tt.qps, tt.concurrency, nil
				cfg.BackoffBase, cfg.BackoffCap = 50*time.Millisecond, time.Second
			})
			codes := benchCodes(b.N)
			var next atomic.Int64
			var failed atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for range 64 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(len(codes)) {
							return
						}
						if _, err := c.Fetch(context.Background(), codes[i]); err != nil {
							failed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			st := bundle.sim.Stats()
			rate := float64(st.ByOutcome["ok"]) / elapsed.Seconds()
			b.ReportMetric(rate, "ok_req/s")
			b.ReportMetric(rate/quota, "quota_ratio")
			b.ReportMetric(float64(st.ByOutcome["quota"]), "over_quota")
			b.ReportMetric(float64(failed.Load()), "failed_fetches")
		})
	}
}
