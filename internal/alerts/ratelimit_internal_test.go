package alerts

import (
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// sendTimes drives l with n sends arriving after random idle gaps (a greedy
// sender when gaps are zero) and returns when each could go.
func sendTimes(l *rate.Limiter, n int, gap func() time.Duration) []time.Time {
	t := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	out := make([]time.Time, 0, n)
	for range n {
		t = t.Add(gap())
		r := l.ReserveN(t, 1)
		t = t.Add(r.DelayFrom(t))
		out = append(out, t)
	}
	return out
}

// mostInWindow is the largest number of times in any closed window of length d.
func mostInWindow(times []time.Time, d time.Duration) int {
	most, j := 0, 0
	for i := range times {
		for times[i].Sub(times[j]) > d {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

func TestWindowLimiterNeverExceedsLimit(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	gaps := map[string]func() time.Duration{
		"greedy": func() time.Duration { return 0 },
		"bursty": func() time.Duration {
			if rnd.IntN(10) == 0 {
				return time.Duration(rnd.Int64N(int64(2 * time.Minute)))
			}
			return 0
		},
		"random": func() time.Duration { return time.Duration(rnd.Int64N(int64(5 * time.Second))) },
	}
	limits := []struct {
		n      int
		window time.Duration
		burst  int
	}{
		{wecomPerMinute, time.Minute, wecomBurst},
		{dingtalkPerMinute, time.Minute, dingtalkBurst},
		{feishuPerMinute, time.Minute, feishuPerMinute / 4},
		{feishuPerSecond, time.Second, 2},
	}
	for _, lim := range limits {
		for name, gap := range gaps {
			times := sendTimes(windowLimiter(lim.n, lim.window, lim.burst), 2000, gap)
			if got := mostInWindow(times, lim.window); got > lim.n {
				t.Errorf("%d per %s, %s arrivals: %d sends in one window", lim.n, lim.window, name, got)
			}
		}
	}
	// The naive bucket (n tokens, refilling n per window) is what this avoids.
	naive := rate.NewLimiter(rate.Limit(20.0/60), 20)
	if got := mostInWindow(sendTimes(naive, 200, gaps["greedy"]), time.Minute); got <= 20 {
		t.Errorf("naive bucket stayed within the limit (%d); the test above would not catch it", got)
	}
}
