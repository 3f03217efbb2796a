package migrations_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
)

// FuzzUSCCAgreesWithSQL checks that the database's credit-code validator
// (arbsync.uscc_valid, arbsync.uscc_problem) and package uscc give the same
// verdict and the same message on any text PostgreSQL can hold (valid UTF-8
// without NUL). `go test` runs the seeds; `make fuzz` explores.
func FuzzUSCCAgreesWithSQL(f *testing.F) {
	for _, s := range []string{"", " ", "91440300708461136T", "91440300708461136t", " 91440300708461136T",
		"91440300708461136", "91440300708461136TT", "9144030070846113IT", "ＡＢＣ", "91440300708461136O",
		"9144030070846113ZT", "914403007084611３6T", "91440300708461136\u00e9", "é1440300708461136T",
		uscc.Generate(3, 77), strings.ToLower(uscc.Generate(5, 9)), uscc.Generate(7, 1)[:17] + "0"} {
		f.Add(s)
	}
	pool := testdb.New(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, code string) {
		if !utf8.ValidString(code) || strings.ContainsRune(code, 0) {
			return // PostgreSQL text cannot hold it, so no watchlist row can
		}
		var valid bool
		var problem string
		if err := pool.QueryRow(ctx, `SELECT arbsync.uscc_valid($1), coalesce(arbsync.uscc_problem($1), '')`, code).Scan(&valid, &problem); err != nil {
			t.Fatalf("uscc_problem(%q): %v", code, err)
		}
		if got := uscc.Valid(code); got != valid {
			t.Fatalf("verdicts differ for %q: Go %v, SQL %v", code, got, valid)
		}
		if got := uscc.Problem(code); got != problem {
			t.Fatalf("messages differ for %q:\n Go:  %s\n SQL: %s", code, got, problem)
		}
	})
}
