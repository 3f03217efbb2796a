package thresholdsdb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/report"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/sync"
)

// weekEvents reads the case events of the seven days before week (days in
// zone) for the report.
func weekEvents(ctx context.Context, q *db.Queries, week scoring.Date, zone *time.Location) (*report.WeekEvents, error) {
	start := func(d scoring.Date) time.Time {
		t := d.Time()
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, zone)
	}
	from, to := start(week.AddDays(-7)), start(week)
	counts, err := q.CaseEventsWeekCounts(ctx, db.CaseEventsWeekCountsParams{FromTime: from, ToTime: to})
	if err != nil {
		return nil, fmt.Errorf("the week's events: %w", err)
	}
	rows, err := q.CaseEventsWeekNotable(ctx, db.CaseEventsWeekNotableParams{FromTime: from, ToTime: to, MaxRows: report.MaxNotableEvents})
	if err != nil {
		return nil, fmt.Errorf("the week's events: %w", err)
	}
	e := &report.WeekEvents{From: week.AddDays(-7), To: week.AddDays(-1)}
	byKind := map[string]db.CaseEventsWeekCountsRow{}
	for _, c := range counts {
		byKind[c.Kind] = c
	}
	for _, k := range casesync.AlertableEventKinds() {
		if c, ok := byKind[k]; ok {
			e.Counts = append(e.Counts, report.EventCount{Kind: k, Name: alerts.EventLabel(k), Events: int(c.Events), Companies: int(c.Companies)})
			e.Total += int(c.Events)
		}
	}
	for _, r := range rows {
		e.Notable = append(e.Notable, report.Event{
			Detected: r.DetectedAt.In(zone), CreditCode: r.CreditCode, Name: r.CompanyName, Kind: r.Kind,
			KindName: alerts.EventLabel(r.Kind), CaseNo: cmp.Or(r.CaseNo, r.CaseID), Title: r.Title, Change: eventChange(r),
		})
	}
	return e, nil
}

// eventChange says what an event changed, as a reader reads it.
func eventChange(r db.CaseEventsWeekNotableRow) string {
	arrow := func(a, b string) string { return a + " → " + b }
	switch r.Kind {
	case casesync.EventFiled:
		return "请求金额 " + r.NewClaimAmount + " 元，" + alerts.ResultLabel(r.NewResult)
	case casesync.EventDecided, casesync.EventResultChanged:
		return arrow(alerts.ResultLabel(r.OldResult), alerts.ResultLabel(r.NewResult))
	case casesync.EventExecutionChanged:
		s := arrow(alerts.ExecutionLabel(r.OldExecutionStatus), alerts.ExecutionLabel(r.NewExecutionStatus))
		if slices.Contains([]string{"unexecuted", "partially_executed"}, r.NewExecutionStatus) && r.UnexecutedAmount != "" {
			s += "，未执行金额 " + r.UnexecutedAmount + " 元"
		}
		return s
	case casesync.EventAmountsChanged:
		var parts []string
		for _, a := range [][3]string{
			{"请求金额", r.OldClaimAmount, r.NewClaimAmount},
			{"裁决金额", r.OldAwardAmount, r.NewAwardAmount},
			{"未执行金额", r.OldUnexecutedAmount, r.NewUnexecutedAmount},
		} {
			if a[1] != a[2] {
				parts = append(parts, a[0]+" "+arrow(a[1], a[2])+" 元")
			}
		}
		return strings.Join(parts, "，")
	case casesync.EventRemoved:
		return "数据源不再返回"
	case casesync.EventRestored:
		return "再次出现"
	}
	return ""
}
