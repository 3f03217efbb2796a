package alerts_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/alerts"
)

// fakeClock is the clock shared by a sender and the service it talks to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 6, 30, 2, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// sampleMessage is an urgent alert as the outbox would hold it.
func sampleMessage() alerts.Message {
	return alerts.Message{
		DedupKey:          "91110108551385082Q:2025-06-30:urgent",
		CreditCode:        "91110108551385082Q",
		CompanyName:       "北京星河数据科技有限公司",
		IndustryName:      "软件和信息技术服务业",
		Score:             "37.50",
		Threshold:         "40.00",
		Level:             alerts.LevelUrgent,
		PreviousLevel:     alerts.LevelWarning,
		RecentCases:       3,
		RecentClaimAmount: "123456.78",
		LatestCaseTitle:   "张某与北京星河数据科技有限公司追索劳动报酬纠纷",
		AsOf:              time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC),
	}
}

// wantKind fails unless err is a *SendError of kind k, and returns it.
func wantKind(t *testing.T, err error, k alerts.ErrorKind) *alerts.SendError {
	t.Helper()
	var se *alerts.SendError
	if !errors.As(err, &se) {
		t.Fatalf("want a *SendError of kind %s, got %v", k, err)
	}
	if se.Kind != k {
		t.Fatalf("want kind %s, got %s: %v", k, se.Kind, err)
	}
	return se
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// mustSender builds the sender of cfg on the test clock.
func mustSender(t *testing.T, cfg alerts.ChannelConfig, clock *fakeClock) alerts.Sender {
	t.Helper()
	s, err := alerts.NewSender(cfg, &http.Client{Timeout: 5 * time.Second}, clock.Now)
	must(t, err)
	return s
}

// window counts a robot's accepted messages the way the services do: how
// many fell in the last d.
type window struct{ times []time.Time }

func (w *window) count(now time.Time, d time.Duration) int {
	n := 0
	for _, t := range w.times {
		if now.Sub(t) < d {
			n++
		}
	}
	return n
}

func (w *window) add(t time.Time) { w.times = append(w.times, t) }

// canned is a scripted answer a receiver gives instead of its own verdict
// (after checking credentials and payload), to inject the service's failures.
type canned struct {
	status int
	body   string
	header http.Header
}

func (c canned) write(w http.ResponseWriter) {
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	status := c.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(c.body))
}

func writeJSON(w http.ResponseWriter, body string) {
	canned{body: body}.write(w)
}

// assertNoSecrets fails if err's text holds any of secrets.
func assertNoSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("want an error")
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error leaks %q: %s", s, err)
		}
	}
}

// locked reads *v under mu: receivers run on the server's goroutines.
func locked[T any](mu *sync.Mutex, v *T) T {
	mu.Lock()
	defer mu.Unlock()
	return *v
}
