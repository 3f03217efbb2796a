// Package digest writes the messages that summarize instead of alerting one
// company at a time: each digest channel's daily digest of the previous day
// (new cases by company, decisions, unexecuted awards, level alerts, and the
// companies whose data is stale or failing) and its weekly summary after the
// weekly thresholds job (thresholds moved, newly flagged and cleared
// companies, the latest backtest, and for WeCom channels the HTML report as
// a file).
//
// A day's digest is composed once from the database, split to each
// channel's size limit (alerts.Split) and written to the outbox with the
// channel's row in arbsync.digests, in one transaction: a second replica, a
// rerun or a catch-up after downtime finds the row and writes nothing, so
// each channel gets each day's digest once, delivered (and retried) by the
// outbox like every other alert.
package digest
