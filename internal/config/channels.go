package config

import (
	"regexp"
	"slices"
	"strings"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/sync"
)

// alertChannels lists the channel names, comma-separated (e.g. "ops,hr").
// Each name NAME is then configured by ARBSYNC_ALERT_<NAME>_KIND, _URL or
// _URL_FILE, _SECRET or _SECRET_FILE, _RATE_LIMIT, _LEVELS, _EVENTS, _DIGEST
// and _DIGEST_EMPTY, with NAME upper-cased.
const alertChannels = "ARBSYNC_ALERT_CHANNELS"

var channelName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// channels reads the alert channels. None (ARBSYNC_ALERT_CHANNELS unset or
// empty) is not an error: alerts are then recorded but sent nowhere.
func (p *parser) channels() []alerts.ChannelConfig {
	list := p.str(alertChannels, "")
	if list == "" {
		return nil
	}
	var (
		out  []alerts.ChannelConfig
		seen = map[string]bool{}
	)
	for raw := range strings.SplitSeq(list, ",") {
		name := strings.TrimSpace(raw)
		switch {
		case name == "":
			p.fail(alertChannels, "empty channel name in %q", list)
		case !channelName.MatchString(name):
			p.fail(alertChannels, "channel name %q may contain only letters, digits and _", name)
		case seen[strings.ToLower(name)]:
			p.fail(alertChannels, "channel %q is listed twice", name)
		default:
			seen[strings.ToLower(name)] = true
			out = append(out, p.channel(strings.ToLower(name)))
		}
	}
	return out
}

// channel reads ARBSYNC_ALERT_<NAME>_*. The URL is checked as the channel's
// sender checks it (alerts.ValidateURL); its value, and the secret's, never
// appear in messages.
func (p *parser) channel(name string) alerts.ChannelConfig {
	prefix := "ARBSYNC_ALERT_" + strings.ToUpper(name) + "_"
	c := alerts.ChannelConfig{Name: name}

	kinds := make([]string, len(alerts.Kinds()))
	for i, k := range alerts.Kinds() {
		kinds[i] = string(k)
	}
	switch v := p.str(prefix+"KIND", ""); {
	case v == "":
		p.fail(prefix+"KIND", "is required (one of %s)", strings.Join(kinds, ", "))
	case !slices.Contains(kinds, strings.ToLower(v)):
		p.fail(prefix+"KIND", "%q is not one of %s", v, strings.Join(kinds, ", "))
	default:
		c.Kind = alerts.ChannelKind(strings.ToLower(v))
	}

	url, from := p.secretFrom(prefix + "URL")
	switch {
	case from == "": // unreadable, reported
	case url == "":
		p.fail(prefix+"URL", "is required (or %s_FILE)", prefix+"URL")
	case c.Kind != "":
		if err := alerts.ValidateURL(c.Kind, url.Reveal()); err != nil {
			p.fail(from, "%v", err)
		}
	}
	c.URL = url

	c.Secret, from = p.secretFrom(prefix + "SECRET")
	if c.Secret != "" && c.Kind == alerts.KindWeCom {
		p.fail(from, "WeCom robots are not signed (the key in the URL is the credential); remove it")
	}

	if v := p.str(prefix+"RATE_LIMIT", ""); v != "" {
		if rl, err := alerts.ParseRateLimit(v); err != nil {
			p.fail(prefix+"RATE_LIMIT", "%v", err)
		} else {
			c.RateLimit = rl
		}
	}

	levels := p.str(prefix+"LEVELS", string(alerts.LevelWarning)+","+string(alerts.LevelUrgent))
	for raw := range strings.SplitSeq(levels, ",") {
		l := alerts.Level(strings.ToLower(strings.TrimSpace(raw)))
		switch {
		case l != alerts.LevelWarning && l != alerts.LevelUrgent:
			p.fail(prefix+"LEVELS", "%q is not one of %s, %s", strings.TrimSpace(raw), alerts.LevelWarning, alerts.LevelUrgent)
		case !slices.Contains(c.Levels, l):
			c.Levels = append(c.Levels, l)
		}
	}

	if v := p.str(prefix+"EVENTS", ""); v != "" {
		known := casesync.AlertableEventKinds()
		for raw := range strings.SplitSeq(v, ",") {
			k := strings.ToLower(strings.TrimSpace(raw))
			switch {
			case k == casesync.EventBaseline:
				p.fail(prefix+"EVENTS", "baseline events are the cases a company already had when it was first synced, not news: they never alert")
			case !slices.Contains(known, k):
				p.fail(prefix+"EVENTS", "%q is not an event kind (one of %s)", strings.TrimSpace(raw), strings.Join(known, ", "))
			case !slices.Contains(c.Events, k):
				c.Events = append(c.Events, k)
			}
		}
	}
	c.Digest = p.oneOf(prefix+"DIGEST", "off", "off", "daily") == "daily"
	c.DigestEmpty = p.oneOf(prefix+"DIGEST_EMPTY", "false", "false", "true") == "true"
	if c.DigestEmpty && !c.Digest {
		p.fail(prefix+"DIGEST_EMPTY", "applies to a channel with %sDIGEST=daily", prefix)
	}
	return c
}
