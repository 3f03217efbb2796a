package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/arbsync/arbsync/internal/upstream"
)

// runUpstream syncs UpstreamCompanies through the engine against a
// simulator with a QPS quota and latency, and compares the successful
// request rate the simulator saw with the quota. The baseline, in the same
// run and against the same simulator settings, is the seed's design: 5
// workers each doing one blocking fetch at a time.
func runUpstream(ctx context.Context, r *runner) ([]Figure, error) {
	c := r.cfg
	so := simOptions{QPS: c.UpstreamQPS, Latency: c.UpstreamLatency, Jitter: c.UpstreamJitter}
	res, err := r.syncAll(ctx, "upstream", upstream.ProtocolSigned, c.UpstreamCompanies, so, c.UpstreamQPS)
	if err != nil {
		return nil, err
	}
	rate := float64(res.Requests) / res.Elapsed.Seconds()

	base, err := r.seedBaseline(ctx, so, c.UpstreamBaselineCompanies)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	baseRate := float64(base.requests) / base.elapsed.Seconds()
	ceiling := 5 / c.UpstreamLatency.Seconds()
	r.measured = fmt.Sprintf("engine: %d companies, %d requests in %.1f s; baseline: %d companies, %d requests in %.1f s",
		res.Succeeded, res.Requests, res.Elapsed.Seconds(), base.companies, base.requests, base.elapsed.Seconds())

	quota := fmt.Sprintf("simulator quota, %s ± %s latency", c.UpstreamLatency, c.UpstreamJitter)
	return []Figure{
		newFigure("successful requests/s at the simulator (engine, client QPS = quota)", rate, "req/s",
			c.UpstreamQPS, "req/s", quota, AtLeast(0.95),
			fmt.Sprintf("%d requests answered ok, %d rejected (quota or other) in %.1f s for %d companies; %s",
				res.Requests, res.Rejected, res.Elapsed.Seconds(), res.Succeeded, res.CPU)),
		newFigure("speed-up over the seed design", rate, "req/s",
			baseRate, "req/s", "seed design: 5 workers, 1 blocking request each, same simulator", nil,
			fmt.Sprintf("the seed design reached %.1f req/s = %.2f of its ceiling 5/latency = %.0f req/s", baseRate, baseRate/ceiling, ceiling)),
	}, nil
}

type baselineResult struct {
	companies int
	requests  int64
	elapsed   time.Duration
}

// seedBaseline fetches n companies the seed's way: a pool of 5 workers,
// each calling the client's blocking Fetch in a plain loop (no QPS
// limiter, no pipelining, nothing stored).
func (r *runner) seedBaseline(ctx context.Context, so simOptions, n int) (baselineResult, error) {
	s, url, stop, err := r.startSim(upstream.ProtocolSigned, so)
	if err != nil {
		return baselineResult{}, err
	}
	defer stop()
	a := r.daemonApp(nil, upstream.ProtocolSigned, url, 0)
	a.Config.Upstream.Concurrency = 5 // the seed's 5 workers, one request each
	client, err := a.Upstream()
	if err != nil {
		return baselineResult{}, err
	}
	defer client.Close()
	codes := make(chan string)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	start := time.Now()
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for code := range codes {
				if _, err := client.Fetch(ctx, code); err != nil {
					mu.Lock()
					firstErr = cmpOr(firstErr, err)
					mu.Unlock()
				}
			}
		}()
	}
	for _, co := range makeCompanies(r.cfg.Seed, n) {
		select {
		case codes <- co.Code:
		case <-ctx.Done():
		}
	}
	close(codes)
	wg.Wait()
	out := baselineResult{companies: n, requests: s.Stats().ByOutcome["ok"], elapsed: time.Since(start)}
	if firstErr != nil {
		return out, firstErr
	}
	return out, ctx.Err()
}

// cmpOr returns the first non-nil error.
func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
