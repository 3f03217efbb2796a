package digest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/sync"
)

// MaxRows bounds each section of a digest (companies with new cases,
// decisions, unexecuted awards, level alerts, data problems); the rest is
// counted, and bi.case_events / bi.sync_health list it whole.
const MaxRows = 200

// Day is what a digest says about one day: the case events detected in it,
// the level alerts raised in it, and the companies whose data is stale or
// failing when it is composed.
type Day struct {
	Day scoring.Date
	// Until, when set, is the time a digest of a day not yet over covers
	// events up to (`arbsync digest send -day today`).
	Until        time.Time
	Events       []db.DigestEventsRow
	Levels       []db.DigestLevelAlertsRow
	Problems     []db.DigestSyncProblemsRow
	ProblemTotal int
}

// Empty reports whether the day has nothing to say.
func (d Day) Empty() bool {
	return len(d.Events) == 0 && len(d.Levels) == 0 && d.ProblemTotal == 0
}

// Bounds are the start and end of day in zone.
func Bounds(day scoring.Date, zone *time.Location) (from, to time.Time) {
	t := day.Time()
	from = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, zone)
	return from, from.AddDate(0, 0, 1)
}

// Load reads day (in zone) from the database; data problems are as of now.
// With until before the day's end, only events and alerts before it count.
func Load(ctx context.Context, q *db.Queries, day scoring.Date, zone *time.Location, now, until time.Time) (Day, error) {
	from, to := Bounds(day, zone)
	d := Day{Day: day}
	if !until.IsZero() && until.Before(to) {
		to, d.Until = until, until
	}
	var err error
	if d.Events, err = q.DigestEvents(ctx, db.DigestEventsParams{FromTime: from, ToTime: to}); err != nil {
		return Day{}, fmt.Errorf("digest of %s: read events: %w", day, err)
	}
	if d.Levels, err = q.DigestLevelAlerts(ctx, db.DigestLevelAlertsParams{FromTime: from, ToTime: to}); err != nil {
		return Day{}, fmt.Errorf("digest of %s: read level alerts: %w", day, err)
	}
	if d.Problems, err = q.DigestSyncProblems(ctx, db.DigestSyncProblemsParams{AsOf: now, MaxRows: MaxRows}); err != nil {
		return Day{}, fmt.Errorf("digest of %s: read sync problems: %w", day, err)
	}
	if len(d.Problems) > 0 {
		d.ProblemTotal = int(d.Problems[0].Total)
	}
	return d, nil
}

// Heading is the digest's title.
func (d Day) Heading(zone *time.Location) string {
	h := "劳动仲裁监控日报 " + d.Day.String()
	if !d.Until.IsZero() {
		h += "（截至 " + d.Until.In(zone).Format("15:04") + "）"
	}
	return h
}

// companyCases is one company's new cases of the day.
type companyCases struct {
	code, name string
	cases      []db.DigestEventsRow
	claim      money.Fen // the claims of new cases; the unexecuted amounts of unexecuted awards
}

// Lines lays the day out as the digest's lines (Markdown with **bold**),
// before splitting: a summary line, then one section per kind of news, each
// at most MaxRows lines with a count of the rest.
func (d Day) Lines(zone *time.Location) []string {
	if d.Empty() {
		return []string{"监控名单当日无新立案、裁决、执行变化或等级告警，数据同步正常。"}
	}
	var (
		filed     []*companyCases
		byCompany = map[string]*companyCases{}
		decided   []db.DigestEventsRow
		unexec    []*companyCases
		byUnexec  = map[string]*companyCases{}
		nUnexec   int
		others    = map[string]int{}
		companies = map[string]bool{}
		nFiled    int
	)
	for _, e := range d.Events {
		companies[e.CreditCode] = true
		switch e.Kind {
		case casesync.EventFiled:
			nFiled++
			filed = group(filed, byCompany, e, e.NewClaimAmount)
		case casesync.EventDecided, casesync.EventResultChanged:
			decided = append(decided, e)
		case casesync.EventExecutionChanged:
			if e.NewExecutionStatus == "unexecuted" || e.NewExecutionStatus == "partially_executed" {
				nUnexec++
				unexec = group(unexec, byUnexec, e, e.UnexecutedAmount)
			} else {
				others[e.Kind]++
			}
		default:
			others[e.Kind]++
		}
	}
	summary := fmt.Sprintf("**概览**：%d 家企业有案件变化；新立案 %d 件（%d 家企业），裁决 %d 件，新增未执行 %d 件，等级告警 %d 家，数据异常 %d 家",
		len(companies), nFiled, len(filed), len(decided), nUnexec, len(d.Levels), d.ProblemTotal)
	lines := []string{summary}

	sortCompanies(filed)
	lines = section(lines, fmt.Sprintf("**新立案**（%d 件，%d 家企业）", nFiled, len(filed)), len(filed), func(i int) string {
		c := filed[i]
		return fmt.Sprintf("- %s：%d 件，请求金额 %s 元；%s", company(c.name, c.code), len(c.cases), c.claim, someCases(c.cases))
	}, "……另有 %d 家企业有新立案，详见 bi.case_events")
	lines = section(lines, fmt.Sprintf("**裁决与结果变更**（%d 件）", len(decided)), len(decided), func(i int) string {
		e := decided[i]
		return fmt.Sprintf("- %s：%s %s → %s", company(e.CompanyName, e.CreditCode), caseName(e),
			alerts.ResultLabel(e.OldResult), alerts.ResultLabel(e.NewResult))
	}, "……另有 %d 件，详见 bi.case_events")
	sortCompanies(unexec)
	lines = section(lines, fmt.Sprintf("**裁决未执行**（%d 件，%d 家企业）", nUnexec, len(unexec)), len(unexec), func(i int) string {
		c := unexec[i]
		return fmt.Sprintf("- %s：%d 件未执行或部分执行，未执行金额 %s 元；%s", company(c.name, c.code), len(c.cases), c.claim, someCases(c.cases))
	}, "……另有 %d 家企业，详见 bi.case_events")
	if len(others) > 0 {
		var parts []string
		for _, k := range casesync.AlertableEventKinds() {
			if n := others[k]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d 件", alerts.EventLabel(k), n))
			}
		}
		lines = append(lines, "**其他案件变化**："+strings.Join(parts, "，"))
	}
	lines = section(lines, fmt.Sprintf("**等级告警**（%d 家）", len(d.Levels)), len(d.Levels), func(i int) string {
		l := d.Levels[i]
		return fmt.Sprintf("- %s：%s（此前：%s），评分 %s，阈值 %s", company(l.CompanyName, l.CreditCode),
			levelLabel(l.Level), levelLabel(l.PreviousLevel), l.Score, l.Threshold)
	}, "……另有 %d 家，详见 bi.alerts")
	if d.ProblemTotal > 0 {
		lines = append(lines, fmt.Sprintf("**数据过期或同步失败**（%d 家）", d.ProblemTotal))
		for _, p := range d.Problems {
			lines = append(lines, "- "+company(p.CompanyName, p.CreditCode)+"："+problem(p, zone))
		}
		if d.ProblemTotal > len(d.Problems) {
			lines = append(lines, fmt.Sprintf("……另有 %d 家，详见 bi.sync_health", d.ProblemTotal-len(d.Problems)))
		}
	}
	return lines
}

// group adds e to its company's entry in list (indexed by credit code in
// by), adding amount (yuan as text) to the company's total.
func group(list []*companyCases, by map[string]*companyCases, e db.DigestEventsRow, amount string) []*companyCases {
	c := by[e.CreditCode]
	if c == nil {
		c = &companyCases{code: e.CreditCode, name: e.CompanyName}
		by[e.CreditCode] = c
		list = append(list, c)
	}
	c.cases = append(c.cases, e)
	if v, err := money.Parse(amount); err == nil {
		c.claim += v
	}
	return list
}

// section appends a section's heading and the first MaxRows of its n
// lines (item(i) is line i), then how many more there are (more's %d);
// nothing when n is 0.
func section(lines []string, heading string, n int, item func(int) string, more string) []string {
	if n == 0 {
		return lines
	}
	lines = append(lines, heading)
	for i := range min(n, MaxRows) {
		lines = append(lines, item(i))
	}
	if n > MaxRows {
		lines = append(lines, fmt.Sprintf(more, n-MaxRows))
	}
	return lines
}

// sortCompanies orders companies by most cases, then the larger amount,
// then credit code.
func sortCompanies(cs []*companyCases) {
	slices.SortStableFunc(cs, func(a, b *companyCases) int {
		return cmp.Or(cmp.Compare(len(b.cases), len(a.cases)), cmp.Compare(b.claim, a.claim), strings.Compare(a.code, b.code))
	})
}

// someCases names a company's first two cases, and how many there are when
// there are more.
func someCases(cases []db.DigestEventsRow) string {
	names := make([]string, 0, 3)
	for i, e := range cases {
		if i == 2 {
			names = append(names, fmt.Sprintf("等 %d 件", len(cases)))
			break
		}
		names = append(names, caseName(e))
	}
	return strings.Join(names, "、")
}

func company(name, code string) string {
	if name == "" {
		return code
	}
	return "**" + truncate(name, 40) + "**（" + code + "）"
}

func caseName(e db.DigestEventsRow) string {
	s := e.CaseNo
	if s == "" {
		s = e.CaseID
	}
	if e.Title != "" {
		s += " " + truncate(e.Title, 24)
	}
	return s
}

func levelLabel(l string) string {
	switch l {
	case "none", "":
		return "首次评分"
	case "ok":
		return "正常"
	case "warning":
		return "预警"
	case "urgent":
		return "紧急"
	}
	return l
}

func problem(p db.DigestSyncProblemsRow, zone *time.Location) string {
	var s string
	switch p.Status {
	case "failing":
		s = fmt.Sprintf("同步失败（连续 %d 次）", p.ConsecutiveFailures)
	case "forbidden":
		s = "数据源拒绝查询（权限或产品未开通）"
	case "not_found":
		s = "数据源查无此企业（请核对信用代码）"
	default:
		s = "数据过期"
	}
	if p.LastSuccessAt == nil {
		s += "，尚未成功同步"
	} else {
		s += "，最后成功同步 " + p.LastSuccessAt.In(zone).Format("2006-01-02 15:04")
	}
	if p.Status == "failing" && p.LastError != "" {
		s += "：" + truncate(p.LastError, 60)
	}
	return s
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func upper(s string) string { return strings.ToUpper(s) }
