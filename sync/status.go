package casesync

import (
	"context"
	"errors"
	"time"

	"github.com/arbsync/arbsync/internal/backoff"
	"github.com/arbsync/arbsync/internal/upstream"
)

// What a sync attempt leaves in arbsync.sync_state: a status, the kind of
// error that failed it, and when a failed company is tried again.

// Statuses of arbsync.sync_state.status.
const (
	StatusOK        = "ok"
	StatusNotFound  = "not_found"
	StatusForbidden = "forbidden"
	StatusFailing   = "failing"
)

// ErrorKind names an error's class as stored in sync_state.last_error_code
// and counted in sync_runs.errors_by_type: an upstream kind, or "store" for a
// company the database refused, or "cancelled".
func ErrorKind(err error) string {
	var ue *upstream.Error
	switch {
	case errors.As(err, &ue):
		return string(ue.Kind)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	default:
		return "store"
	}
}

// Backoff decides when a failed company is tried again: a capped
// exponential backoff, spread ±20 % so that companies that failed together
// are not retried together.
type Backoff struct {
	Base time.Duration // first retry delay (default 2m)
	Cap  time.Duration // longest delay (default 6h)
	// Forbidden is the delay after a permission or quota error (default 1h).
	Forbidden time.Duration
	// Jitter returns a number in [0,1); nil uses math/rand/v2.
	Jitter func() float64
}

// After returns the status to record and the next attempt time for the
// failures-th consecutive failure. not_found parks the company (infinity)
// until an admin edits its watchlist row.
func (b Backoff) After(err error, failures int, now time.Time) (string, time.Time) {
	p := backoff.Policy{Base: b.Base, Cap: b.Cap, Jitter: backoff.Spread(0.2), Rand: b.Jitter}
	if p.Base <= 0 {
		p.Base = 2 * time.Minute
	}
	if p.Cap <= 0 {
		p.Cap = 6 * time.Hour
	}
	forbidden := b.Forbidden
	if forbidden <= 0 {
		forbidden = time.Hour
	}
	var ue *upstream.Error
	if errors.As(err, &ue) {
		switch ue.Kind {
		case upstream.KindNotFound:
			return StatusNotFound, now // stored as 'infinity' by the query
		case upstream.KindPermission, upstream.KindQuota:
			return StatusForbidden, now.Add(forbidden)
		}
	}
	return StatusFailing, now.Add(p.Delay(failures))
}
