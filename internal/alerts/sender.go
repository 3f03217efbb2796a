package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ChannelKind names a kind of channel.
type ChannelKind string

// Channel kinds, as written in ARBSYNC_ALERT_<NAME>_KIND.
const (
	KindWebhook  ChannelKind = "webhook"
	KindWeCom    ChannelKind = "wecom"
	KindDingTalk ChannelKind = "dingtalk"
	KindFeishu   ChannelKind = "feishu"
)

// Sender delivers alert messages to one configured channel. Send is safe for
// concurrent use; it waits for the channel's rate limit (or until ctx ends),
// makes one HTTP attempt and returns nil or a *SendError. It never retries:
// retries belong to the delivery worker (see NextAttempt).
type Sender interface {
	// Name is the configured channel name, e.g. "ops".
	Name() string
	// Kind is the channel's kind.
	Kind() ChannelKind
	// Levels are the alert levels routed to this channel.
	Levels() []Level
	// Events are the case-event kinds routed to this channel.
	Events() []string
	// Send delivers m once.
	Send(ctx context.Context, m Message) error
	// Drain empties the channel's rate-limit buckets, so that the next
	// sends go at the steady rate: a sender that takes a channel over from
	// another replica does not know how much of the current window the
	// other one used.
	Drain()
	// PauseUntil makes Send refuse (Throttled, without calling the service)
	// until t: the service throttled the channel, perhaps answering another
	// replica.
	PauseUntil(t time.Time)
}

const (
	// maxResponseBytes bounds how much of an answer is read.
	maxResponseBytes = 64 << 10
	// minThrottle is the least a throttle answer makes us wait.
	minThrottle = time.Minute
	// defaultTimeout is the timeout of the client used when none is given.
	defaultTimeout = 15 * time.Second
)

// base is what every channel shares: identity, HTTP client, clock, limits and
// the pause after a throttle answer.
type base struct {
	name   string
	kind   ChannelKind
	levels []Level
	events []string
	client *http.Client
	now    func() time.Time
	limits []*rate.Limiter
	scrub  scrubber // the channel's secrets, removed from any text we report

	mu          sync.Mutex
	pausedUntil time.Time
}

func newBase(cfg ChannelConfig, client *http.Client, now func() time.Time, limits ...*rate.Limiter) *base {
	if client == nil {
		client = &http.Client{Timeout: defaultTimeout}
	}
	// A redirect would resend the body (and our signature) to a URL we were
	// not configured with, or turn the POST into a GET. Don't follow it; the
	// 3xx is reported as Permanent so the operator fixes the URL.
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if now == nil {
		now = time.Now
	}
	levels := cfg.Levels
	if len(levels) == 0 {
		levels = []Level{LevelWarning, LevelUrgent}
	}
	return &base{
		name:   cfg.Name,
		kind:   cfg.Kind,
		levels: slices.Clone(levels),
		events: slices.Clone(cfg.Events),
		client: &c,
		now:    now,
		limits: limits,
		scrub:  scrubber(nil).with(cfg.URL.Reveal(), cfg.Secret.Reveal()),
	}
}

// Name implements Sender.
func (b *base) Name() string { return b.name }

// Kind implements Sender.
func (b *base) Kind() ChannelKind { return b.kind }

// Levels implements Sender.
func (b *base) Levels() []Level { return slices.Clone(b.levels) }

// Events implements Sender.
func (b *base) Events() []string { return slices.Clone(b.events) }

// errorf builds a SendError for this channel.
func (b *base) errorf(kind ErrorKind, format string, args ...any) *SendError {
	return &SendError{Channel: b.name, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// invalid reports a message that can never be sent.
func (b *base) invalid(err error) error {
	e := b.errorf(Permanent, "%v", err)
	e.unsent = true
	return e
}

// response is a service's answer, its body read up to maxResponseBytes.
type response struct {
	status int
	header http.Header
	body   []byte
}

// post sends body to rawURL once. Transport failures come back as a Retriable
// *SendError whose text holds the redacted URL and scrubbed cause only.
func (b *base) post(ctx context.Context, rawURL string, body []byte, header http.Header, scrub scrubber) (*response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return nil, b.errorf(Permanent, "build request for %s: invalid URL", RedactURL(rawURL))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "arbsync-alerts/1")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := b.client.Do(req)
	if err != nil {
		e := b.errorf(Retriable, "POST %s: %s", RedactURL(rawURL), scrub.clean(transportCause(err)))
		if ctxErr := ctx.Err(); ctxErr != nil {
			e.cause = ctxErr
		}
		return nil, e
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, b.errorf(Retriable, "read answer from %s: %s", RedactURL(rawURL), scrub.clean(transportCause(err)))
	}
	if len(data) > maxResponseBytes {
		return nil, &SendError{Channel: b.name, Kind: Retriable, Status: resp.StatusCode,
			Msg: fmt.Sprintf("answer from %s is larger than %d bytes", RedactURL(rawURL), maxResponseBytes)}
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// transportCause is err's text without the request URL that *url.Error adds.
func transportCause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// statusError classifies an HTTP status that is not success: 429 Throttled;
// 408 and 5xx Retriable; 3xx (not followed) and other 4xx Permanent.
func (b *base) statusError(r *response, what string) *SendError {
	e := &SendError{Channel: b.name, Status: r.status, Msg: fmt.Sprintf("%s: HTTP %d", what, r.status)}
	after := retryAfter(r.header, b.now())
	switch {
	case r.status == http.StatusTooManyRequests:
		e.Kind, e.RetryAfter = Throttled, max(after, minThrottle)
	case r.status == http.StatusRequestTimeout || r.status >= 500:
		e.Kind, e.RetryAfter = Retriable, after
	case r.status >= 300 && r.status < 400:
		e.Kind = Permanent
		e.Msg += " (redirect not followed; configure the final URL)"
	default:
		e.Kind = Permanent
	}
	return e
}

// retryAfter reads Retry-After (seconds or an HTTP date) or Feishu's
// x-ogw-ratelimit-reset (seconds); 0 when absent or unreadable.
func retryAfter(h http.Header, now time.Time) time.Duration {
	for _, name := range []string{"Retry-After", "X-Ogw-Ratelimit-Reset"} {
		v := h.Get(name)
		if v == "" {
			continue
		}
		if secs, err := strconv.Atoi(v); err == nil && secs > 0 {
			return time.Duration(secs) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return t.Sub(now)
		}
	}
	return 0
}

// chatAnswer is a chat tool's verdict on one message.
type chatAnswer struct {
	code int
	msg  string
}

// classifier maps a chat tool's non-zero code to a kind and, for Throttled,
// the wait.
type classifier func(code int, msg string) (ErrorKind, time.Duration)

// chatResult interprets a chat tool's answer. The tools answer HTTP 200 even
// on failure, so success is HTTP 200 with code 0. A throttle answer also
// pauses the channel for its wait.
func (b *base) chatResult(r *response, decode func([]byte) (chatAnswer, bool), classify classifier, scrub scrubber) error {
	ans, decoded := decode(r.body)
	if r.status != http.StatusOK {
		e := b.statusError(r, string(b.kind))
		if decoded && ans.code != 0 {
			e.Code = ans.code
			e.Msg += fmt.Sprintf(", code %d: %s", ans.code, scrub.clean(ans.msg))
			if kind, wait := classify(ans.code, ans.msg); kind == Throttled {
				e.Kind, e.RetryAfter = Throttled, max(e.RetryAfter, wait)
			}
		}
		return b.record(e)
	}
	if !decoded {
		return b.errorf(Retriable, "%s answered HTTP 200 with an undecodable body: %s", b.kind, scrub.clean(string(r.body)))
	}
	if ans.code == 0 {
		return nil
	}
	kind, wait := classify(ans.code, ans.msg)
	e := &SendError{Channel: b.name, Kind: kind, Status: r.status, Code: ans.code,
		Msg: fmt.Sprintf("%s code %d: %s", b.kind, ans.code, scrub.clean(ans.msg))}
	if kind == Throttled {
		e.RetryAfter = max(wait, retryAfter(r.header, b.now()), minThrottle)
	}
	return b.record(e)
}

// record pauses the channel after a throttle answer and returns e.
func (b *base) record(e *SendError) error {
	if e.Kind == Throttled && e.RetryAfter > 0 {
		b.pause(e.RetryAfter)
	}
	return e
}

// decodeErrcode reads WeCom's and DingTalk's {"errcode":…,"errmsg":…}.
func decodeErrcode(body []byte) (chatAnswer, bool) {
	var v struct {
		Errcode *int   `json:"errcode"`
		Errmsg  string `json:"errmsg"`
	}
	if json.Unmarshal(body, &v) != nil || v.Errcode == nil {
		return chatAnswer{}, false
	}
	return chatAnswer{code: *v.Errcode, msg: v.Errmsg}, true
}

// marshal encodes v as compact JSON without HTML escaping, so the byte counts
// of Markdown with <font> tags are what the services see.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
