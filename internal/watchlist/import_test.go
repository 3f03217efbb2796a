package watchlist_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/watchlist"
)

// Every bad row is reported, with the physical line of the bad field, and
// nothing is written.
func TestImportReportsEveryBadRow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dupe := code(1)
	file := lines(
		"credit_code,company_name,industry_code,note,enabled,refresh_interval", // 1
		dupe+",甲公司,C,,true,",                       // 2
		code(2)+`,乙公司,39,"多行备注`,                    // 3
		"第二行",                                      // 4
		`第三行",yes,6h`,                              // 5
		"91440300708461136A,丙公司,C,,true,",          // 6: bad check character
		"9144030070846113IT,丁公司,C,,true,",          // 7: forbidden letter
		"9144030070846113,戊公司,C,,true,",            // 8: wrong length
		code(3)+",己公司,ZZ,,true,",                   // 9: unknown industry
		code(4)+`,"  ",C,,true,`,                   // 10: empty name
		" "+strings.ToLower(dupe)+" ,庚公司,C,,true,", // 11: duplicate of line 2
		code(5)+`,辛公司,C,"备注`,                       // 12
		`跨行",maybe,`,                               // 13: bad enabled
		code(6)+",壬公司,C,,true,6 hourz",             // 14: PostgreSQL rejects the interval
		code(7)+",癸公司,C,,true,30s",                 // 15: interval too short
		code(8)+",子公司,C,,true,1 day",               // 16: fine
	)
	_, err := b.importString(t, file, watchlist.ImportOptions{})
	var ve *watchlist.ValidationError
	require.ErrorAs(t, err, &ve)
	want := []watchlist.RowError{
		{Line: 6, Column: "credit_code", Message: `credit_code "91440300708461136A": check character is 'A' but the first 17 characters require 'T'`},
		{Line: 7, Column: "credit_code", Message: `credit_code "9144030070846113IT": character 'I' at position 17 is not allowed (allowed: 0-9 and A-H J-N P-R T U W-Y, upper case; no I, O, Z, S, V)`},
		{Line: 8, Column: "credit_code", Message: `credit_code "9144030070846113": must be 18 characters, got 16`},
		{Line: 9, Column: "industry_code", Message: `unknown industry code "ZZ" for credit code "` + code(3) + `" (use a GB/T 4754-2017 section A-T or division 01-97; see arbsync.industries)`},
		{Line: 10, Column: "company_name", Message: `company name is empty for credit code "` + code(4) + `"`},
		{Line: 11, Column: "credit_code", Message: fmt.Sprintf(`credit_code %q duplicates line 2`, dupe)},
		{Line: 13, Column: "enabled", Message: `enabled "maybe": not a boolean (use true/false, 1/0, yes/no or 是/否)`},
		{Line: 14, Column: "refresh_interval", Message: `refresh_interval "6 hourz" for credit code "` + code(6) + `": invalid input syntax for type interval: "6 hourz"`},
		{Line: 15, Column: "refresh_interval", Message: `refresh_interval "30s" for credit code "` + code(7) + `" is shorter than the minimum 1 minute`},
	}
	require.Equal(t, want, ve.Errors)
	msg := err.Error()
	require.True(t, strings.HasPrefix(msg, "watchlist import: 9 problem(s) in the file, nothing changed:\n"), msg)
	for _, re := range want {
		require.Contains(t, msg, "\n"+re.Error())
	}
	require.Contains(t, msg, `line 6: credit_code "91440300708461136A": check character is 'A' but the first 17 characters require 'T'`)

	require.Zero(t, b.watched(t))
	require.Zero(t, b.audits(t))
	require.Zero(t, b.count(t, "SELECT count(*) FROM arbsync.sync_state"))
}

func TestImportChecksumOverride(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pilot := badCheck(code(1))
	_, err := b.importString(t, lines("credit_code,company_name,industry_code,checksum_override",
		pilot+",试点公司,C,false",
		badCheck(code(2))+",公司,C,",
		"9144030070846113I"+pilot[17:]+",公司,C,true", // the override forgives only the check character
		badCheck(code(3))+",公司,C,sometimes",         // only the boolean is reported
	), watchlist.ImportOptions{})
	var ve *watchlist.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Errors, 4, "%v", err)
	require.Equal(t, []int{2, 3, 4, 5}, []int{ve.Errors[0].Line, ve.Errors[1].Line, ve.Errors[2].Line, ve.Errors[3].Line})
	require.Contains(t, ve.Errors[0].Message, "check character is")
	require.Contains(t, ve.Errors[2].Message, "character 'I' at position 17 is not allowed")
	require.Equal(t, "checksum_override", ve.Errors[3].Column)

	rep, err := b.importString(t, lines("credit_code,company_name,industry_code,checksum_override",
		pilot+",试点公司,C,是"), watchlist.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, watchlist.ImportReport{Rows: 1, Inserted: 1}, rep)
	require.True(t, b.rows(t)[0].Override)
}

// goodFile exercises normalization, every optional column and their defaults.
func goodFile() string {
	return lines(
		" Credit_Code , company_name,INDUSTRY_CODE,enabled,note,refresh_interval,checksum_override",
		"  "+strings.ToLower(code(1))+"  ,  甲公司  , c ,否,,,",
		code(2)+`,乙公司,39,TRUE,"两行
备注",6 hours,0`,
		code(3)+",丙公司,I,1, 前后空格 ,90m,",
		code(4)+",丁公司,j,yes,,1 day 02:00:00,no",
		badCheck(code(5))+",试点公司,01,,,P1D,是",
		"", // blank lines and rows are skipped
		",,,,,,",
	)
}

func TestImportGoodFile(t *testing.T) {
	t.Parallel()
	plain, withBOM := setup(t), setup(t)
	for _, c := range []struct {
		b    bundle
		file string
	}{{plain, goodFile()}, {withBOM, "\uFEFF" + goodFile()}} {
		rep, err := c.b.importString(t, c.file, watchlist.ImportOptions{})
		require.NoError(t, err)
		require.Equal(t, watchlist.ImportReport{Rows: 5, Inserted: 5}, rep)
		require.Equal(t, 5, c.b.audits(t))
		require.Equal(t, 5, c.b.count(t, "SELECT count(*) FROM arbsync.watchlist_audit WHERE action = 'INSERT'"))
		require.Equal(t, 5, c.b.count(t, "SELECT count(*) FROM arbsync.sync_state"))
	}
	want := []row{
		{code(1), "甲公司", "C", false, "", "24:00:00", false},
		{code(2), "乙公司", "39", true, "两行\n备注", "06:00:00", false},
		{code(3), "丙公司", "I", true, " 前后空格 ", "01:30:00", false},
		{code(4), "丁公司", "J", true, "", "1 day 02:00:00", false},
		{badCheck(code(5)), "试点公司", "01", true, "", "1 day", true},
	}
	// rows come back in credit-code order
	byCode := map[string]row{}
	for _, r := range want {
		byCode[r.Code] = r
	}
	got := plain.rows(t)
	require.Len(t, got, len(want))
	for _, r := range got {
		require.Equal(t, byCode[r.Code], r)
	}
	require.Equal(t, got, withBOM.rows(t), "a byte order mark changes nothing")
}

func TestImportIsIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.importString(t, goodFile(), watchlist.ImportOptions{})
	require.NoError(t, err)
	before, audits := b.rows(t), b.audits(t)
	var updatedAt string
	require.NoError(t, b.pool.QueryRow(b.ctx, "SELECT max(updated_at)::text FROM arbsync.watchlist").Scan(&updatedAt))

	rep, err := b.importString(t, goodFile(), watchlist.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, watchlist.ImportReport{Rows: 5, Unchanged: 5}, rep)
	require.Equal(t, audits, b.audits(t), "no audit rows for an unchanged import")
	require.Equal(t, before, b.rows(t))
	var after string
	require.NoError(t, b.pool.QueryRow(b.ctx, "SELECT max(updated_at)::text FROM arbsync.watchlist").Scan(&after))
	require.Equal(t, updatedAt, after, "no row was rewritten")
}

func TestImportUpdatesOnlyChangedRows(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.importString(t, goodFile(), watchlist.ImportOptions{})
	require.NoError(t, err)
	before, audits := b.rows(t), b.audits(t)

	changed := strings.Replace(goodFile(), "丙公司", "丙公司（新名）", 1)
	rep, err := b.importString(t, changed, watchlist.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, watchlist.ImportReport{Rows: 5, Updated: 1, Unchanged: 4}, rep)
	require.Equal(t, audits+1, b.audits(t))
	var action, auditCode, oldName, newName string
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT action, credit_code, old_row->>'company_name', new_row->>'company_name'
		FROM arbsync.watchlist_audit ORDER BY id DESC LIMIT 1`).Scan(&action, &auditCode, &oldName, &newName))
	require.Equal(t, []string{"UPDATE", code(3), "丙公司", "丙公司（新名）"}, []string{action, auditCode, oldName, newName})
	after := b.rows(t)
	for i := range before {
		if before[i].Code == code(3) {
			before[i].Name = "丙公司（新名）"
		}
	}
	require.Equal(t, before, after)
}

// Columns a file leaves out keep what is stored (note, refresh interval) or
// take their documented default (enabled, checksum_override).
func TestImportOmittedColumns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.importString(t, lines("credit_code,company_name,industry_code,enabled,note,refresh_interval",
		code(1)+",甲公司,C,false,保留的备注,6h"), watchlist.ImportOptions{})
	require.NoError(t, err)
	rep, err := b.importString(t, lines("industry_code,company_name,credit_code", "C,甲公司,"+code(1), "C,乙公司,"+code(2)),
		watchlist.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, watchlist.ImportReport{Rows: 2, Inserted: 1, Updated: 1}, rep)
	require.Equal(t, []row{
		{code(1), "甲公司", "C", true, "保留的备注", "06:00:00", false},
		{code(2), "乙公司", "C", true, "", "24:00:00", false},
	}, b.rows(t))
}

func TestImportDryRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.importString(t, goodFile(), watchlist.ImportOptions{})
	require.NoError(t, err)
	before, audits := b.rows(t), b.audits(t)

	file := lines("credit_code,company_name,industry_code,enabled,note,refresh_interval,checksum_override",
		code(1)+",甲公司,C,否,,,",                   // unchanged (interval kept)
		code(2)+",乙公司,39,false,\"两行\n备注\",6h,",  // updated: enabled
		code(3)+",丙公司,I,1, 前后空格 ,1h30m,",        // unchanged: 90m written another way
		code(4)+",丁公司,J,yes,,1 day 02:00:00,no", // unchanged
		badCheck(code(5))+",试点公司,01,,,24h,是",    // unchanged: 24h equals 1 day
		code(6)+",新公司,C,,,,",                    // inserted
		code(7)+",新公司二,C,,,,",                   // inserted
	)
	want := watchlist.ImportReport{Rows: 7, Inserted: 2, Updated: 1, Unchanged: 4}
	rep, err := b.importString(t, file, watchlist.ImportOptions{DryRun: true})
	require.NoError(t, err)
	require.Equal(t, want, rep)
	require.Equal(t, before, b.rows(t), "a dry run writes nothing")
	require.Equal(t, audits, b.audits(t))

	rep, err = b.importString(t, file, watchlist.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, want, rep, "the import does what the dry run said")
	require.Equal(t, audits+3, b.audits(t))

	// A dry run of a bad file reports the problems too.
	_, err = b.importString(t, lines("credit_code,company_name,industry_code", "x,y,z"), watchlist.ImportOptions{DryRun: true})
	var ve *watchlist.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Errors, 2)
}

func TestImportMalformedCSV(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, c := range []struct {
		name, file string
		line       int
		contains   string
	}{
		{"wrong field count", lines("credit_code,company_name,industry_code", code(1)+",甲公司,C", `"多行`, `字段",乙公司,C,多余`), 3,
			"record on line 3: wrong number of fields (4 fields, the header has 3)"},
		{"bare quote", lines("credit_code,company_name,industry_code", code(1)+",甲公司,C", code(2)+`,乙"公司,C`), 3,
			`parse error on line 3, column 23: bare " in non-quoted-field`},
		{"unterminated quote", lines("credit_code,company_name,industry_code", code(1)+`,"甲公司,C`, code(2)+",乙公司,C"), 3,
			`record on line 2; parse error on line 3, column 32: extraneous or missing " in quoted-field`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := b.importString(t, c.file, watchlist.ImportOptions{})
			require.Error(t, err)
			var pe *csv.ParseError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, c.line, pe.Line, "%v", err)
			require.Contains(t, err.Error(), c.contains)
			require.True(t, strings.HasPrefix(err.Error(), "watchlist import: malformed CSV, nothing changed: "), err.Error())
			require.Zero(t, b.watched(t))
		})
	}
}

func TestImportHeaderProblems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.importString(t, lines("credit_code,company,Industry_Code,Notes,note,NOTE", "a,b,c,d,e,f"), watchlist.ImportOptions{})
	var ve *watchlist.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []watchlist.RowError{
		{Line: 1, Column: "note", Message: `column "note" appears more than once in the header`},
		{Line: 1, Message: `unknown column(s) "company", "Notes" (known columns: credit_code, company_name, industry_code, enabled, note, refresh_interval, checksum_override)`},
		{Line: 1, Message: `missing required column(s) "company_name"`},
	}, ve.Errors)

	_, err = b.importString(t, "", watchlist.ImportOptions{})
	require.ErrorContains(t, err, "the file is empty: a header row is required")
	_, err = b.importString(t, "\uFEFF", watchlist.ImportOptions{})
	require.ErrorContains(t, err, "the file is empty")

	rep, err := b.importString(t, "credit_code,company_name,industry_code\r\n", watchlist.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, watchlist.ImportReport{}, rep)
}

func TestImportRejectsBadEncoding(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.importString(t, lines("credit_code,company_name,industry_code,note",
		code(1)+",\xbc\xd7\xb9\xab\xcb\xbe,C,", // 甲公司 in GBK
		code(2)+",乙公司,C,a\x00b"), watchlist.ImportOptions{})
	var ve *watchlist.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []watchlist.RowError{
		{Line: 2, Column: "company_name", Message: "company_name is not valid UTF-8 (save the file as UTF-8, not GBK)"},
		{Line: 3, Column: "note", Message: "note contains a NUL character"},
	}, ve.Errors)
}

// 100,000 rows import in one transaction, and again without a change.
func TestImportLargeFile(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 100_000
	file := bigFile(n)
	start := time.Now()
	rep, err := b.importString(t, file, watchlist.ImportOptions{})
	t.Logf("import of %d new rows (%d bytes): %v", n, len(file), time.Since(start))
	require.NoError(t, err)
	require.Equal(t, watchlist.ImportReport{Rows: n, Inserted: n}, rep)
	require.Equal(t, n, b.watched(t))
	require.Equal(t, n, b.audits(t))

	start = time.Now()
	rep, err = b.importString(t, file, watchlist.ImportOptions{})
	t.Logf("re-import of %d unchanged rows: %v", n, time.Since(start))
	require.NoError(t, err)
	require.Equal(t, watchlist.ImportReport{Rows: n, Unchanged: n}, rep)
	require.Equal(t, n, b.audits(t))
}

// Admins run imports and exports with their own logins (group
// arbsync_admin), which may edit the watchlist and nothing else.
func TestImportAndExportAsAdminLogin(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d := testdb.NewDatabase(t)
	name := "arbsync_admin_login_" + d.Name[len(d.Name)-8:]
	_, err := d.Pool.Exec(ctx, fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD 'pw' IN ROLE arbsync_admin", name))
	require.NoError(t, err)
	t.Cleanup(func() {
		admin, err := pgx.Connect(context.Background(), testdb.AdminDSN(t))
		if err == nil {
			_, _ = admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+name)
			_ = admin.Close(context.Background())
		}
	})
	u, err := url.Parse(d.DSN)
	require.NoError(t, err)
	u.User = url.UserPassword(name, "pw")
	pool, err := db.Connect(ctx, u.String(), db.PoolOptions{MaxConns: 2})
	require.NoError(t, err)
	t.Cleanup(pool.Close)

	rep, err := watchlist.Import(ctx, pool, strings.NewReader(goodFile()), watchlist.ImportOptions{})
	require.NoError(t, err)
	require.Equal(t, 5, rep.Inserted)
	var out bytes.Buffer
	n, err := watchlist.Export(ctx, pool, &out)
	require.NoError(t, err)
	require.Equal(t, 5, n)
	rep, err = watchlist.Import(ctx, pool, &out, watchlist.ImportOptions{DryRun: true})
	require.NoError(t, err)
	require.Equal(t, watchlist.ImportReport{Rows: 5, Unchanged: 5}, rep)
	var by string
	require.NoError(t, d.Pool.QueryRow(ctx, "SELECT DISTINCT changed_by FROM arbsync.watchlist_audit").Scan(&by))
	require.Equal(t, name, by)
}
