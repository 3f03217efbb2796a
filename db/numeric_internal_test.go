package db

import (
	"math"
	"math/big"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

func rat(v *big.Int, exp int32) *big.Rat {
	r := new(big.Rat).SetInt(v)
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(exp))), nil))
	if exp < 0 {
		return r.Quo(r, p)
	}
	return r.Mul(r, p)
}

func abs(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// FuzzNumericEncoding: whatever the fast encoder writes, pgx's own decoder
// reads back as the same number (the COPY round trip through PostgreSQL is
// in numeric_test.go).
func FuzzNumericEncoding(f *testing.F) {
	for _, s := range []struct {
		v   int64
		exp int8
	}{{0, 0}, {1, -2}, {-1234567, -2}, {10000, -2}, {math.MaxInt64, -3}, {math.MinInt64, 0}, {7, 5}, {1, -20}} {
		f.Add(s.v, s.exp)
	}
	m := pgtype.NewMap()
	f.Fuzz(func(t *testing.T, v int64, e int8) {
		exp := int32(e) % 21
		n := pgtype.Numeric{Int: big.NewInt(v), Exp: exp, Valid: true}
		plan := numericCodec{}.PlanEncode(m, pgtype.NumericOID, pgtype.BinaryFormatCode, n)
		buf, err := plan.Encode(n, nil)
		if err != nil {
			t.Fatalf("encode %d × 10^%d: %v", v, exp, err)
		}
		var got pgtype.Numeric
		if err := m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, buf, &got); err != nil {
			t.Fatalf("decode %d × 10^%d (% x): %v", v, exp, buf, err)
		}
		if rat(got.Int, got.Exp).Cmp(rat(n.Int, exp)) != 0 {
			t.Fatalf("%d × 10^%d came back as %s × 10^%d", v, exp, got.Int, got.Exp)
		}
	})
}
