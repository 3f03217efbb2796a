package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
)

// An admin gets the same words for a bad watchlist row whether it came
// through `arbsync watchlist import` (validated in Go, reported with its
// line) or through SQL (the watchlist trigger): an empty company name,
// credit code or industry, an unknown industry, a refresh_interval under
// the minimum. The import quotes the interval as the file wrote it; the
// database shows the interval it parsed.
func TestWatchlistImportWordsProblemsAsTheDatabase(t *testing.T) {
	t.Parallel()
	d := testdb.NewDatabase(t)
	type row struct{ code, name, industry, interval string }
	rows := []row{ // line 2 onwards
		{uscc.Generate(1, 901), "  ", "C", ""},
		{uscc.Generate(1, 902), "乙公司", " ", ""},
		{uscc.Generate(1, 903), "丙公司", "ZZ", ""},
		{"", "丁公司", "C", ""},
		{uscc.Generate(1, 905), "戊公司", "C", "30s"},
		{uscc.Generate(1, 906), "己公司", "C", "59 seconds"},
		{uscc.Generate(1, 907), "庚公司", "C", "-1 day"},
	}
	var csv strings.Builder
	csv.WriteString("credit_code,company_name,industry_code,refresh_interval\n")
	for _, r := range rows {
		fmt.Fprintf(&csv, "%s,%s,%s,%s\n", r.code, r.name, r.industry, r.interval)
	}
	file := filepath.Join(t.TempDir(), "watchlist.csv")
	require.NoError(t, os.WriteFile(file, []byte(csv.String()), 0o644))

	res := runCmd(t, []string{"DATABASE_URL=" + d.DSN}, "", "watchlist", "import", file)
	require.Equal(t, 1, res.code, res.stderr)
	reported := map[int]string{}
	for _, m := range regexp.MustCompile(`(?m)^line (\d+): (.*)$`).FindAllStringSubmatch(res.stderr, -1) {
		n, _ := strconv.Atoi(m[1])
		reported[n] = m[2]
	}
	require.Len(t, reported, len(rows), res.stderr)

	ctx := context.Background()
	for i, r := range rows {
		line := i + 2
		interval := r.interval
		if interval == "" {
			interval = "24 hours"
		}
		_, err := d.Pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, refresh_interval) VALUES ($1, $2, $3, $4::interval)`,
			r.code, r.name, r.industry, interval)
		var pe *pgconn.PgError
		require.True(t, errors.As(err, &pe), "line %d: the database accepted the row: %v", line, err)
		want := pe.Message
		if r.interval != "" {
			var parsed string
			require.NoError(t, d.Pool.QueryRow(ctx, `SELECT $1::interval::text`, r.interval).Scan(&parsed))
			want = strings.Replace(want, "refresh_interval "+parsed, "refresh_interval "+strconv.Quote(r.interval), 1)
		}
		got := reported[line]
		// The import adds the database's HINT for an unknown industry inline.
		got, _, _ = strings.Cut(got, " (use a GB/T 4754-2017")
		require.Equal(t, want, got, "line %d: import and database word it differently (database hint: %s)", line, pe.Hint)
	}
}
