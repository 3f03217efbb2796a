package watchlist_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/internal/watchlist"
)

// What Export writes, Import reads back without a change, including values
// only SQL can produce.
func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.importString(t, goodFile(), watchlist.ImportOptions{})
	require.NoError(t, err)
	_, err = b.pool.Exec(b.ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, enabled, note, refresh_interval)
		VALUES ($1, E'名称带制表符\t', 'C', false, E'CRLF 备注\r\n第二行, "引号"', '1 mon 2 days'),
		       ($2, '短间隔', '13', true, E' 空格开头\n', '00:01:30.5'),
		       ($3, '混合符号', 'T', true, E'\r单独的回车\r', '1 day -01:00:00'),
		       ($4, '长间隔', 'A', true, '', '3000000 hours')`, code(11), code(12), code(13), code(14))
	require.NoError(t, err)
	before, audits := b.rows(t), b.audits(t)

	var out bytes.Buffer
	n, err := watchlist.Export(b.ctx, b.pool, &out)
	require.NoError(t, err)
	require.Equal(t, len(before), n)
	text := out.String()
	require.True(t, strings.HasPrefix(text, "credit_code,company_name,industry_code,enabled,note,refresh_interval,checksum_override\n"), text)
	require.Contains(t, text, code(1)+",甲公司,C,false,,24h,false\n")
	require.Contains(t, text, code(3)+",丙公司,I,true,\" 前后空格 \",1h30m,false\n")
	require.Contains(t, text, badCheck(code(5))+",试点公司,01,true,,1 day,true\n")
	require.Contains(t, text, ",1 mon 2 days,")
	require.Contains(t, text, ",00:01:30.5,")
	require.Contains(t, text, ",1 day -01:00:00,")

	rep, err := watchlist.Import(b.ctx, b.pool, bytes.NewReader(out.Bytes()), watchlist.ImportOptions{DryRun: true})
	require.NoError(t, err)
	require.Equal(t, watchlist.ImportReport{Rows: n, Unchanged: n}, rep)
	rep, err = watchlist.Import(b.ctx, b.pool, bytes.NewReader(out.Bytes()), watchlist.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, watchlist.ImportReport{Rows: n, Unchanged: n}, rep)
	require.Equal(t, audits, b.audits(t))
	require.Equal(t, before, b.rows(t), "CR LF notes and day/month intervals are kept as stored")
}

func TestExportIsCompleteAndOrdered(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 5000 // five full keyset pages, then an empty one
	codes := make([]string, n)
	for i := range codes {
		codes[i] = uscc.Generate(i%34, uint64(i*7+3))
	}
	_, err := b.pool.Exec(b.ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code)
		SELECT c, '公司 ' || c, 'C' FROM unnest($1::text[]) AS c`, codes)
	require.NoError(t, err)

	var out bytes.Buffer
	written, err := watchlist.Export(b.ctx, b.pool, &out)
	require.NoError(t, err)
	require.Equal(t, n, written)
	records, err := csv.NewReader(&out).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, n+1)
	require.Equal(t, []string{"credit_code", "company_name", "industry_code", "enabled", "note", "refresh_interval", "checksum_override"}, records[0])
	got := make([]string, 0, n)
	for _, r := range records[1:] {
		require.Equal(t, []string{r[0], "公司 " + r[0], "C", "true", "", "24h", "false"}, r)
		got = append(got, r[0])
	}
	require.True(t, slices.IsSorted(got), "rows are in credit-code order")
	slices.Sort(codes)
	require.Equal(t, codes, got)
}

func TestExportEmpty(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var out bytes.Buffer
	n, err := watchlist.Export(b.ctx, b.pool, &out)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, "credit_code,company_name,industry_code,enabled,note,refresh_interval,checksum_override\n", out.String())
}
