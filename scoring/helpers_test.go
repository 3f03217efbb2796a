package scoring

import (
	"github.com/arbsync/arbsync/internal/money"
)

// d parses a test date and panics on a typo in the test table.
func d(s string) Date {
	v, err := ParseDate(s)
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

// pts parses test points and panics on a typo in the test table.
func pts(s string) Points {
	v, err := ParsePoints(s)
	if err != nil {
		panic(err)
	}
	return v
}

// kase builds a case filed on date with a claim, result and execution status.
func kase(filed, claim string, res Outcome, exec ExecutionStatus) Case {
	return Case{FilingDate: d(filed), ClaimAmount: yuan(claim), Result: res, ExecutionStatus: exec, Title: "case " + filed}
}
