package alerts_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/alerts"
)

func TestBackoffNext(t *testing.T) {
	now := time.Date(2025, 6, 30, 2, 0, 0, 0, time.UTC)
	retriable := &alerts.SendError{Kind: alerts.Retriable}
	tests := []struct {
		name    string
		attempt int
		err     error
		rand    float64
		want    time.Duration // from now; -1 means the zero time (never)
	}{
		{"delivered", 1, nil, 0, -1},
		{"permanent", 1, &alerts.SendError{Kind: alerts.Permanent}, 0, -1},
		{"first retry, least jitter", 1, retriable, 0, 15 * time.Second},
		{"first retry, mid jitter", 1, retriable, 0.5, 22500 * time.Millisecond},
		{"first retry, most jitter", 1, retriable, 0.999999, 30 * time.Second},
		{"third retry doubles twice", 3, retriable, 0, 60 * time.Second},
		{"attempt 0 counts as 1", 0, retriable, 0, 15 * time.Second},
		{"capped at Max", 9, retriable, 0, 30 * time.Minute},
		{"cap holds for huge attempts", 11, retriable, 0.999999, time.Hour},
		{"retry-after hint beats a short backoff", 1, &alerts.SendError{Kind: alerts.Retriable, RetryAfter: 2 * time.Minute}, 0, 2 * time.Minute},
		{"plain error is retriable", 2, errors.New("boom"), 0, 30 * time.Second},
		{"wrapped SendError keeps its kind", 1, fmt.Errorf("deliver: %w", &alerts.SendError{Kind: alerts.Permanent}), 0, -1},
		{"context error is retriable", 1, context.Canceled, 0, 15 * time.Second},
		{"throttled waits its RetryAfter", 1, &alerts.SendError{Kind: alerts.Throttled, RetryAfter: 10 * time.Minute}, 0.9, 10 * time.Minute},
		{"throttled without RetryAfter waits a minute", 5, &alerts.SendError{Kind: alerts.Throttled}, 0, time.Minute},
		{"gives up at MaxAttempts", 12, retriable, 0, -1},
		{"gives up on throttling too", 12, &alerts.SendError{Kind: alerts.Throttled, RetryAfter: time.Minute}, 0, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := alerts.DefaultBackoff()
			b.Rand = func() float64 { return tt.rand }
			got := b.Next(tt.attempt, tt.err, now)
			if tt.want < 0 {
				if !got.IsZero() {
					t.Errorf("want never, got +%s", got.Sub(now))
				}
				return
			}
			if d := got.Sub(now); d < tt.want-5*time.Millisecond || d > tt.want {
				t.Errorf("got +%s, want +%s", d, tt.want)
			}
		})
	}
}

func TestNextAttemptStaysInJitterBand(t *testing.T) {
	now := time.Date(2025, 6, 30, 2, 0, 0, 0, time.UTC)
	for range 100 {
		d := alerts.NextAttempt(2, &alerts.SendError{Kind: alerts.Retriable}, now).Sub(now)
		if d < 30*time.Second || d > time.Minute {
			t.Fatalf("attempt 2 waits %s, want 30s–60s", d)
		}
	}
}
