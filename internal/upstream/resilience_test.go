package upstream_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/stretchr/testify/require"
)

// TestRetryBudgetUnderSustainedOverload: when every answer is 5001 the
// client's retries stay within floor + 20% of requests instead of
// quadrupling the load.
func TestRetryBudgetUnderSustainedOverload(t *testing.T) {
	b := setup(t, func(c *sim.Config) { c.Faults = sim.Faults{ErrorRates: map[int]float64{5001: 1}} })
	c := b.client(t, upstream.ProtocolSigned, func(cfg *upstream.Config) { cfg.Concurrency = 4 })
	const fetches = 100
	var wg sync.WaitGroup
	for n := range fetches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Fetch(context.Background(), singlePageCode(t, b, n%8))
			var ue *upstream.Error
			if !errors.As(err, &ue) || ue.Kind != upstream.KindBusy {
				t.Errorf("want busy, got %v", err)
			}
		}()
	}
	wg.Wait()
	retries := b.sim.Stats().Requests - fetches
	t.Logf("%d fetches, %d retries (budget %d)", fetches, retries, upstream.DefaultRetryBudgetFloor+fetches/5)
	require.LessOrEqual(t, retries, int64(upstream.DefaultRetryBudgetFloor+fetches/5), "retries within the budget")
	require.GreaterOrEqual(t, retries, int64(upstream.DefaultRetryBudgetFloor), "the budget is used")
	require.Equal(t, float64(retries), counterValue(t, b.reg, "arbsync_api_retries_total", nil))
}

// TestTimeoutIsBusyAndRetried: a vendor that never answers costs one
// timeout per attempt, and the attempts are retried.
func TestTimeoutIsBusyAndRetried(t *testing.T) {
	b := setup(t, func(c *sim.Config) { c.Faults = sim.Faults{Hang: 1, HangFor: 10 * time.Second} })
	code := b.codeWithCases(t, 1)
	c := b.client(t, upstream.ProtocolTianyuan, func(cfg *upstream.Config) {
		cfg.Timeout = 100 * time.Millisecond
		cfg.MaxRetries = 1
	})
	start := time.Now()
	_, err := c.Fetch(context.Background(), code)
	requireKind(t, err, upstream.KindBusy)
	require.Contains(t, err.Error(), "no complete answer within 100ms")
	require.Less(t, time.Since(start), 2*time.Second)
	require.EqualValues(t, 2, b.sim.Stats().Requests)
}

// TestCancellationStopsEverything: the caller's deadline ends a fetch at
// once, whether it is waiting for the vendor, a backoff or a slot.
func TestCancellationStopsEverything(t *testing.T) {
	b := setup(t, func(c *sim.Config) { c.Latency = 3 * time.Second })
	code := b.codeWithCases(t, 1)
	c := b.client(t, upstream.ProtocolSigned, func(cfg *upstream.Config) { cfg.Concurrency = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for range 3 { // one in flight, two waiting for the single slot
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Fetch(ctx, code)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			var ue *upstream.Error
			require.False(t, errors.As(err, &ue), "cancellation is not an upstream error: %v", err)
		}()
	}
	wg.Wait()
	require.Less(t, time.Since(start), time.Second)

	// Backoff waits end too.
	b2 := setup(t, func(c *sim.Config) { c.Faults = sim.Faults{ErrorRates: map[int]float64{503: 1}} })
	slow := b2.client(t, upstream.ProtocolSigned, func(cfg *upstream.Config) {
		cfg.BackoffBase, cfg.BackoffCap = 10*time.Second, 10*time.Second
	})
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel2)
	start = time.Now()
	_, err := slow.Fetch(ctx2, code)
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, time.Since(start), 2*time.Second)
}

// TestConcurrencyIsBounded: the vendor never sees more requests in flight
// than Concurrency.
func TestConcurrencyIsBounded(t *testing.T) {
	b := setup(t, func(c *sim.Config) { c.Latency = 30 * time.Millisecond })
	c := b.client(t, upstream.ProtocolSigned, func(cfg *upstream.Config) { cfg.Concurrency = 3 })
	var wg sync.WaitGroup
	for n := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Fetch(context.Background(), singlePageCode(t, b, n))
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	st := b.sim.Stats()
	require.LessOrEqual(t, st.MaxInFlight, int64(3))
	require.GreaterOrEqual(t, st.MaxInFlight, int64(2), "the client does use its concurrency")
}

// TestConcurrencyBacksOffOnBusy: busy answers halve the in-flight limit;
// successes grow it back, never above Concurrency.
func TestConcurrencyBacksOffOnBusy(t *testing.T) {
	b := setup(t, func(c *sim.Config) { c.Faults = sim.Faults{ErrorRates: map[int]float64{503: 1}} })
	c := b.client(t, upstream.ProtocolSigned, func(cfg *upstream.Config) {
		cfg.Concurrency = 16
		cfg.MaxRetries = -1
	})
	limit := func() float64 { return gaugeValue(t, b.reg, "arbsync_api_concurrency_limit") }
	require.Equal(t, 16.0, limit())
	code := b.codeWithCases(t, 1)
	for range 4 {
		_, err := c.Fetch(context.Background(), code)
		requireKind(t, err, upstream.KindBusy)
	}
	require.Equal(t, 1.0, limit(), "four sequential busy answers: 16 → 8 → 4 → 2 → 1")

	require.NoError(t, b.sim.SetFaults(sim.Faults{}))
	for range 40 {
		_, err := c.Fetch(context.Background(), code)
		require.NoError(t, err)
	}
	require.Greater(t, limit(), 5.0, "successes grow the limit back")
	for range 400 {
		_, err := c.Fetch(context.Background(), code)
		require.NoError(t, err)
	}
	require.Equal(t, 16.0, limit(), "never above Concurrency")
}
