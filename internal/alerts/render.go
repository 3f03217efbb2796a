package alerts

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ellipsis marks text cut to fit a size limit.
const ellipsis = "…"

// maxTitleRunes bounds the company name inside a title.
const maxTitleRunes = 64

// dialect is one chat tool's flavour of Markdown.
type dialect struct {
	heading string // prefix of the title line; "" leaves the title out (it travels elsewhere)
	sep     string // between lines
	score   func(score string, l Level) string
	small   func(string) string // the dedup key line; nil leaves it out (it travels elsewhere)
}

func bold(s string, _ Level) string { return "**" + s + "**" }

var (
	plainMarkdown = dialect{heading: "### ", sep: "\n", score: bold,
		small: func(s string) string { return "_" + s + "_" }}
	// WeCom markdown: # headings, **bold**, <font color="info|comment|warning">.
	wecomMarkdown = dialect{heading: "### ", sep: "\n",
		score: func(s string, _ Level) string { return `<font color="warning">**` + s + `**</font>` },
		small: func(s string) string { return `<font color="comment">` + s + `</font>` }}
	// DingTalk markdown needs a blank line to break lines; ###### is its
	// smallest type.
	dingtalkMarkdown = dialect{heading: "### ", sep: "\n\n", score: bold,
		small: func(s string) string { return "###### " + s }}
	// Feishu lark_md: the title goes in the card header and the dedup key in a
	// note element (small grey text).
	feishuMarkdown = dialect{sep: "\n", score: bold}
)

// render lays the message out in dialect d within maxBytes (<= 0: no limit).
// The free-text body is cut on a UTF-8 boundary with an ellipsis when it must
// be; the footer (credit code, dedup key) is never cut, so receivers can
// always identify and dedupe the alert.
func (m Message) render(d dialect, maxBytes int) string {
	if m.Kind != MessageLevel {
		return m.renderText(d, maxBytes)
	}
	var body []string
	if d.heading != "" {
		body = append(body, d.heading+m.Title())
	}
	level := m.Level.label()
	if m.PreviousLevel == "" {
		level += "（首次评分）" // a company scored for the first time has no earlier level
	} else {
		level += "（此前：" + m.PreviousLevel.label() + "）"
	}
	body = append(body,
		"**风险评分**："+d.score(clean(m.Score), m.Level),
		"**阈值**："+clean(m.Threshold),
		"**等级**："+level,
	)
	if m.RuleVersion > 0 {
		body = append(body, "**评分规则**：规则 "+strconv.Itoa(m.RuleVersion))
	}
	body = append(body,
		"**近一年仲裁次数**："+strconv.Itoa(m.RecentCases),
		"**涉案金额**："+clean(m.RecentClaimAmount)+" 元",
	)
	if m.IndustryName != "" {
		body = append(body, "**行业**："+clean(m.IndustryName))
	}
	if !m.AsOf.IsZero() {
		body = append(body, "**数据日期**："+m.AsOf.Format("2006-01-02"))
	}
	if len(m.TopCases) > 0 {
		// Before the latest case's title: cutting to a size limit reaches
		// these lines only after that title, and each is short.
		body = append(body, "**主要扣分案件**：")
		for i, c := range m.TopCases {
			body = append(body, strconv.Itoa(i+1)+". "+c.line())
		}
	}
	latest := clean(m.LatestCaseTitle)
	if latest == "" {
		latest = "无"
	}
	// Last in the body: it is the longest free text, so cutting hits it first.
	body = append(body, "**最新案件**："+latest)

	footer := []string{"信用代码：" + clean(m.CreditCode)}
	if d.small != nil {
		footer = append(footer, d.small("去重键："+clean(m.DedupKey)))
	}
	return fit(strings.Join(body, d.sep), strings.Join(footer, d.sep), d.sep, maxBytes)
}

// renderText lays out a message of heading and lines (every kind but
// MessageLevel) in dialect d within maxBytes; the footer carries the credit
// code, when the message is about one company, and the dedup key.
func (m Message) renderText(d dialect, maxBytes int) string {
	var body []string
	if d.heading != "" {
		body = append(body, d.heading+m.Title())
	}
	for _, l := range m.Lines {
		body = append(body, clean(l))
	}
	var footer []string
	if m.CreditCode != "" {
		footer = append(footer, "信用代码："+clean(m.CreditCode))
	}
	if d.small != nil {
		footer = append(footer, d.small("去重键："+clean(m.DedupKey)))
	}
	if len(footer) == 0 {
		text := strings.Join(body, d.sep)
		if maxBytes > 0 {
			text = truncateUTF8(text, maxBytes)
		}
		return text
	}
	return fit(strings.Join(body, d.sep), strings.Join(footer, d.sep), d.sep, maxBytes)
}

// maxCaseRunes bounds a case number or title on a top case's line.
const maxCaseRunes = 48

// line is a top case on one line: "number title（filed date，points 分，why）",
// the number and the title each cut to maxCaseRunes runes.
func (c TopCase) line() string {
	var name []string
	if no := clean(c.CaseNo); no != "" {
		name = append(name, truncateRunes(no, maxCaseRunes))
	}
	if title := clean(c.Title); title != "" {
		name = append(name, truncateRunes(title, maxCaseRunes))
	}
	if len(name) == 0 {
		name = append(name, "（无案号）")
	}
	return strings.Join(name, " ") + "（" + clean(c.FilingDate) + " 立案，" + clean(c.Points) + " 分，" + c.label() + "）"
}

// fit joins body and footer within maxBytes, cutting the body only.
func fit(body, footer, sep string, maxBytes int) string {
	full := body + sep + footer
	if maxBytes <= 0 || len(full) <= maxBytes {
		return full
	}
	room := maxBytes - len(sep) - len(footer)
	if room < len(ellipsis) {
		return truncateUTF8(full, maxBytes)
	}
	return truncateUTF8(body, room) + sep + footer
}

// truncateUTF8 returns s cut to at most maxBytes bytes on a rune boundary,
// ending with an ellipsis when anything was cut.
func truncateUTF8(s string, maxBytes int) string {
	if len(s) <= maxBytes {
		return s
	}
	if maxBytes < len(ellipsis) {
		return ""
	}
	cut := maxBytes - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// truncateRunes cuts s to at most n runes, ending with an ellipsis when cut.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + ellipsis
}

// clean makes a field safe to place on one line: invalid UTF-8 is replaced,
// line breaks and other control characters become spaces (so a company name
// cannot forge a line such as a fake dedup key), and the ends are trimmed.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
