package watchlist_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/watchlist"
)

// FuzzImport feeds arbitrary files to the CSV importer. It must never panic;
// a dry run never changes anything; a rejected file changes nothing (the
// watchlist, its audit trail and the sync state are byte for byte as
// before); an accepted file's report adds up, matches the dry run's, and
// leaves every imported code on the watchlist. `go test` runs the seeds;
// `make fuzz` explores.
func FuzzImport(f *testing.F) {
	valid := fmt.Sprintf("credit_code,company_name,industry_code,enabled,note,refresh_interval,checksum_override\n"+
		"%s,华为技术有限公司,39,true,,24h,false\n%s,北京银行股份有限公司,J,yes,\"重点客户\n两行备注\",6h,false\n%s,某试点地区公司,c,是,,1 day,true\n",
		code(11), code(12), badCheck(code(13)))
	for _, s := range []string{
		valid,
		"\ufeff" + valid,
		"credit_code,company_name,industry_code\n" + code(14) + ",测试公司,C\n",
		"credit_code,company_name,industry_code\n" + badCheck(code(15)) + ",测试公司,C\n",
		"credit_code,company_name,industry_code\n" + code(16) + ",测试公司,ZZ\n",
		"credit_code,company_name,industry_code,refresh_interval\n" + code(17) + ",测试公司,C,30s\n",
		"credit_code,company_name,industry_code,refresh_interval\n" + code(18) + ",测试公司,C,P1D\n",
		"credit_code,company_name,industry_code,refresh_interval\n" + code(18) + ",测试公司,C,10000000 years\n",
		"credit_code,company_name,industry_code,bogus\n" + code(19) + ",x,C,1\n",
		"credit_code,company_name,industry_code\n" + code(20) + ",\"unterminated,C\n",
		"credit_code,company_name,industry_code\n" + code(21) + ",a,C,extra\n",
		"credit_code,company_name,industry_code\n" + code(22) + ",\xb2\xe2\xca\xd4,C\n",
		"credit_code,company_name,industry_code\n" + code(23) + ",a\x00b,C\n",
		"credit_code,company_name,industry_code\n" + code(24) + ",a,C\n" + code(24) + ",b,C\n",
		"credit_code,credit_code,company_name,industry_code\n",
		"company_name,industry_code\nx,C\n",
		"",
		",,,\n,,,\n",
	} {
		f.Add([]byte(s))
	}
	pool := testdb.New(f)
	ctx := context.Background()
	baseline := []string{code(1), code(2)}
	for _, c := range baseline {
		if _, err := pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '基线公司', 'C')`, c); err != nil {
			f.Fatal(err)
		}
	}
	snapshot := func(t *testing.T) string {
		var s string
		err := pool.QueryRow(ctx, `SELECT
			(SELECT md5(coalesce(string_agg(w::text, ',' ORDER BY credit_code), '')) FROM arbsync.watchlist w) || '/' ||
			(SELECT count(*) FROM arbsync.watchlist_audit) || '/' ||
			(SELECT md5(coalesce(string_agg(s::text, ',' ORDER BY credit_code), '')) FROM arbsync.sync_state s)`).Scan(&s)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	importFile := func(t *testing.T, data []byte, dry bool) (rep watchlist.ImportReport, err error) {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("Import panicked on %q: %v", data, r)
			}
		}()
		return watchlist.Import(ctx, pool, bytes.NewReader(data), watchlist.ImportOptions{DryRun: dry})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		before := snapshot(t)
		plan, planErr := importFile(t, data, true)
		if after := snapshot(t); after != before {
			t.Fatalf("a dry run changed the database (error %v)", planErr)
		}
		rep, err := importFile(t, data, false)
		if err != nil {
			if after := snapshot(t); after != before {
				t.Fatalf("a rejected file changed the database: %v", err)
			}
			if err.Error() == "" {
				t.Fatal("an empty error message")
			}
			return
		}
		if rep.Inserted+rep.Updated+rep.Unchanged != rep.Rows {
			t.Fatalf("report does not add up: %+v", rep)
		}
		if planErr == nil && plan != rep {
			t.Fatalf("dry run said %+v, import did %+v", plan, rep)
		}
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM arbsync.watchlist`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n < rep.Inserted+len(baseline) {
			t.Fatalf("%d rows on the watchlist after inserting %d", n, rep.Inserted)
		}
		// Back to the baseline for the next input.
		if _, err := pool.Exec(ctx, `DELETE FROM arbsync.watchlist WHERE credit_code <> ALL($1)`, baseline); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `UPDATE arbsync.watchlist SET company_name = '基线公司', industry_code = 'C', enabled = true,
			refresh_interval = interval '24 hours', note = '', checksum_override = false WHERE credit_code = ANY($1)`, baseline); err != nil {
			t.Fatal(err)
		}
	})
}
