// Package uscc validates and generates unified social credit codes
// (统一社会信用代码, GB 32100-2015), the 18-character identifier every Chinese
// company carries and the key of the watchlist.
//
// A code is 18 characters of the alphabet 0-9 A-H J-N P-R T U W-Y (31
// characters: no I, O, Z, S or V). The 18th character is a check character
// computed from the first 17 with weights 3^(i-1) mod 31. The same rules are
// implemented in SQL as arbsync.uscc_valid and arbsync.uscc_problem
// (migrations/); tests keep the two in agreement.
//
// Validation is strict: lower case letters and surrounding white space are
// invalid. Normalize (trim, upper-case) is offered separately, and the
// watchlist trigger applies the same normalization before validating, so an
// admin who types a lower-case code gets it stored upper-case.
package uscc

import (
	"fmt"
	"strings"
)

// Alphabet is the GB 32100-2015 character set in value order: a character's
// index is its value in the checksum.
const Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// Length is the number of characters of a credit code.
const Length = 18

var weights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// Normalize trims surrounding white space and upper-cases ASCII letters.
func Normalize(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// Valid reports whether s is a well-formed code with a correct check character.
func Valid(s string) bool { return Problem(s) == "" }

// FormatValid reports whether s has the right length and alphabet, ignoring
// the check character. Codes accepted with checksum_override must pass this.
func FormatValid(s string) bool { return formatProblem(s) == "" }

// Problem explains what is wrong with s, or returns "" when s is valid. The
// wording matches the database's arbsync.uscc_problem.
func Problem(s string) string {
	if p := formatProblem(s); p != "" {
		return p
	}
	want, _ := CheckChar(s[:17])
	if s[17] != want {
		return fmt.Sprintf("check character is '%c' but the first 17 characters require '%c'", s[17], want)
	}
	return ""
}

func formatProblem(s string) string {
	if n := len([]rune(s)); n != Length {
		return fmt.Sprintf("must be 18 characters, got %d", n)
	}
	for i, r := range []rune(s) {
		if !strings.ContainsRune(Alphabet, r) {
			// Worded exactly as arbsync.uscc_problem: the character as is,
			// its position counted in characters.
			return fmt.Sprintf("character '%c' at position %d is not allowed (allowed: 0-9 and A-H J-N P-R T U W-Y, upper case; no I, O, Z, S, V)", r, i+1)
		}
	}
	return ""
}

// CheckChar computes the check character for the first 17 characters of a code.
func CheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("uscc: need 17 characters, got %d", len(first17))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(Alphabet, first17[i])
		if v < 0 {
			return 0, fmt.Errorf("uscc: character %q at position %d is not allowed", first17[i], i+1)
		}
		sum += v * weights[i]
	}
	return Alphabet[(31-sum%31)%31], nil
}

// Generate returns a valid code built from n, deterministically: the same n
// gives the same code. It is for simulators, demos and tests; the
// registration-authority prefix "91" (enterprise) and an administrative
// division code derived from region are used so the codes look real.
func Generate(region int, n uint64) string {
	var b [18]byte
	copy(b[:], "91")
	div := fmt.Sprintf("%06d", 110000+(region%34)*10000+int(n%100))
	copy(b[2:8], div)
	x := n*2654435761 + 12345
	for i := 8; i < 17; i++ {
		b[i] = Alphabet[x%31]
		x /= 31
		if x == 0 {
			x = n + uint64(i)*7919
		}
	}
	c, _ := CheckChar(string(b[:17]))
	b[17] = c
	return string(b[:])
}
