package scoringdb

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/scoring"
)

// RuleChange is what a change of the configured scoring rule leaves to do:
// companies whose current score another rule made (the rescore takes them,
// RescoreCandidates counting them due), and thresholds in force that were
// computed from another rule's scores (the week is to be computed again
// from the new scores). See ARCHITECTURE.md "Scoring".
type RuleChange struct {
	// To is the configured rule.
	To scoring.Rule
	// Companies counts, per rule, the enabled and synced companies whose
	// current score that rule made.
	Companies map[scoring.Rule]int
	// Thresholds is the rule of the scores the thresholds in force were
	// computed from, when it is not To; 0 otherwise (also while the fixed
	// thresholds are in force, which belong to no rule).
	Thresholds scoring.Rule
}

// Pending reports whether anything is left to do for a change of rule.
func (c RuleChange) Pending() bool { return len(c.Companies) > 0 || c.Thresholds != 0 }

// Rescoring reports whether companies still hold another rule's score.
func (c RuleChange) Rescoring() bool { return len(c.Companies) > 0 }

// From names the rule or rules the change is from, e.g. "1".
func (c RuleChange) From() string {
	var rules []scoring.Rule
	for r := range c.Companies {
		rules = append(rules, r)
	}
	if c.Thresholds != 0 && !slices.Contains(rules, c.Thresholds) {
		rules = append(rules, c.Thresholds)
	}
	slices.Sort(rules)
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = r.String()
	}
	return strings.Join(names, " and ")
}

// Total is the number of companies still holding another rule's score.
func (c RuleChange) Total() int {
	n := 0
	for _, k := range c.Companies {
		n += k
	}
	return n
}

// PendingRuleChange reads what is left to do for a change to the
// assessor's rule (nothing, in a database scored by it throughout).
func (a *Assessor) PendingRuleChange(ctx context.Context, q *db.Queries) (RuleChange, error) {
	if !a.Rule.Valid() {
		return RuleChange{}, errNoRule
	}
	c := RuleChange{To: a.Rule}
	rows, err := q.CurrentScoresOtherRules(ctx, int32(a.Rule))
	if err != nil {
		return c, fmt.Errorf("read the rules of the current scores: %w", err)
	}
	for _, r := range rows {
		if c.Companies == nil {
			c.Companies = map[scoring.Rule]int{}
		}
		c.Companies[scoring.Rule(r.RuleVersion)] = int(r.Companies)
	}
	th, err := q.AppliedThresholdsRule(ctx)
	if err != nil {
		return c, fmt.Errorf("read the rule of the thresholds in force: %w", err)
	}
	if th != 0 && th != int32(a.Rule) {
		c.Thresholds = scoring.Rule(th)
	}
	return c, nil
}

// Levels counts the enabled companies whose current score the assessor's
// rule made, by level.
type Levels struct {
	Scored, Warning, Urgent int
}

// CountLevels counts the current scores of the assessor's rule by level.
func (a *Assessor) CountLevels(ctx context.Context, q *db.Queries) (Levels, error) {
	r, err := q.CurrentScoresLevels(ctx, int32(a.Rule))
	if err != nil {
		return Levels{}, fmt.Errorf("count levels: %w", err)
	}
	return Levels{Scored: int(r.Scored), Warning: int(r.Warning), Urgent: int(r.Urgent)}, nil
}
