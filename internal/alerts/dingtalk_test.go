package alerts_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/secret"
)

// dingtalkRobot behaves like a DingTalk custom robot with 加签: access_token
// in the query, timestamp (ms, within an hour of its clock) and sign checked,
// optional custom keyword, markdown with title and text, more than 20
// messages a minute mutes it for 10 minutes.
type dingtalkRobot struct {
	t       *testing.T
	token   string
	secret  string
	keyword string
	now     func() time.Time

	mu         sync.Mutex
	script     []canned
	calls      int
	texts      []string
	window     window
	mutedUntil time.Time
	throttled  int
}

func newDingTalkRobot(t *testing.T, clock *fakeClock) (*dingtalkRobot, alerts.ChannelConfig) {
	rb := &dingtalkRobot{
		t: t, now: clock.Now,
		token:  "c8a5f1e3b2d4a6c8e0f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6",
		secret: "SEC3b1f0e2d4c6a8b0e2f4a6c8d0b2f4e6a8c0d2b4f6e8a0c2d4b6f8e0a2c4d6",
	}
	srv := httptest.NewServer(rb)
	t.Cleanup(srv.Close)
	return rb, alerts.ChannelConfig{
		Name: "hr", Kind: alerts.KindDingTalk,
		URL:    secret.Value(srv.URL + "/robot/send?access_token=" + rb.token),
		Secret: secret.Value(rb.secret),
	}
}

// sign is DingTalk's own computation, written from its documentation.
func dingtalkSignFor(ts, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func (rb *dingtalkRobot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	rb.calls++
	now := rb.now()
	q := r.URL.Query()
	if r.Method != http.MethodPost || r.URL.Path != "/robot/send" {
		http.NotFound(w, r)
		return
	}
	if q.Get("access_token") != rb.token {
		writeJSON(w, `{"errcode":300001,"errmsg":"token is not exist"}`)
		return
	}
	if rb.secret != "" {
		ms, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
		if err != nil || now.Sub(time.UnixMilli(ms)).Abs() > time.Hour {
			writeJSON(w, `{"errcode":310000,"errmsg":"invalid timestamp"}`)
			return
		}
		// The query decodes sign once: a sign URL-encoded twice fails here.
		if !hmac.Equal([]byte(q.Get("sign")), []byte(dingtalkSignFor(q.Get("timestamp"), rb.secret))) {
			writeJSON(w, `{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}`)
			return
		}
	}
	var req struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Title string `json:"title"`
			Text  string `json:"text"`
		} `json:"markdown"`
	}
	body, _ := io.ReadAll(r.Body)
	if json.Unmarshal(body, &req) != nil || req.MsgType != "markdown" || req.Markdown.Title == "" || req.Markdown.Text == "" {
		writeJSON(w, `{"errcode":40035,"errmsg":"缺少参数 markdown"}`)
		return
	}
	if rb.keyword != "" && !strings.Contains(req.Markdown.Title+req.Markdown.Text, rb.keyword) {
		writeJSON(w, `{"errcode":310000,"errmsg":"keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}`)
		return
	}
	if now.Before(rb.mutedUntil) || rb.window.count(now, time.Minute) >= 20 {
		if !now.Before(rb.mutedUntil) {
			rb.mutedUntil = now.Add(10 * time.Minute)
		}
		rb.throttled++
		writeJSON(w, `{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}`)
		return
	}
	if len(rb.script) > 0 {
		c := rb.script[0]
		rb.script = rb.script[1:]
		c.write(w)
		return
	}
	rb.window.add(now)
	rb.texts = append(rb.texts, req.Markdown.Title+"\n"+req.Markdown.Text)
	writeJSON(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (rb *dingtalkRobot) delivered() []string {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	return append([]string(nil), rb.texts...)
}

func TestDingTalkSignedDelivery(t *testing.T) {
	clock := newClock()
	rb, cfg := newDingTalkRobot(t, clock)
	s := mustSender(t, cfg, clock)

	must(t, s.Send(t.Context(), sampleMessage()))

	got := rb.delivered()
	if len(got) != 1 {
		t.Fatalf("robot received %d messages, want 1", len(got))
	}
	for _, want := range []string{
		"【紧急】用工风险预警 北京星河数据科技有限公司\n### 【紧急】用工风险预警", // title, then text
		"**风险评分**：**37.50**\n\n**阈值**：40.00",      // DingTalk needs blank lines
		"###### 去重键：91110108551385082Q:2025-06-30:urgent",
	} {
		if !strings.Contains(got[0], want) {
			t.Errorf("message lacks %q:\n%s", want, got[0])
		}
	}
}

func TestDingTalkUnsignedRobot(t *testing.T) {
	clock := newClock()
	rb, cfg := newDingTalkRobot(t, clock)
	rb.secret, cfg.Secret = "", "" // robot secured by keyword only
	rb.keyword = "用工风险"
	must(t, mustSender(t, cfg, clock).Send(t.Context(), sampleMessage()))
	if len(rb.delivered()) != 1 {
		t.Fatal("not delivered")
	}
}

func TestDingTalkFailures(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(rb *dingtalkRobot, cfg *alerts.ChannelConfig, senderClock *fakeClock)
		kind    alerts.ErrorKind
		code    int
		msgPart string
		wait    time.Duration
	}{
		{name: "wrong secret is permanent", kind: alerts.Permanent, code: 310000, msgPart: "sign not match",
			setup: func(_ *dingtalkRobot, cfg *alerts.ChannelConfig, _ *fakeClock) {
				cfg.Secret = "SECwrongwrongwrongwrongwrongwrongwrong"
			}},
		{name: "clock two hours behind is permanent", kind: alerts.Permanent, code: 310000, msgPart: "invalid timestamp",
			setup: func(_ *dingtalkRobot, _ *alerts.ChannelConfig, c *fakeClock) { c.Advance(-2 * time.Hour) }},
		{name: "clock 59 minutes ahead is accepted", kind: -1,
			setup: func(_ *dingtalkRobot, _ *alerts.ChannelConfig, c *fakeClock) { c.Advance(59 * time.Minute) }},
		{name: "missing keyword is permanent", kind: alerts.Permanent, code: 310000, msgPart: "keywords not in content",
			setup: func(rb *dingtalkRobot, _ *alerts.ChannelConfig, _ *fakeClock) { rb.keyword = "服务器告警" }},
		{name: "unknown token is permanent", kind: alerts.Permanent, code: 300001,
			setup: func(rb *dingtalkRobot, _ *alerts.ChannelConfig, _ *fakeClock) { rb.token = "another" }},
		{name: "send too fast waits out the 10-minute mute", kind: alerts.Throttled, code: 130101, wait: 10 * time.Minute,
			setup: func(rb *dingtalkRobot, _ *alerts.ChannelConfig, _ *fakeClock) {
				rb.script = []canned{{body: `{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}`}}
			}},
		{name: "system busy is retriable", kind: alerts.Retriable, code: -1,
			setup: func(rb *dingtalkRobot, _ *alerts.ChannelConfig, _ *fakeClock) {
				rb.script = []canned{{body: `{"errcode":-1,"errmsg":"系统繁忙"}`}}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			serviceClock := newClock()
			rb, cfg := newDingTalkRobot(t, serviceClock)
			senderClock := newClock()
			tt.setup(rb, &cfg, senderClock)
			s := mustSender(t, cfg, senderClock)
			err := s.Send(t.Context(), sampleMessage())
			if tt.kind == -1 {
				must(t, err)
				return
			}
			se := wantKind(t, err, tt.kind)
			if se.Code != tt.code || !strings.Contains(se.Msg, tt.msgPart) || se.RetryAfter != tt.wait {
				t.Errorf("got code %d, msg %q, wait %s; want %d, %q, %s", se.Code, se.Msg, se.RetryAfter, tt.code, tt.msgPart, tt.wait)
			}
			ts := strconv.FormatInt(senderClock.Now().UnixMilli(), 10)
			sign := dingtalkSignFor(ts, cfg.Secret.Reveal())
			assertNoSecrets(t, err, rb.token, cfg.Secret.Reveal(), sign, url.QueryEscape(sign))
		})
	}
}
