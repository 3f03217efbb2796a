package watchlist

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

const (
	microsPerSecond = int64(time.Second / time.Microsecond)
	microsPerMinute = 60 * microsPerSecond
	microsPerHour   = 60 * microsPerMinute
	microsPerDay    = 24 * microsPerHour

	// maxDurationMicros is the longest time.Duration, in microseconds.
	maxDurationMicros = int64(math.MaxInt64 / time.Microsecond)
)

// goInterval parses s as a Go duration ("6h", "1h30m"). ok is false when s
// is not one; PostgreSQL then gets to parse it.
func goInterval(s string) (iv pgtype.Interval, ok bool, problem string) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return pgtype.Interval{}, false, ""
	}
	if d%time.Microsecond != 0 {
		return pgtype.Interval{}, true, "is finer than a microsecond, the precision of a PostgreSQL interval"
	}
	return pgtype.Interval{Microseconds: int64(d / time.Microsecond), Valid: true}, true, ""
}

// intervalProblem mirrors the watchlist's refresh_interval_sane check
// (refresh_interval >= interval '1 minute') and the trigger's wording of it,
// comparing as PostgreSQL does: a month is 30 days and a day 24 hours.
func intervalProblem(iv pgtype.Interval) string {
	span := new(big.Int).Mul(big.NewInt(int64(iv.Months)*30+int64(iv.Days)), big.NewInt(microsPerDay))
	span.Add(span, big.NewInt(iv.Microseconds))
	if span.Cmp(big.NewInt(microsPerMinute)) < 0 {
		return "is shorter than the minimum 1 minute"
	}
	return ""
}

// formatInterval writes iv so that goInterval or PostgreSQL reads it back
// unchanged: a Go duration when it is whole seconds without months or days
// (24h, 1h30m), PostgreSQL's form otherwise (1 day, 1 mon 2 days -01:30:00,
// 00:01:30.5).
func formatInterval(iv pgtype.Interval) string {
	us := iv.Microseconds
	if iv.Months == 0 && iv.Days == 0 && us > 0 && us%microsPerSecond == 0 && us <= maxDurationMicros {
		var b strings.Builder
		h, m, s := us/microsPerHour, us%microsPerHour/microsPerMinute, us%microsPerMinute/microsPerSecond
		if h > 0 {
			fmt.Fprintf(&b, "%dh", h)
		}
		if m > 0 {
			fmt.Fprintf(&b, "%dm", m)
		}
		if s > 0 {
			fmt.Fprintf(&b, "%ds", s)
		}
		return b.String()
	}
	var parts []string
	if iv.Months != 0 {
		parts = append(parts, plural(int64(iv.Months), "mon", "mons"))
	}
	if iv.Days != 0 {
		parts = append(parts, plural(int64(iv.Days), "day", "days"))
	}
	if us != 0 || len(parts) == 0 {
		sign := ""
		if us < 0 {
			sign, us = "-", -us
		}
		t := fmt.Sprintf("%s%02d:%02d:%02d", sign, us/microsPerHour, us%microsPerHour/microsPerMinute, us%microsPerMinute/microsPerSecond)
		if f := us % microsPerSecond; f != 0 {
			t += strings.TrimRight(fmt.Sprintf(".%06d", f), "0")
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}

func plural(n int64, one, many string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
