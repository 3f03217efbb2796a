package alerts_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/secret"
)

// wecomRobot behaves like a WeCom group robot: key in the query, markdown of
// at most 4096 bytes of UTF-8, 20 messages a minute, HTTP 200 with errcode.
type wecomRobot struct {
	t   *testing.T
	key string
	now func() time.Time

	mu        sync.Mutex
	script    []canned // answers to give next, after the checks pass
	calls     int
	contents  []string
	window    window
	throttled int
}

func newWeComRobot(t *testing.T, clock *fakeClock) (*wecomRobot, alerts.ChannelConfig) {
	rb := &wecomRobot{t: t, key: "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa", now: clock.Now}
	srv := httptest.NewServer(rb)
	t.Cleanup(srv.Close)
	return rb, alerts.ChannelConfig{
		Name: "ops", Kind: alerts.KindWeCom,
		URL: secret.Value(srv.URL + "/cgi-bin/webhook/send?key=" + rb.key),
	}
}

func (rb *wecomRobot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	rb.calls++
	if r.Method != http.MethodPost || r.URL.Path != "/cgi-bin/webhook/send" {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Get("key") != rb.key {
		writeJSON(w, `{"errcode":93000,"errmsg":"invalid webhook url, hint: [1751248800_7_b4e9], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=93000"}`)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		rb.t.Errorf("Content-Type %q", ct)
	}
	var req struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, `{"errcode":40058,"errmsg":"Warning: wrong json format."}`)
		return
	}
	switch c := req.Markdown.Content; {
	case req.MsgType != "markdown":
		writeJSON(w, `{"errcode":40008,"errmsg":"invalid message type"}`)
		return
	case c == "":
		writeJSON(w, `{"errcode":44004,"errmsg":"empty content"}`)
		return
	case len(c) > 4096 || !utf8.ValidString(c):
		writeJSON(w, `{"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}`)
		return
	}
	if rb.window.count(rb.now(), time.Minute) >= 20 {
		rb.throttled++
		writeJSON(w, `{"errcode":45009,"errmsg":"api freq out of limit"}`)
		return
	}
	if len(rb.script) > 0 {
		c := rb.script[0]
		rb.script = rb.script[1:]
		c.write(w)
		return
	}
	rb.window.add(rb.now())
	rb.contents = append(rb.contents, req.Markdown.Content)
	writeJSON(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (rb *wecomRobot) push(c ...canned) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	rb.script = append(rb.script, c...)
}

func (rb *wecomRobot) delivered() []string {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	return append([]string(nil), rb.contents...)
}

func (rb *wecomRobot) callCount() int {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	return rb.calls
}

func TestWeComDeliversMarkdown(t *testing.T) {
	clock := newClock()
	rb, cfg := newWeComRobot(t, clock)
	s := mustSender(t, cfg, clock)

	must(t, s.Send(t.Context(), sampleMessage()))

	got := rb.delivered()
	if len(got) != 1 {
		t.Fatalf("robot received %d messages, want 1", len(got))
	}
	for _, want := range []string{
		"【紧急】用工风险预警 北京星河数据科技有限公司",
		"**风险评分**：<font color=\"warning\">**37.50**</font>",
		"**阈值**：40.00", "**等级**：紧急（此前：预警）", "**近一年仲裁次数**：3",
		"**涉案金额**：123456.78 元", "**最新案件**：张某与北京星河数据科技有限公司追索劳动报酬纠纷",
		"信用代码：91110108551385082Q",
		`<font color="comment">去重键：91110108551385082Q:2025-06-30:urgent</font>`,
	} {
		if !strings.Contains(got[0], want) {
			t.Errorf("content lacks %q:\n%s", want, got[0])
		}
	}
}

func TestWeComTruncatesChineseOnUTF8Boundary(t *testing.T) {
	// Shift the cut point through every byte offset of a 3-byte character.
	for pad := range 3 {
		clock := newClock()
		rb, cfg := newWeComRobot(t, clock)
		s := mustSender(t, cfg, clock)
		m := sampleMessage()
		m.LatestCaseTitle = strings.Repeat("x", pad) + strings.Repeat("劳动合同纠纷仲裁案件", 200) // 6,000+ bytes

		must(t, s.Send(t.Context(), m)) // the robot accepts it: ≤ 4096 bytes of valid UTF-8

		c := rb.delivered()[0]
		if len(c) > 4096 || len(c) < 4000 || !utf8.ValidString(c) {
			t.Fatalf("pad %d: content is %d bytes, valid UTF-8 %v", pad, len(c), utf8.ValidString(c))
		}
		if !strings.Contains(c, "…\n信用代码：91110108551385082Q\n") {
			t.Errorf("pad %d: cut title should end in … before the footer", pad)
		}
		if !strings.HasSuffix(c, "去重键：91110108551385082Q:2025-06-30:urgent</font>") {
			t.Errorf("pad %d: dedup key lost: …%s", pad, c[len(c)-80:])
		}
	}
}

func TestWeComFailures(t *testing.T) {
	tests := []struct {
		name      string
		answer    canned
		wrongKey  bool
		kind      alerts.ErrorKind
		code      int
		minBefore time.Duration
	}{
		{name: "invalid key is permanent", wrongKey: true, kind: alerts.Permanent, code: 93000},
		{name: "frequency limit waits a minute", answer: canned{body: `{"errcode":45009,"errmsg":"api freq out of limit"}`},
			kind: alerts.Throttled, code: 45009, minBefore: time.Minute},
		{name: "system busy is retriable", answer: canned{body: `{"errcode":-1,"errmsg":"system error"}`}, kind: alerts.Retriable, code: -1},
		{name: "HTTP 502 is retriable", answer: canned{status: 502, body: `<html>bad gateway</html>`}, kind: alerts.Retriable},
		{name: "HTTP 200 that is not JSON is retriable", answer: canned{body: `<html>portal</html>`}, kind: alerts.Retriable},
		{name: "HTTP 429 waits at least the Retry-After", answer: canned{status: 429, header: http.Header{"Retry-After": {"120"}}},
			kind: alerts.Throttled, minBefore: 2 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newClock()
			rb, cfg := newWeComRobot(t, clock)
			if tt.wrongKey {
				cfg.URL = secret.Value(strings.Replace(cfg.URL.Reveal(), rb.key, "00000000-dead-beef-0000-000000000000", 1))
			} else {
				rb.push(tt.answer)
			}
			s := mustSender(t, cfg, clock)
			err := s.Send(t.Context(), sampleMessage())
			se := wantKind(t, err, tt.kind)
			if se.Code != tt.code || se.RetryAfter < tt.minBefore || se.Channel != "ops" {
				t.Errorf("got code %d, retry after %s, channel %q; want code %d, ≥ %s", se.Code, se.RetryAfter, se.Channel, tt.code, tt.minBefore)
			}
			assertNoSecrets(t, err, rb.key)
		})
	}
}

func TestWeComThrottlePausesChannel(t *testing.T) {
	clock := newClock()
	rb, cfg := newWeComRobot(t, clock)
	s := mustSender(t, cfg, clock)
	rb.push(canned{body: `{"errcode":45009,"errmsg":"api freq out of limit"}`})

	err := s.Send(t.Context(), sampleMessage())
	se := wantKind(t, err, alerts.Throttled)
	if se.RetryAfter != time.Minute {
		t.Fatalf("RetryAfter %s, want 1m", se.RetryAfter)
	}
	if next := alerts.NextAttempt(1, err, clock.Now()); !next.Equal(clock.Now().Add(time.Minute)) {
		t.Errorf("NextAttempt %s, want a minute later", next)
	}

	// Within the minute the sender doesn't call the robot at all.
	clock.Advance(40 * time.Second)
	calls := rb.callCount()
	se = wantKind(t, s.Send(t.Context(), sampleMessage()), alerts.Throttled)
	if rb.callCount() != calls || se.RetryAfter != 20*time.Second {
		t.Errorf("paused channel called the robot (%d→%d) or wrong wait %s", calls, rb.callCount(), se.RetryAfter)
	}

	clock.Advance(20 * time.Second)
	must(t, s.Send(t.Context(), sampleMessage()))
	if n := len(rb.delivered()); n != 1 {
		t.Errorf("delivered %d, want 1", n)
	}
}
