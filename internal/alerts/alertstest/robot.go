// Package alertstest provides a local chat robot for tests of alert
// delivery: an HTTP server that speaks WeCom's group-robot protocol and
// enforces a rate limit the way the service does, answering errcode 45009
// ("api freq out of limit") to a message past the limit.
package alertstest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"
)

// Receipt is one message the robot accepted.
type Receipt struct {
	Key string // the dedup key from the message's footer
	At  time.Time
}

// Robot is a WeCom group robot on a local port.
type Robot struct {
	srv    *httptest.Server
	limit  int
	window time.Duration

	mu        sync.Mutex
	accepted  []Receipt
	throttled int
	hold      chan struct{} // when non-nil, every request waits for it to close
}

var dedupKey = regexp.MustCompile(`去重键：([^<\n]+)`)

// NewWeComRobot starts a robot that accepts at most limit messages in any
// window of the given length; it stops at the end of the test.
func NewWeComRobot(t testing.TB, limit int, window time.Duration) *Robot {
	r := &Robot{limit: limit, window: window}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

// URL is the robot's webhook address, as a WeCom channel is configured.
func (r *Robot) URL() string { return r.srv.URL + "/cgi-bin/webhook/send?key=robot-test-key" }

// Hold makes every request wait until Release.
func (r *Robot) Hold() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hold = make(chan struct{})
}

// Release lets held requests (and later ones) through.
func (r *Robot) Release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hold != nil {
		close(r.hold)
		r.hold = nil
	}
}

func (r *Robot) serve(w http.ResponseWriter, req *http.Request) {
	var body struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	data, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	w.Header().Set("Content-Type", "application/json")
	if req.URL.Query().Get("key") != "robot-test-key" {
		_, _ = io.WriteString(w, `{"errcode":93000,"errmsg":"invalid webhook url"}`)
		return
	}
	if json.Unmarshal(data, &body) != nil || body.MsgType != "markdown" || body.Markdown.Content == "" {
		_, _ = io.WriteString(w, `{"errcode":40008,"errmsg":"invalid message type"}`)
		return
	}
	r.mu.Lock()
	hold := r.hold
	r.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-req.Context().Done():
			return
		}
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inWindowLocked(now) >= r.limit {
		r.throttled++
		_, _ = io.WriteString(w, `{"errcode":45009,"errmsg":"api freq out of limit"}`)
		return
	}
	key := ""
	if m := dedupKey.FindStringSubmatch(body.Markdown.Content); m != nil {
		key = m[1]
	}
	r.accepted = append(r.accepted, Receipt{Key: key, At: now})
	_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (r *Robot) inWindowLocked(now time.Time) int {
	n := 0
	for _, a := range r.accepted {
		if now.Sub(a.At) < r.window {
			n++
		}
	}
	return n
}

// Received returns the accepted messages in arrival order.
func (r *Robot) Received() []Receipt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Receipt(nil), r.accepted...)
}

// Throttled is the number of 45009 answers given.
func (r *Robot) Throttled() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.throttled
}

// Repeats returns the dedup keys accepted more than once, with their count.
func (r *Robot) Repeats() map[string]int {
	seen := map[string]int{}
	for _, a := range r.Received() {
		seen[a.Key]++
	}
	for k, n := range seen {
		if n < 2 {
			delete(seen, k)
		}
	}
	return seen
}

// MaxInWindow is the most messages accepted in any window of length d.
func (r *Robot) MaxInWindow(d time.Duration) int {
	got := r.Received()
	most := 0
	for i := range got {
		n := 0
		for j := i; j < len(got) && got[j].At.Sub(got[i].At) < d; j++ {
			n++
		}
		most = max(most, n)
	}
	return most
}
