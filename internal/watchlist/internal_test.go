package watchlist

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
)

// Every interval Export writes reads back as the same interval.
func TestFormatIntervalReadsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	q := db.New(testdb.New(t))
	for _, c := range []struct {
		iv   pgtype.Interval
		text string
	}{
		{pgtype.Interval{Microseconds: 24 * microsPerHour}, "24h"},
		{pgtype.Interval{Microseconds: 90 * microsPerMinute}, "1h30m"},
		{pgtype.Interval{Microseconds: 90 * microsPerSecond}, "1m30s"},
		{pgtype.Interval{Microseconds: microsPerHour + microsPerSecond}, "1h1s"},
		{pgtype.Interval{Microseconds: 90*microsPerSecond + 500_000}, "00:01:30.5"},
		{pgtype.Interval{Days: 1}, "1 day"},
		{pgtype.Interval{Days: 2, Microseconds: -microsPerHour}, "2 days -01:00:00"},
		{pgtype.Interval{Months: 1, Days: 2}, "1 mon 2 days"},
		{pgtype.Interval{Months: 14, Microseconds: 3 * microsPerHour}, "14 mons 03:00:00"},
		{pgtype.Interval{Microseconds: 3_000_000 * microsPerHour}, "3000000:00:00"},
	} {
		c.iv.Valid = true
		text := formatInterval(c.iv)
		require.Equal(t, c.text, text)
		if iv, ok, problem := goInterval(text); ok {
			require.Empty(t, problem)
			require.Equal(t, c.iv, iv, text)
			continue
		}
		rows, err := q.WatchlistImportParseIntervals(ctx, []string{text})
		require.NoError(t, err)
		require.Equal(t, c.iv, rows[0].Value, text)
	}
}

func TestIntervalMinimum(t *testing.T) {
	t.Parallel()
	for iv, want := range map[pgtype.Interval]string{
		{Microseconds: microsPerMinute}:                     "",
		{Microseconds: microsPerMinute - 1}:                 "is shorter than the minimum 1 minute",
		{Days: 1, Microseconds: -24 * microsPerHour}:        "is shorter than the minimum 1 minute",
		{Days: 1, Microseconds: -23 * microsPerHour}:        "",
		{Months: 1, Days: -30, Microseconds: 0}:             "is shorter than the minimum 1 minute",
		{Months: 1<<31 - 1, Days: 1<<31 - 1}:                "",
		{Months: -1 << 31, Microseconds: 1<<63 - 1}:         "is shorter than the minimum 1 minute",
		{Microseconds: int64(time.Duration(-1<<63) / 1000)}: "is shorter than the minimum 1 minute",
	} {
		require.Equal(t, want, intervalProblem(iv), "%+v", iv)
	}
}

// Should the database refuse a row that passed validation (here: its
// industry was deleted in between), the import returns the database's
// message with the row's line, and no chunk stays written.
func TestApplyRollsBackWhenTheDatabaseRejects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	var file strings.Builder
	file.WriteString("credit_code,company_name,industry_code\n")
	for i := range 5 {
		industry := "C"
		if i == 4 {
			industry = "97"
		}
		fmt.Fprintf(&file, "%s,公司%d,%s\n", uscc.Generate(1, uint64(i)), i, industry)
	}
	b, err := readBatch(ctx, db.New(pool), strings.NewReader(file.String()))
	require.NoError(t, err)
	_, err = pool.Exec(ctx, "DELETE FROM arbsync.industries WHERE code = '97'")
	require.NoError(t, err)

	_, err = b.apply(ctx, pool, 2) // chunks of two: the bad row is in the third
	require.Error(t, err)
	bad := uscc.Generate(1, 4)
	require.Contains(t, err.Error(), fmt.Sprintf(`watchlist import: line 6: the database rejected the row, nothing changed: ERROR: unknown industry code "97" for credit code %q`, bad))
	var n int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM arbsync.watchlist").Scan(&n))
	require.Zero(t, n)
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM arbsync.watchlist_audit").Scan(&n))
	require.Zero(t, n)
}

// The example in the package documentation imports as it stands.
func TestDocExampleImports(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	src := docExample(t)
	b, err := readBatch(ctx, db.New(pool), strings.NewReader(src))
	require.NoError(t, err)
	require.Len(t, b.entries, 3)
	rep, err := b.apply(ctx, pool, chunkSize)
	require.NoError(t, err)
	require.Equal(t, ImportReport{Rows: 3, Inserted: 3}, rep)
}

// docExample extracts the CSV example from doc.go.
func docExample(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	var out []string
	in := false
	for _, l := range strings.Split(string(doc), "\n") {
		switch {
		case strings.HasPrefix(l, "//\tcredit_code,"):
			in = true
		case in && !strings.HasPrefix(l, "//\t"):
			return strings.Join(out, "\n") + "\n"
		}
		if in {
			out = append(out, strings.TrimPrefix(l, "//\t"))
		}
	}
	t.Fatal("no CSV example in doc.go")
	return ""
}
