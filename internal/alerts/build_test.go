package alerts_test

import (
	"strings"
	"testing"

	"github.com/arbsync/arbsync/internal/alerts"
)

const (
	wecomURL    = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
	dingtalkURL = "https://oapi.dingtalk.com/robot/send?access_token=c8a5f1e3b2d4a6c8e0f2"
	feishuURL   = "https://open.feishu.cn/open-apis/bot/v2/hook/0f6a3c2e-81d4-4b7a-9c1e-5d2f8a7b6c4e"
)

func names(ss []alerts.Sender) string {
	var n []string
	for _, s := range ss {
		n = append(n, s.Name()+":"+string(s.Kind()))
	}
	return strings.Join(n, ",")
}

func TestBuildSendersRoutesByLevel(t *testing.T) {
	cfgs := []alerts.ChannelConfig{
		{Name: "ops", Kind: alerts.KindWeCom, URL: wecomURL, Levels: []alerts.Level{alerts.LevelUrgent}},
		{Name: "hr", Kind: alerts.KindDingTalk, URL: dingtalkURL, Levels: []alerts.Level{alerts.LevelWarning, alerts.LevelUrgent}},
		{Name: "risk", Kind: alerts.KindFeishu, URL: feishuURL, Levels: []alerts.Level{alerts.LevelWarning}},
	}
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
