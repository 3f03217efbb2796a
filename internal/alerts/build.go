package alerts

import (
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Senders is the set of configured channels. It is a []Sender with routing
// helpers.
type Senders []Sender

// NewSender builds the sender for one channel. client is shared by all
// senders (nil: a client with a 15 s timeout; redirects are never followed
// either way); now is the clock for signatures and rate limits (nil:
// time.Now).
func NewSender(cfg ChannelConfig, client *http.Client, now func() time.Time) (Sender, error) {
	var (
		s   Sender
		err error
	)
	switch cfg.Kind {
	case KindWebhook:
		s, err = newWebhook(cfg, client, now)
	case KindWeCom:
		s, err = newWeCom(cfg, client, now)
	case KindDingTalk:
		s, err = newDingTalk(cfg, client, now)
	case KindFeishu:
		s, err = newFeishu(cfg, client, now)
	default:
		return nil, fmt.Errorf("alerts: channel %s: unknown kind %q", cfg.Name, cfg.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("alerts: channel %s: URL: %w", cfg.Name, err)
	}
	return s, nil
}

// BuildSenders builds a sender per configured channel (see NewSender). Each
// sender has its own rate limiter, so give each robot one channel: two
// channels on one robot would share its quota without knowing it.
func BuildSenders(cfgs []ChannelConfig, client *http.Client, now func() time.Time) (Senders, error) {
	out := make(Senders, 0, len(cfgs))
	seen := map[string]bool{}
	for _, c := range cfgs {
		if seen[c.Name] {
			return nil, fmt.Errorf("alerts: channel %s is configured twice", c.Name)
		}
		seen[c.Name] = true
		s, err := NewSender(c, client, now)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// ForLevel returns the senders that receive alerts of level l, in
// configuration order.
func (s Senders) ForLevel(l Level) []Sender {
	var out []Sender
	for _, x := range s {
		if slices.Contains(x.Levels(), l) {
			out = append(out, x)
		}
	}
	return out
}

// ByName returns the sender of the named channel: the delivery worker's way
// from an outbox row back to its channel.
func (s Senders) ByName(name string) (Sender, bool) {
	for _, x := range s {
		if x.Name() == name {
			return x, true
		}
	}
	return nil, false
}
