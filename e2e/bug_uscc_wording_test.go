package e2e

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
)

// BUG (fixed in eaa8c72; kept as a regression test): the Go and SQL credit-
// code validators word a bad character differently when it is a quote, a
// control or an invisible character.
//
// uscc.formatProblem (uscc/uscc.go) formats the character with %q, Go
// quoting: a quote becomes '\”, a tab '\t', U+200B '\u200b'. The SQL
// function arbsync.uscc_problem (migrations/00003_uscc.sql) writes the
// character as is between quotes (”%s”): ”', a real tab, an invisible
// character. Both claim the same wording (package uscc's doc: "tests keep the
// two in agreement"), and an admin gets one or the other depending on whether
// the code came through `arbsync watchlist import` (Go) or SQL (the trigger).
// FuzzUSCCAgreesWithSQL (migrations/uscc_fuzz_test.go) finds this within a
// second of `make fuzz`; these are the inputs it found or that follow from it.
func TestBugUSCCWordingDiffers(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	var differ []string
	for _, code := range []string{"000000000000'00000", "91440300708461136\t", "9144030070846113\u200b6", "91440300708461136\"", "9144030070846113\\6"} {
		var problem string
		require.NoError(t, pool.QueryRow(context.Background(), `SELECT coalesce(arbsync.uscc_problem($1), '')`, code).Scan(&problem))
		if got := uscc.Problem(code); got != problem {
			differ = append(differ, "Go: "+got+"\nSQL: "+problem)
		}
	}
	require.Empty(t, differ, "uscc.Problem and arbsync.uscc_problem disagree")
}
