package alerts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// Feishu / Lark (飞书) custom bot.
//
// POST …/open-apis/bot/v2/hook/{token}; the token in the path is the
// credential. When the bot has 签名校验 (a secret), the JSON body carries
// "timestamp" (unix seconds, as a string) and "sign" = base64(HMAC-SHA256(key
// = timestamp+"\n"+secret, message = empty)); Feishu rejects a timestamp more
// than an hour from its clock. We send an interactive card. The body must not
// exceed 20 KB. Answer {"code":0,"msg":"success",…} (older deployments:
// {"StatusCode":0,"StatusMessage":"success"}), HTTP 200 either way. Limits:
// 100 messages a minute and 5 a second per bot.
const (
	feishuMaxBody = 20_000 // bytes; "20 KB", read conservatively
	// feishuMaxText bounds the card text of a digest part (Split), leaving
	// the rest of the body to the card's JSON and the text's escaping.
	feishuMaxText   = 16_000
	feishuPerMinute = 100
	feishuPerSecond = 5
)

// Feishu error codes with a known meaning; others are Retriable.
const (
	feishuFrequencyLimited = 11232    // frequency limited psm[…]
	feishuRequestLimit     = 99991400 // request trigger frequency limit (platform-wide)
	feishuGeneric          = 9499     // "too many request" when throttled; also "Bad Request"
	feishuTokenInvalid     = 19001    // param invalid: incoming webhook access token invalid
	feishuParamsError      = 19002    // params error
	feishuSignFailed       = 19021    // sign match fail or timestamp is not within one hour
	feishuIPNotAllowed     = 19022    // Ip Not Allowed
	feishuKeywordMissing   = 19024    // Key Words Not Found
)

type feishu struct {
	*base
	url    string
	secret string
}

func newFeishu(cfg ChannelConfig, client *http.Client, now func() time.Time) (*feishu, error) {
	if err := ValidateURL(cfg.Kind, cfg.URL.Reveal()); err != nil {
		return nil, err
	}
	b := newBase(cfg, client, now,
		cfg.limiter(feishuPerMinute, time.Minute, feishuPerMinute/4),
		windowLimiter(feishuPerSecond, time.Second, 2))
	u, _ := url.Parse(cfg.URL.Reveal())
	b.scrub = b.scrub.with(path.Base(u.Path))
	return &feishu{base: b, url: cfg.URL.Reveal(), secret: cfg.Secret.Reveal()}, nil
}

type feishuRequest struct {
	Timestamp string     `json:"timestamp,omitempty"`
	Sign      string     `json:"sign,omitempty"`
	MsgType   string     `json:"msg_type"`
	Card      feishuCard `json:"card"`
}

type feishuCard struct {
	Config   feishuCardConfig `json:"config"`
	Header   feishuHeader     `json:"header"`
	Elements []any            `json:"elements"`
}

type feishuCardConfig struct {
	WideScreenMode bool `json:"wide_screen_mode"`
}

type feishuHeader struct {
	Title    feishuText `json:"title"`
	Template string     `json:"template"`
}

type feishuText struct {
	Tag     string `json:"tag"`
	Content string `json:"content"`
}

type feishuDiv struct {
	Tag  string     `json:"tag"`
	Text feishuText `json:"text"`
}

type feishuNote struct {
	Tag      string       `json:"tag"`
	Elements []feishuText `json:"elements"`
}

// feishuSign is base64(HMAC-SHA256(key = ts+"\n"+secret, message = empty)).
func feishuSign(ts, secret string) string {
	mac := hmac.New(sha256.New, []byte(ts+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send implements Sender.
func (f *feishu) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return f.invalid(err)
	}
	if m.Kind == MessageReportFile {
		return f.invalid(errorString("file messages are sent to WeCom channels only"))
	}
	if err := f.acquire(ctx); err != nil {
		return err
	}
	req := feishuRequest{MsgType: "interactive"}
	scrub := f.scrub
	if f.secret != "" {
		req.Timestamp = strconv.FormatInt(f.now().Unix(), 10)
		req.Sign = feishuSign(req.Timestamp, f.secret)
		scrub = scrub.with(req.Sign)
	}
	body, err := f.body(req, m)
	if err != nil {
		return err
	}
	r, err := f.post(ctx, f.url, body, nil, scrub)
	if err != nil {
		return err
	}
	return f.chatResult(r, decodeFeishu, classifyFeishu, scrub)
}

// body renders m into req's card so that the whole body fits feishuMaxBody.
// When the full text does not fit, it searches for the longest cut of the
// card text that does (JSON escaping makes the body size of a cut hard to
// predict, and a dozen encodings of 20 KB are cheap).
func (f *feishu) body(req feishuRequest, m Message) ([]byte, error) {
	template := "orange"
	switch {
	case m.Kind != MessageLevel:
		template = "blue"
	case m.Level == LevelUrgent:
		template = "red"
	}
	req.Card = feishuCard{
		Config: feishuCardConfig{WideScreenMode: true},
		Header: feishuHeader{Title: feishuText{Tag: "plain_text", Content: m.Title()}, Template: template},
	}
	note := feishuNote{Tag: "note", Elements: []feishuText{{Tag: "plain_text", Content: "去重键：" + clean(m.DedupKey)}}}
	encode := func(budget int) ([]byte, error) {
		content := m.render(feishuMarkdown, budget)
		req.Card.Elements = []any{feishuDiv{Tag: "div", Text: feishuText{Tag: "lark_md", Content: content}}, note}
		return marshal(req)
	}
	body, err := encode(0)
	if err != nil {
		return nil, f.invalid(err)
	}
	if len(body) <= feishuMaxBody {
		return body, nil
	}
	// Largest budget in [1, full) whose body fits: fits(lo) is unknown, fits(hi) is false.
	var best []byte
	lo, hi := 1, len(m.render(feishuMarkdown, 0))
	for lo < hi {
		mid := lo + (hi-lo)/2
		b, err := encode(mid)
		if err != nil {
			return nil, f.invalid(err)
		}
		if len(b) <= feishuMaxBody {
			best, lo = b, mid+1
		} else {
			hi = mid
		}
	}
	if best == nil {
		return nil, f.errorf(Permanent, "message does not fit Feishu's %d-byte body limit", feishuMaxBody)
	}
	return best, nil
}

// decodeFeishu reads {"code":…,"msg":…}, or the older
// {"StatusCode":…,"StatusMessage":…}.
func decodeFeishu(body []byte) (chatAnswer, bool) {
	var v struct {
		Code          *int   `json:"code"`
		Msg           string `json:"msg"`
		StatusCode    *int   `json:"StatusCode"`
		StatusMessage string `json:"StatusMessage"`
	}
	if json.Unmarshal(body, &v) != nil {
		return chatAnswer{}, false
	}
	switch {
	case v.Code != nil:
		return chatAnswer{code: *v.Code, msg: v.Msg}, true
	case v.StatusCode != nil:
		return chatAnswer{code: *v.StatusCode, msg: v.StatusMessage}, true
	}
	return chatAnswer{}, false
}

func classifyFeishu(code int, msg string) (ErrorKind, time.Duration) {
	switch code {
	case feishuFrequencyLimited, feishuRequestLimit:
		return Throttled, minThrottle
	case feishuGeneric:
		// 9499 is Feishu's catch-all: "too many request" when throttled,
		// "Bad Request" otherwise.
		if m := strings.ToLower(msg); strings.Contains(m, "too many") || strings.Contains(m, "frequency") || strings.Contains(m, "limit") {
			return Throttled, minThrottle
		}
		return Retriable, 0
	case feishuTokenInvalid, feishuParamsError, feishuSignFailed, feishuIPNotAllowed, feishuKeywordMissing:
		return Permanent, 0
	}
	return Retriable, 0
}
