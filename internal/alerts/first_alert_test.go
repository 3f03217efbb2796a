package alerts_test

import (
	"strings"
	"testing"
)

// A company scored for the first time has no earlier level. Its alert says
// so in every channel instead of leaving an empty "before" clause.
func TestFirstAlertSaysFirstScoreInEveryChannel(t *testing.T) {
	first := sampleMessage()
	first.PreviousLevel = ""
	const want = "**等级**：紧急（首次评分）"

	delivered := map[string]string{}
	clock := newClock()

	rc, cfg := newWebhookReceiver(t, clock)
	must(t, mustSender(t, cfg, clock).Send(t.Context(), first))
	payloads := locked(&rc.mu, &rc.payloads)
	if len(payloads) != 1 {
		t.Fatalf("webhook received %d payloads, want 1", len(payloads))
	}
	if v, has := payloads[0]["previousLevel"]; has {
		t.Errorf("webhook JSON carries previousLevel %v for a first score; want it left out", v)
	}
	delivered["webhook"], _ = payloads[0]["text"].(string)

	wecom, cfg := newWeComRobot(t, clock)
	must(t, mustSender(t, cfg, clock).Send(t.Context(), first))
	delivered["wecom"] = strings.Join(wecom.delivered(), "\n")

	ding, cfg := newDingTalkRobot(t, clock)
	must(t, mustSender(t, cfg, clock).Send(t.Context(), first))
	delivered["dingtalk"] = strings.Join(ding.delivered(), "\n")

	feishu, cfg := newFeishuBot(t, clock)
	must(t, mustSender(t, cfg, clock).Send(t.Context(), first))
	for _, c := range feishu.delivered() {
		delivered["feishu"] += c.text()
	}

	for _, kind := range []string{"webhook", "wecom", "dingtalk", "feishu"} {
		text := delivered[kind]
		if !strings.Contains(text, want) {
			t.Errorf("%s: first alert lacks %q:\n%s", kind, want, text)
		}
		for _, empty := range []string{"此前：）", "此前：无", "（）"} {
			if strings.Contains(text, empty) {
				t.Errorf("%s: first alert contains an empty clause %q:\n%s", kind, empty, text)
			}
		}
	}

	// A transition still names the level before it.
	if md := sampleMessage().Markdown(0); !strings.Contains(md, "**等级**：紧急（此前：预警）") {
		t.Errorf("transition lost its earlier level:\n%s", md)
	}
}
