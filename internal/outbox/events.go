package outbox

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/sync"
)

// CaseEvent is one case event of a company, for the channels that take its
// kind as it happens.
type CaseEvent struct {
	CompanyName string
	Event       db.CaseEventsInsertParams
	// Case is the case as just fetched; nil for a removed case (the vendor
	// no longer returns it).
	Case *upstream.Case
	// Zone is the time zone the detection time is shown in.
	Zone *time.Location
}

// Alert is the event's alert, keyed
// "event:{credit code}:{case id}:{kind}:{detection time in µs}": an event
// is written once, in the sync's transaction, so the key is unique to it.
func (e CaseEvent) Alert() Alert {
	ev := &e.Event
	zone := e.Zone
	if zone == nil {
		zone = time.UTC
	}
	kind := alerts.EventLabel(ev.Kind)
	lines := []string{"**事件**：" + kind}
	caseLine := "**案件**：" + ev.CaseID
	if c := e.Case; c != nil {
		caseLine = "**案件**：" + nonEmpty(c.CaseNo, ev.CaseID)
		if c.Title != "" {
			caseLine += " " + c.Title
		}
	}
	lines = append(lines, caseLine)
	if c := e.Case; c != nil {
		lines = append(lines, "**企业角色**："+alerts.RoleLabel(string(c.Role))+"；**立案日期**："+c.FilingDate.String())
	}
	switch ev.Kind {
	case casesync.EventFiled:
		lines = append(lines, "**请求金额**："+amount(ev.NewClaimAmount)+" 元", "**结果**："+alerts.ResultLabel(deref(ev.NewResult)))
	case casesync.EventDecided, casesync.EventResultChanged:
		lines = append(lines, "**结果**："+alerts.ResultLabel(deref(ev.OldResult))+" → "+alerts.ResultLabel(deref(ev.NewResult)))
		if c := e.Case; c != nil && c.AwardAmount > 0 {
			lines = append(lines, "**裁决金额**："+c.AwardAmount.String()+" 元")
		}
	case casesync.EventExecutionChanged:
		lines = append(lines, "**执行情况**："+alerts.ExecutionLabel(deref(ev.OldExecutionStatus))+" → "+alerts.ExecutionLabel(deref(ev.NewExecutionStatus)))
		if c := e.Case; c != nil && c.UnexecutedAmount > 0 {
			lines = append(lines, "**未执行金额**："+c.UnexecutedAmount.String()+" 元")
		}
	case casesync.EventAmountsChanged:
		for _, a := range []struct {
			name     string
			old, new pgtype.Numeric
		}{
			{"请求金额", ev.OldClaimAmount, ev.NewClaimAmount},
			{"裁决金额", ev.OldAwardAmount, ev.NewAwardAmount},
			{"未执行金额", ev.OldUnexecutedAmount, ev.NewUnexecutedAmount},
		} {
			if o, n := amount(a.old), amount(a.new); o != n {
				lines = append(lines, "**"+a.name+"**："+o+" → "+n+" 元")
			}
		}
	case casesync.EventRemoved:
		lines = append(lines, "数据源不再返回该案件（可能被撤销或更正）")
	case casesync.EventRestored:
		lines = append(lines, "此前移除的案件再次出现在数据源中")
	}
	lines = append(lines, "**发现时间**："+ev.DetectedAt.In(zone).Format("2006-01-02 15:04"))
	return Alert{
		msg: alerts.Message{
			Kind:        alerts.MessageEvent,
			DedupKey:    "event:" + ev.CreditCode + ":" + ev.CaseID + ":" + ev.Kind + ":" + strconv.FormatInt(ev.DetectedAt.UnixMicro(), 10),
			CreditCode:  ev.CreditCode,
			CompanyName: e.CompanyName,
			Heading:     "案件动态｜" + kind + " " + e.CompanyName,
			Lines:       lines,
		},
		eventKind: ev.Kind,
	}
}

// EventHook is the sync's change hook that raises an alert for every case
// event of the given kinds (those some channel subscribes to), in the
// write's transaction. It is nil when kinds is empty: then nothing is
// subscribed and the write does no extra work.
func EventHook(kinds []string, zone *time.Location) casesync.ChangeHook {
	if len(kinds) == 0 {
		return nil
	}
	return func(ctx context.Context, tx pgx.Tx, changes []casesync.Change) error {
		var batch []Alert
		for _, ch := range changes {
			for _, ev := range ch.Events {
				if !slices.Contains(kinds, ev.Kind) {
					continue
				}
				e := CaseEvent{CompanyName: ch.CompanyName, Event: ev, Zone: zone}
				if i := slices.IndexFunc(ch.Cases, func(c upstream.Case) bool { return c.CaseID == ev.CaseID }); i >= 0 {
					e.Case = &ch.Cases[i]
				}
				batch = append(batch, e.Alert())
			}
		}
		if _, err := Enqueue(ctx, db.New(tx), batch); err != nil {
			return fmt.Errorf("event alerts: %w", err)
		}
		return nil
	}
}

// amount is a stored amount (yuan with two decimals, as the sync writes
// them) as text; "—" where the event carries none.
func amount(n pgtype.Numeric) string {
	if !n.Valid || n.Int == nil {
		return "—"
	}
	if n.Exp == -2 && n.Int.IsInt64() {
		return money.Fen(n.Int.Int64()).String()
	}
	v, err := n.Value()
	if err != nil || v == nil {
		return "—"
	}
	return fmt.Sprint(v)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
