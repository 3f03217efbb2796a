package watchlist_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/internal/watchlist"
)

// code returns the n-th valid test credit code.
func code(n int) string { return uscc.Generate(n%34, uint64(n)) }

// badCheck returns c with a wrong check character.
func badCheck(c string) string {
	i := strings.IndexByte(uscc.Alphabet, c[17])
	return c[:17] + string(uscc.Alphabet[(i+1)%len(uscc.Alphabet)])
}

type bundle struct {
	ctx  context.Context
	pool *pgxpool.Pool
}

func setup(t *testing.T) bundle {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return bundle{ctx: ctx, pool: testdb.New(t)}
}

func (b bundle) importString(t *testing.T, csv string, opts watchlist.ImportOptions) (watchlist.ImportReport, error) {
	t.Helper()
	return watchlist.Import(b.ctx, b.pool, strings.NewReader(csv), opts)
}

func (b bundle) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, query, args...).Scan(&n))
	return n
}

func (b bundle) watched(t *testing.T) int {
	return b.count(t, "SELECT count(*) FROM arbsync.watchlist")
}

func (b bundle) audits(t *testing.T) int {
	return b.count(t, "SELECT count(*) FROM arbsync.watchlist_audit")
}

// row is a stored watchlist row, as the tests compare them.
type row struct {
	Code, Name, Industry string
	Enabled              bool
	Note                 string
	Interval             string // PostgreSQL's text of refresh_interval
	Override             bool
}

// rows returns the whole watchlist in credit-code order.
func (b bundle) rows(t *testing.T) []row {
	t.Helper()
	rs, err := b.pool.Query(b.ctx, `SELECT credit_code, company_name, industry_code, enabled, note,
		refresh_interval::text, checksum_override FROM arbsync.watchlist ORDER BY credit_code`)
	require.NoError(t, err)
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		require.NoError(t, rs.Scan(&r.Code, &r.Name, &r.Industry, &r.Enabled, &r.Note, &r.Interval, &r.Override))
		out = append(out, r)
	}
	require.NoError(t, rs.Err())
	return out
}

// lines joins CSV lines with "\n" and a final newline.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// bigFile returns a CSV of n valid rows.
func bigFile(n int) string {
	var b strings.Builder
	b.WriteString("credit_code,company_name,industry_code,enabled,note,refresh_interval\n")
	for i := range n {
		fmt.Fprintf(&b, "%s,公司%d,%02d,%t,备注 %d,%dh\n", code(i), i, i%97+1, i%5 != 0, i, i%48+1)
	}
	return b.String()
}
