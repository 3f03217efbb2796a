package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/alerts"
)

const (
	wecomURL    = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
	dingtalkURL = "https://oapi.dingtalk.com/robot/send?access_token=c8a5f1e3b2d4a6c8e0f2"
	feishuURL   = "https://open.feishu.cn/open-apis/bot/v2/hook/0f6a3c2e-81d4-4b7a-9c1e-5d2f8a7b6c4e"
)

func TestChannels(t *testing.T) {
	c, err := Load(envOf(map[string]string{
		"ARBSYNC_ALERT_CHANNELS":       " ops, HR ,risk,erp",
		"ARBSYNC_ALERT_OPS_KIND":       "wecom",
		"ARBSYNC_ALERT_OPS_URL":        wecomURL,
		"ARBSYNC_ALERT_OPS_LEVELS":     "urgent",
		"ARBSYNC_ALERT_HR_KIND":        "DingTalk",
		"ARBSYNC_ALERT_HR_URL_FILE":    "/run/secrets/hr_url",
		"ARBSYNC_ALERT_HR_SECRET_FILE": "/run/secrets/hr_secret",
		"ARBSYNC_ALERT_RISK_KIND":      "feishu",
		"ARBSYNC_ALERT_RISK_URL":       feishuURL,
		"ARBSYNC_ALERT_RISK_SECRET":    "qE4xX9kLmN2pR7sT5vW8yZ1a",
		"ARBSYNC_ALERT_RISK_LEVELS":    "warning, urgent, warning",
		"ARBSYNC_ALERT_ERP_KIND":       "webhook",
		"ARBSYNC_ALERT_ERP_URL":        "http://erp.internal/hooks/arbsync",
		"ARBSYNC_ALERT_ERP_RATE_LIMIT": "5/1s",
	}, map[string]string{
		"/run/secrets/hr_url":    dingtalkURL + "\n",
		"/run/secrets/hr_secret": "SECabc123\n",
	}), Need{})
	require.NoError(t, err)
	both := []alerts.Level{alerts.LevelWarning, alerts.LevelUrgent}
	want := []alerts.ChannelConfig{
		{Name: "ops", Kind: alerts.KindWeCom, URL: wecomURL, Levels: []alerts.Level{alerts.LevelUrgent}},
		{Name: "hr", Kind: alerts.KindDingTalk, URL: dingtalkURL, Secret: "SECabc123", Levels: both},
		{Name: "risk", Kind: alerts.KindFeishu, URL: feishuURL, Secret: "qE4xX9kLmN2pR7sT5vW8yZ1a", Levels: both},
		{Name: "erp", Kind: alerts.KindWebhook, URL: "http://erp.internal/hooks/arbsync", Levels: both, RateLimit: alerts.RateLimit{N: 5, Per: time.Second}},
	}
	if !reflect.DeepEqual(c.Channels, want) {
		t.Errorf("got  %#v\nwant %#v", c.Channels, want)
	}

	c, err = Load(envOf(nil, nil), Need{})
	if err != nil || c.Channels != nil {
		t.Errorf("no channels configured: %v, %v", c.Channels, err)
	}
}

func TestChannelErrorsNameTheVariable(t *testing.T) {
	base := map[string]string{"ARBSYNC_ALERT_CHANNELS": "ops", "ARBSYNC_ALERT_OPS_KIND": "wecom", "ARBSYNC_ALERT_OPS_URL": wecomURL}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"unknown kind", with("ARBSYNC_ALERT_OPS_KIND", "slack"),
			`ARBSYNC_ALERT_OPS_KIND: "slack" is not one of webhook, wecom, dingtalk, feishu`},
		{"missing kind", with("ARBSYNC_ALERT_OPS_KIND", ""), "ARBSYNC_ALERT_OPS_KIND: is required (one of webhook, wecom, dingtalk, feishu)"},
		{"missing URL", with("ARBSYNC_ALERT_OPS_URL", ""), "ARBSYNC_ALERT_OPS_URL: is required (or ARBSYNC_ALERT_OPS_URL_FILE)"},
		{"WeCom URL without key", with("ARBSYNC_ALERT_OPS_URL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?token=693a91f6"),
			"ARBSYNC_ALERT_OPS_URL: a WeCom robot URL needs its key parameter"},
		{"relative URL", with("ARBSYNC_ALERT_OPS_URL", "qyapi.weixin.qq.com/send?key=693a91f6"), "ARBSYNC_ALERT_OPS_URL: not an absolute http(s) URL"},
		{"DingTalk URL without token", with("ARBSYNC_ALERT_OPS_KIND", "dingtalk", "ARBSYNC_ALERT_OPS_URL", "https://oapi.dingtalk.com/robot/send?secret=SEC693a91f6"),
			"ARBSYNC_ALERT_OPS_URL: a DingTalk robot URL needs its access_token parameter"},
		{"DingTalk URL with a frozen sign", with("ARBSYNC_ALERT_OPS_KIND", "dingtalk", "ARBSYNC_ALERT_OPS_URL", dingtalkURL+"&timestamp=1&sign=693a91f6"),
			"ARBSYNC_ALERT_OPS_URL: leave timestamp and sign out"},
		{"Feishu URL without token", with("ARBSYNC_ALERT_OPS_KIND", "feishu", "ARBSYNC_ALERT_OPS_URL", "https://open.feishu.cn/open-apis/bot/v2/hook/"),
			"ARBSYNC_ALERT_OPS_URL: a Feishu bot URL ends in /hook/{token}"},
		{"bad URL from a file", with("ARBSYNC_ALERT_OPS_URL", "", "ARBSYNC_ALERT_OPS_URL_FILE", "/run/secrets/relative"),
			"ARBSYNC_ALERT_OPS_URL_FILE: not an absolute http(s) URL"},
		{"URL from a missing file", with("ARBSYNC_ALERT_OPS_URL", "", "ARBSYNC_ALERT_OPS_URL_FILE", "/run/secrets/nope"),
			"ARBSYNC_ALERT_OPS_URL_FILE: cannot read /run/secrets/nope: file does not exist"},
		{"URL and URL_FILE", with("ARBSYNC_ALERT_OPS_URL_FILE", "/run/secrets/ops"),
			"ARBSYNC_ALERT_OPS_URL: set either ARBSYNC_ALERT_OPS_URL or ARBSYNC_ALERT_OPS_URL_FILE, not both"},
		{"empty secret file", with("ARBSYNC_ALERT_OPS_KIND", "dingtalk", "ARBSYNC_ALERT_OPS_URL", dingtalkURL, "ARBSYNC_ALERT_OPS_SECRET_FILE", "/run/secrets/empty"),
			"ARBSYNC_ALERT_OPS_SECRET_FILE: file /run/secrets/empty is empty"},
		{"secret on WeCom", with("ARBSYNC_ALERT_OPS_SECRET", "SEC693a91f6"), "ARBSYNC_ALERT_OPS_SECRET: WeCom robots are not signed"},
		{"bad rate limit", with("ARBSYNC_ALERT_OPS_RATE_LIMIT", "fast"), "ARBSYNC_ALERT_OPS_RATE_LIMIT:"},
		{"bad level", with("ARBSYNC_ALERT_OPS_LEVELS", "warning,critical"), `ARBSYNC_ALERT_OPS_LEVELS: "critical" is not one of warning, urgent`},
		{"bad channel name", with("ARBSYNC_ALERT_CHANNELS", "ops,hr-team"), `ARBSYNC_ALERT_CHANNELS: channel name "hr-team" may contain only letters, digits and _`},
		{"duplicate channel", with("ARBSYNC_ALERT_CHANNELS", "ops,OPS"), `ARBSYNC_ALERT_CHANNELS: channel "OPS" is listed twice`},
		{"trailing comma", with("ARBSYNC_ALERT_CHANNELS", "ops,"), `ARBSYNC_ALERT_CHANNELS: empty channel name in "ops,"`},
		{"listed but not configured", with("ARBSYNC_ALERT_CHANNELS", "ops,hr"), "ARBSYNC_ALERT_HR_KIND: is required"},
	}
	files := map[string]string{"/run/secrets/empty": "\n", "/run/secrets/ops": wecomURL, "/run/secrets/relative": "qyapi.weixin.qq.com/send?key=693a91f6"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(envOf(tt.env, files), Need{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("want error containing %q, got %v", tt.want, err)
			}
			if c.Channels != nil {
				t.Errorf("channels returned with an error: %v", c.Channels)
			}
			// Neither the key in the URL nor any secret value is printed.
			for _, s := range []string{"693a91f6", "c8a5f1e3b2d4a6c8e0f2"} {
				require.NotContains(t, err.Error(), s)
			}
		})
	}
}

func TestChannelsReportEveryProblem(t *testing.T) {
	_, err := Load(envOf(map[string]string{
		"ARBSYNC_ALERT_CHANNELS":  "ops,hr",
		"ARBSYNC_ALERT_OPS_KIND":  "slack",
		"ARBSYNC_ALERT_HR_KIND":   "feishu",
		"ARBSYNC_ALERT_HR_URL":    feishuURL,
		"ARBSYNC_ALERT_HR_LEVELS": "all",
	}, nil), Need{})
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 3 {
		t.Fatalf("want 3 problems (OPS_KIND, OPS_URL, HR_LEVELS), got %v", err)
	}
}

// A bad channel and a bad variable of the rest of the configuration are
// reported together, in one error.
func TestChannelProblemsAreListedWithTheRest(t *testing.T) {
	_, err := Load(envOf(map[string]string{
		"ARBSYNC_UPSTREAM_QPS":   "fast",
		"ARBSYNC_ALERT_CHANNELS": "ops",
		"ARBSYNC_ALERT_OPS_KIND": "slack",
		"ARBSYNC_ALERT_OPS_URL":  "http://127.0.0.1:9/",
	}, nil), Need{Database: true})
	require.Error(t, err)
	for _, v := range []string{"ARBSYNC_UPSTREAM_QPS:", "ARBSYNC_ALERT_OPS_KIND:", "DATABASE_URL:"} {
		require.Contains(t, err.Error(), v)
	}
}

func TestChannelEventsAndDigest(t *testing.T) {
	base := map[string]string{"ARBSYNC_ALERT_CHANNELS": "ops", "ARBSYNC_ALERT_OPS_KIND": "wecom", "ARBSYNC_ALERT_OPS_URL": wecomURL}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	c, err := Load(envOf(with("ARBSYNC_ALERT_OPS_EVENTS", " Filed,execution_changed,filed ", "ARBSYNC_ALERT_OPS_DIGEST", "Daily",
		"ARBSYNC_ALERT_OPS_DIGEST_EMPTY", "true", "ARBSYNC_DIGEST_SCHEDULE", "30 8 * * 1-5"), nil), Need{})
	require.NoError(t, err)
	require.Equal(t, []string{"filed", "execution_changed"}, c.Channels[0].Events)
	require.True(t, c.Channels[0].Digest)
	require.True(t, c.Channels[0].DigestEmpty)
	require.Equal(t, "30 8 * * 1-5", c.DigestSchedule)

	c, err = Load(envOf(base, nil), Need{})
	require.NoError(t, err)
	require.Empty(t, c.Channels[0].Events, "no events by default")
	require.False(t, c.Channels[0].Digest, "no digest by default")
	require.Equal(t, "0 9 * * *", c.DigestSchedule)

	_, err = Load(envOf(with("ARBSYNC_ALERT_OPS_EVENTS", "filed,baseline,fild", "ARBSYNC_ALERT_OPS_DIGEST", "weekly",
		"ARBSYNC_ALERT_OPS_DIGEST_EMPTY", "true", "ARBSYNC_DIGEST_SCHEDULE", "9am"), nil), Need{})
	require.Error(t, err)
	for _, want := range []string{
		"ARBSYNC_ALERT_OPS_EVENTS: baseline events are the cases a company already had when it was first synced, not news: they never alert",
		`ARBSYNC_ALERT_OPS_EVENTS: "fild" is not an event kind (one of filed, decided, result_changed, execution_changed, amounts_changed, removed, restored)`,
		`ARBSYNC_ALERT_OPS_DIGEST: "weekly" is not one of off, daily`,
		"ARBSYNC_ALERT_OPS_DIGEST_EMPTY: applies to a channel with ARBSYNC_ALERT_OPS_DIGEST=daily",
		`ARBSYNC_DIGEST_SCHEDULE: "9am" is not a cron schedule`,
	} {
		require.Contains(t, err.Error(), want)
	}
}
