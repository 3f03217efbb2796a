// Package scoringdb applies the pure scoring rules (package scoring) to the
// companies stored in PostgreSQL, and raises alerts.
//
// It runs in two places: inside the sync write transaction, for companies
// whose cases just changed (Assessor.SyncHook), and in the daily rescore
// job, for companies whose score changes only because time passed and a case
// left the 365-day window (Assessor.Rescore). Both go through Apply, which,
// in the caller's transaction:
//
//   - scores each company under the configured rule (Assessor.Rule,
//     ARBSYNC_SCORE_RULE) as of today (Assessor.Today: the configured zone,
//     Asia/Shanghai by default, on the caller's clock) against the
//     thresholds in force for its industry (arbsync.applied_thresholds, which
//     the weekly job writes: its division's row, else its section's, else
//     the fixed 60/40);
//   - appends a score-history row, and makes it the current score, only when
//     the rule, the score, a component or the level changed;
//   - raises an alert (outbox.Enqueue) when the company enters warning or
//     urgent, or gets worse, with a dedup key naming the score row, so each
//     transition alerts exactly once and a replayed transaction cannot
//     duplicate it; the alert names the rule and the cases that drove the
//     score (TopCasesFor reads them again for a company whose cases the
//     caller passed without their numbers). A transition from a score that
//     another rule made raises none: the rule changed, not the company;
//   - records the day the company's score can next change by time alone
//     (current_scores.next_change_on), which is what lets the daily rescore
//     skip every company that cannot change.
//
// The rescore streams companies in keyset pages, so its memory does not grow
// with the watchlist. It also takes every company whose current score
// another rule made, so that a change of rule rescores everyone once;
// PendingRuleChange says what such a change leaves to do (the caller then
// recomputes the week's thresholds, ARCHITECTURE.md "Scoring").
package scoringdb
