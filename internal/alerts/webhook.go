package alerts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// Generic JSON webhook.
//
// POST {url} with the message as JSON (webhookPayload). With a secret, the
// request carries X-Arbsync-Signature: sha256=<hex HMAC-SHA256(key = secret,
// message = the exact body bytes)> and X-Arbsync-Timestamp: <unix seconds>,
// which repeats the body's signed "sentAt" so a receiver can reject stale
// requests before parsing. Any 2xx is success. A courtesy limit of 10
// messages a second keeps an alert storm polite.
const (
	// HeaderSignature carries "sha256=" + hex HMAC-SHA256 of the body.
	HeaderSignature = "X-Arbsync-Signature"
	// HeaderTimestamp carries the send time in unix seconds.
	HeaderTimestamp = "X-Arbsync-Timestamp"
	// HeaderDedupKey carries the message's dedup key.
	HeaderDedupKey = "X-Arbsync-Dedup-Key"

	webhookMaxText   = 16 << 10
	webhookPerSecond = 10
)

type webhook struct {
	*base
	url    string
	secret string
}

func newWebhook(cfg ChannelConfig, client *http.Client, now func() time.Time) (*webhook, error) {
	if err := ValidateURL(cfg.Kind, cfg.URL.Reveal()); err != nil {
		return nil, err
	}
	limit := rate.NewLimiter(webhookPerSecond, webhookPerSecond)
	if cfg.RateLimit.N > 0 {
		limit = cfg.limiter(0, 0, 0)
	}
	b := newBase(cfg, client, now, limit)
	return &webhook{base: b, url: cfg.URL.Reveal(), secret: cfg.Secret.Reveal()}, nil
}

// webhookPayload is the generic webhook's JSON body (type "arbsync.alert",
// version 1): the message's fields plus a rendered title and Markdown text.
type webhookPayload struct {
	Type              string `json:"type"`
	Version           int    `json:"version"`
	SentAt            string `json:"sentAt"`
	DedupKey          string `json:"dedupKey"`
	CreditCode        string `json:"creditCode"`
	CompanyName       string `json:"companyName"`
	IndustryName      string `json:"industryName,omitempty"`
	Score             string `json:"score"`
	Threshold         string `json:"threshold"`
	Level             Level  `json:"level"`
	PreviousLevel     Level  `json:"previousLevel,omitempty"`
	RecentCases       int    `json:"recentCases"`
	RecentClaimAmount string `json:"recentClaimAmount"`
	LatestCaseTitle   string `json:"latestCaseTitle,omitempty"`
	AsOf              string `json:"asOf"`
	// RuleVersion and TopCases: which rule produced the score and the cases
	// that drove it (absent from messages stored before alerts had them).
	RuleVersion int       `json:"ruleVersion,omitempty"`
	TopCases    []TopCase `json:"topCases,omitempty"`
	Title       string    `json:"title"`
	Text        string    `json:"text"`
}

// webhookTextPayload is the generic webhook's body for every message but a
// level alert: type "arbsync.event", "arbsync.digest" or "arbsync.weekly"
// (version 1), the company for an event, the title, the lines and the
// rendered Markdown text.
type webhookTextPayload struct {
	Type        string   `json:"type"`
	Version     int      `json:"version"`
	SentAt      string   `json:"sentAt"`
	DedupKey    string   `json:"dedupKey"`
	CreditCode  string   `json:"creditCode,omitempty"`
	CompanyName string   `json:"companyName,omitempty"`
	Title       string   `json:"title"`
	Lines       []string `json:"lines"`
	Text        string   `json:"text"`
}

// webhookSignature is "sha256=" + hex HMAC-SHA256(key = secret, message = body).
func webhookSignature(body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Send implements Sender.
func (w *webhook) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return w.invalid(err)
	}
	if m.Kind == MessageReportFile {
		return w.invalid(errorString("file messages are sent to WeCom channels only"))
	}
	if err := w.acquire(ctx); err != nil {
		return err
	}
	now := w.now()
	var payload any
	if m.Kind != MessageLevel {
		payload = webhookTextPayload{
			Type: "arbsync." + string(m.Kind), Version: 1, SentAt: now.UTC().Format(time.RFC3339),
			DedupKey: m.DedupKey, CreditCode: m.CreditCode, CompanyName: m.CompanyName,
			Title: m.Title(), Lines: m.Lines, Text: m.Markdown(webhookMaxText),
		}
	} else {
		payload = webhookPayload{
			Type: "arbsync.alert", Version: 1, SentAt: now.UTC().Format(time.RFC3339),
			DedupKey: m.DedupKey, CreditCode: m.CreditCode, CompanyName: m.CompanyName,
			IndustryName: m.IndustryName, Score: m.Score, Threshold: m.Threshold,
			Level: m.Level, PreviousLevel: m.PreviousLevel, RecentCases: m.RecentCases,
			RecentClaimAmount: m.RecentClaimAmount, LatestCaseTitle: m.LatestCaseTitle,
			AsOf: m.AsOf.Format("2006-01-02"), RuleVersion: m.RuleVersion, TopCases: m.TopCases,
			Title: m.Title(), Text: m.Markdown(webhookMaxText),
		}
	}
	body, err := marshal(payload)
	if err != nil {
		return w.invalid(err)
	}
	h := http.Header{}
	h.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(HeaderDedupKey, clean(m.DedupKey))
	scrub := w.scrub
	if w.secret != "" {
		sig := webhookSignature(body, w.secret)
		h.Set(HeaderSignature, sig)
		scrub = scrub.with(sig)
	}
	r, err := w.post(ctx, w.url, body, h, scrub)
	if err != nil {
		return err
	}
	if r.status >= 200 && r.status < 300 {
		return nil
	}
	e := w.statusError(r, "webhook")
	if r.status == http.StatusUnauthorized || r.status == http.StatusForbidden {
		e.Msg += " (receiver rejected the signature or credentials)"
	}
	return w.record(e)
}

// VerifyWebhook reports whether signature (the X-Arbsync-Signature header)
// is the HMAC-SHA256 of body under secret, in constant time. Receivers of
// the generic webhook use it to authenticate arbsync.
func VerifyWebhook(body []byte, signature, secret string) bool {
	return hmac.Equal([]byte(signature), []byte(webhookSignature(body, secret)))
}
