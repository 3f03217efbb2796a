package alerts_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/alerts"
)

// A service that fails twice and then accepts gets the alert exactly once,
// with the worker's loop driven by Backoff.Next on the fake clock.
func TestRetryUntilDelivered(t *testing.T) {
	backoff := alerts.Backoff{Base: 30 * time.Second, Max: time.Hour, MaxAttempts: 12, Rand: func() float64 { return 0.5 }}
	// Equal jitter at 0.5: 3/4 of 30 s, then 3/4 of 60 s.
	const wantElapsed = 22500*time.Millisecond + 45*time.Second

	deliver := func(t *testing.T, s alerts.Sender, clock *fakeClock) {
		t.Helper()
		start := clock.Now()
		attempt := 0
		for {
			attempt++
			err := s.Send(t.Context(), sampleMessage())
			if err == nil {
				break
			}
			wantKind(t, err, alerts.Retriable)
			next := backoff.Next(attempt, err, clock.Now())
			if next.IsZero() {
				t.Fatalf("gave up after attempt %d: %v", attempt, err)
			}
			clock.Set(next)
		}
		if attempt != 3 || clock.Now().Sub(start) != wantElapsed {
			t.Errorf("delivered on attempt %d after %s, want 3 after %s", attempt, clock.Now().Sub(start), wantElapsed)
		}
	}

	t.Run("wecom busy twice", func(t *testing.T) {
		clock := newClock()
		rb, cfg := newWeComRobot(t, clock)
		rb.push(canned{body: `{"errcode":-1,"errmsg":"system error"}`}, canned{status: http.StatusBadGateway})
		deliver(t, mustSender(t, cfg, clock), clock)
		if n := len(rb.delivered()); n != 1 {
			t.Errorf("delivered %d times", n)
		}
	})
	t.Run("webhook 503 twice", func(t *testing.T) {
		clock := newClock()
		rc, cfg := newWebhookReceiver(t, clock)
		rc.script = []canned{{status: 503}, {status: 500}}
		deliver(t, mustSender(t, cfg, clock), clock)
		if n := len(locked(&rc.mu, &rc.payloads)); n != 1 {
			t.Errorf("delivered %d times", n)
		}
	})
}
