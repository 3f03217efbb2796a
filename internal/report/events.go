package report

import (
	"fmt"
	"time"

	"github.com/arbsync/arbsync/scoring"
)

// MaxNotableEvents bounds the events the report lists; bi.case_events has
// them all.
const MaxNotableEvents = 50

// WeekEvents are the case events the sync detected in the seven days before
// the report's week began (the week whose data the thresholds come from).
type WeekEvents struct {
	// From and To are the first and last day, To = Week − 1 day.
	From, To scoring.Date
	// Total counts the events; Counts break them down by kind (only kinds
	// with events, in the order given).
	Total  int
	Counts []EventCount
	// Notable are the events listed, most important first as the caller
	// orders them (new cases, decisions, executions, then the rest; larger
	// claims first), at most MaxNotableEvents.
	Notable []Event
}

// EventCount is one kind's events of the week.
type EventCount struct {
	Kind string // as arbsync.case_events.kind spells it
	// Name is the kind's Chinese name (新立案, 裁决, …).
	Name      string
	Events    int
	Companies int
}

// Event is one listed event.
type Event struct {
	// Detected is when the sync found it, shown as a date in its location.
	Detected   time.Time
	CreditCode string
	Name       string // the company's name
	Kind       string
	KindName   string
	CaseNo     string
	Title      string
	// Change is what changed, as the reader reads it ("审理中 → 企业败诉",
	// "请求金额 12000.00 元").
	Change string
}

// eventsView is the section as the templates show it.
type eventsView struct {
	From, To string
	Total    int
	Counts   []EventCount
	Rows     []eventRow
	More     int // events not listed
}

type eventRow struct {
	Event
	Date string
}

func newEventsView(e *WeekEvents) *eventsView {
	if e == nil {
		return nil
	}
	v := &eventsView{From: e.From.String(), To: e.To.String(), Total: e.Total, Counts: e.Counts, More: e.Total - len(e.Notable)}
	for _, n := range e.Notable {
		v.Rows = append(v.Rows, eventRow{Event: n, Date: n.Detected.Format(time.DateOnly)})
	}
	return v
}

// checkEvents reports an events section that does not add up.
func checkEvents(e *WeekEvents, week scoring.Date) []error {
	var errs []error
	if e.To != week.AddDays(-1) || e.From != week.AddDays(-7) {
		errs = append(errs, fmt.Errorf("events cover %s to %s, not the 7 days before %s", e.From, e.To, week))
	}
	sum := 0
	for _, c := range e.Counts {
		sum += c.Events
		if c.Companies > c.Events || c.Companies <= 0 && c.Events > 0 {
			errs = append(errs, fmt.Errorf("events of kind %s: %d companies for %d events", c.Kind, c.Companies, c.Events))
		}
	}
	if sum != e.Total {
		errs = append(errs, fmt.Errorf("event counts add up to %d, not the total %d", sum, e.Total))
	}
	if len(e.Notable) > MaxNotableEvents || len(e.Notable) > e.Total {
		errs = append(errs, fmt.Errorf("%d events listed of %d (at most %d)", len(e.Notable), e.Total, MaxNotableEvents))
	}
	return errs
}
