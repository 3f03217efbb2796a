package alerts

import "fmt"

// textBudget is how a channel kind lays out a message of heading and lines,
// and the most bytes that text may take so that the whole request fits the
// service's limit: WeCom's 4,096 bytes of markdown content; our 16,000-byte
// bound on DingTalk's markdown text; for Feishu, a card text that leaves
// room inside its 20 KB body for the card's JSON and escaping; the generic
// webhook's text field.
func textBudget(k ChannelKind) (dialect, int) {
	switch k {
	case KindWeCom:
		return wecomMarkdown, wecomMaxContent
	case KindDingTalk:
		return dingtalkMarkdown, dingtalkMaxText
	case KindFeishu:
		return feishuMarkdown, feishuMaxText
	}
	return plainMarkdown, webhookMaxText
}

// Split lays heading and lines out as messages of kind for a channel of
// kind ck, each of which its sender sends without cutting anything: one
// message when everything fits, else parts in order whose headings end
// "（i/n）". Every part's dedup key is key + ":i/n" ("digest:ops:2026-12-06:1/3").
// Lines are never reordered; a line too long for a part of its own is cut
// with an ellipsis.
func Split(ck ChannelKind, kind MessageKind, heading string, lines []string, key string) []Message {
	d, budget := textBudget(ck)
	// Measure with the widest part number a split is allowed to have, so
	// that numbering the parts afterwards cannot make one too long.
	probe := Message{Kind: kind, Heading: heading + partSuffix(999, 999), DedupKey: key + ":999/999"}
	size := func(ls []string) int {
		probe.Lines = ls
		return len(probe.render(d, 0))
	}
	var parts [][]string
	var cur []string
	for _, l := range lines {
		l = clean(l)
		if size(append(cur, l)) <= budget {
			cur = append(cur, l)
			continue
		}
		if len(cur) > 0 {
			parts = append(parts, cur)
			cur = nil
		}
		if room := budget - size([]string{""}); len(l) > room {
			l = truncateUTF8(l, max(room, 0))
		}
		cur = []string{l}
	}
	if len(cur) > 0 || len(parts) == 0 {
		parts = append(parts, cur)
	}
	out := make([]Message, len(parts))
	for i, p := range parts {
		h := heading
		if len(parts) > 1 {
			h += partSuffix(i+1, len(parts))
		}
		out[i] = Message{Kind: kind, Heading: h, Lines: p, DedupKey: fmt.Sprintf("%s:%d/%d", key, i+1, len(parts))}
	}
	return out
}

func partSuffix(i, n int) string { return fmt.Sprintf("（%d/%d）", i, n) }

// Render is m's text as a channel of kind ck gets it: the Markdown of a
// WeCom or DingTalk robot, a Feishu card's text, the webhook's text field.
func Render(ck ChannelKind, m Message) string {
	d, budget := textBudget(ck)
	return m.render(d, budget)
}
