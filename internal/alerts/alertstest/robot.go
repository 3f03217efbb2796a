// Package alertstest provides a local chat robot for tests of alert
// delivery: an HTTP server that speaks WeCom's group-robot protocol
// (markdown messages of at most 4,096 bytes, and files: upload_media, then
// a file message naming the media_id) and enforces a rate limit the way the
// service does, answering errcode 45009 ("api freq out of limit") to a
// request past the limit.
package alertstest

import (
	"encoding/json"
	"fmt"
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
	// Key is the dedup key from a markdown message's footer, or "file:"
	// and the file's name for a file message.
	Key   string
	At    time.Time
	Bytes int // the markdown content's length; a file's size
}

// File is a file uploaded to the robot.
type File struct {
	Name    string
	Content []byte
	At      time.Time
	// Sent is whether a file message named it afterwards.
	Sent bool
}

// Robot is a WeCom group robot on a local port.
type Robot struct {
	srv    *httptest.Server
	limit  int
	window time.Duration

	mu        sync.Mutex
	accepted  []Receipt
	requests  []time.Time      // every accepted request, uploads too: the rate limit
	files     map[string]*File // by media_id
	uploads   []string         // media_ids in upload order
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
	if req.URL.Path == "/cgi-bin/webhook/upload_media" {
		r.upload(w, req)
		return
	}
	var body struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
		File struct {
			MediaID string `json:"media_id"`
		} `json:"file"`
	}
	data, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	w.Header().Set("Content-Type", "application/json")
	if req.URL.Query().Get("key") != "robot-test-key" {
		_, _ = io.WriteString(w, `{"errcode":93000,"errmsg":"invalid webhook url"}`)
		return
	}
	if json.Unmarshal(data, &body) != nil || (body.MsgType != "markdown" || body.Markdown.Content == "") && body.MsgType != "file" {
		_, _ = io.WriteString(w, `{"errcode":40008,"errmsg":"invalid message type"}`)
		return
	}
	if len(body.Markdown.Content) > 4096 {
		_, _ = io.WriteString(w, `{"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}`)
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
	rc := Receipt{At: now, Bytes: len(body.Markdown.Content)}
	if body.MsgType == "file" {
		f := r.files[body.File.MediaID]
		if f == nil {
			_, _ = io.WriteString(w, `{"errcode":40007,"errmsg":"invalid media_id"}`)
			return
		}
		f.Sent = true
		rc.Key, rc.Bytes = "file:"+f.Name, len(f.Content)
	} else if m := dedupKey.FindStringSubmatch(body.Markdown.Content); m != nil {
		rc.Key = m[1]
	}
	r.requests = append(r.requests, now)
	r.accepted = append(r.accepted, rc)
	_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

// upload takes a file as WeCom's upload_media does: multipart part "media",
// more than 5 bytes and at most 20 MB; it counts against the rate limit.
func (r *Robot) upload(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if req.URL.Query().Get("key") != "robot-test-key" {
		_, _ = io.WriteString(w, `{"errcode":93000,"errmsg":"invalid webhook url"}`)
		return
	}
	if req.URL.Query().Get("type") != "file" {
		_, _ = io.WriteString(w, `{"errcode":40004,"errmsg":"invalid media type"}`)
		return
	}
	file, hdr, err := req.FormFile("media")
	if err != nil {
		_, _ = io.WriteString(w, `{"errcode":40004,"errmsg":"invalid media"}`)
		return
	}
	defer file.Close()
	content, _ := io.ReadAll(io.LimitReader(file, 20<<20+1))
	if len(content) <= 5 || len(content) > 20<<20 {
		_, _ = io.WriteString(w, `{"errcode":40006,"errmsg":"invalid media size"}`)
		return
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inWindowLocked(now) >= r.limit {
		r.throttled++
		_, _ = io.WriteString(w, `{"errcode":45009,"errmsg":"api freq out of limit"}`)
		return
	}
	r.requests = append(r.requests, now)
	if r.files == nil {
		r.files = map[string]*File{}
	}
	id := fmt.Sprintf("media-%d", len(r.uploads)+1)
	r.files[id] = &File{Name: hdr.Filename, Content: content, At: now}
	r.uploads = append(r.uploads, id)
	fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","type":"file","media_id":%q,"created_at":"%d"}`, id, now.Unix())
}

// Files returns the uploaded files in upload order.
func (r *Robot) Files() []File {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]File, len(r.uploads))
	for i, id := range r.uploads {
		out[i] = *r.files[id]
	}
	return out
}

func (r *Robot) inWindowLocked(now time.Time) int {
	n := 0
	for _, at := range r.requests {
		if now.Sub(at) < r.window {
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
