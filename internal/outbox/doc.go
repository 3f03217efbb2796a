// Package outbox raises alerts and delivers them to the configured channels.
//
// # Raising an alert
//
// Enqueue is the one writer of arbsync.alerts. Its callers run it in the
// transaction of the change that causes the alerts, so an alert exists if and
// only if its change was committed: scoring (package scoringdb) for a score
// that makes a company's level worse, the weekly job (package thresholdsdb)
// for thresholds that do. Each builds its alerts with LevelChange.Alert,
// whose dedup key names the company, the cause and the new level; a key
// already in the outbox is skipped, so a rerun or a replay after a crash
// raises nothing twice.
//
// # At least once
//
// Each alert gets one arbsync.alert_deliveries row per channel configured for
// its level (the "fan-out"). A sender claims a due row, sends it, and records
// the attempt in arbsync.alert_delivery_attempts together with the row's new
// state: sent; pending with the next attempt time (backoff, or the service's
// throttle wait); or failed (a permanent error such as a wrong signature or
// keyword, or attempts used up), which is logged for the operator and not
// retried. Nothing is lost if the daemon dies between the score commit and
// the send: the row stays pending and its claim expires. A message is sent
// twice only if the daemon dies between a successful send and recording it;
// every message carries its dedup key so receivers can drop the repeat.
//
// # One sender per channel, whatever the number of replicas
//
// A chat robot's rate limit (WeCom and DingTalk: 20 a minute; DingTalk mutes
// a robot for 10 minutes past it) belongs to the robot, not to a replica. So
// each channel has a lease row in arbsync.alert_channels, and only its holder
// sends to the channel:
//
//   - A replica takes a channel's lease when it is free or expired, and
//     renews it before every message and every Lease/3 while idle. It keeps
//     the lease while it runs and gives it up at shutdown, so another
//     replica takes over at once; a replica that dies loses it after Lease.
//   - The claim of a delivery is fenced by the lease (the claim query selects
//     nothing for a replica that does not hold it), and a renewal that finds
//     the lease taken stops the sender before its next message.
//   - Each claimed row also has a lease of its own, longer than a send can
//     take (HTTP timeout plus the rate-limit wait), so a replica that takes a
//     channel over never resends a row that the previous holder may still be
//     sending.
//   - A sender that takes a channel over starts with empty rate-limit
//     buckets (alerts.Sender.Drain): it does not know how much of the
//     current minute the previous holder used, and starting at the steady
//     rate keeps every window under the robot's limit across the handover.
//   - A throttle answer pauses the channel in the database (paused_until),
//     so the next holder waits it out too.
//
// # Channels are independent
//
// Every channel has its own goroutine, lease and limiter: a throttled or
// muted robot delays only its own messages. New alerts wake every channel at
// once (the scoring transaction's NOTIFY, forwarded by the daemon), so an
// unlimited webhook delivers within moments while a WeCom robot waits for
// its next token.
package outbox
