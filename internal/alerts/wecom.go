package alerts

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// WeCom (企业微信) group robot.
//
// POST {url} where url is …/cgi-bin/webhook/send?key=KEY; the key is the only
// credential (no signature). Body {"msgtype":"markdown","markdown":{"content":…}}
// with content at most 4096 bytes of UTF-8. Answer {"errcode":0,"errmsg":"ok"}
// on success, HTTP 200 either way. 20 messages a minute per robot. A file
// (the weekly report) is uploaded first: see wecom_file.go.
const (
	wecomMaxContent = 4096
	wecomPerMinute  = 20
	wecomBurst      = 5
)

// WeCom error codes with a known meaning; others are Retriable.
const (
	wecomFrequencyLimit = 45009 // api freq out of limit
	wecomInvalidURL     = 93000 // invalid webhook url: key unknown or robot removed
	wecomRobotDisabled  = 93004 // robot disabled
	wecomBadMsgType     = 40008 // invalid msgtype
	wecomBadParameter   = 40058 // invalid parameter (e.g. content too long)
	wecomEmptyContent   = 44004 // empty content
	// upload_media's: the file is not one WeCom takes. (40007, an unknown
	// media_id, stays Retriable: a new upload fixes it.)
	wecomBadMedia    = 40004 // invalid media type
	wecomBadFileType = 40005 // invalid file type
	wecomBadFileSize = 40006 // invalid file size
	wecomEmptyMedia  = 44001 // empty media data
)

type wecom struct {
	*base
	url, uploadURL string
}

func newWeCom(cfg ChannelConfig, client *http.Client, now func() time.Time) (*wecom, error) {
	if err := ValidateURL(cfg.Kind, cfg.URL.Reveal()); err != nil {
		return nil, err
	}
	b := newBase(cfg, client, now, cfg.limiter(wecomPerMinute, time.Minute, wecomBurst))
	u, _ := url.Parse(cfg.URL.Reveal())
	b.scrub = b.scrub.with(u.Query().Get("key"))
	return &wecom{base: b, url: cfg.URL.Reveal(), uploadURL: wecomUploadURL(cfg.URL.Reveal())}, nil
}

type wecomRequest struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
}

// Send implements Sender.
func (w *wecom) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return w.invalid(err)
	}
	if m.Kind == MessageReportFile {
		return w.sendFile(ctx, m)
	}
	if err := w.acquire(ctx); err != nil {
		return err
	}
	req := wecomRequest{MsgType: "markdown"}
	req.Markdown.Content = m.render(wecomMarkdown, wecomMaxContent)
	body, err := marshal(req)
	if err != nil {
		return w.invalid(err)
	}
	r, err := w.post(ctx, w.url, body, nil, w.scrub)
	if err != nil {
		return err
	}
	return w.chatResult(r, decodeErrcode, classifyWeCom, w.scrub)
}

func classifyWeCom(code int, _ string) (ErrorKind, time.Duration) {
	switch code {
	case wecomFrequencyLimit:
		return Throttled, minThrottle
	case wecomInvalidURL, wecomRobotDisabled, wecomBadMsgType, wecomBadParameter, wecomEmptyContent,
		wecomBadMedia, wecomBadFileType, wecomBadFileSize, wecomEmptyMedia:
		return Permanent, 0
	}
	return Retriable, 0
}
