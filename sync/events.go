package casesync

import (
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/upstream"
)

// Kinds of case event, the values of arbsync.case_events.kind.
const (
	// EventBaseline is a case the company already had when its first
	// complete, successful fetch was stored: the state it was first seen
	// in, not a change. It never alerts. It is not a row of
	// arbsync.case_events: the case row carries it (cases.baseline), and
	// bi.case_events shows it with this kind.
	EventBaseline = "baseline"
	// EventFiled is a case seen for the first time after the baseline. It
	// carries the case's values as first seen (new side).
	EventFiled = "filed"
	// EventDecided is a result that left pending.
	EventDecided = "decided"
	// EventResultChanged is any other change of the result (between two
	// decided results, or back to pending).
	EventResultChanged = "result_changed"
	// EventExecutionChanged is a change of the execution status.
	EventExecutionChanged = "execution_changed"
	// EventAmountsChanged is a change of the claim, award or unexecuted
	// amount; it carries all three, old and new.
	EventAmountsChanged = "amounts_changed"
	// EventRemoved is a case a complete, successful fetch no longer
	// returned.
	EventRemoved = "removed"
	// EventRestored is a removed case that came back.
	EventRestored = "restored"
)

// AlertableEventKinds are the kinds of case event a channel can subscribe
// to (every kind but the baseline), in the order they are documented.
func AlertableEventKinds() []string {
	return []string{EventFiled, EventDecided, EventResultChanged, EventExecutionChanged,
		EventAmountsChanged, EventRemoved, EventRestored}
}

// events collects the case events of one write transaction, written with
// one COPY after the cases.
type events struct {
	rows []db.CaseEventsInsertParams
	now  time.Time
}

func (e *events) add(f *Fetched, caseID, kind string, updatedAt time.Time) *db.CaseEventsInsertParams {
	e.rows = append(e.rows, db.CaseEventsInsertParams{
		CreditCode: f.CreditCode,
		CaseID:     caseID,
		Kind:       kind,
		DetectedAt: e.now,
		SyncRunID:  pgtype.Int8{Int64: f.RunID, Valid: f.RunID != 0},
	})
	r := &e.rows[len(e.rows)-1]
	if !updatedAt.IsZero() {
		r.UpstreamUpdatedAt = &updatedAt
	}
	return r
}

// filed records a case stored for the first time after the company's
// baseline, with the values it was first seen with.
func (e *events) filed(f *Fetched, c *upstream.Case) {
	r := e.add(f, c.CaseID, EventFiled, c.UpdatedAt)
	r.NewResult = text(string(c.Result))
	r.NewExecutionStatus = text(string(c.ExecutionStatus))
	r.NewClaimAmount = numeric(c.ClaimAmount)
	r.NewAwardAmount = numeric(c.AwardAmount)
	r.NewUnexecutedAmount = numeric(c.UnexecutedAmount)
}

// updated records what changed between a stored case and its new version;
// a content change that touches none of the reported fields (a title, a
// closing date, the raw record) records nothing unless the case returns
// from removal.
func (e *events) updated(f *Fetched, old *storedCase, c *upstream.Case) {
	if old.removed {
		e.add(f, c.CaseID, EventRestored, c.UpdatedAt)
	}
	if res := string(c.Result); res != old.result {
		kind := EventResultChanged
		if old.result == string(upstream.ResultPending) {
			kind = EventDecided
		}
		r := e.add(f, c.CaseID, kind, c.UpdatedAt)
		r.OldResult, r.NewResult = text(old.result), text(res)
	}
	if exec := string(c.ExecutionStatus); exec != old.exec {
		r := e.add(f, c.CaseID, EventExecutionChanged, c.UpdatedAt)
		r.OldExecutionStatus, r.NewExecutionStatus = text(old.exec), text(exec)
	}
	if c.ClaimAmount != old.claim || c.AwardAmount != old.award || c.UnexecutedAmount != old.unexecuted {
		r := e.add(f, c.CaseID, EventAmountsChanged, c.UpdatedAt)
		r.OldClaimAmount, r.NewClaimAmount = numeric(old.claim), numeric(c.ClaimAmount)
		r.OldAwardAmount, r.NewAwardAmount = numeric(old.award), numeric(c.AwardAmount)
		r.OldUnexecutedAmount, r.NewUnexecutedAmount = numeric(old.unexecuted), numeric(c.UnexecutedAmount)
	}
}

// removed records a case the fetch no longer returned. The vendor says
// nothing about it any more, so it has no updatedAt.
func (e *events) removed(f *Fetched, caseID string) {
	e.add(f, caseID, EventRemoved, time.Time{})
}

func text(s string) *string { return &s }
