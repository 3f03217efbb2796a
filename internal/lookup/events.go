package lookup

import (
	"time"

	"github.com/arbsync/arbsync/db"
)

// An answer lists the company's case events of the last recentEventsDays,
// newest first, at most recentEvents of them.
const (
	recentEvents     = 20
	recentEventsDays = 90
)

// Event is one change the sync found in the company's cases
// (arbsync.case_events). The cases the company had when it was first
// synced are its baseline, its starting point, not a change: none is an
// event here.
type Event struct {
	// Kind is filed, decided, result_changed, execution_changed,
	// amounts_changed, removed or restored.
	Kind   string `json:"kind"`
	CaseID string `json:"caseId"`
	CaseNo string `json:"caseNo"` // the case's current number and title
	Title  string `json:"title"`
	// Old and New carry the values the kind is about (null when it has
	// none: filed has no old side, removed and restored no values).
	Old *EventValues `json:"old"`
	New *EventValues `json:"new"`
	// UpstreamUpdatedAt is the vendor's updatedAt of the new version
	// (null for removed).
	UpstreamUpdatedAt *time.Time `json:"upstreamUpdatedAt"`
	DetectedAt        time.Time  `json:"detectedAt"` // when the sync stored the change
}

// EventValues are one side of an event; a field the event does not carry
// is left out. Amounts are yuan, decimal strings.
type EventValues struct {
	Result           string `json:"result,omitempty"`
	ExecutionStatus  string `json:"executionStatus,omitempty"`
	ClaimAmount      string `json:"claimAmount,omitempty"`
	AwardAmount      string `json:"awardAmount,omitempty"`
	UnexecutedAmount string `json:"unexecutedAmount,omitempty"`
}

func buildEvents(rows []db.CaseEventsRecentRow) []Event {
	out := make([]Event, 0, len(rows))
	for _, r := range rows {
		e := Event{
			Kind: r.Kind, CaseID: r.CaseID, CaseNo: r.CaseNo, Title: r.Title,
			Old:        eventValues(r.OldResult, r.OldExecutionStatus, r.OldClaimAmount, r.OldAwardAmount, r.OldUnexecutedAmount),
			New:        eventValues(r.NewResult, r.NewExecutionStatus, r.NewClaimAmount, r.NewAwardAmount, r.NewUnexecutedAmount),
			DetectedAt: r.DetectedAt.UTC(),
		}
		if r.UpstreamUpdatedAt != nil {
			t := r.UpstreamUpdatedAt.UTC()
			e.UpstreamUpdatedAt = &t
		}
		out = append(out, e)
	}
	return out
}

func eventValues(result, exec *string, claim, award, unexecuted string) *EventValues {
	v := EventValues{ClaimAmount: claim, AwardAmount: award, UnexecutedAmount: unexecuted}
	if result != nil {
		v.Result = *result
	}
	if exec != nil {
		v.ExecutionStatus = *exec
	}
	if v == (EventValues{}) {
		return nil
	}
	return &v
}
