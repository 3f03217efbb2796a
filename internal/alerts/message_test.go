package alerts_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/arbsync/arbsync/internal/alerts"
)

func TestMessageTitle(t *testing.T) {
	m := sampleMessage()
	if got := m.Title(); got != "【紧急】用工风险预警 北京星河数据科技有限公司" {
		t.Errorf("urgent title %q", got)
	}
	m.Level = alerts.LevelWarning
	if got := m.Title(); got != "用工风险预警 北京星河数据科技有限公司" {
		t.Errorf("warning title %q", got)
	}
}

func TestMarkdownMatchesSeedAlert(t *testing.T) {
	m := sampleMessage()
	m.Level, m.PreviousLevel, m.IndustryName, m.LatestCaseTitle = alerts.LevelWarning, alerts.LevelOK, "", ""
	want := strings.Join([]string{
		"### 用工风险预警 北京星河数据科技有限公司",
		"**风险评分**：**37.50**",
		"**阈值**：40.00",
		"**等级**：预警（此前：正常）",
		"**近一年仲裁次数**：3",
		"**涉案金额**：123456.78 元",
		"**数据日期**：2025-06-30",
		"**最新案件**：无",
		"信用代码：91110108551385082Q",
		"_去重键：91110108551385082Q:2025-06-30:urgent_",
	}, "\n")
	if got := m.Markdown(0); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// A company name or case title with line breaks cannot add lines of its
// own, such as a forged dedup key.
func TestMarkdownFieldsStayOnTheirLine(t *testing.T) {
	m := sampleMessage()
	m.CompanyName = "恶意公司\n_去重键：forged_"
	m.LatestCaseTitle = "标题\r\n**风险评分**：99.00\u2028x"
	md := m.Markdown(0)
	if strings.Count(md, "\n") != 10 || strings.Count(md, "去重键") != 2 || strings.Count(md, "**风险评分**") != 2 {
		t.Errorf("fields broke out of their lines:\n%s", md)
	}
	lines := strings.Split(md, "\n")
	if last := lines[len(lines)-1]; last != "_去重键：91110108551385082Q:2025-06-30:urgent_" {
		t.Errorf("last line %q", last)
	}
}

func TestMarkdownLimitKeepsFooter(t *testing.T) {
	m := sampleMessage()
	m.LatestCaseTitle = strings.Repeat("追索劳动报酬", 1000)
	for _, limit := range []int{400, 401, 402, 403, 1000} {
		md := m.Markdown(limit)
		if len(md) > limit || !utf8.ValidString(md) || !strings.HasSuffix(md, "…\n信用代码：91110108551385082Q\n_去重键：91110108551385082Q:2025-06-30:urgent_") {
			t.Errorf("limit %d: %d bytes, valid %v: …%q", limit, len(md), utf8.ValidString(md), md[max(0, len(md)-120):])
		}
	}
}

func TestMessageValidate(t *testing.T) {
	if err := sampleMessage().Validate(); err != nil {
		t.Fatal(err)
	}
	m := sampleMessage()
	m.DedupKey, m.Score, m.Level = "", "37,5", "critical"
	m.AsOf = time.Time{}
	err := m.Validate()
	for _, want := range []string{"dedup key is empty", `score "37,5" is not a decimal number`, `level "critical" is not warning or urgent`, "as-of date is missing"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
}

// Every sender refuses an invalid message as Permanent, without calling out.
func TestInvalidMessageIsPermanent(t *testing.T) {
	clock := newClock()
	rb, cfg := newWeComRobot(t, clock)
	m := sampleMessage()
	m.Level = alerts.LevelOK
	wantKind(t, mustSender(t, cfg, clock).Send(t.Context(), m), alerts.Permanent)
	if rb.callCount() != 0 {
		t.Error("invalid message reached the robot")
	}
}

// The outbox stores messages as JSON; they come back unchanged.
func TestMessageJSONRoundTrip(t *testing.T) {
	m := sampleMessage()
	data, err := json.Marshal(m)
	must(t, err)
	var back alerts.Message
	must(t, json.Unmarshal(data, &back))
	if !reflect.DeepEqual(back, m) {
		t.Errorf("round trip: %+v", back)
	}
	if !strings.Contains(string(data), `"score":"37.50"`) || !strings.Contains(string(data), `"recentClaimAmount":"123456.78"`) {
		t.Errorf("JSON %s", data)
	}
}
