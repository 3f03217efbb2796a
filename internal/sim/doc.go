// Package sim is a simulated labor-arbitration data vendor: a real HTTP
// server (`arbsync sim`, Flags) that speaks both of the vendor's wire
// protocols byte for byte, checks credentials as the vendor does, and
// serves deterministic synthetic data. Every test, benchmark and `make run`
// talks to it instead of the real vendor (ARCHITECTURE.md “The vendor”).
//
// # Protocols and credentials
//
// signed: POST /v1/arbitration/query. X-App-Id must be Config.AppID,
// X-Timestamp within ±300 s of the wall clock (Config.Now, not the
// simulated date), and X-Signature an RSASSA-PKCS1-v1_5/SHA-256 signature
// of the exact bytes received, verified with Config.PublicKey; otherwise
// code 4001. Every answer carries a Date header from the same wall clock,
// so clients can measure their skew. pageNum and pageSize are optional (1,
// 50): the seed's Python client, which sends {"creditCode": "…"}, works.
// A body that is not JSON or lacks creditCode is HTTP 400 with code 4000.
//
// tianyuan: POST /api/v1/{product}?t={unix ms}. A missing Access-Id is
// 1005, an unknown one 1006, another product 1008, a body or parameters
// that do not parse (or a missing t, or an ent_code that is not a credit
// code) 1003, a payload that does not decrypt under the Access Key 1002.
// Answers are sealed with the same key (upstream.TianyuanSeal). The list
// holds the company's labor arbitration records and, like the real
// judicial product, its other lawsuits (买卖合同纠纷, 劳务合同纠纷, …),
// which clients must filter out.
//
// Both: past the QPS quota (a token bucket with one second of burst) the
// signed protocol answers 5001 and tianyuan HTTP 429 with Retry-After: 1;
// unknown companies (a deterministic UnknownShare of codes, and every
// malformed code) are 6002 / 1000 (查询为空). Pages are capped at
// PageSizeMax and carry total.
//
// # Faults
//
// Faults (set in Config, with SetFaults, or POST /_sim/faults) inject, per
// request and by probability: any business code or HTTP status, garbage
// bodies, bodies truncated mid-stream (the connection drops), oversized
// bodies, a corrupted case field, and hangs; Permission denies the product
// (4003 / 1008). Latency is uniform in Latency ± Jitter.
//
// # The data model
//
// A company's data is a pure function of (seed, credit code, simulated
// date), generated per request from hashes in about 15 µs: nothing is
// precomputed or stored, so millions of codes cost nothing.
//
// Profile (seed, code) fixes the company: a GB/T 4754 division drawn with
// the skew of Chinese registrations (wholesale/retail, manufacturing,
// construction, business services, IT, catering and logistics dominate), a
// log-normal head count, a founding date, a home arbitration committee in
// the province its credit code names, and latent traits: a compliance
// score (worse employers lose more often), financial distress (awards go
// unpaid) and a dispute rate — cases a year, rising with size (power 0.8)
// and much higher in construction, catering, retail, logistics, business
// services and manufacturing than in finance or the public sector.
//
// Cases arrive as a Poisson process at that rate from 2018-01-01 (or the
// founding date). Each case's life is drawn at filing from its own hash:
// the company is respondent in ~93% of cases, applicant or third party in
// the rest; the cause (劳动合同纠纷, 追索劳动报酬纠纷, …; 人事争议 in the
// public sector); a log-normal claim with a median near 20,000 yuan, in
// fen; mediation/settlement closes ~56% of cases, withdrawal ~8%, the rest
// are adjudicated (employer wins ~16%, loses ~27%, partial ~57%); the
// closing date weeks to months later; for awards the company owes, maybe
// an enforcement case that ends executed, partially executed or never; and
// rarely (1.5%) removal by the vendor some time later. What the vendor
// shows on a date is a view of that life, so moving the date forward only
// adds cases, closes them, changes their execution status or removes them,
// and UpdatedAt is the time of the last event: it changes exactly when the
// content does. Case numbers follow the committee's own style
// (京朝劳人仲字〔2025〕第1234号, 沪浦劳人仲（2025）办字第88号, …), titles read
// 张某与北京恒达科技有限公司劳动争议, and company names are built from the
// city, a trade name and the line of business.
//
// Truth and TruthAt give exactly what a correct client must return;
// /_sim/companies/{code} serves the same as JSON.
//
// # Clock and counters
//
// The simulated date starts at Config.StartDate and moves with Advance,
// SetDate, POST /_sim/advance?days=N or POST /_sim/date, or one day every
// -advance-every of wall time. Stats counts requests per path, per credit
// code, per outcome and the peak in flight, so tests can count upstream
// calls. The /_sim/ admin endpoints need no credentials and answer only
// loopback clients: do not expose a simulator beyond localhost.
package sim
