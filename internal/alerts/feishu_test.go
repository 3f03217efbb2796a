package alerts_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/secret"
)

// feishuBot behaves like a Feishu custom bot with 签名校验: token in the
// path, timestamp (s, within an hour) and sign in the body, optional keyword,
// body at most 20 KB, 5 a second and 100 a minute.
type feishuBot struct {
	t       *testing.T
	token   string
	secret  string
	keyword string
	legacy  bool // answer in the older StatusCode form
	now     func() time.Time

	mu        sync.Mutex
	script    []canned
	cards     []feishuCard
	sizes     []int
	window    window
	throttled int
}

type feishuCard struct {
	Header struct {
		Title struct {
			Content string `json:"content"`
		} `json:"title"`
		Template string `json:"template"`
	} `json:"header"`
	Elements []struct {
		Tag  string `json:"tag"`
		Text struct {
			Tag     string `json:"tag"`
			Content string `json:"content"`
		} `json:"text"`
		Elements []struct {
			Content string `json:"content"`
		} `json:"elements"`
	} `json:"elements"`
}

func (c feishuCard) text() string {
	var b strings.Builder
	for _, e := range c.Elements {
		b.WriteString(e.Text.Content)
		for _, n := range e.Elements {
			b.WriteString("\n" + n.Content)
		}
	}
	return b.String()
}

func newFeishuBot(t *testing.T, clock *fakeClock) (*feishuBot, alerts.ChannelConfig) {
	b := &feishuBot{t: t, now: clock.Now,
		token: "0f6a3c2e-81d4-4b7a-9c1e-5d2f8a7b6c4e", secret: "qE4xX9kLmN2pR7sT5vW8yZ1a"}
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	return b, alerts.ChannelConfig{
		Name: "risk", Kind: alerts.KindFeishu,
		URL:    secret.Value(srv.URL + "/open-apis/bot/v2/hook/" + b.token),
		Secret: secret.Value(b.secret),
	}
}

func feishuSignFor(ts, secret string) string {
	mac := hmac.New(sha256.New, []byte(ts+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func (b *feishuBot) fail(w http.ResponseWriter, code int, msg string) {
	body, _ := json.Marshal(map[string]any{"code": code, "msg": msg, "data": map[string]any{}})
	writeJSON(w, string(body))
}

func (b *feishuBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if r.Method != http.MethodPost || r.URL.Path != "/open-apis/bot/v2/hook/"+b.token {
		b.fail(w, 19001, "param invalid: incoming webhook access token invalid")
		return
	}
	body, _ := io.ReadAll(r.Body)
	if len(body) > 20<<10 {
		b.fail(w, 9499, "Bad Request")
		return
	}
	var req struct {
		Timestamp string          `json:"timestamp"`
		Sign      string          `json:"sign"`
		MsgType   string          `json:"msg_type"`
		Card      json.RawMessage `json:"card"`
	}
	if json.Unmarshal(body, &req) != nil {
		b.fail(w, 9499, "Bad Request")
		return
	}
	if b.secret != "" {
		ts, err := strconv.ParseInt(req.Timestamp, 10, 64)
		if err != nil || now.Sub(time.Unix(ts, 0)).Abs() > time.Hour ||
			!hmac.Equal([]byte(req.Sign), []byte(feishuSignFor(req.Timestamp, b.secret))) {
			b.fail(w, 19021, "sign match fail or timestamp is not within one hour from current time")
			return
		}
	}
	var card feishuCard
	if req.MsgType != "interactive" || json.Unmarshal(req.Card, &card) != nil || card.Header.Title.Content == "" || len(card.Elements) == 0 {
		b.fail(w, 19002, "params error, msg_type need")
		return
	}
	if b.keyword != "" && !strings.Contains(card.Header.Title.Content+card.text(), b.keyword) {
		b.fail(w, 19024, "Key Words Not Found")
		return
	}
	if b.window.count(now, time.Second) >= 5 || b.window.count(now, time.Minute) >= 100 {
		b.throttled++
		b.fail(w, 11232, "frequency limited psm[lark.oapi.app_platform_runtime]appID[1]")
		return
	}
	if len(b.script) > 0 {
		c := b.script[0]
		b.script = b.script[1:]
		c.write(w)
		return
	}
	b.window.add(now)
	b.cards = append(b.cards, card)
	b.sizes = append(b.sizes, len(body))
	if b.legacy {
		writeJSON(w, `{"Extra":null,"StatusCode":0,"StatusMessage":"success"}`)
		return
	}
	writeJSON(w, `{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}`)
}

func (b *feishuBot) delivered() []feishuCard {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]feishuCard(nil), b.cards...)
}

func TestFeishuSignedCard(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		clock := newClock()
		b, cfg := newFeishuBot(t, clock)
		b.legacy = legacy
		b.keyword = "用工风险"
		must(t, mustSender(t, cfg, clock).Send(t.Context(), sampleMessage()))

		cards := b.delivered()
		if len(cards) != 1 {
			t.Fatalf("legacy=%v: bot received %d cards", legacy, len(cards))
		}
		c := cards[0]
		if c.Header.Title.Content != "【紧急】用工风险预警 北京星河数据科技有限公司" || c.Header.Template != "red" {
			t.Errorf("header %+v", c.Header)
		}
		for _, want := range []string{"**风险评分**：**37.50**", "信用代码：91110108551385082Q", "\n去重键：91110108551385082Q:2025-06-30:urgent"} {
			if !strings.Contains(c.text(), want) {
				t.Errorf("card lacks %q:\n%s", want, c.text())
			}
		}
	}
}

func TestFeishuBodyStaysUnder20KB(t *testing.T) {
	clock := newClock()
	b, cfg := newFeishuBot(t, clock)
	m := sampleMessage()
	m.LatestCaseTitle = strings.Repeat(`"劳动争议"\`, 3000) // quotes and backslashes grow when JSON-escaped
	must(t, mustSender(t, cfg, clock).Send(t.Context(), m))
	if size := locked(&b.mu, &b.sizes)[0]; size > 20_000 || size < 19_000 {
		t.Errorf("body is %d bytes, want just under 20,000", size)
	}
	if text := b.delivered()[0].text(); !strings.Contains(text, "…\n信用代码：") || !strings.HasSuffix(text, "urgent") {
		t.Errorf("cut card lost its footer: …%s", text[len(text)-120:])
	}
}

func TestFeishuFailures(t *testing.T) {
	tests := []struct {
		name  string
		setup func(b *feishuBot, cfg *alerts.ChannelConfig, senderClock *fakeClock)
		kind  alerts.ErrorKind
		code  int
		wait  time.Duration
	}{
		{name: "wrong secret is permanent", kind: alerts.Permanent, code: 19021,
			setup: func(_ *feishuBot, cfg *alerts.ChannelConfig, _ *fakeClock) { cfg.Secret = "not-the-secret" }},
		{name: "timestamp more than an hour old is permanent", kind: alerts.Permanent, code: 19021,
			setup: func(_ *feishuBot, _ *alerts.ChannelConfig, c *fakeClock) { c.Advance(-61 * time.Minute) }},
		{name: "missing keyword is permanent", kind: alerts.Permanent, code: 19024,
			setup: func(b *feishuBot, _ *alerts.ChannelConfig, _ *fakeClock) { b.keyword = "服务器告警" }},
		{name: "frequency limit is throttled", kind: alerts.Throttled, code: 11232, wait: time.Minute,
			setup: func(b *feishuBot, _ *alerts.ChannelConfig, _ *fakeClock) {
				b.script = []canned{{body: `{"code":11232,"data":{},"msg":"frequency limited psm[lark.oapi.app_platform_runtime]appID[1]"}`}}
			}},
		{name: "9499 too many request is throttled", kind: alerts.Throttled, code: 9499, wait: time.Minute,
			setup: func(b *feishuBot, _ *alerts.ChannelConfig, _ *fakeClock) {
				b.script = []canned{{body: `{"code":9499,"data":{},"msg":"too many request"}`}}
			}},
		{name: "platform 429 honours x-ogw-ratelimit-reset", kind: alerts.Throttled, code: 99991400, wait: 90 * time.Second,
			setup: func(b *feishuBot, _ *alerts.ChannelConfig, _ *fakeClock) {
				b.script = []canned{{status: 429, header: http.Header{"X-Ogw-Ratelimit-Reset": {"90"}},
					body: `{"code":99991400,"msg":"request trigger frequency limit"}`}}
			}},
		{name: "answer without a code is retriable", kind: alerts.Retriable,
			setup: func(b *feishuBot, _ *alerts.ChannelConfig, _ *fakeClock) { b.script = []canned{{body: `{}`}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, cfg := newFeishuBot(t, newClock())
			senderClock := newClock()
			tt.setup(b, &cfg, senderClock)
			err := mustSender(t, cfg, senderClock).Send(t.Context(), sampleMessage())
			se := wantKind(t, err, tt.kind)
			if se.Code != tt.code || se.RetryAfter != tt.wait {
				t.Errorf("got code %d, wait %s; want %d, %s", se.Code, se.RetryAfter, tt.code, tt.wait)
			}
			ts := strconv.FormatInt(senderClock.Now().Unix(), 10)
			assertNoSecrets(t, err, b.token, cfg.Secret.Reveal(), feishuSignFor(ts, cfg.Secret.Reveal()))
		})
	}
}
