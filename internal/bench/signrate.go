package bench

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// signingRate is the machine's pure signing rate: GOMAXPROCS goroutines
// signing signed-protocol request bodies (RSASSA-PKCS1-v1_5, SHA-256, the
// run's 2048-bit key) for Config.SignFor, nothing else of the benchmark
// running. The last measurement is kept in r.signRate.
func (r *runner) signingRate(ctx context.Context) (float64, error) {
	key := *r.key
	key.Precompute()
	codes := makeCompanies(r.cfg.Seed, 64)
	var total atomic.Int64
	var wg sync.WaitGroup
	stop := time.Now().Add(r.cfg.SignFor)
	start := time.Now()
	var firstErr error
	var once sync.Once
	for w := range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; time.Now().Before(stop) && ctx.Err() == nil; i++ {
				body, _ := json.Marshal(struct {
					CreditCode string `json:"creditCode"`
					PageNum    int    `json:"pageNum"`
					PageSize   int    `json:"pageSize"`
				}{codes[i%len(codes)].Code, 1, 50})
				d := sha256.Sum256(body)
				if _, err := rsa.SignPKCS1v15(nil, &key, crypto.SHA256, d[:]); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				total.Add(1)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return 0, firstErr
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	r.signRate = float64(total.Load()) / time.Since(start).Seconds()
	r.logf("pure RSA-2048 signing rate: %.0f signatures/s on %d goroutines", r.signRate, runtime.GOMAXPROCS(0))
	return r.signRate, nil
}
