package upstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/arbsync/arbsync/internal/money"
)

// page is one decoded page of a company's cases, whichever the protocol.
type page struct {
	creditCode  string
	companyName string
	total       int // records over all pages, as the vendor counts them
	pageNum     int
	pageSize    int // the page size the vendor applied (it may cap ours)
	records     int // records on this page before any filtering
	cases       []Case
	requestID   string
}

// chinaZone returns the vendor's local time zone (UTC+8; China has no DST).
func chinaZone() *time.Location { return time.FixedZone("CST", 8*60*60) }

// parseAmount reads a yuan amount sent as a JSON string ("1234.50") or a
// JSON number (1234.5); absent, null and "" are zero. More than two decimal
// places, exponents and signs are errors (see money.Parse).
func parseAmount(raw json.RawMessage) (money.Fen, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, fmt.Errorf("not a JSON string: %w", err)
		}
		return money.Parse(s)
	}
	return money.Parse(string(raw))
}

// parseOptionalDate reads "2006-01-02"; "" is no date.
func parseOptionalDate(s string) (*Date, error) {
	if s == "" {
		return nil, nil
	}
	d, err := ParseDate(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a date like 2025-03-14", s)
	}
	return &d, nil
}
