// Package scoring computes a company's labor-dispute risk score from its
// arbitration cases under either version of the rules (ARCHITECTURE.md
// “Scoring”), exactly. It is pure Go: no database, no clock (the as-of date
// is an argument), no allocation per case.
//
// # Rule 2 (the default)
//
// Rule 2 reads the seed's table as written: each of its four indicators is
// scored out of 100 by its own rule, then weighted by the table's weights.
// Only the company's own disputes count: cases where it is the respondent,
// or that carry no role. Cases it filed against workers (applicant) and
// third-party cases are stored and shown but never scored. Over those
// cases, with recent, lose rate and unexecuted as below:
//
//	s_count  = max(0, 100 − 20 × |recent|)                       weight 0.4
//	s_amount = max(0, 100 − 5 × Σ claimAmount(recent) / 10,000)  weight 0.3
//	s_lose   = max(0, 100 − 150 × lose rate)                     weight 0.2
//	s_exec   = max(0, 100 − 25 × #unexecuted)                    weight 0.1
//	score    = 0.4·s_count + 0.3·s_amount + 0.2·s_lose + 0.1·s_exec
//
// computed as one exact fraction (a lose rate of 1/3 is exact) and rounded
// half-up to 0.01 once. One lost case of 20,000 yuan scores 69.00; an old
// unexecuted award alone 97.50. A Result's deductions are then the points
// each indicator takes off (0.4 × (100 − s_count), …) and Indicators holds
// the four indicator scores. Explain says of every case whether it counts,
// why, and how many points it accounts for.
//
// # Rule 1
//
// Rule 1 reads the seed's code sketch literally (every indicator deducts
// from one budget of 100, so one lost case alone scores 0). Score is rule 1;
// Rule.Score dispatches on the version. For a company at as-of date D (a civil date; callers take today's date in
// Asia/Shanghai), over its cases that are not removed and were filed on or
// before D:
//
//	recent               = cases with D − 365 days < filingDate ≤ D
//	count deduction      = 20 × |recent|
//	amount deduction     = min(5 × Σ claimAmount(recent) / 10,000 yuan, 150)
//	decided              = recent cases whose result is win, lose, partial or settled
//	lose rate            = (#lose + ½·#partial) / #decided, 0 when nothing was decided
//	lose-rate deduction  = 150 × lose rate                      (15 per 10 %)
//	unexecuted deduction = 25 × #cases of any age that are unexecuted or partially_executed
//	score                = max(0, 100 − Σ deductions), rounded half-up to 0.01
//	level                = urgent if score < urgent threshold,
//	                       warning if score < warning threshold, else ok
//
// The window is 365 days, not a calendar year: at D = 2024-03-01 a case
// filed 2023-03-02 is exactly 365 days old and out, one filed 2023-03-03 is
// in; a case filed on D is in. Pending and withdrawn cases count for the
// count and amount deductions but are not decided.
//
// Decisions this package makes where ARCHITECTURE.md “Scoring” is silent:
//
//   - Cases filed after D (future-dated data) are ignored entirely, for the
//     unexecuted deduction too: a score as of D uses only what was filed by
//     D. NextChange reports the day such a case starts to count.
//   - The latest case (whose title alerts show) is the latest case filed on
//     or before D. If the company has any recent case, that latest case is
//     necessarily recent, so "the latest recent case, else the latest case
//     overall" is a single rule. Cases filed the same day are ordered by
//     title (the greatest wins) so the choice does not depend on input order.
//   - Negative claim amounts count as zero; a sum that would overflow
//     saturates.
//
// # Exactness
//
// Money is whole fen (package money), never float. The score is computed
// exactly and rounded once, at the end: with S the capped claim total in fen
// (at most 30,000,000 fen, where the amount deduction reaches 150), K =
// 2·#lose + #partial and D = #decided,
//
//	score = 100 − 20·n − 25·u − S/200,000 − 75·K/D
//
// is a fraction over 200,000·D; whenever 100 − 20·n − 25·u > 0 we have
// n ≤ 4, so D ≤ 4 and integer arithmetic cannot overflow. The deductions
// shown in a Result are each rounded half-up to 0.01 for display, so they
// may not add up to 100 − score to the hundredth: 10 yuan claimed in one
// recent case deducts 20 + 0.005 points and scores 79.995 → 80.00, while
// the amount deduction shows as 0.01.
//
// # Types
//
// Points are hundredths of a point (Points(8750) prints and encodes as
// 87.50); Rate is ten-thousandths (0.3333); Date is a civil date counted in
// days. Outcome and ExecutionStatus mirror the wire enums of ARCHITECTURE.md “The vendor” as
// small integers; parse them with ParseOutcome and ParseExecutionStatus.
//
// # Using it
//
// Rule.Score computes a Result; Result.SameAs tells whether a score-history
// row is needed; NextChange tells the daily rescore on which day a
// company's score can next change by the passage of time alone (under
// either rule: it looks at every case, a safe bound for rule 2, which
// counts fewer). Reading cases from
// JSON and printing a Result for `arbsync score -json` is the command
// line's (package internal/scorejson).
package scoring
