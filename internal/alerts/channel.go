package alerts

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/arbsync/arbsync/internal/secret"
)

// Kinds lists the channel kinds, in the order messages give them.
func Kinds() []ChannelKind { return []ChannelKind{KindWebhook, KindWeCom, KindDingTalk, KindFeishu} }

// ChannelConfig is one alert channel as configured (package config reads it
// from ARBSYNC_ALERT_CHANNELS and ARBSYNC_ALERT_<NAME>_*).
type ChannelConfig struct {
	// Name is the channel's name as listed in ARBSYNC_ALERT_CHANNELS, lower-cased.
	Name string
	Kind ChannelKind
	// URL is the webhook address. It is a secret.Value because the chat tools put
	// their credential in it (WeCom key, DingTalk access_token, Feishu hook
	// token); use RedactedURL to show it.
	URL secret.Value
	// Secret signs requests: the generic webhook's HMAC key, DingTalk's 加签
	// secret, Feishu's 签名校验 secret. Optional for those; WeCom has none.
	Secret secret.Value
	// Levels are the alert levels sent to the channel; empty means both.
	Levels []Level
	// RateLimit replaces the primary limit of the channel's kind (WeCom and
	// DingTalk 20/1m, Feishu 100/1m, webhook 10/1s) when N > 0. Lower it
	// for a robot that other programs also post to; a robot throttles (and
	// DingTalk mutes for 10 minutes) a sender that goes faster than it takes.
	RateLimit RateLimit
	// Events are the case-event kinds sent to the channel as they happen
	// (ARBSYNC_ALERT_<NAME>_EVENTS, e.g. filed,execution_changed); none by
	// default.
	Events []string
	// Digest is whether the channel takes the daily digest and the weekly
	// summary (ARBSYNC_ALERT_<NAME>_DIGEST=daily).
	Digest bool
	// DigestEmpty sends the digest of a day with nothing to report too
	// (ARBSYNC_ALERT_<NAME>_DIGEST_EMPTY=true); by default such a day sends
	// nothing.
	DigestEmpty bool
}

// RedactedURL returns the URL fit for logs (see RedactURL).
func (c ChannelConfig) RedactedURL() string { return RedactURL(c.URL.Reveal()) }

// ValidateURL checks that raw is an absolute http(s) URL with what kind
// needs in it. Its errors never contain the URL.
func ValidateURL(kind ChannelKind, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("not an absolute http(s) URL")
	}
	q := u.Query()
	switch kind {
	case KindWeCom:
		if q.Get("key") == "" {
			return errors.New("a WeCom robot URL needs its key parameter (…/cgi-bin/webhook/send?key=…)")
		}
	case KindDingTalk:
		if q.Get("access_token") == "" {
			return errors.New("a DingTalk robot URL needs its access_token parameter (…/robot/send?access_token=…)")
		}
		if q.Has("timestamp") || q.Has("sign") {
			return errors.New("leave timestamp and sign out of a DingTalk URL; they are computed per message from the secret")
		}
	case KindFeishu:
		if !strings.Contains(u.Path, "/hook/") || strings.HasSuffix(u.Path, "/hook/") {
			return errors.New("a Feishu bot URL ends in /hook/{token} (…/open-apis/bot/v2/hook/…)")
		}
	case KindWebhook:
	default:
		return fmt.Errorf("unknown channel kind %q", kind)
	}
	return nil
}
