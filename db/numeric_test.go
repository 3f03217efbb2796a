package db_test

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/arbsync/arbsync/internal/testdb"
)

// decimal is v × 10^exp as PostgreSQL prints a numeric of that scale.
func decimal(v int64, exp int32) string {
	s := big.NewInt(v).String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	switch {
	case exp > 0:
		s += strings.Repeat("0", int(exp))
	case exp < 0:
		f := int(-exp)
		if len(s) <= f {
			s = strings.Repeat("0", f-len(s)+1) + s
		}
		s = s[:len(s)-f] + "." + s[len(s)-f:]
	}
	if neg && strings.Trim(s, "0.") != "" {
		s = "-" + s
	}
	return s
}

// TestNumericEncodingThroughCopy stores numerics through COPY (the binary
// encoder arbsync's pool installs) and reads them back as text: every value
// must arrive exactly, with its scale.
func TestNumericEncodingThroughCopy(t *testing.T) {
	ctx := context.Background()
	pool := testdb.New(t)
	type value struct {
		v   int64
		exp int32
	}
	values := []value{
		{0, 0}, {0, -2}, {1, -2}, {-1, -2}, {100, -2}, {10000, -2}, {1234567, -2}, {-1234567, -2},
		{99999999, -2}, {100000000, -2}, {5, 0}, {10000, 0}, {123, 3}, {7, 5}, {1, -4}, {1, -5},
		{12345, -4}, {-5, -1}, {math.MaxInt64, 0}, {math.MinInt64, 0}, {math.MaxInt64, -2},
		{math.MinInt64, -2}, {math.MaxInt64, -3}, {math.MaxInt64, 2}, {1, -20}, {-1, 20},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		v := r.Int64N(1_000_000_000_000) - 500_000_000_000
		if r.IntN(4) == 0 {
			v = int64(r.Uint64())
		}
		values = append(values, value{v, int32(r.IntN(13) - 8)})
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "CREATE TEMP TABLE n (i int PRIMARY KEY, v numeric)"); err != nil {
		t.Fatal(err)
	}
	rows := make([][]any, len(values))
	for i, x := range values {
		rows[i] = []any{int32(i), pgtype.Numeric{Int: big.NewInt(x.v), Exp: x.exp, Valid: true}}
	}
	rows = append(rows, []any{int32(len(values)), pgtype.Numeric{}}) // NULL
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"n"}, []string{"i", "v"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatalf("copy: %v", err)
	}
	got, err := pgx.CollectRows(must(conn.Query(ctx, "SELECT v::text FROM n ORDER BY i")), pgx.RowTo[*string])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(values)+1 {
		t.Fatalf("read %d rows, want %d", len(got), len(values)+1)
	}
	for i, x := range values {
		want := decimal(x.v, x.exp)
		if got[i] == nil || *got[i] != want {
			t.Errorf("%d × 10^%d stored as %v, want %s", x.v, x.exp, deref(got[i]), want)
		}
	}
	if got[len(values)] != nil {
		t.Errorf("invalid numeric stored as %q, want NULL", *got[len(values)])
	}
}

func must(rows pgx.Rows, err error) pgx.Rows {
	if err != nil {
		panic(fmt.Sprintf("query: %v", err))
	}
	return rows
}

func deref(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}
