// Package upstream is arbsync's client for the labor-arbitration data
// vendor: it fetches one company's complete case history and returns it
// normalized (Case, Company), whichever wire protocol the vendor speaks.
// Sync depends on the Fetcher interface only; the simulator in package sim
// speaks both protocols and is what every test talks to.
//
// # Protocols (ARCHITECTURE.md “The vendor”)
//
// signed (default): POST {base}/v1/arbitration/query with the JSON body
// {"creditCode":"…","pageNum":N,"pageSize":M} and the headers X-App-Id,
// X-Timestamp (unix seconds) and X-Signature = base64(RSASSA-PKCS1-v1_5(
// SHA-256(body))). The signature covers the exact bytes sent; the timestamp
// is not signed, so a page's body is encoded and signed once and its
// retries reuse it (RSA-2048 signing is the expensive part of a request;
// the key is precomputed once in New). Answers are {"code","message",
// "requestId","data":{creditCode, companyName, total, pageNum, pageSize,
// cases[]}} with amounts as decimal strings.
//
// tianyuan: POST {base}/api/v1/{product}?t={unix ms} with the header
// Access-Id and the body {"data":"…"}, the parameters TianyuanParams
// (ent_code, page_num, page_size) sealed with AES-128-CBC/PKCS#7 under
// the Access Key (TianyuanSeal: base64(IV ‖ ciphertext)). Answers are
// {"code","message","transaction_id","data"} with data sealed the same
// way; its plaintext lists judicial records (TianyuanRecord, which
// documents the mapping into Case). The product covers all litigation;
// only labor and personnel disputes are kept (IsLaborCause), and each
// kept case carries its raw record in Case.Raw.
//
// # Pagination
//
// Fetch asks for page 1, learns total and the page size the vendor
// applied (it may cap ours), then fetches the remaining pages in order.
// Any page failing after its retries fails the whole Fetch: sync never
// sees a partial company, so it never removes cases on a bad fetch. A
// total that changes between pages is a busy error (data in flux, try
// later); a duplicate case, an empty middle page, more records than the
// page size or a record count that disagrees with total is a bad response.
// Every case is validated (enums, amounts, dates); the error names the case
// and the field.
//
// # Errors
//
// Failures are *Error values with a Kind (see the constants for the code
// mapping): auth, permission, quota, busy, not_found, bad_response. Only
// busy is retried. HTTP 429 and every 5xx are busy whatever the body says;
// a business code decides otherwise; an unknown code is a bad response.
// On auth errors the vendor's Date header is compared with the local clock
// and the skew is logged as clock_skew_seconds (4001 usually means a clock
// more than 300 s off) and kept in Error.ClockSkew. The caller's context
// ending is returned as the context's error, never as an *Error. Errors
// are wrapped with the credit code and page: "fetch 9144…: page 2: after 3
// retries: upstream busy: code 5001 (系统繁忙), http 200, request 7f3a".
// Neither errors nor logs carry keys, signatures or request bodies; Config
// prints and encodes without its secrets, and AccessKey is a secret.Value.
//
// # Load control
//
// Each HTTP attempt takes, in order: a slot of the adaptive concurrency
// limit, a token of the rate limiter (QPS, burst 1, golang.org/x/time/rate),
// then a per-attempt Timeout. The concurrency limit starts at Concurrency,
// halves on a busy answer (once per round trip: only requests issued after
// the last cut can cut again), grows by one per limit-many successes, and
// stays within [1, Concurrency] (AIMD). A busy attempt is retried at most
// MaxRetries (3) times after a capped exponential backoff with full jitter
// (uniform in [0, min(cap, base·2^n)], at least the vendor's Retry-After),
// and only while the retry budget allows: every first attempt earns
// RetryBudgetRatio (0.2) of a retry, the budget starts at RetryBudgetFloor
// (10) and holds at most floor + 100·ratio, so over a Client's life
// retries ≤ floor + 20% of requests, however long the vendor is down.
// Response bodies are read through a limit (MaxBodyBytes); longer bodies
// and bodies cut short are bad responses.
//
// # Metrics
//
// Registered on Config.Registerer when it is set (never on the global
// registry); clients sharing a registerer share the collectors:
// arbsync_api_latency_seconds (histogram of attempts),
// arbsync_api_requests_total{outcome} (ok, an error type, or canceled),
// arbsync_api_errors_total{type} (the Kind), arbsync_api_retries_total,
// arbsync_api_concurrency_limit (the AIMD limit). No per-company labels.
//
// # Keys
//
// LoadPrivateKey reads PEM (PKCS#1 or PKCS#8) and refuses files readable by
// group or others; GenerateKeyPair (`arbsync keygen`) writes an RSA-2048
// pair, the private half with mode 0600.
package upstream
