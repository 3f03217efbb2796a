package scoring

import (
	"fmt"
	"strconv"
	"strings"
)

// Points is a number of score points in hundredths: Points(8750) is 87.50
// points. Scores, deductions and thresholds are Points. In JSON a Points is
// a number written with exactly two decimals (87.50).
type Points int64

// WholePoints returns n whole points as Points.
func WholePoints(n int64) Points { return Points(n * 100) }

// ParsePoints reads a decimal number of points with at most two decimal
// places, such as "60", "-3.5" or "87.25". Exponents, a leading "+" and
// anything else are errors.
func ParsePoints(s string) (Points, error) {
	v, err := parseFixed(s, 2)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number of points with at most 2 decimals", s)
	}
	return Points(v), nil
}

// String formats p with two decimals, e.g. "87.50" or "-0.05".
func (p Points) String() string { return formatFixed(int64(p), 2) }

// Float64 returns p as a float64 number of points (for statistics and
// charts, never for the rules themselves).
func (p Points) Float64() float64 { return float64(p) / 100 }

// MarshalJSON writes p as a JSON number with two decimals.
func (p Points) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalJSON reads a JSON number with at most two decimals.
func (p *Points) UnmarshalJSON(b []byte) error {
	v, err := ParsePoints(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Rate is a proportion in ten-thousandths: Rate(3333) is 0.3333. In JSON it
// is a number with exactly four decimals.
type Rate int64

// String formats r with four decimals, e.g. "0.3333".
func (r Rate) String() string { return formatFixed(int64(r), 4) }

// Float64 returns r as a float64 proportion.
func (r Rate) Float64() float64 { return float64(r) / 10000 }

// MarshalJSON writes r as a JSON number with four decimals.
func (r Rate) MarshalJSON() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalJSON reads a JSON number with at most four decimals.
func (r *Rate) UnmarshalJSON(b []byte) error {
	v, err := parseFixed(string(b), 4)
	if err != nil {
		return fmt.Errorf("%q is not a rate with at most 4 decimals", b)
	}
	*r = Rate(v)
	return nil
}

// RoundHalfUp returns num/den rounded to the nearest integer, halves
// rounded up (toward +∞): 2.5 → 3, -2.5 → -2. den must be positive. It is
// the single rounding rule of this package: every exact fraction becomes a
// fixed-point value through it.
func RoundHalfUp(num, den int64) int64 {
	n := 2*num + den
	d := 2 * den
	q := n / d
	if n%d != 0 && n < 0 {
		q--
	}
	return q
}

// formatFixed writes v/10^places with exactly places decimals.
func formatFixed(v int64, places int) string {
	scale := int64(1)
	for range places {
		scale *= 10
	}
	sign := ""
	u := uint64(v)
	if v < 0 {
		sign, u = "-", uint64(-v)
	}
	frac := strconv.FormatUint(u%uint64(scale), 10)
	return sign + strconv.FormatUint(u/uint64(scale), 10) + "." + strings.Repeat("0", places-len(frac)) + frac
}

// parseFixed reads an optionally negative decimal with at most places
// decimals into an integer scaled by 10^places.
func parseFixed(s string, places int) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if !isDigits(whole) || hasDot && !isDigits(frac) || len(frac) > places || len(whole) > 12 {
		return 0, fmt.Errorf("bad fixed-point number %q", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, err
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, err
		}
	}
	for i := len(frac); i < places; i++ {
		f *= 10
	}
	for range places {
		w *= 10
	}
	v := w + f
	if neg {
		v = -v
	}
	return v, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
