package backoff_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/backoff"
)

func TestPolicyDelay(t *testing.T) {
	fixed := func(r float64) func() float64 { return func() float64 { return r } }
	tests := []struct {
		name string
		p    backoff.Policy
		n    int
		want time.Duration
	}{
		{"first failure waits Base", backoff.Policy{Base: time.Second, Cap: time.Minute}, 1, time.Second},
		{"n below 1 counts as 1", backoff.Policy{Base: time.Second, Cap: time.Minute}, 0, time.Second},
		{"doubles per failure", backoff.Policy{Base: time.Second, Cap: time.Minute}, 4, 8 * time.Second},
		{"capped", backoff.Policy{Base: time.Second, Cap: 30 * time.Second}, 6, 30 * time.Second},
		{"cap holds for huge n", backoff.Policy{Base: time.Second, Cap: 30 * time.Second}, 1000, 30 * time.Second},
		{"Base above Cap waits Cap", backoff.Policy{Base: time.Hour, Cap: time.Minute}, 1, time.Minute},
		{"full jitter, least", backoff.Policy{Base: time.Second, Cap: time.Minute, Jitter: backoff.FullJitter, Rand: fixed(0)}, 2, 0},
		{"full jitter, mid", backoff.Policy{Base: time.Second, Cap: time.Minute, Jitter: backoff.FullJitter, Rand: fixed(0.5)}, 2, time.Second},
		{"equal jitter, least", backoff.Policy{Base: time.Second, Cap: time.Minute, Jitter: backoff.EqualJitter, Rand: fixed(0)}, 2, time.Second},
		{"equal jitter, mid", backoff.Policy{Base: time.Second, Cap: time.Minute, Jitter: backoff.EqualJitter, Rand: fixed(0.5)}, 2, 1500 * time.Millisecond},
		{"spread, least", backoff.Policy{Base: 10 * time.Second, Cap: time.Minute, Jitter: backoff.Spread(0.2), Rand: fixed(0)}, 1, 8 * time.Second},
		{"spread, mid", backoff.Policy{Base: 10 * time.Second, Cap: time.Minute, Jitter: backoff.Spread(0.2), Rand: fixed(0.5)}, 1, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Delay(tt.n); got < tt.want-time.Microsecond || got > tt.want+time.Microsecond {
				t.Errorf("Delay(%d) = %s, want %s", tt.n, got, tt.want)
			}
		})
	}
}

// Without Rand the jitter is random, and stays within its policy's band.
func TestJitterStaysInItsBand(t *testing.T) {
	bands := []struct {
		name   string
		jitter backoff.Jitter
		lo, hi time.Duration // of a 4 s delay
	}{
		{"full", backoff.FullJitter, 0, 4 * time.Second},
		{"equal", backoff.EqualJitter, 2 * time.Second, 4 * time.Second},
		{"spread 20%", backoff.Spread(0.2), 3200 * time.Millisecond, 4800 * time.Millisecond},
	}
	for _, b := range bands {
		p := backoff.Policy{Base: time.Second, Cap: time.Minute, Jitter: b.jitter}
		for range 200 {
			if d := p.Delay(3); d < b.lo || d >= b.hi {
				t.Fatalf("%s jitter of 4s gave %s, want [%s, %s)", b.name, d, b.lo, b.hi)
			}
		}
	}
}

func TestSleep(t *testing.T) {
	if err := backoff.Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("a finished sleep returned %v", err)
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if err := backoff.Sleep(done, 0); err != nil {
		t.Errorf("a zero sleep returned %v", err)
	}

	why := errors.New("shutting down")
	ctx, stop := context.WithCancelCause(context.Background())
	stop(why)
	if err := backoff.Sleep(ctx, time.Hour); !errors.Is(err, why) {
		t.Errorf("a cancelled sleep returned %v, want the context's cause", err)
	}
}
