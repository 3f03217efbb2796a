package thresholds

import (
	"github.com/arbsync/arbsync/scoring"
)

// pts parses test points and panics on a typo in a test table.
func pts(s string) scoring.Points {
	v, err := scoring.ParsePoints(s)
	if err != nil {
		panic(err)
	}
	return v
}

// monday is the week used throughout the tests.
var monday = mustDate("2026-11-23")

func mustDate(s string) scoring.Date {
	v, err := scoring.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// companies returns one CompanyScore per score, all in section/division.
func companies(section, division string, scores ...string) []CompanyScore {
	out := make([]CompanyScore, len(scores))
	for i, s := range scores {
		out[i] = CompanyScore{Section: section, Division: division, Score: pts(s)}
	}
	return out
}

// same returns n companies in section/division with one score.
func same(n int, section, division, score string) []CompanyScore {
	out := make([]CompanyScore, n)
	for i := range out {
		out[i] = CompanyScore{Section: section, Division: division, Score: pts(score)}
	}
	return out
}

func ptr(p scoring.Points) *scoring.Points { return &p }

// gbt4754 maps every GB/T 4754-2017 division to its section.
func gbt4754() map[int]string {
	ranges := []struct {
		section  string
		from, to int
	}{
		{"A", 1, 5}, {"B", 6, 12}, {"C", 13, 43}, {"D", 44, 46}, {"E", 47, 50}, {"F", 51, 52},
		{"G", 53, 60}, {"H", 61, 62}, {"I", 63, 65}, {"J", 66, 69}, {"K", 70, 70}, {"L", 71, 72},
		{"M", 73, 75}, {"N", 76, 79}, {"O", 80, 82}, {"P", 83, 83}, {"Q", 84, 85}, {"R", 86, 90},
		{"S", 91, 96}, {"T", 97, 97},
	}
	m := make(map[int]string, maxDivision)
	for _, r := range ranges {
		for d := r.from; d <= r.to; d++ {
			m[d] = r.section
		}
	}
	return m
}
