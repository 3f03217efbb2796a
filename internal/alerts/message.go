package alerts

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Level is the severity of an alert, as scoring assigns it (ARCHITECTURE.md “Scoring”).
type Level string

// Levels. Only LevelWarning and LevelUrgent are sent; LevelOK appears as a
// message's PreviousLevel when a company enters warning or urgent.
const (
	LevelOK      Level = "ok"
	LevelWarning Level = "warning"
	LevelUrgent  Level = "urgent"
)

// label is the level's name in messages.
func (l Level) label() string {
	switch l {
	case LevelOK:
		return "正常"
	case LevelWarning:
		return "预警"
	case LevelUrgent:
		return "紧急"
	}
	return string(l)
}

// MessageKind is what a message is about.
type MessageKind string

// Message kinds. A level alert (the zero value, which every message stored
// before kinds existed has) carries a score and its fields; the others carry
// a heading and lines of Markdown (Heading, Lines), which each channel lays
// out in its own dialect.
const (
	// MessageLevel: a company entered warning or urgent, or got worse.
	MessageLevel MessageKind = ""
	// MessageEvent: one case event of a kind the channel subscribes to.
	MessageEvent MessageKind = "event"
	// MessageDigest: one part of a channel's daily digest.
	MessageDigest MessageKind = "digest"
	// MessageWeekly: one part of a channel's weekly summary.
	MessageWeekly MessageKind = "weekly"
	// MessageReportFile: the weekly report as a file (WeCom channels only).
	// FileName names it; the outbox loads FileContent before sending.
	MessageReportFile MessageKind = "report_file"
)

// Message is one alert: a level alert (a company entered warning or urgent,
// or got worse), a case event, a part of a digest or of a weekly summary, or
// the weekly report as a file. A level alert carries what the seed's alert
// carries. A message is what the outbox stores (its JSON form is stable) and
// every channel renders.
type Message struct {
	// Kind is what the message is about; empty for a level alert.
	Kind MessageKind `json:"kind,omitempty"`
	// DedupKey identifies the transition; receivers drop repeats of it. At
	// most 256 bytes.
	DedupKey    string `json:"dedupKey"`
	CreditCode  string `json:"creditCode"`
	CompanyName string `json:"companyName"`
	// IndustryName is optional.
	IndustryName string `json:"industryName,omitempty"`
	// Score and Threshold are decimals with 2 places, e.g. "37.50".
	Score     string `json:"score"`
	Threshold string `json:"threshold"`
	Level     Level  `json:"level"`
	// PreviousLevel is the level before the transition (LevelOK, LevelWarning,
	// or empty for a company scored for the first time).
	PreviousLevel Level `json:"previousLevel,omitempty"`
	// RecentCases is the number of cases filed in the scoring window.
	RecentCases int `json:"recentCases"`
	// RecentClaimAmount is the total claim of those cases, decimal yuan
	// ("123456.78").
	RecentClaimAmount string `json:"recentClaimAmount"`
	// LatestCaseTitle is the newest case's title; optional.
	LatestCaseTitle string `json:"latestCaseTitle,omitempty"`
	// AsOf is the as-of date of the score; only its date is shown.
	AsOf time.Time `json:"asOf"`
	// RuleVersion is the version of the scoring rules that produced Score
	// (1 or 2); 0 in messages stored before alerts named their rule.
	RuleVersion int `json:"ruleVersion,omitempty"`
	// TopCases are the cases that account for the most of what the score
	// lost (at most 3, the most first): why the company is flagged.
	TopCases []TopCase `json:"topCases,omitempty"`

	// Heading and Lines are the text of every kind but MessageLevel:
	// Markdown using only **bold**, one line each (no line breaks inside a
	// line).
	Heading string   `json:"heading,omitempty"`
	Lines   []string `json:"lines,omitempty"`
	// ReportWeek and FileName identify a MessageReportFile's report (the
	// Monday of its week, YYYY-MM-DD, and the file name it is sent as).
	ReportWeek string `json:"reportWeek,omitempty"`
	FileName   string `json:"fileName,omitempty"`
	// FileContent is the report file's bytes, which the outbox loads at
	// delivery (it is not stored in the message).
	FileContent []byte `json:"-"`
}

// TopCase is one of the cases that drove a score down.
type TopCase struct {
	CaseNo string `json:"caseNo,omitempty"` // optional
	Title  string `json:"title,omitempty"`  // optional
	// FilingDate is the case's filing date, YYYY-MM-DD.
	FilingDate string `json:"filingDate"`
	// Points is how many of the points the score lost the case accounts
	// for, a decimal with 2 places.
	Points string `json:"points"`
	// Why is why the case counts, as scoring spells it: "recent" (filed in
	// the last 365 days) or "unexecuted_award" (older, its award not
	// executed).
	Why string `json:"why"`
}

// label is the reason's name in messages.
func (c TopCase) label() string {
	switch c.Why {
	case "recent":
		return "近一年案件"
	case "unexecuted_award":
		return "裁决未执行"
	}
	return c.Why
}

// maxDedupKey bounds the part of a message that is never truncated.
const maxDedupKey = 256

var decimal = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// Validate reports every missing or malformed field. A message that fails it
// can never be sent, so senders report it as Permanent.
func (m Message) Validate() error {
	if m.Kind != MessageLevel {
		return m.validateText()
	}
	var errs []error
	required := func(name, v string) {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s is empty", name))
		}
	}
	required("dedup key", m.DedupKey)
	required("credit code", m.CreditCode)
	required("company name", m.CompanyName)
	if len(m.DedupKey) > maxDedupKey {
		errs = append(errs, fmt.Errorf("dedup key is %d bytes, more than %d", len(m.DedupKey), maxDedupKey))
	}
	if len(m.CreditCode) > 64 {
		errs = append(errs, fmt.Errorf("credit code is %d bytes long", len(m.CreditCode)))
	}
	for _, f := range []struct{ name, v string }{
		{"score", m.Score}, {"threshold", m.Threshold}, {"recent claim amount", m.RecentClaimAmount},
	} {
		if !decimal.MatchString(f.v) {
			errs = append(errs, fmt.Errorf("%s %q is not a decimal number", f.name, f.v))
		}
	}
	if m.Level != LevelWarning && m.Level != LevelUrgent {
		errs = append(errs, fmt.Errorf("level %q is not %s or %s", m.Level, LevelWarning, LevelUrgent))
	}
	for i, c := range m.TopCases {
		if !decimal.MatchString(c.Points) {
			errs = append(errs, fmt.Errorf("top case %d: points %q is not a decimal number", i+1, c.Points))
		}
	}
	if m.RuleVersion < 0 {
		errs = append(errs, fmt.Errorf("rule version %d is negative", m.RuleVersion))
	}
	if m.RecentCases < 0 {
		errs = append(errs, fmt.Errorf("recent case count %d is negative", m.RecentCases))
	}
	if m.AsOf.IsZero() {
		errs = append(errs, errors.New("as-of date is missing"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid alert message: %w", errors.Join(errs...))
	}
	return nil
}

// Title is the message's headline: "用工风险预警 {company}", prefixed with
// "【紧急】" for urgent alerts. A very long company name is cut to keep it a
// headline.
func (m Message) Title() string {
	if m.Kind != MessageLevel {
		return truncateRunes(clean(m.Heading), 2*maxTitleRunes)
	}
	t := "用工风险预警 " + truncateRunes(clean(m.CompanyName), maxTitleRunes)
	if m.Level == LevelUrgent {
		t = "【紧急】" + t
	}
	return t
}

// Markdown renders the message as generic Markdown of at most maxBytes bytes
// (maxBytes <= 0: no limit). It is the text the generic webhook carries.
func (m Message) Markdown(maxBytes int) string { return m.render(plainMarkdown, maxBytes) }

// validateText is Validate for the kinds with a heading and lines.
func (m Message) validateText() error {
	var errs []error
	switch m.Kind {
	case MessageEvent, MessageDigest, MessageWeekly, MessageReportFile:
	default:
		errs = append(errs, fmt.Errorf("kind %q is not a message kind", m.Kind))
	}
	if m.DedupKey == "" {
		errs = append(errs, errors.New("dedup key is empty"))
	}
	if len(m.DedupKey) > maxDedupKey {
		errs = append(errs, fmt.Errorf("dedup key is %d bytes, more than %d", len(m.DedupKey), maxDedupKey))
	}
	if strings.TrimSpace(m.Heading) == "" {
		errs = append(errs, errors.New("heading is empty"))
	}
	if m.Kind == MessageReportFile {
		if m.FileName == "" {
			errs = append(errs, errors.New("file name is empty"))
		}
	} else if len(m.Lines) == 0 {
		errs = append(errs, errors.New("message has no lines"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid %s message: %w", m.Kind, errors.Join(errs...))
	}
	return nil
}
