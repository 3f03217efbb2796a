package db

import (
	"encoding/binary"
	"math"

	"github.com/jackc/pgx/v5/pgtype"
)

// numericCodec is pgx's numeric codec with an allocation-free binary
// encoder for the values arbsync writes: amounts, points and rates that are
// an int64 times a small power of ten. pgx encodes every numeric through
// math/big (several allocations and divisions per value); profiles of the
// write path put that at about a third of the cost of building a COPY of
// cases, which carry three amounts each. Anything else takes pgx's own path.
type numericCodec struct{ pgtype.NumericCodec }

func (c numericCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	general := c.NumericCodec.PlanEncode(m, oid, format, value)
	if _, ok := value.(pgtype.Numeric); !ok || format != pgtype.BinaryFormatCode || general == nil {
		return general
	}
	return numericPlan{general: general}
}

type numericPlan struct{ general pgtype.EncodePlan }

func (p numericPlan) Encode(value any, buf []byte) ([]byte, error) {
	n := value.(pgtype.Numeric)
	if !n.Valid || n.NaN || n.InfinityModifier != pgtype.Finite || n.Int == nil || !n.Int.IsInt64() ||
		n.Exp < -20 || n.Exp > 20 {
		return p.general.Encode(value, buf)
	}
	if b, ok := appendNumeric(buf, n.Int.Int64(), n.Exp); ok {
		return b, nil
	}
	return p.general.Encode(value, buf)
}

// appendNumeric appends the binary form of v × 10^exp: a header (number of
// base-10,000 digits, weight of the first digit, sign, display scale) and
// the digits, most significant first. It reports false when v × 10^(exp mod
// 4) would overflow, for the general encoder to handle.
func appendNumeric(buf []byte, v int64, exp int32) ([]byte, bool) {
	const negative = 0x4000
	var sign uint16
	u := uint64(v)
	if v < 0 {
		sign = negative
		u = uint64(-(v + 1)) + 1 // |math.MinInt64| fits in a uint64
	}
	dscale := uint16(0)
	if exp < 0 {
		dscale = uint16(-exp)
	}
	// Align the exponent to a whole base-10,000 digit.
	r := ((exp % 4) + 4) % 4
	for range r {
		if u > math.MaxUint64/10 {
			return buf, false
		}
		u *= 10
	}
	exp -= r
	// Base-10,000 digits, least significant first; trailing zero digits
	// (below the last significant one) are dropped, as PostgreSQL does.
	var digits [6]uint16
	n := 0
	for u > 0 && u%10000 == 0 {
		u /= 10000
		exp += 4
	}
	for u > 0 {
		digits[n] = uint16(u % 10000)
		u /= 10000
		n++
	}
	weight := int16(0)
	if n > 0 {
		weight = int16(int(exp/4) + n - 1)
	} else {
		sign = 0 // zero has no sign
	}
	buf = binary.BigEndian.AppendUint16(buf, uint16(n))
	buf = binary.BigEndian.AppendUint16(buf, uint16(weight))
	buf = binary.BigEndian.AppendUint16(buf, sign)
	buf = binary.BigEndian.AppendUint16(buf, dscale)
	for i := n - 1; i >= 0; i-- {
		buf = binary.BigEndian.AppendUint16(buf, digits[i])
	}
	return buf, true
}
