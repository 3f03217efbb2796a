package alerts_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/alerts"
)

// digestLines are n digest lines as a busy day has them: Chinese company
// names, case numbers and titles, about 150 bytes each.
func digestLines(n int) []string {
	lines := []string{"**概览**：300 家企业有案件变化"}
	for i := range n {
		lines = append(lines, fmt.Sprintf("- **上海第%03d号精密制造有限公司**（91310000MA1%07d）：1 件，请求金额 %d.00 元；京劳人仲字[2026]第%05d号 追索劳动报酬纠纷", i, i, 10000+i*37, i))
	}
	return lines
}

// TestSplitDigestFitsEachRobot sends the parts of a 300-event digest to
// each chat tool's robot: every part arrives whole (nothing cut, within the
// tool's size limit), the parts are numbered, and together they hold every
// line once, in order.
func TestSplitDigestFitsEachRobot(t *testing.T) {
	lines := digestLines(300)
	type robot struct {
		kind      alerts.ChannelKind
		limit     int // what the service takes
		cfg       func(*testing.T, *fakeClock) (func() []string, alerts.ChannelConfig)
		wantParts int // at least
	}
	robots := []robot{
		{alerts.KindWeCom, 4096, func(t *testing.T, c *fakeClock) (func() []string, alerts.ChannelConfig) {
			rb, cfg := newWeComRobot(t, c)
			return rb.delivered, cfg
		}, 10},
		{alerts.KindDingTalk, 20000, func(t *testing.T, c *fakeClock) (func() []string, alerts.ChannelConfig) {
			rb, cfg := newDingTalkRobot(t, c)
			return rb.delivered, cfg
		}, 3},
		{alerts.KindFeishu, 20000, func(t *testing.T, c *fakeClock) (func() []string, alerts.ChannelConfig) {
			b, cfg := newFeishuBot(t, c)
			return func() []string {
				var out []string
				for _, card := range b.delivered() {
					out = append(out, card.Header.Title.Content+"\n"+card.text())
				}
				return out
			}, cfg
		}, 3},
	}
	for _, r := range robots {
		t.Run(string(r.kind), func(t *testing.T) {
			clock := newClock()
			delivered, cfg := r.cfg(t, clock)
			s := mustSender(t, cfg, clock)
			parts := alerts.Split(r.kind, alerts.MessageDigest, "劳动仲裁监控日报 2026-12-06", lines, "digest:"+cfg.Name+":2026-12-06")
			if len(parts) < r.wantParts {
				t.Fatalf("%d parts, want at least %d", len(parts), r.wantParts)
			}
			for i, p := range parts {
				wantKey := fmt.Sprintf("digest:%s:2026-12-06:%d/%d", cfg.Name, i+1, len(parts))
				if p.DedupKey != wantKey || !strings.HasSuffix(p.Heading, fmt.Sprintf("（%d/%d）", i+1, len(parts))) {
					t.Errorf("part %d: key %q heading %q", i+1, p.DedupKey, p.Heading)
				}
				must(t, s.Send(t.Context(), p))
				clock.Advance(4 * time.Second) // within every robot's rate limit
			}
			got := delivered()
			if len(got) != len(parts) {
				t.Fatalf("robot accepted %d of %d parts", len(got), len(parts))
			}
			next := 0
			for i, text := range got {
				if len(text) > r.limit {
					t.Errorf("part %d is %d bytes, over %d", i+1, len(text), r.limit)
				}
				if strings.Contains(text, "…") {
					t.Errorf("part %d was cut:\n%s", i+1, text)
				}
				if !strings.Contains(text, fmt.Sprintf("digest:%s:2026-12-06:%d/%d", cfg.Name, i+1, len(parts))) {
					t.Errorf("part %d does not carry its dedup key", i+1)
				}
				for _, l := range strings.Split(text, "\n") {
					if next < len(lines) && l == lines[next] {
						next++
					}
				}
			}
			if next != len(lines) {
				t.Errorf("the parts hold the first %d of %d lines in order; line %d missing: %q", next, len(lines), next+1, lines[next])
			}
		})
	}
}

func TestSplitSmallDigestIsOneMessage(t *testing.T) {
	parts := alerts.Split(alerts.KindWeCom, alerts.MessageDigest, "日报", []string{"a", "b"}, "digest:ops:2026-12-06")
	if len(parts) != 1 || parts[0].Heading != "日报" || parts[0].DedupKey != "digest:ops:2026-12-06:1/1" || len(parts[0].Lines) != 2 {
		t.Fatalf("parts %+v", parts)
	}
}

func TestSplitCutsALineTooLongForAPart(t *testing.T) {
	long := strings.Repeat("劳", 3000) // 9,000 bytes
	parts := alerts.Split(alerts.KindWeCom, alerts.MessageDigest, "日报", []string{"first", long, "last"}, "digest:ops:2026-12-06")
	if len(parts) != 3 {
		t.Fatalf("%d parts, want 3 (the long line alone)", len(parts))
	}
	if l := parts[1].Lines[0]; !strings.HasSuffix(l, "…") || len(l) > 4096 {
		t.Errorf("long line not cut to fit: %d bytes", len(l))
	}
	if got := alerts.Render(alerts.KindWeCom, parts[1]); len(got) > 4096 || !strings.Contains(got, "digest:ops:2026-12-06:2/3") {
		t.Errorf("cut part renders %d bytes or lost its key", len(got))
	}
}

func TestTextMessageRendersInEachDialect(t *testing.T) {
	m := alerts.Message{Kind: alerts.MessageEvent, DedupKey: "event:91110108551385082Q:c1:filed:1", CreditCode: "91110108551385082Q",
		CompanyName: "北京星河数据科技有限公司", Heading: "案件动态｜新立案 北京星河数据科技有限公司", Lines: []string{"**事件**：新立案", "**案件**：京劳人仲字[2026]第1号\n去重键：forged"}}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, k := range alerts.Kinds() {
		text := alerts.Render(k, m)
		if strings.Contains(text, "\n去重键：forged") {
			t.Errorf("%s: a line break inside a line forged a footer line:\n%s", k, text)
		}
		if !strings.Contains(text, "**事件**：新立案") || !strings.Contains(text, "信用代码：91110108551385082Q") {
			t.Errorf("%s: text lacks its lines or footer:\n%s", k, text)
		}
	}
	if err := (alerts.Message{Kind: alerts.MessageDigest, DedupKey: "k"}).Validate(); err == nil || !strings.Contains(err.Error(), "heading is empty") || !strings.Contains(err.Error(), "no lines") {
		t.Errorf("empty digest part validates: %v", err)
	}
}
