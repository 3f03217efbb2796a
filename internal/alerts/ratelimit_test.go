package alerts_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/secret"
)

// sendStorm sends n messages the way the delivery worker does: each Send has
// a short deadline; a Send refused by the local rate limit says how long to
// wait, and the (fake) clock is moved on by that much. It returns the clock
// time of each successful send.
func sendStorm(t *testing.T, s alerts.Sender, clock *fakeClock, n int) []time.Time {
	t.Helper()
	var sent []time.Time
	for i := 0; len(sent) < n; i++ {
		if i > 10*n {
			t.Fatalf("storm stuck after %d sends", len(sent))
		}
		m := sampleMessage()
		m.DedupKey = fmt.Sprintf("storm-%d", len(sent))
		ctx, cancel := context.WithTimeout(t.Context(), 250*time.Millisecond) // ample for a loopback request, far below any rate-limit wait
		err := s.Send(ctx, m)
		cancel()
		if err == nil {
			sent = append(sent, clock.Now())
			continue
		}
		se := wantKind(t, err, alerts.Retriable)
		if !errors.Is(err, context.DeadlineExceeded) || se.RetryAfter <= 0 {
			t.Fatalf("want a local rate-limit wait, got %v", err)
		}
		clock.Advance(se.RetryAfter)
	}
	return sent
}

func maxInWindow(times []time.Time, d time.Duration) int {
	most := 0
	for i := range times {
		n := 0
		for j := range times {
			if !times[j].Before(times[i]) && times[j].Sub(times[i]) <= d {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// A storm of 60 alerts reaches every robot without one throttle answer (a
// DingTalk robot would be muted for 10 minutes), and no minute carries more
// than 20 (Feishu: 100 a minute and 5 a second).
func TestStormNeverTripsServiceLimits(t *testing.T) {
	t.Run("wecom", func(t *testing.T) {
		clock := newClock()
		rb, cfg := newWeComRobot(t, clock)
		sent := sendStorm(t, mustSender(t, cfg, clock), clock, 60)
		if th := locked(&rb.mu, &rb.throttled); th != 0 || len(rb.delivered()) != 60 {
			t.Fatalf("throttled %d times, delivered %d", th, len(rb.delivered()))
		}
		if n := maxInWindow(sent, time.Minute); n > 20 {
			t.Errorf("%d messages in one minute", n)
		}
		// The first five go at once; the 21st waits until the first minute is over.
		if !sent[4].Equal(sent[0]) || sent[20].Sub(sent[0]) < time.Minute {
			t.Errorf("5th at +%s, 21st at +%s", sent[4].Sub(sent[0]), sent[20].Sub(sent[0]))
		}
	})
	t.Run("dingtalk", func(t *testing.T) {
		clock := newClock()
		rb, cfg := newDingTalkRobot(t, clock)
		sendStorm(t, mustSender(t, cfg, clock), clock, 60)
		if th := locked(&rb.mu, &rb.throttled); th != 0 || len(rb.delivered()) != 60 {
			t.Fatalf("throttled %d times, delivered %d", th, len(rb.delivered()))
		}
	})
	t.Run("feishu", func(t *testing.T) {
		clock := newClock()
		b, cfg := newFeishuBot(t, clock)
		sent := sendStorm(t, mustSender(t, cfg, clock), clock, 250)
		if th := locked(&b.mu, &b.throttled); th != 0 || len(b.delivered()) != 250 {
			t.Fatalf("throttled %d times, delivered %d", th, len(b.delivered()))
		}
		if perMin, perSec := maxInWindow(sent, time.Minute), maxInWindow(sent, time.Second); perMin > 100 || perSec > 5 {
			t.Errorf("%d in a minute, %d in a second", perMin, perSec)
		}
	})
}

// Without a deadline, Send waits for the next token and then sends; when its
// context is cancelled first it gives up without sending.
func TestSendWaitsForTokenOrContext(t *testing.T) {
	t.Run("waits then sends", func(t *testing.T) {
		var got atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got.Add(1) }))
		t.Cleanup(srv.Close)
		s := mustSender(t, alerts.ChannelConfig{Name: "w", Kind: alerts.KindWebhook, URL: secret.Value(srv.URL)}, newClock())
		for range 10 { // the webhook's burst
			must(t, s.Send(t.Context(), sampleMessage()))
		}
		start := time.Now()
		must(t, s.Send(t.Context(), sampleMessage())) // 10 a second: the 11th waits 100 ms
		if waited := time.Since(start); waited < 80*time.Millisecond || got.Load() != 11 {
			t.Errorf("11th send waited %s, received %d", waited, got.Load())
		}
	})
	t.Run("gives up when cancelled", func(t *testing.T) {
		clock := newClock()
		rb, cfg := newWeComRobot(t, clock)
		s := mustSender(t, cfg, clock)
		for range 5 {
			must(t, s.Send(t.Context(), sampleMessage()))
		}
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		err := s.Send(ctx, sampleMessage())
		if !errors.Is(err, context.Canceled) || time.Since(start) < 40*time.Millisecond {
			t.Fatalf("after %s: %v", time.Since(start), err)
		}
		if len(rb.delivered()) != 5 {
			t.Errorf("cancelled send reached the robot")
		}
		// The cancelled wait gave its token back: the next one is due ~4 s on.
		clock.Advance(4100 * time.Millisecond)
		ctx, cancel = context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		must(t, s.Send(ctx, sampleMessage()))
	})
}
