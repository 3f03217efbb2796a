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
// date), generated per request from hashes in about 15–20 µs: nothing is
// precomputed or stored, so millions of codes cost nothing.
//
// Profile (seed, code) fixes the company: a GB/T 4754 division drawn with
// the skew of Chinese registrations (wholesale/retail, manufacturing,
// construction, business services, IT, catering and logistics dominate), a
// log-normal head count, a founding date, a home arbitration committee in
// the province its credit code names, and latent traits: a compliance
// score (worse employers lose more often), NonPayment (in normal times,
// how often awards go unpaid), a hazard of distress (below) and a dispute
// rate — cases a year in the long run, rising with size (power 0.8) and
// much higher in construction, catering, retail, logistics, business
// services and manufacturing than in finance or the public sector.
//
// Cases arrive from 2018-01-01 (or the founding date) as a Poisson process
// whose intensity follows the company's state, normal or distressed
// (below). Each case's life is drawn at filing from its own hash and the
// company's episodes: the company is respondent in ~93% of cases overall,
// applicant or third party in the rest; the cause (劳动合同纠纷,
// 追索劳动报酬纠纷, …; 人事争议 in the public sector); a log-normal claim
// with a median near 20,000 yuan, in fen; mediation/settlement closes
// ~53% of cases, withdrawal ~7%, the rest are adjudicated (employer wins
// ~16%, loses ~28%, partial ~56%); the closing date weeks to months later;
// for awards the company owes, maybe an enforcement case that ends
// executed, partially executed or never; and rarely (1.5%) removal by the
// vendor some time later. What the vendor shows on a date is a view of
// that life, so moving the date forward only adds cases, closes them,
// changes their execution status or removes them, and UpdatedAt is the
// time of the last event: it changes exactly when the content does. Case
// numbers follow the committee's own style (京朝劳人仲字〔2025〕第1234号,
// 沪浦劳人仲（2025）办字第88号, …), titles read 张某与北京恒达科技有限公司劳动争议,
// and company names are built from the city, a trade name and the line of
// business.
//
// Truth and TruthAt give exactly what a correct client must return;
// History and HistoryAt add the distress episodes, and
// /_sim/companies/{code} serves both as JSON.
//
// # Distress
//
// A constant rate would give a risk score nothing to predict beyond the
// rate itself. So each company also goes through episodes of distress
// (wage arrears, layoffs, closures), a latent two-state process normal ⇄
// distressed drawn forward in time from its own hash (so a later date only
// appends to it). The process starts, normal, at the founding date or
// 2016-01-01, whichever is later. From the normal state the company
// enters distress at a yearly hazard that depends on its industry and
// size; an episode lasts months; after one ends, the hazard is raised for
// three years, so past distress makes another episode likelier without
// deciding it (about a quarter of episodes begin within three years of
// the previous one). While distressed:
//
//   - individual cases arrive four times as fast;
//   - collective disputes arrive: ten or more workers filing together.
//     The vendor lists one as each worker's own case (with one applicant),
//     all filed the same day at the company's home committee with
//     consecutive case numbers and a common cause, heard together (one
//     outcome and closing day) and enforced together;
//   - workers mostly claim unpaid wages (追索劳动报酬纠纷), then severance;
//   - the company settles less, loses more and mostly stops paying: an
//     award from a case that arose in distress, or that falls due while
//     the company is distressed, is usually enforced and usually ends
//     unexecuted (终本).
//
// The normal-state rate is derived from the long-run dispute rate
// (DisputeRate, what the industry tables describe) so that the long-run
// mean stays the same: NormalRate = DisputeRate / (1 − π + 4π + π·κ·w),
// with π the company's long-run share of time in distress, κ the
// collective rate below and w its mean collective size. The normal-state
// case shares are set so that the whole mix, distress included, lands on
// the shapes of ARCHITECTURE.md “The vendor”. HistoryAt and
// /_sim/companies/{code} show the episodes (start, end, the cases that
// arose in each, the collective disputes).
//
// Every parameter, with the public statistic it comes from or marked as
// an assumption (none was chosen by looking at how arbsync scores):
//
//	Entering distress
//	  hazard at 25 employees, industry ×1  3 %/year       assumption: about half the 6.2 % yearly
//	                                                      enterprise exit rate of 2012 [3] (not every
//	                                                      exit goes through labour disputes, not
//	                                                      every episode ends in exit)
//	  size                                 ×(employees/25)^−0.2, kept in 0.5–12 %/year
//	                                                      assumption; direction from [3] (larger
//	                                                      firms survive better)
//	  industry (GB/T 4754 section)         E 1.6; H, K, L 1.4; C 1.3; O 1.1; A, B, F, G, R 1.0;
//	                                       I 0.9; M, P 0.8; N 0.7; Q 0.6; J 0.5; D 0.4; S, T 0.2
//	                                                      assumption; order from [3] (real estate and
//	                                                      business services live shortest, utilities
//	                                                      and finance longest) and from where wage
//	                                                      arrears concentrate (construction, labour-
//	                                                      intensive manufacturing, catering)
//	Episodes
//	  length                               log-normal, median 180 days, σ 0.6, 30–730 days
//	                                       (mean ≈ 7 months)  assumption
//	  relapse                              hazard ×2.5 for 1,095 days after an episode ends
//	                                                      assumption shaped by [4]: 15–18 % of firms
//	                                                      leaving bankruptcy reorganization file
//	                                                      again, the risk concentrated in the first
//	                                                      ~33 months
//	While distressed
//	  individual cases                     ×4 the normal rate   assumption ("several times")
//	  collective disputes κ                0.88 a year per case a year of the normal rate,
//	                                       companies of 10 or more employees only
//	                                                      calibrated to [1]: collective disputes are
//	                                                      1.3 % of disputes (7,200 of 547,200 in
//	                                                      H1 2013), one dispute counted once
//	  workers per collective dispute       10 + geometric of mean 13 (mean 23), at most the
//	                                       head count     [1] (10 人以上, 案均 23 人) and [6]
//	  one case per worker                  so ≈ 22 % of all cases belong to collective
//	                                       disputes       decision; matches [1] (163,300 of 735,800
//	                                                      workers, 22 %, were in collective
//	                                                      disputes) and [2] (batches of five or more
//	                                                      cases were 19.6 % and 24.4 % of one
//	                                                      court's labour cases)
//	  claims within a collective dispute   log-normal around the dispute's own median, σ 0.35
//	                                                      assumption (one workforce, similar wages)
//	  collective causes                    追索劳动报酬纠纷 80 %, 经济补偿金纠纷 20 %
//	                                                      assumption ([2]: closures, relocations)
//	  individual causes                    追索劳动报酬纠纷 50 %, 劳动合同纠纷 16 %,
//	                                       经济补偿金纠纷 14 %, 社会保险纠纷 8 %, other 12 %
//	                                       (normal: 追索劳动报酬纠纷 25 %)  assumption
//	  role                                 respondent 97 %, applicant 1 %   assumption (a
//	                                                      distressed employer rarely sues workers)
//	  closing                              withdrawn 4 %, settled 45 %   assumption (no cash to
//	                                                      settle); the whole mix settles ≈ 53 % of
//	                                                      closed cases, [1] 52.18 %
//	  adjudicated                          employer wins 6 %, loses 40 % (shifted by
//	                                       compliance as in normal times)   assumption
//	  unpaid awards                        enforced 70 %; executed 20 %, partially 20 %,
//	                                       unexecuted 60 %   assumption; overall about half of
//	                                                      enforcements end unexecuted, [5] ≈ 40 %
//	                                                      nationally in 2016, 51 % at one court
//	Normal state, re-balanced so that the whole mix lands on the targets
//	  role                                 respondent 91 % (was 93 %), applicant 4.5 % (was 4 %)
//	  closing                              withdrawn 8 %, settled 56 % (unchanged)
//	  adjudicated                          employer wins 22 % (was 16 %), loses 20 % (was 27.5 %)
//	  claim median                         22,500 yuan × industry × cause (was 21,500)
//	  unpaid awards                        enforced 8 % + 35 %·NonPayment, executed
//	                                       65 % − 40 %·NonPayment, partially 20 % (unchanged)
//
// Sources: [1] MOHRSS, 2013 H1 labour and personnel dispute statistics
// (人事劳动统计分析报告: 547,200 disputes involving 735,800 workers; 7,200
// collective disputes of ten or more workers involving 163,300, 23 each
// on average; mediation closed 52.18 %). [2] Shanghai No. 2 Intermediate
// People's Court, 2016–2017 white paper on group labour disputes
// (群体性劳动争议案件审判白皮书). [3] SAIC, 全国内资企业生存时间分析报告
// (2013). [4] E. Altman, "Revisiting the Recidivism – Chapter 22
// Phenomenon in the U.S. Bankruptcy System" (2014); Fenech, Williams and
// Yap, Applied Economics 57(15) (2025). [5] The 2016 judicial statistic
// cited in 周星星, 终结本次执行程序的困境与出路 (2020), and a Wuhan court's
// 2016– figures. [6] 劳动争议调解仲裁法 art. 7 (ten or more workers with a
// common claim).
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
