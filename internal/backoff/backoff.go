// Package backoff is arbsync's one way of waiting after a failure: a capped
// exponential backoff, the jitter policies that spread it, and a sleep that
// ends with its context.
//
// Each user picks the jitter its retries need:
//   - upstream requests: FullJitter, so that many workers retrying a busy
//     vendor at once spread over the whole interval;
//   - alert deliveries: EqualJitter, spread but never immediate;
//   - a company's next sync after failures: Spread(0.2), ±20 % around the
//     delay, so companies that failed together are not retried together;
//   - the watchlist listener's reconnects: none (one connection per process).
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy is a capped exponential backoff: after the n-th consecutive
// failure it waits Base·2^(n-1), at most Cap, spread by Jitter.
type Policy struct {
	Base, Cap time.Duration
	// Jitter spreads the delay; nil leaves it as it is.
	Jitter Jitter
	// Rand returns the jitter's random number in [0, 1); nil uses
	// math/rand/v2. Tests set it to pin the delay.
	Rand func() float64
}

// Delay is the wait after the n-th consecutive failure (n < 1 counts as 1).
func (p Policy) Delay(n int) time.Duration {
	d := p.Base
	for i := 1; i < n && d < p.Cap; i++ {
		d *= 2
	}
	d = min(d, p.Cap)
	if p.Jitter == nil {
		return d
	}
	rnd := p.Rand
	if rnd == nil {
		rnd = rand.Float64
	}
	return p.Jitter(d, rnd())
}

// Jitter turns a delay d into the one to wait, given r uniform in [0, 1).
type Jitter func(d time.Duration, r float64) time.Duration

// FullJitter waits uniformly in [0, d).
func FullJitter(d time.Duration, r float64) time.Duration {
	return time.Duration(r * float64(d))
}

// EqualJitter waits uniformly in [d/2, d): half of the delay always, the
// other half at random.
func EqualJitter(d time.Duration, r float64) time.Duration {
	return d/2 + time.Duration(r*float64(d/2))
}

// Spread returns the jitter that waits uniformly in d·[1-f, 1+f).
func Spread(f float64) Jitter {
	return func(d time.Duration, r float64) time.Duration {
		return time.Duration(float64(d) * (1 - f + 2*f*r))
	}
}

// Sleep waits d, or until ctx ends and then returns the context's cause. A
// d of zero or less returns nil at once.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
