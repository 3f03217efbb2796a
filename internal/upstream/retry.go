package upstream

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/arbsync/arbsync/internal/backoff"
)

// withRetries sends prep until it succeeds, fails with a kind that is not
// retriable, has been retried MaxRetries times, or the retry budget says
// no. Between attempts it sleeps a capped exponential backoff with full
// jitter (at least the vendor's Retry-After, within BackoffCap).
func (c *Client) withRetries(ctx context.Context, prep *prepared) (*page, error) {
	c.budget.earn()
	for retry := 0; ; retry++ {
		pg, err := c.attempt(ctx, prep)
		if err == nil {
			return pg, nil
		}
		var ue *Error
		if !errors.As(err, &ue) || !ue.Retriable() {
			return nil, afterRetries(retry, err)
		}
		if retry >= c.cfg.MaxRetries {
			return nil, afterRetries(retry, err)
		}
		if !c.budget.spend() {
			c.log.Warn().Str("error_type", string(ue.Kind)).Int("retries", retry).Msg("retry budget exhausted; not retrying")
			return nil, fmt.Errorf("retry budget exhausted after %d retries: %w", retry, err)
		}
		delay := c.backoff(retry, ue.retryAfter)
		c.m.retries.Inc()
		c.log.Debug().Err(err).Int("retry", retry+1).Dur("backoff", delay).Msg("retrying upstream request")
		if err := backoff.Sleep(ctx, delay); err != nil {
			return nil, fmt.Errorf("waiting to retry: %w", err)
		}
	}
}

// afterRetries notes how many retries preceded the final error.
func afterRetries(n int, err error) error {
	if n == 0 {
		return err
	}
	return fmt.Errorf("after %d retries: %w", n, err)
}

// backoff is the delay before retry number retry+1: capped exponential
// backoff with full jitter, raised to the vendor's Retry-After when that is
// larger, never above the cap.
func (c *Client) backoff(retry int, retryAfter time.Duration) time.Duration {
	d := backoff.Policy{Base: c.cfg.BackoffBase, Cap: c.cfg.BackoffCap, Jitter: backoff.FullJitter}.Delay(retry + 1)
	return min(max(d, retryAfter), c.cfg.BackoffCap)
}

// retryBudget bounds retries to a share of first attempts, so a vendor in
// trouble sees at most (1 + ratio) times the normal load plus a small
// floor, never 1 + MaxRetries times. It starts with floor retries, earns
// ratio per first attempt, holds at most floor + 100·ratio, and a retry
// spends one; hence over the client's life
// retries ≤ floor + ratio × first attempts.
type retryBudget struct {
	mu      sync.Mutex
	balance float64
	ratio   float64
	ceiling float64
}

func newRetryBudget(ratio float64, floor int) *retryBudget {
	return &retryBudget{balance: float64(floor), ratio: ratio, ceiling: float64(floor) + 100*ratio}
}

// earn credits one first attempt.
func (b *retryBudget) earn() {
	b.mu.Lock()
	b.balance = min(b.ceiling, b.balance+b.ratio)
	b.mu.Unlock()
}

// spend takes one retry from the budget, reporting whether there was one.
func (b *retryBudget) spend() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.balance < 1 {
		return false
	}
	b.balance--
	return true
}
