package report

import (
	"errors"
	"fmt"
	"time"

	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// Validate reports what makes r impossible to render faithfully: a week
// that is not a Monday or a label that does not match it, a zero
// GeneratedAt, invalid params, rows of another week or method version,
// duplicate rows, previous rows of another week or disagreeing with
// Row.Previous, histograms that do not match the section rows, and
// companies or alert counts with impossible values. All problems are
// reported, joined.
func (r Weekly) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if wd := r.Week.Weekday(); wd != time.Monday {
		add("week %s is a %s, want the Monday of an ISO week", r.Week, wd)
	} else if want := ISOWeek(r.Week); r.ISOWeek != "" && r.ISOWeek != want {
		add("ISO week %q does not match week %s (%s)", r.ISOWeek, r.Week, want)
	}
	if r.GeneratedAt.IsZero() {
		add("generated-at time is zero")
	}
	if err := r.Params.Validate(); err != nil {
		errs = append(errs, err)
	}

	current := make(map[thresholds.Key]thresholds.Row, len(r.Rows))
	sectionN := make(map[string]int)
	for i, row := range r.Rows {
		if err := checkRow(row); err != nil {
			add("rows[%d]: %w", i, err)
			continue
		}
		if row.Week != r.Week {
			add("rows[%d]: week %s, want %s", i, row.Week, r.Week)
		}
		if row.MethodVersion != r.MethodVersion {
			add("rows[%d]: method version %d, want %d", i, row.MethodVersion, r.MethodVersion)
		}
		if _, dup := current[row.Key()]; dup {
			add("rows[%d]: second %s row for industry %s", i, row.Severity, row.Industry)
		}
		current[row.Key()] = row
		if row.Level == thresholds.LevelSection {
			sectionN[row.Industry] = row.N
		}
	}

	lastWeek := r.Week.AddDays(-7)
	seenPrev := make(map[thresholds.Key]bool, len(r.Previous))
	for i, p := range r.Previous {
		if err := checkRow(p); err != nil {
			add("previous[%d]: %w", i, err)
			continue
		}
		if p.Week != lastWeek {
			add("previous[%d]: week %s, want last week %s", i, p.Week, lastWeek)
		}
		if seenPrev[p.Key()] {
			add("previous[%d]: second %s row for industry %s", i, p.Severity, p.Industry)
		}
		seenPrev[p.Key()] = true
		cur, ok := current[p.Key()]
		switch {
		case !ok:
		case cur.Previous == nil:
			add("rows: %s %s was computed without last week's threshold %s", p.Industry, p.Severity, p.Final)
		case *cur.Previous != p.Final:
			add("rows: %s %s has previous %s, but last week's row says %s", p.Industry, p.Severity, *cur.Previous, p.Final)
		}
	}

	seenHist := make(map[string]bool, len(r.Histograms))
	for i, h := range r.Histograms {
		n, ok := sectionN[h.Section]
		switch {
		case seenHist[h.Section]:
			add("histograms[%d]: second histogram of section %q", i, h.Section)
		case !ok:
			add("histograms[%d]: section %q has no threshold rows", i, h.Section)
		case h.N() != n:
			add("histograms[%d]: section %s counts %d companies, its rows n = %d", i, h.Section, h.N(), n)
		}
		for b, c := range h.Counts {
			if c < 0 {
				add("histograms[%d]: bin %d has a negative count %d", i, b, c)
			}
		}
		seenHist[h.Section] = true
	}
	for code := range sectionN {
		if !seenHist[code] {
			add("histograms: section %s has rows but no histogram", code)
		}
	}

	for i, c := range r.NewlyFlagged {
		if err := checkChange(c); err != nil {
			add("newly flagged[%d]: %w", i, err)
		} else if c.To == scoring.LevelOK || c.From == scoring.LevelWarning || c.From == scoring.LevelUrgent {
			add("newly flagged[%d]: %s went from %q to %q, want from ok or none to warning or urgent", i, c.CreditCode, c.From, c.To)
		}
	}
	for i, c := range r.Cleared {
		if err := checkChange(c); err != nil {
			add("cleared[%d]: %w", i, err)
		} else if c.To != scoring.LevelOK || c.From == scoring.LevelOK || c.From == "" {
			add("cleared[%d]: %s went from %q to %q, want from warning or urgent to ok", i, c.CreditCode, c.From, c.To)
		}
	}
	for i, c := range r.Riskiest {
		switch {
		case !validScore(c.Score):
			add("riskiest[%d]: score %s is outside [0, 100]", i, c.Score)
		case !validLevel(c.Level):
			add("riskiest[%d]: level %q is not ok, warning or urgent", i, c.Level)
		case c.RecentCases < 0 || c.RecentClaims < 0:
			add("riskiest[%d]: negative recent cases %d or claims %s", i, c.RecentCases, c.RecentClaims)
		}
	}
	for i, a := range r.AlertVolume {
		if a.Industry == "" {
			add("alert volume[%d]: empty industry code", i)
		}
		counts := []AlertCounts{a.Fixed, a.Dynamic}
		if a.LastWeek != nil {
			counts = append(counts, *a.LastWeek)
		}
		for _, c := range counts {
			if c.Urgent < 0 || c.Urgent > c.Flagged {
				add("alert volume[%d]: %s: urgent %d must lie in [0, flagged %d]", i, a.Industry, c.Urgent, c.Flagged)
			}
		}
		if a.Fixed.Flagged > a.Companies || a.Dynamic.Flagged > a.Companies {
			add("alert volume[%d]: %s: more flagged than its %d companies", i, a.Industry, a.Companies)
		}
	}
	if r.Backtest != nil {
		errs = append(errs, checkBacktest(r.Backtest)...)
	}
	if r.Events != nil {
		errs = append(errs, checkEvents(r.Events, r.Week)...)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("weekly report %s: %w", r.Week, err)
	}
	return nil
}

// checkRow reports a row the report cannot place.
func checkRow(r thresholds.Row) error {
	switch {
	case r.Severity != thresholds.SeverityWarning && r.Severity != thresholds.SeverityUrgent:
		return fmt.Errorf("industry %s: severity %q is neither warning nor urgent", r.Industry, r.Severity)
	case r.Level == thresholds.LevelSection && !isSection(r.Industry):
		return fmt.Errorf("section %q is not one of A–T", r.Industry)
	case r.Level == thresholds.LevelDivision && (!isDivision(r.Industry) || !isSection(r.ParentIndustry)):
		return fmt.Errorf("division %q of section %q is not two digits under a section A–T", r.Industry, r.ParentIndustry)
	case r.Level != thresholds.LevelSection && r.Level != thresholds.LevelDivision:
		return fmt.Errorf("industry %s: level %q is neither section nor division", r.Industry, r.Level)
	}
	return nil
}

func checkChange(c LevelChange) error {
	switch {
	case !validScore(c.Score):
		return fmt.Errorf("%s: score %s is outside [0, 100]", c.CreditCode, c.Score)
	case c.From != "" && !validLevel(c.From), !validLevel(c.To):
		return fmt.Errorf("%s: levels %q → %q are not ok, warning or urgent", c.CreditCode, c.From, c.To)
	}
	if err := c.Thresholds.Validate(); err != nil {
		return fmt.Errorf("%s: %w", c.CreditCode, err)
	}
	return nil
}

func validScore(p scoring.Points) bool { return p >= 0 && p <= scoring.WholePoints(100) }

func validLevel(l scoring.Level) bool {
	return l == scoring.LevelOK || l == scoring.LevelWarning || l == scoring.LevelUrgent
}

func isSection(code string) bool { return len(code) == 1 && code[0] >= 'A' && code[0] <= 'T' }

func isDivision(code string) bool {
	return len(code) == 2 && code[0] >= '0' && code[0] <= '9' && code[1] >= '0' && code[1] <= '9' && code != "00"
}
