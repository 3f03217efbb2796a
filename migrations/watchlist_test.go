package migrations_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
)

// The SQL validator and the Go one give the same verdict and message on
// valid codes, near misses and noise.
func TestUSCCSQLAgreesWithGo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	r := rand.New(rand.NewPCG(1, 2))
	inputs := []string{"", " ", "91440300708461136T", "91440300708461136t", " 91440300708461136T",
		"91440300708461136", "91440300708461136TT", "9144030070846113IT", "ＡＢＣ", "91440300708461136O"}
	alphabet := uscc.Alphabet + "IOZSVabc -９"
	for i := 0; i < 2000; i++ {
		c := uscc.Generate(i%34, uint64(i))
		switch i % 4 {
		case 0:
			inputs = append(inputs, c)
		case 1: // one random character replaced
			b := []rune(c)
			b[r.IntN(len(b))] = []rune(alphabet)[r.IntN(len([]rune(alphabet)))]
			inputs = append(inputs, string(b))
		case 2:
			inputs = append(inputs, c[:r.IntN(18)])
		default:
			inputs = append(inputs, strings.ToLower(c))
		}
	}
	rows, err := pool.Query(ctx, `SELECT code, arbsync.uscc_valid(code), coalesce(arbsync.uscc_problem(code), '') FROM unnest($1::text[]) AS code`, inputs)
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		var code, problem string
		var valid bool
		require.NoError(t, rows.Scan(&code, &valid, &problem))
		require.Equal(t, uscc.Valid(code), valid, "uscc_valid(%q)", code)
		require.Equal(t, uscc.Problem(code), problem, "uscc_problem(%q)", code)
		n++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, len(inputs), n)
}

func pgErr(t *testing.T, err error) *pgconn.PgError {
	t.Helper()
	var pe *pgconn.PgError
	require.True(t, errors.As(err, &pe), "want a PostgreSQL error, got %v", err)
	return pe
}

func TestWatchlistValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	insert := func(code, industry string, override bool) error {
		_, err := pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, checksum_override)
			VALUES ($1, '测试公司', $2, $3)`, code, industry, override)
		return err
	}
	valid := uscc.Generate(3, 77)
	wrongCheck := valid[:17] + string(uscc.Alphabet[(strings.IndexByte(uscc.Alphabet, valid[17])+1)%31])

	t.Run("valid code accepted and normalized", func(t *testing.T) {
		require.NoError(t, insert("  "+strings.ToLower(valid)+" ", "c", false))
		var stored, industry string
		require.NoError(t, pool.QueryRow(ctx, `SELECT credit_code, industry_code FROM arbsync.watchlist WHERE credit_code = $1`, valid).Scan(&stored, &industry))
		require.Equal(t, valid, stored)
		require.Equal(t, "C", industry)
	})
	t.Run("wrong check character says so and hints at the override", func(t *testing.T) {
		pe := pgErr(t, insert(wrongCheck, "13", false))
		require.Equal(t, "23514", pe.Code)
		require.Contains(t, pe.Message, `invalid credit code "`+wrongCheck+`": check character is`)
		require.Contains(t, pe.Hint, "checksum_override")
	})
	t.Run("override accepts a well-formed code with a wrong check character", func(t *testing.T) {
		require.NoError(t, insert(wrongCheck, "13", true))
	})
	t.Run("override does not accept a malformed code", func(t *testing.T) {
		pe := pgErr(t, insert("91440300708461I36T", "13", true))
		require.Contains(t, pe.Message, "character 'I' at position 15 is not allowed")
		pe = pgErr(t, insert("9144030070846113", "13", true))
		require.Contains(t, pe.Message, "must be 18 characters, got 16")
	})
	t.Run("unknown industry rejected with a message naming it", func(t *testing.T) {
		pe := pgErr(t, insert(uscc.Generate(4, 1), "99", false))
		require.Equal(t, "23503", pe.Code)
		require.Contains(t, pe.Message, `unknown industry code "99"`)
		pe = pgErr(t, insert(uscc.Generate(4, 2), "Z", false))
		require.Contains(t, pe.Message, `unknown industry code "Z"`)
	})
	t.Run("an update is validated too", func(t *testing.T) {
		_, err := pool.Exec(ctx, `UPDATE arbsync.watchlist SET credit_code = 'BAD' WHERE credit_code = $1`, valid)
		pe := pgErr(t, err)
		require.Contains(t, pe.Message, "must be 18 characters, got 3")
	})
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM arbsync.watchlist`).Scan(&n))
	require.Equal(t, 2, n, "only the two accepted rows exist")
}

func TestWatchlistAuditAndState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	code := uscc.Generate(5, 5)
	_, err := pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '甲公司', '47')`, code)
	require.NoError(t, err)
	// A not_found company is parked until an admin edits the row.
	_, err = pool.Exec(ctx, `UPDATE arbsync.sync_state SET status = 'not_found', next_sync_at = 'infinity' WHERE credit_code = $1`, code)
	require.NoError(t, err)
	time.Sleep(10 * time.Millisecond)
	_, err = pool.Exec(ctx, `UPDATE arbsync.watchlist SET company_name = '甲公司（更名）' WHERE credit_code = $1`, code)
	require.NoError(t, err)
	var status string
	var due bool
	require.NoError(t, pool.QueryRow(ctx, `SELECT status, next_sync_at <= now() FROM arbsync.sync_state WHERE credit_code = $1`, code).Scan(&status, &due))
	require.Equal(t, "new", status, "an edit un-parks a not_found company")
	require.True(t, due, "an edit makes the company due now")

	var createdAt, updatedAt time.Time
	require.NoError(t, pool.QueryRow(ctx, `SELECT created_at, updated_at FROM arbsync.watchlist WHERE credit_code = $1`, code).Scan(&createdAt, &updatedAt))
	require.True(t, updatedAt.After(createdAt), "updated_at moves on update")

	_, err = pool.Exec(ctx, `DELETE FROM arbsync.watchlist WHERE credit_code = $1`, code)
	require.NoError(t, err)

	rows, err := pool.Query(ctx, `SELECT action, changed_by, old_row->>'company_name', new_row->>'company_name'
		FROM arbsync.watchlist_audit WHERE credit_code = $1 ORDER BY id`, code)
	require.NoError(t, err)
	type audit struct {
		action, by string
		old, new   *string
	}
	var got []audit
	for rows.Next() {
		var a audit
		require.NoError(t, rows.Scan(&a.action, &a.by, &a.old, &a.new))
		got = append(got, a)
	}
	require.NoError(t, rows.Err())
	require.Len(t, got, 3)
	require.Equal(t, "INSERT", got[0].action)
	require.Nil(t, got[0].old)
	require.Equal(t, "甲公司", *got[0].new)
	require.Equal(t, "UPDATE", got[1].action)
	require.Equal(t, "甲公司", *got[1].old)
	require.Equal(t, "甲公司（更名）", *got[1].new)
	require.Equal(t, "DELETE", got[2].action)
	require.Nil(t, got[2].new)
	require.Equal(t, "postgres", got[0].by)
}

func TestWatchlistInsertNotifies(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d := testdb.NewDatabase(t)
	listener, err := pgx.Connect(ctx, d.DSN)
	require.NoError(t, err)
	defer listener.Close(context.Background())
	_, err = listener.Exec(ctx, "LISTEN arbsync_watchlist")
	require.NoError(t, err)

	code := uscc.Generate(6, 6)
	_, err = d.Pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '乙公司', 'F')`, strings.ToLower(code))
	require.NoError(t, err)
	n, err := listener.WaitForNotification(ctx)
	require.NoError(t, err)
	require.Equal(t, "arbsync_watchlist", n.Channel)
	require.Equal(t, code, n.Payload, "the payload is the normalized credit code")
}

// Every check an admin can trip on the watchlist says what is wrong with
// which row, and hints at what to write; none is left to a bare constraint
// name. The BEFORE trigger raises these before the table's constraints.
func TestWatchlistMessagesNameTheProblemAndTheRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	code := uscc.Generate(7, 7)
	_, err := pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '丙公司', '47')`, code)
	require.NoError(t, err)
	fresh := uscc.Generate(8, 8)
	q := `"` + fresh + `"`

	for _, tc := range []struct {
		name    string
		sql     string
		args    []any
		sqlcode string
		message string
		hint    string
	}{
		{"empty company name", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '', '47')`, []any{fresh},
			"23514", `company name is empty for credit code ` + q, "company's name"},
		{"company name of spaces", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '   ', '47')`, []any{fresh},
			"23514", `company name is empty for credit code ` + q, "only spaces counts as empty"},
		{"NULL company name", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, NULL, '47')`, []any{fresh},
			"23502", `company name is empty for credit code ` + q, "company's name"},
		{"name emptied by an update", `UPDATE arbsync.watchlist SET company_name = ' ' WHERE credit_code = $1`, []any{code},
			"23514", `company name is empty for credit code "` + code + `"`, "company's name"},
		{"refresh_interval of 1 second", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, refresh_interval) VALUES ($1, '丁公司', '47', '1 second')`, []any{fresh},
			"23514", `refresh_interval 00:00:01 for credit code ` + q + ` is shorter than the minimum 1 minute`, "at least 1 minute"},
		{"refresh_interval just under a minute", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, refresh_interval) VALUES ($1, '丁公司', '47', '59.999999 seconds')`, []any{fresh},
			"23514", `refresh_interval 00:00:59.999999 for credit code ` + q + ` is shorter than the minimum 1 minute`, "at least 1 minute"},
		{"negative refresh_interval", `UPDATE arbsync.watchlist SET refresh_interval = '-6 hours' WHERE credit_code = $1`, []any{code},
			"23514", `refresh_interval -06:00:00 for credit code "` + code + `" is shorter than the minimum 1 minute`, "e.g. '6 hours'"},
		{"a month less 30 days is zero", `UPDATE arbsync.watchlist SET refresh_interval = '1 mon -30 days' WHERE credit_code = $1`, []any{code},
			"23514", `refresh_interval 1 mon -30 days for credit code "` + code + `" is shorter than the minimum 1 minute`, "at least 1 minute"},
		{"NULL refresh_interval", `UPDATE arbsync.watchlist SET refresh_interval = NULL WHERE credit_code = $1`, []any{code},
			"23502", `refresh_interval is NULL for credit code "` + code + `"`, "24 hours"},
		{"empty industry code", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '戊公司', ' ')`, []any{fresh},
			"23503", `industry code is empty for credit code ` + q, "GB/T 4754-2017"},
		{"NULL industry code", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '戊公司', NULL)`, []any{fresh},
			"23502", `industry code is empty for credit code ` + q, "GB/T 4754-2017"},
		{"empty credit code", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ('  ', '己公司', '47')`, nil,
			"23514", `credit code is empty for company "己公司"`, "18 characters"},
		{"NULL credit code", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES (NULL, '己公司', '47')`, nil,
			"23502", `credit code is empty for company "己公司"`, "18 characters"},
		{"NULL credit code and name", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES (NULL, NULL, '47')`, nil,
			"23502", `credit code is empty`, "18 characters"},
		{"NULL enabled", `UPDATE arbsync.watchlist SET enabled = NULL WHERE credit_code = $1`, []any{code},
			"23502", `enabled is NULL for credit code "` + code + `"`, "true or false"},
		{"NULL checksum_override", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, checksum_override) VALUES ($1, '庚公司', '47', NULL)`, []any{fresh},
			"23502", `checksum_override is NULL for credit code ` + q, "true or false"},
		{"NULL note", `UPDATE arbsync.watchlist SET note = NULL WHERE credit_code = $1`, []any{code},
			"23502", `note is NULL for credit code "` + code + `"`, "'' for no note"},
		{"NULL added_by", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, added_by) VALUES ($1, '辛公司', '47', NULL)`, []any{fresh},
			"23502", `added_by is NULL for credit code ` + q, "current user"},
		{"NULL created_at", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, created_at) VALUES ($1, '壬公司', '47', NULL)`, []any{fresh},
			"23502", `created_at is NULL for credit code ` + q, "now()"},
		{"NULL updated_at", `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, updated_at) VALUES ($1, '癸公司', '47', NULL)`, []any{fresh},
			"23502", `updated_at is NULL for credit code ` + q, "trigger sets it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pool.Exec(ctx, tc.sql, tc.args...)
			pe := pgErr(t, err)
			require.Equal(t, tc.message, pe.Message)
			require.Contains(t, pe.Hint, tc.hint)
			require.Equal(t, tc.sqlcode, pe.Code)
			require.Empty(t, pe.ConstraintName, "the trigger explains the problem before a constraint fires")
		})
	}

	// The minimum itself is accepted, and nothing above changed the row.
	_, err = pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, refresh_interval) VALUES ($1, '丁公司', '47', '1 minute')`, fresh)
	require.NoError(t, err)
	var name, interval string
	var enabled bool
	require.NoError(t, pool.QueryRow(ctx, `SELECT company_name, refresh_interval::text, enabled FROM arbsync.watchlist WHERE credit_code = $1`, code).Scan(&name, &interval, &enabled))
	require.Equal(t, []any{"丙公司", "24:00:00", true}, []any{name, interval, enabled})
}
