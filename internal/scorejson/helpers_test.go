package scorejson

import (
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
)

// d parses a test date and panics on a typo in the test table.
func d(s string) scoring.Date {
	v, err := scoring.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// yuan parses a test amount and panics on a typo in the test table.
func yuan(s string) money.Fen {
	v, err := money.Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}
