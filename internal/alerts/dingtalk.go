package alerts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// DingTalk (钉钉) custom robot.
//
// POST …/robot/send?access_token=…, plus, when the robot has 加签 (a secret),
// &timestamp={unix ms}&sign={urlencode(base64(HMAC-SHA256(key = secret,
// message = timestamp+"\n"+secret)))}; DingTalk rejects a timestamp more than
// an hour from its clock. Body {"msgtype":"markdown","markdown":{"title":…,
// "text":…}}. Answer {"errcode":0,"errmsg":"ok"}, HTTP 200 either way. More
// than 20 messages a minute mutes the robot for 10 minutes, so the limiter
// never allows that and a throttle answer pauses the channel 10 minutes.
const (
	dingtalkMaxText   = 16000 // bytes; our own bound, well inside DingTalk's
	dingtalkPerMinute = 20
	dingtalkBurst     = 5
	dingtalkMute      = 10 * time.Minute
)

// DingTalk error codes with a known meaning; others are Retriable.
const (
	dingtalkSendTooFast   = 130101 // send too fast, exceed 20 times per minute
	dingtalkSecurityCheck = 310000 // sign not match / keywords not in content / ip not in whitelist / invalid timestamp
	dingtalkTokenMissing  = 300001 // token is not exist
)

type dingtalk struct {
	*base
	url    *url.URL
	secret string
}

func newDingTalk(cfg ChannelConfig, client *http.Client, now func() time.Time) (*dingtalk, error) {
	if err := ValidateURL(cfg.Kind, cfg.URL.Reveal()); err != nil {
		return nil, err
	}
	u, _ := url.Parse(cfg.URL.Reveal())
	b := newBase(cfg, client, now, cfg.limiter(dingtalkPerMinute, time.Minute, dingtalkBurst))
	b.scrub = b.scrub.with(u.Query().Get("access_token"))
	return &dingtalk{base: b, url: u, secret: cfg.Secret.Reveal()}, nil
}

type dingtalkRequest struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"markdown"`
}

// dingtalkSign is base64(HMAC-SHA256(key = secret, message = ts+"\n"+secret)),
// before URL encoding.
func dingtalkSign(ts, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send implements Sender.
func (d *dingtalk) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return d.invalid(err)
	}
	if m.Kind == MessageReportFile {
		return d.invalid(errorString("file messages are sent to WeCom channels only"))
	}
	if err := d.acquire(ctx); err != nil {
		return err
	}
	req := dingtalkRequest{MsgType: "markdown"}
	req.Markdown.Title = m.Title()
	req.Markdown.Text = m.render(dingtalkMarkdown, dingtalkMaxText)
	body, err := marshal(req)
	if err != nil {
		return d.invalid(err)
	}
	u := *d.url
	scrub := d.scrub
	if d.secret != "" {
		ts := strconv.FormatInt(d.now().UnixMilli(), 10)
		sign := dingtalkSign(ts, d.secret)
		q := u.Query()
		q.Set("timestamp", ts)
		q.Set("sign", sign) // Encode URL-encodes it: the "urlencode" of the recipe
		u.RawQuery = q.Encode()
		scrub = scrub.with(sign, u.String())
	}
	r, err := d.post(ctx, u.String(), body, nil, scrub)
	if err != nil {
		return err
	}
	return d.chatResult(r, decodeErrcode, classifyDingTalk, scrub)
}

func classifyDingTalk(code int, _ string) (ErrorKind, time.Duration) {
	switch code {
	case dingtalkSendTooFast:
		return Throttled, dingtalkMute
	case dingtalkSecurityCheck, dingtalkTokenMissing:
		return Permanent, 0
	}
	return Retriable, 0
}
