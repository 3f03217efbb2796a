package alerts

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/arbsync/arbsync/internal/secret"
)

// EnvChannels lists the channel names, comma-separated (e.g. "ops,hr"). Each
// name NAME is then configured by ARBSYNC_ALERT_<NAME>_KIND, _URL or
// _URL_FILE, _SECRET or _SECRET_FILE, _LEVELS and _RATE_LIMIT, with NAME
// upper-cased.
const EnvChannels = "ARBSYNC_ALERT_CHANNELS"

// kindNames lists the valid kinds in the order error messages give them.
var kindNames = []ChannelKind{KindWebhook, KindWeCom, KindDingTalk, KindFeishu}

var channelName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// ChannelConfig is one alert channel as configured.
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
}

// RedactedURL returns the URL fit for logs (see RedactURL).
func (c ChannelConfig) RedactedURL() string { return RedactURL(c.URL.Reveal()) }

// ParseChannels reads the alert channels from the environment through getenv
// (os.Getenv in production). readFile reads *_FILE variables (nil:
// os.ReadFile); file contents are trimmed of surrounding white space. No
// channels (ARBSYNC_ALERT_CHANNELS unset or empty) is not an error: alerts are
// then recorded but sent nowhere.
//
// Every problem is reported, each naming its variable, e.g.
// `ARBSYNC_ALERT_OPS_KIND: "slack" is not one of webhook, wecom, dingtalk,
// feishu`. Values of URL and SECRET variables never appear in errors.
func ParseChannels(getenv func(string) string, readFile func(string) ([]byte, error)) ([]ChannelConfig, error) {
	if readFile == nil {
		readFile = os.ReadFile
	}
	list := strings.TrimSpace(getenv(EnvChannels))
	if list == "" {
		return nil, nil
	}
	var (
		errs []error
		cfgs []ChannelConfig
		seen = map[string]bool{}
	)
	for raw := range strings.SplitSeq(list, ",") {
		name := strings.TrimSpace(raw)
		switch {
		case name == "":
			errs = append(errs, fmt.Errorf("%s: empty channel name in %q", EnvChannels, list))
			continue
		case !channelName.MatchString(name):
			errs = append(errs, fmt.Errorf("%s: channel name %q may contain only letters, digits and _", EnvChannels, name))
			continue
		case seen[strings.ToLower(name)]:
			errs = append(errs, fmt.Errorf("%s: channel %q is listed twice", EnvChannels, name))
			continue
		}
		seen[strings.ToLower(name)] = true
		cfg, cerrs := parseChannel(strings.ToLower(name), getenv, readFile)
		errs = append(errs, cerrs...)
		if len(cerrs) == 0 {
			cfgs = append(cfgs, cfg)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return cfgs, nil
}

func parseChannel(name string, getenv func(string) string, readFile func(string) ([]byte, error)) (ChannelConfig, []error) {
	prefix := "ARBSYNC_ALERT_" + strings.ToUpper(name) + "_"
	cfg := ChannelConfig{Name: name}
	var errs []error
	fail := func(variable, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", variable, fmt.Sprintf(format, args...)))
	}

	kindVar := prefix + "KIND"
	switch kind := ChannelKind(strings.ToLower(strings.TrimSpace(getenv(kindVar)))); {
	case kind == "":
		fail(kindVar, "is required (one of %s)", joinKinds())
	case !slices.Contains(kindNames, kind):
		fail(kindVar, "%q is not one of %s", getenv(kindVar), joinKinds())
	default:
		cfg.Kind = kind
	}

	rawURL, urlVar, err := secretValue(prefix+"URL", getenv, readFile)
	if err != nil {
		errs = append(errs, err)
	} else if rawURL == "" {
		fail(prefix+"URL", "is required (or %s_FILE)", prefix+"URL")
	} else if cfg.Kind != "" {
		if err := validateURL(cfg.Kind, rawURL.Reveal()); err != nil {
			fail(urlVar, "%v", err)
		}
	}
	cfg.URL = rawURL

	secret, secretVar, err := secretValue(prefix+"SECRET", getenv, readFile)
	if err != nil {
		errs = append(errs, err)
	} else if secret != "" && cfg.Kind == KindWeCom {
		fail(secretVar, "WeCom robots are not signed (the key in the URL is the credential); remove it")
	}
	cfg.Secret = secret

	if v := strings.TrimSpace(getenv(prefix + "RATE_LIMIT")); v != "" {
		if rl, err := ParseRateLimit(v); err != nil {
			fail(prefix+"RATE_LIMIT", "%v", err)
		} else {
			cfg.RateLimit = rl
		}
	}

	levelsVar := prefix + "LEVELS"
	if v := strings.TrimSpace(getenv(levelsVar)); v == "" {
		cfg.Levels = []Level{LevelWarning, LevelUrgent}
	} else {
		for raw := range strings.SplitSeq(v, ",") {
			l := Level(strings.ToLower(strings.TrimSpace(raw)))
			switch {
			case l != LevelWarning && l != LevelUrgent:
				fail(levelsVar, "%q is not one of %s, %s", strings.TrimSpace(raw), LevelWarning, LevelUrgent)
			case !slices.Contains(cfg.Levels, l):
				cfg.Levels = append(cfg.Levels, l)
			}
		}
	}
	return cfg, errs
}

// secretValue reads variable v or the file named by v_FILE (not both). It
// returns the name of the variable that supplied the value, for later errors.
func secretValue(v string, getenv func(string) string, readFile func(string) ([]byte, error)) (secret.Value, string, error) {
	direct, file := strings.TrimSpace(getenv(v)), strings.TrimSpace(getenv(v+"_FILE"))
	switch {
	case direct != "" && file != "":
		return "", v, fmt.Errorf("%s and %s_FILE are both set; use one", v, v)
	case file != "":
		data, err := readFile(file)
		if err != nil {
			return "", v + "_FILE", fmt.Errorf("%s_FILE: %w", v, err)
		}
		s := strings.TrimSpace(string(data))
		if s == "" {
			return "", v + "_FILE", fmt.Errorf("%s_FILE: file %s is empty", v, file)
		}
		return secret.Value(s), v + "_FILE", nil
	}
	return secret.Value(direct), v, nil
}

func joinKinds() string {
	s := make([]string, len(kindNames))
	for i, k := range kindNames {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// validateURL checks that raw is an absolute http(s) URL with what kind needs
// in it. Its errors never contain the URL.
func validateURL(kind ChannelKind, raw string) error {
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
