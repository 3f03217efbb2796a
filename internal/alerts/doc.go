// Package alerts renders risk alerts and sends them to chat tools and
// webhooks. It is pure HTTP: the outbox table and the delivery worker that
// reads it (ARCHITECTURE.md “Alerts”) are built on top of this API and own retries.
//
// # Messages
//
// A Message is one transition of a company into warning or urgent. Every
// channel renders the same Chinese Markdown: the title "用工风险预警 {company}"
// ("【紧急】…" for urgent), then 风险评分, 阈值, 等级 (with the level before the
// transition, "（此前：预警）", or "（首次评分）" for a company scored for the
// first time), 近一年仲裁次数, 涉案金额, 行业, 数据日期, 最新案件, and a footer with 信用代码 and the dedup key in small
// text so a receiver can drop repeats (delivery is at-least-once). Fields are
// put on one line each (line breaks in a company name become spaces). When a
// channel's size limit is reached the body is cut on a UTF-8 boundary with
// "…"; the footer is never cut. Limits: WeCom content 4096 bytes, Feishu
// request body 20,000 bytes, DingTalk text 16,000 bytes, webhook text 16 KiB.
//
// # Channels and signing
//
//   - webhook: POST of the message as JSON. With a secret, X-Arbsync-Signature
//     is "sha256=" + hex HMAC-SHA256(secret, exact body bytes), and
//     X-Arbsync-Timestamp repeats the body's (signed) sentAt in unix seconds.
//     Success is any 2xx.
//   - wecom: POST …/cgi-bin/webhook/send?key=KEY, markdown. The key in the URL
//     is the credential; there is no signature.
//   - dingtalk: POST …/robot/send?access_token=…; with a secret also
//     &timestamp={ms}&sign=urlencode(base64(HMAC-SHA256(key = secret,
//     message = timestamp+"\n"+secret))). Markdown with a title.
//   - feishu: POST …/bot/v2/hook/{token}, an interactive card; with a secret
//     the body carries "timestamp" (seconds) and "sign" =
//     base64(HMAC-SHA256(key = timestamp+"\n"+secret, message = empty)).
//
// The three chat tools answer HTTP 200 even on failure, so the JSON code
// decides: errcode 0 (WeCom, DingTalk), code 0 or the older StatusCode 0
// (Feishu). DingTalk and Feishu reject timestamps more than an hour off, so
// the host clock matters. Now is injectable for tests.
//
// # Outcomes
//
// Send returns nil or a *SendError (errors.As) whose Kind is:
//
//   - Retriable: network errors, timeouts, HTTP 408/5xx, undecodable answers,
//     unknown codes (WeCom/DingTalk -1 "system busy" among them).
//   - Throttled: WeCom 45009, DingTalk 130101, Feishu 11232 / 99991400 / 9499
//     "too many request", HTTP 429. RetryAfter is at least a minute (DingTalk:
//     10 minutes, the time it mutes a robot), or the service's Retry-After /
//     x-ogw-ratelimit-reset when longer. The sender then pauses the channel
//     for that long: further Sends fail at once as Throttled without calling
//     the service, since each call would prolong the throttle.
//   - Permanent: a wrong key or token (WeCom 93000/93004, DingTalk 300001,
//     Feishu 19001), signature, keyword, IP or timestamp checks (DingTalk
//     310000, Feishu 19021/19022/19024), malformed requests (WeCom
//     40008/40058/44004, Feishu 19002), HTTP 3xx (redirects are not
//     followed) and other 4xx, or a Message that fails Validate. Report these
//     to the operator; retrying cannot help.
//
// NextAttempt (or a Backoff) turns an outcome into the next attempt's time,
// with the zero time meaning never. Error texts never contain a key, token,
// secret or signature: URLs go through RedactURL and the services' own
// messages are scrubbed of the channel's secrets.
//
// # Rate limits
//
// Each sender has its own token buckets (golang.org/x/time/rate), driven by
// the injected clock. Send waits for a token until ctx ends; if ctx's
// deadline comes before the token it returns at once (Retriable, RetryAfter =
// the wait, unwrapping to context.DeadlineExceeded). The buckets are sized so
// that no window ever exceeds the service's limit — burst + refill per window
// < limit — because a bucket of N refilling N per minute admits 2N in a
// minute that straddles a refill:
//
//   - wecom, dingtalk (20/min): 5 at once, then one every ~4.1 s;
//   - feishu (100/min and 5/s): 25 per minute-bucket and 2 per second-bucket
//     at once, then ~1.2 a second;
//   - webhook: 10 a second.
//
// ARBSYNC_ALERT_<NAME>_RATE_LIMIT ("N/DURATION") replaces the first of these
// for one channel. Drain empties a sender's buckets (a replica taking a
// channel over starts at the steady rate) and PauseUntil applies a throttle
// another replica saw.
//
// # Configuration
//
// A channel is a ChannelConfig. Package config reads them with the rest of
// the configuration: ARBSYNC_ALERT_CHANNELS (names, e.g. "ops,hr") and, per
// name, ARBSYNC_ALERT_<NAME>_KIND (webhook|wecom|dingtalk|feishu),
// ARBSYNC_ALERT_<NAME>_URL or _URL_FILE (the URL holds the chat tools'
// credential, so it is a secret.Value too), ARBSYNC_ALERT_<NAME>_SECRET or
// _SECRET_FILE, and ARBSYNC_ALERT_<NAME>_LEVELS (default "warning,urgent");
// it checks each URL with ValidateURL, as NewSender does. BuildSenders turns
// the configs into Senders; ForLevel routes a level to its channels and
// ByName finds a channel again for an outbox row.
//
// A delivery worker's loop, in outline:
//
//	s, ok := senders.ByName(row.Channel)
//	err := s.Send(ctx, row.Message)
//	next := alerts.NextAttempt(row.Attempt, err, now) // zero: done or give up
//	// record the attempt: alerts.KindOf(err), the SendError's Code/Status/Msg
package alerts
