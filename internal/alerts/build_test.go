package alerts_test

import (
	"strings"
	"testing"

	"github.com/arbsync/arbsync/internal/alerts"
)

func names(ss []alerts.Sender) string {
	var n []string
	for _, s := range ss {
		n = append(n, s.Name()+":"+string(s.Kind()))
	}
	return strings.Join(n, ",")
}

func TestBuildSendersRoutesByLevel(t *testing.T) {
	cfgs, err := alerts.ParseChannels(env(map[string]string{
		"ARBSYNC_ALERT_CHANNELS":    "ops,hr,risk",
		"ARBSYNC_ALERT_OPS_KIND":    "wecom",
		"ARBSYNC_ALERT_OPS_URL":     wecomURL,
		"ARBSYNC_ALERT_OPS_LEVELS":  "urgent",
		"ARBSYNC_ALERT_HR_KIND":     "dingtalk",
		"ARBSYNC_ALERT_HR_URL":      dingtalkURL,
		"ARBSYNC_ALERT_RISK_KIND":   "feishu",
		"ARBSYNC_ALERT_RISK_URL":    feishuURL,
		"ARBSYNC_ALERT_RISK_LEVELS": "warning",
	}), nil)
	must(t, err)
	senders, err := alerts.BuildSenders(cfgs, nil, nil)
	must(t, err)

	if got := names(senders.ForLevel(alerts.LevelUrgent)); got != "ops:wecom,hr:dingtalk" {
		t.Errorf("urgent goes to %s", got)
	}
	if got := names(senders.ForLevel(alerts.LevelWarning)); got != "hr:dingtalk,risk:feishu" {
		t.Errorf("warning goes to %s", got)
	}
	if s, ok := senders.ByName("risk"); !ok || s.Kind() != alerts.KindFeishu {
		t.Error("ByName(risk)")
	}
	if _, ok := senders.ByName("nope"); ok {
		t.Error("ByName(nope) found something")
	}
	var plain []alerts.Sender = senders // a Senders is a []Sender
	_ = plain
}

func TestBuildSendersRejectsBadConfig(t *testing.T) {
	_, err := alerts.BuildSenders([]alerts.ChannelConfig{
		{Name: "ops", Kind: alerts.KindWeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?k=693a91f6"},
	}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "alerts: channel ops: URL: a WeCom robot URL needs its key parameter") {
		t.Errorf("got %v", err)
	}
	assertNoSecrets(t, err, "693a91f6")

	ok := alerts.ChannelConfig{Name: "ops", Kind: alerts.KindWeCom, URL: wecomURL}
	if _, err := alerts.BuildSenders([]alerts.ChannelConfig{ok, ok}, nil, nil); err == nil || !strings.Contains(err.Error(), "configured twice") {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := alerts.NewSender(alerts.ChannelConfig{Name: "x", Kind: "slack", URL: wecomURL}, nil, nil); err == nil {
		t.Error("unknown kind accepted")
	}
}
