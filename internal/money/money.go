// Package money holds amounts of Chinese yuan exactly, as whole fen (分,
// 0.01 yuan). Amounts are never floats: upstream decimal strings are parsed
// into Fen, summed as integers and printed back as decimal strings.
package money

import (
	"fmt"
	"strconv"
	"strings"
)

// Fen is an amount of money in fen (1 yuan = 100 fen).
type Fen int64

// Yuan returns the amount of whole yuan y as Fen.
func Yuan(y int64) Fen { return Fen(y * 100) }

// Parse reads a non-negative decimal yuan amount such as "20000", "1234.5" or
// "1234.56". An empty string is zero. More than two decimal places, signs,
// exponents and anything else are errors.
func Parse(s string) (Fen, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || hasDot && (frac == "" || !digits(frac)) {
		return 0, fmt.Errorf("amount %q is not a decimal number of yuan", s)
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("amount %q has more than 2 decimal places", s)
	}
	if len(whole) > 15 {
		return 0, fmt.Errorf("amount %q is too large", s)
	}
	w := int64(0)
	if whole != "" {
		v, err := strconv.ParseInt(whole, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("amount %q: %w", s, err)
		}
		w = v
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return Fen(w*100 + f), nil
}

func digits(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats f as a decimal yuan amount with two decimals, e.g. "1234.50".
func (f Fen) String() string {
	sign := ""
	v := int64(f)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// MarshalText implements encoding.TextMarshaler (JSON strings like "1234.50").
func (f Fen) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (f *Fen) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}
