package alerts_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/arbsync/arbsync/internal/alerts"
)

// namedMessage is the sample alert as rule 2 raises it: with its rule and
// the three cases that drove the score.
func namedMessage() alerts.Message {
	m := sampleMessage()
	m.RuleVersion = 2
	m.TopCases = []alerts.TopCase{
		{CaseNo: "京海劳人仲字〔2025〕第1024号", Title: "张某与北京星河数据科技有限公司追索劳动报酬纠纷", FilingDate: "2025-05-12", Points: "31.00", Why: "recent"},
		{CaseNo: "京海劳人仲字〔2025〕第0877号", Title: "李某经济补偿金纠纷", FilingDate: "2025-03-03", Points: "19.00", Why: "recent"},
		{Title: "王某社会保险纠纷", FilingDate: "2021-08-30", Points: "2.50", Why: "unexecuted_award"},
	}
	return m
}

// The Markdown names the rule beside the level and lists the cases that
// drove the score, each on its own line, before the latest case's title.
func TestMarkdownNamesRuleAndTopCases(t *testing.T) {
	want := strings.Join([]string{
		"### 【紧急】用工风险预警 北京星河数据科技有限公司",
		"**风险评分**：**37.50**",
		"**阈值**：40.00",
		"**等级**：紧急（此前：预警）",
		"**评分规则**：规则 2",
		"**近一年仲裁次数**：3",
		"**涉案金额**：123456.78 元",
		"**行业**：软件和信息技术服务业",
		"**数据日期**：2025-06-30",
		"**主要扣分案件**：",
		"1. 京海劳人仲字〔2025〕第1024号 张某与北京星河数据科技有限公司追索劳动报酬纠纷（2025-05-12 立案，31.00 分，近一年案件）",
		"2. 京海劳人仲字〔2025〕第0877号 李某经济补偿金纠纷（2025-03-03 立案，19.00 分，近一年案件）",
		"3. 王某社会保险纠纷（2021-08-30 立案，2.50 分，裁决未执行）",
		"**最新案件**：张某与北京星河数据科技有限公司追索劳动报酬纠纷",
		"信用代码：91110108551385082Q",
		"_去重键：91110108551385082Q:2025-06-30:urgent_",
	}, "\n")
	if got := namedMessage().Markdown(0); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// A case's number and title are cut on its line, and cannot break out of
// it, so three cases never crowd out the rest of a message.
func TestTopCaseLinesAreBounded(t *testing.T) {
	m := namedMessage()
	for i := range m.TopCases {
		m.TopCases[i].CaseNo = strings.Repeat("号", 300)
		m.TopCases[i].Title = strings.Repeat("纠纷\n**风险评分**：99.00", 100)
	}
	md := m.Markdown(0)
	for _, line := range strings.Split(md, "\n") {
		if utf8.RuneCountInString(line) > 160 && !strings.HasPrefix(line, "**最新案件**") {
			t.Errorf("line of %d runes: %.80s…", utf8.RuneCountInString(line), line)
		}
	}
	if strings.Count(md, "\n**风险评分**") != 1 || strings.Count(md, "\n") != 15 {
		t.Errorf("a case broke out of its line:\n%s", md)
	}
}

// The outbox stores the rule and the cases with the message; an alert
// stored before alerts had them reads back without them.
func TestMessageJSONCarriesRuleAndTopCases(t *testing.T) {
	m := namedMessage()
	data, err := json.Marshal(m)
	must(t, err)
	var back alerts.Message
	must(t, json.Unmarshal(data, &back))
	if !reflect.DeepEqual(back, m) {
		t.Errorf("round trip: %+v", back)
	}
	for _, want := range []string{`"ruleVersion":2`, `"topCases":[{"caseNo":"京海劳人仲字〔2025〕第1024号"`, `"points":"31.00","why":"recent"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON lacks %s: %s", want, data)
		}
	}
	old, err := json.Marshal(sampleMessage())
	must(t, err)
	if strings.Contains(string(old), "ruleVersion") || strings.Contains(string(old), "topCases") {
		t.Errorf("an alert without them carries none: %s", old)
	}
	bad := namedMessage()
	bad.TopCases[1].Points = "19,00"
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), `top case 2: points "19,00" is not a decimal number`) {
		t.Errorf("Validate: %v", err)
	}
}

// Every channel renders the rule and the cases: the webhook as JSON fields
// and in its text, WeCom, DingTalk and Feishu in their Markdown.
func TestEveryChannelNamesRuleAndTopCases(t *testing.T) {
	first := "1. 京海劳人仲字〔2025〕第1024号 张某与北京星河数据科技有限公司追索劳动报酬纠纷（2025-05-12 立案，31.00 分，近一年案件）"
	third := "3. 王某社会保险纠纷（2021-08-30 立案，2.50 分，裁决未执行）"

	clock := newClock()
	rc, cfg := newWebhookReceiver(t, clock)
	must(t, mustSender(t, cfg, clock).Send(t.Context(), namedMessage()))
	p := locked(&rc.mu, &rc.payloads)[0]
	if p["ruleVersion"] != 2.0 {
		t.Errorf("webhook ruleVersion = %v", p["ruleVersion"])
	}
	top, _ := p["topCases"].([]any)
	if len(top) != 3 || !reflect.DeepEqual(top[2], map[string]any{"title": "王某社会保险纠纷", "filingDate": "2021-08-30", "points": "2.50", "why": "unexecuted_award"}) {
		t.Errorf("webhook topCases = %v", p["topCases"])
	}
	if text, _ := p["text"].(string); !strings.Contains(text, first) || !strings.Contains(text, third) {
		t.Errorf("webhook text:\n%s", text)
	}

	wecom, wcfg := newWeComRobot(t, clock)
	must(t, mustSender(t, wcfg, clock).Send(t.Context(), namedMessage()))
	ding, dcfg := newDingTalkRobot(t, clock)
	must(t, mustSender(t, dcfg, clock).Send(t.Context(), namedMessage()))
	feishu, fcfg := newFeishuBot(t, clock)
	must(t, mustSender(t, fcfg, clock).Send(t.Context(), namedMessage()))
	for name, text := range map[string]string{
		"wecom": wecom.delivered()[0], "dingtalk": ding.delivered()[0], "feishu": feishu.delivered()[0].text(),
	} {
		for _, want := range []string{"**评分规则**：规则 2", "**主要扣分案件**：", first, third} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, text)
			}
		}
	}
	if !strings.Contains(ding.delivered()[0], "**主要扣分案件**：\n\n1. ") {
		t.Errorf("DingTalk needs a blank line before each case:\n%s", ding.delivered()[0])
	}
}

// Within WeCom's 4,096 bytes a long latest title is cut first: the cases
// that drove the score and the footer stay whole.
func TestWeComKeepsTopCasesWhenCutting(t *testing.T) {
	clock := newClock()
	rb, cfg := newWeComRobot(t, clock)
	m := namedMessage()
	m.LatestCaseTitle = strings.Repeat("劳动合同纠纷仲裁案件", 200)
	must(t, mustSender(t, cfg, clock).Send(t.Context(), m))
	c := rb.delivered()[0]
	if len(c) > 4096 || !utf8.ValidString(c) {
		t.Fatalf("content is %d bytes, valid UTF-8 %v", len(c), utf8.ValidString(c))
	}
	for _, want := range []string{"3. 王某社会保险纠纷（2021-08-30 立案，2.50 分，裁决未执行）\n**最新案件**：劳动合同", "…\n信用代码：91110108551385082Q\n"} {
		if !strings.Contains(c, want) {
			t.Errorf("content lacks %q", want)
		}
	}
}
