package alerts

import (
	"errors"
	"time"

	"github.com/arbsync/arbsync/internal/backoff"
)

// Backoff computes when the delivery worker tries a failed delivery again.
// A zero Base or Max takes DefaultBackoff's value.
type Backoff struct {
	// Base is the wait after the first failed attempt; it doubles per attempt.
	Base time.Duration
	// Max caps the wait.
	Max time.Duration
	// MaxAttempts gives up (zero time) once this many attempts have failed;
	// 0 never gives up on Retriable or Throttled errors.
	MaxAttempts int
	// Rand returns a number in [0, 1) for the jitter; nil uses math/rand/v2.
	Rand func() float64
}

// DefaultBackoff is the backoff NextAttempt uses: 30 s doubling to at most an
// hour, giving up after 12 attempts (about 10 hours of trying).
func DefaultBackoff() Backoff {
	return Backoff{Base: 30 * time.Second, Max: time.Hour, MaxAttempts: 12}
}

// NextAttempt is DefaultBackoff().Next.
func NextAttempt(attempt int, err error, now time.Time) time.Time {
	return DefaultBackoff().Next(attempt, err, now)
}

// Next returns when to try again after attempt (1 for the first) ended in err,
// or the zero time for never: err is nil (delivered), Permanent, or the
// attempts are used up. Throttled waits exactly its RetryAfter (a minute when
// it has none). Retriable waits Base·2^(attempt-1), capped at Max, with equal
// jitter (between half and all of it, so a retry is never immediate), and at
// least the error's RetryAfter hint. Errors that are not *SendError count as
// Retriable. Next is pure: time and randomness come in.
func (b Backoff) Next(attempt int, err error, now time.Time) time.Time {
	if err == nil {
		return time.Time{}
	}
	attempt = max(attempt, 1)
	if b.MaxAttempts > 0 && attempt >= b.MaxAttempts {
		return time.Time{}
	}
	var se *SendError
	if !errors.As(err, &se) {
		se = &SendError{Kind: Retriable}
	}
	switch se.Kind {
	case Permanent:
		return time.Time{}
	case Throttled:
		if se.RetryAfter <= 0 {
			return now.Add(minThrottle)
		}
		return now.Add(se.RetryAfter)
	}
	p := backoff.Policy{Base: b.Base, Cap: b.Max, Jitter: backoff.EqualJitter, Rand: b.Rand}
	if p.Base <= 0 {
		p.Base = DefaultBackoff().Base
	}
	if p.Cap <= 0 {
		p.Cap = DefaultBackoff().Max
	}
	return now.Add(max(p.Delay(attempt), se.RetryAfter))
}
