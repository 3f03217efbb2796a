// Package scoringdb applies the pure scoring rules (package scoring) to the
// companies stored in PostgreSQL, and raises alerts.
//
// It runs in two places: inside the sync write transaction, for companies
// whose cases just changed (Assessor.SyncHook), and in the daily rescore
// job, for companies whose score changes only because time passed and a case
// left the 365-day window (Assessor.Rescore). Both go through Apply, which,
// in the caller's transaction:
//
//   - scores each company as of today (Assessor.Today: the configured zone,
//     Asia/Shanghai by default, on the caller's clock) against the
//     thresholds in force for its industry (arbsync.applied_thresholds, which
//     the weekly job writes: its division's row, else its section's, else
//     the fixed 60/40);
//   - appends a score-history row, and makes it the current score, only when
//     the score, a component or the level changed;
//   - raises an alert (outbox.Enqueue) when the company enters warning or
//     urgent, or gets worse, with a dedup key naming the score row, so each
//     transition alerts exactly once and a replayed transaction cannot
//     duplicate it;
//   - records the day the company's score can next change by time alone
//     (current_scores.next_change_on), which is what lets the daily rescore
//     skip every company that cannot change.
//
// The rescore streams companies in keyset pages, so its memory does not grow
// with the watchlist.
package scoringdb
