package sim

import (
	"time"

	"github.com/arbsync/arbsync/internal/upstream"
)

// day is a calendar day counted from 1970-01-01.
type day int

// historyStart is the first day the simulated vendor has cases for
// (2018-01-01): older history was never digitized.
const historyStart day = 17532

// dayOf returns the calendar day of t (its own location's date).
func dayOf(t time.Time) day {
	y, m, d := t.Date()
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// time returns midnight UTC of d.
func (d day) time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// date returns d as an upstream.Date.
func (d day) date() upstream.Date { return upstream.Date{Time: d.time()} }

// String formats d as 2006-01-02.
func (d day) String() string { return d.time().Format(time.DateOnly) }

// chinaOffset is UTC+8 in seconds: the vendor stamps times in China time.
const chinaOffset = 8 * 3600

// at returns the instant secs seconds after midnight China time on d, in UTC.
func (d day) at(secs int) time.Time {
	return time.Unix(int64(d)*86400+int64(secs)-chinaOffset, 0).UTC()
}
