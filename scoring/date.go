package scoring

import (
	"fmt"
	"time"
)

// Date is a civil calendar date (no time of day, no zone), stored as the
// number of days since 1970-01-01. Comparing dates is comparing integers and
// d+365 is the date 365 days later, which keeps the scoring loop free of
// time.Time arithmetic. The zero value is 1970-01-01.
type Date int32

// NewDate returns the date year-month-day. Out-of-range months and days are
// normalized as time.Date does (January 32 is February 1).
func NewDate(year int, month time.Month, day int) Date {
	return dateFromUnix(time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix())
}

// DateOf returns the calendar day of t in t's own location, so the caller
// chooses the zone: DateOf(now.In(shanghai)) is the as-of date of ARCHITECTURE.md “Scoring”.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// ParseDate parses a date written as "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	return dateFromUnix(t.Unix()), nil
}

func dateFromUnix(sec int64) Date {
	days := sec / 86400
	if sec%86400 < 0 {
		days--
	}
	return Date(days)
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// AddDays returns the date n days after d (before d when n is negative).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (int64(d) + int64(time.Thursday)) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// String formats d as "2006-01-02".
func (d Date) String() string { return d.Time().Format(time.DateOnly) }

// MarshalText implements encoding.TextMarshaler ("2006-01-02").
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler ("2006-01-02").
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
