package alerts

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/arbsync/arbsync/internal/backoff"
)

// windowLimiter returns a token bucket that never lets more than n sends into
// any window of the given length, while allowing burst of them at once: the
// bucket holds burst tokens and refills n-burst per window (plus 2% margin),
// so the most any window can see is burst + (n-burst)/1.02 < n. A plain
// bucket of n tokens refilling n per window would allow 2n in a window
// straddling a refill, and DingTalk mutes a robot for 10 minutes for that.
func windowLimiter(n int, window time.Duration, burst int) *rate.Limiter {
	per := float64(n-burst) / (window.Seconds() * 1.02)
	return rate.NewLimiter(rate.Limit(per), burst)
}

// acquire blocks until the channel may send: the channel is not paused by a
// service throttle and every limiter has a token for now. It returns a
// *SendError when the channel is paused (Throttled) or when ctx ends first
// (Retriable, unwrapping to the context's error, RetryAfter = the wait that
// was needed). When ctx's deadline falls before the token, it fails at once,
// as rate.Limiter.Wait does, instead of sleeping in vain.
func (b *base) acquire(ctx context.Context) error {
	if d := b.pausedFor(); d > 0 {
		return &SendError{Channel: b.name, Kind: Throttled, RetryAfter: d, unsent: true,
			Msg: fmt.Sprintf("%s paused after the service throttled it", b.kind)}
	}
	for _, l := range b.limits {
		if err := b.wait(ctx, l); err != nil {
			return err
		}
	}
	return nil
}

func (b *base) wait(ctx context.Context, l *rate.Limiter) error {
	now := b.now()
	r := l.ReserveN(now, 1)
	if !r.OK() {
		return &SendError{Channel: b.name, Kind: Permanent, Msg: "rate limiter admits no sends", unsent: true}
	}
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	stop := func(cause error) error {
		r.CancelAt(now)
		return &SendError{Channel: b.name, Kind: Retriable, RetryAfter: d, cause: cause, unsent: true,
			Msg: fmt.Sprintf("waiting %s for the %s rate limit: %v", d.Round(time.Millisecond), b.kind, cause)}
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return stop(context.DeadlineExceeded)
	}
	if err := backoff.Sleep(ctx, d); err != nil {
		return stop(err)
	}
	return nil
}

// pausedFor is how much longer the channel stays paused after a throttle
// answer.
func (b *base) pausedFor() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pausedUntil.Sub(b.now())
}

// pause stops sends for d: the service throttled us, and every send before it
// lifts would only prolong the throttle (DingTalk's mute).
func (b *base) pause(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if until := b.now().Add(d); until.After(b.pausedUntil) {
		b.pausedUntil = until
	}
}

// Drain implements Sender.
func (b *base) Drain() {
	now := b.now()
	for _, l := range b.limits {
		if n := int(l.TokensAt(now)); n > 0 {
			l.AllowN(now, n)
		}
	}
}

// PauseUntil implements Sender.
func (b *base) PauseUntil(t time.Time) {
	if d := t.Sub(b.now()); d > 0 {
		b.pause(d)
	}
}

// RateLimit is at most N messages in any window of length Per.
type RateLimit struct {
	N   int
	Per time.Duration
}

// String writes the limit as ParseRateLimit reads it, e.g. "20/1m0s".
func (r RateLimit) String() string { return fmt.Sprintf("%d/%s", r.N, r.Per) }

// ParseRateLimit reads "N/DURATION", e.g. "20/1m" or "10/1s".
func ParseRateLimit(s string) (RateLimit, error) {
	n, per, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return RateLimit{}, fmt.Errorf("%q is not N/DURATION (e.g. 20/1m)", s)
	}
	count, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || count < 1 || count > 100000 {
		return RateLimit{}, fmt.Errorf("%q: N must be a whole number from 1 to 100000", s)
	}
	d, err := time.ParseDuration(strings.TrimSpace(per))
	if err != nil || d < 100*time.Millisecond || d > 24*time.Hour {
		return RateLimit{}, fmt.Errorf("%q: DURATION must be like 1m or 10s, from 100ms to 24h", s)
	}
	return RateLimit{N: count, Per: d}, nil
}

// limiter is the channel's window limiter: the configured limit, else the
// kind's own (n per window, burst at once).
func (c ChannelConfig) limiter(n int, window time.Duration, burst int) *rate.Limiter {
	if c.RateLimit.N > 0 {
		return windowLimiter(c.RateLimit.N, c.RateLimit.Per, max(1, c.RateLimit.N/4))
	}
	return windowLimiter(n, window, burst)
}
