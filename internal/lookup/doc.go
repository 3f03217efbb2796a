// Package lookup is the ERP risk lookup, GET /v1/companies/{creditCode}/risk
// on the daemon's HTTP listener (ARCHITECTURE.md “Operating it”): an ERP asks for one company's
// current risk score and gets it in milliseconds when arbsync already holds
// it, or after one live fetch when it does not.
//
// # Requests
//
// Only GET (anything else is 405 with Allow: GET). The request must carry
// Authorization: Bearer <token>; a missing or wrong token is 401 with
// WWW-Authenticate: Bearer. The token is compared in constant time (over
// SHA-256 digests, so its length does not leak either) and never logged.
// The credit code in the path is trimmed and upper-cased, then checked with
// package uscc: a malformed code is 400 invalid_credit_code naming what is
// wrong; a code whose only fault is its check character is 400
// invalid_check_character, unless an admin put exactly that code on the
// watchlist with checksum_override (a real early pilot-region code), which
// is then served like any other. Parameters:
//
//	refresh=true   fetch live even if the stored data is fresh
//	industry=C     the GB/T 4754-2017 section (A-T) or division (01-97) of a
//	               company not yet on the watchlist; ignored for others
//	name=…         optional name of such a company
//
// The request body is never read. Each request has its own deadline
// (Options.Timeout, 30 s): past it the answer is 504 timeout.
//
// # Tiers
//
//  1. The in-process cache: a bounded LRU (Options.CacheSize, 10,000
//     companies) whose entries live Options.CacheTTL (5 min), and never
//     past the data's freshness limit. Only fresh, complete answers are
//     cached; refresh=true skips the cache (and refreshes it).
//  2. PostgreSQL: the company's watchlist row, industry, sync state, current
//     score with its components and thresholds, its five newest current
//     cases and its case events of the last 90 days (up to 20; the
//     baseline is not an event), read in one repeatable-read transaction. Data whose
//     last successful sync is within Options.Freshness (24 h) is served as
//     is.
//  3. A live fetch, when the company is not on the watchlist, has never
//     been synced, its data is older than the freshness limit, or
//     refresh=true: sync.Engine.RunPass with Trigger "lookup" and only this
//     code, so the company is fetched, stored, scored and alerted on in the
//     same transaction as a scheduled sync, under the same lease. If
//     another pass (the daemon's, another replica's) holds the lease, the
//     lookup waits for it and serves what it stored. The answer is then
//     read back from PostgreSQL.
//
// Concurrent requests for one company share one load (singleflight keyed
// by the code and the parameters): twenty simultaneous lookups of an
// unknown company make one database read and one upstream fetch. The load
// runs detached from the request that started it, so a client hanging up
// does not fail the others; each request waits only until its own
// deadline.
//
// The answer's source field says which tier answered: "cache", "postgres"
// or "upstream" (a live fetch this request waited for).
//
// # Companies not on the watchlist
//
// The engine only claims watched companies, and a company fetched but not
// watched would never be kept current, so a lookup of an unknown company
// adds it to arbsync.watchlist, enabled, with the note "added by ERP
// lookup", and syncs it. The watchlist needs an industry, which arbsync
// cannot guess (the vendor does not report it), so the caller must pass
// ?industry=; without it the answer is 400 missing_industry, naming the
// parameter, and nothing is written. An industry the database does not
// know is 400 invalid_industry. The company name is optional (?name=):
// without it the row carries the credit code as a placeholder, and answers
// show the name the vendor returned (sync_state.upstream_name); an admin
// may set the real name later. The row stays on the watchlist whatever the
// fetch's outcome (a company the vendor does not know is parked by the
// sync as not_found), so the daemon keeps it current from then on. With
// live fetches disabled (Options.Engine nil) an unknown company is 404
// not_watched.
//
// In the daemon the watchlist insert also NOTIFYs the watchlist listener,
// which may sync the company once more right after the lookup's pass.
//
// # Statuses
//
//	200  the answer (Response)
//	400  invalid_credit_code, invalid_check_character, missing_industry,
//	     invalid_industry, invalid_parameter
//	401  unauthorized (with WWW-Authenticate: Bearer)
//	404  not_found: the vendor has no record of the code; not_watched
//	405  method_not_allowed (with Allow: GET)
//	409  watchlist_disabled, live_fetch_disabled: the company was never
//	     synced and cannot be fetched now
//	500  internal (details only in the log)
//	502  upstream_auth, upstream_permission: the vendor refused arbsync's
//	     credentials or product access; upstream_bad_response: its answer
//	     was unusable. Messages never carry keys, signatures or the vendor's
//	     text.
//	503  upstream_busy, upstream_quota, upstream_timeout,
//	     upstream_unavailable, with Retry-After in seconds
//	504  timeout
//
// A failed live fetch is read back from arbsync.sync_state (status,
// last_error_code, next_sync_at), which the engine wrote: the error kind
// picks the status, and Retry-After is the time until the sync backoff
// lets the company be tried again (next_sync_at; 30 s when unknown, at
// most an hour). Until then further lookups answer the same error from
// the database without asking the vendor; a company the vendor does not
// know is asked again only after the freshness limit. When the company has
// stored data, a failed or impossible refresh does not hide it: the answer
// is 200 with that data, stale set when it is older than the freshness
// limit, and refreshError naming why it was not refreshed.
//
// Every error body has the daemon's stable shape
// {"error": {"code": "…", "message": "…"}}.
//
// # Metrics
//
// Registered on Options.Registerer, none with a per-company label:
// arbsync_cache_requests_total{tier="local"|"postgres",result="hit"|"miss"}
// and arbsync_cache_hit_ratio{tier} (hits over requests since start). The
// local tier counts every authorized, valid lookup without refresh=true;
// the postgres tier counts database reads of such lookups (one per shared
// load), a hit being fresh stored data. arbsync_lookup_requests_total{code}
// counts responses by HTTP status, and arbsync_lookup_duration_seconds
// {source} their durations by tier ("error" for errors).
package lookup
