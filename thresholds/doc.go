// Package thresholds recalibrates the warning and urgent thresholds per
// industry every week from the distribution of current scores: method
// version 1 of ARCHITECTURE.md “Thresholds”. It is pure Go over a slice of scores; the caller
// loads the scores and last week's thresholds and stores the rows.
//
// # The method, in order
//
// Input: every enabled company with a current score, with its GB/T 4754
// section (A–T) and, when it has one, its division (01–97); the Monday of
// the ISO week; last week's final thresholds.
//
//  1. Budgets. Over all N scored companies, q_w = #(score < 60) / N and
//     q_u = #(score < 40) / N (the fixed thresholds of Params). If every
//     industry flagged its q share, the fixed rule's alert volume would be
//     kept and only moved between industries.
//  2. Raw threshold of an industry = its q-quantile of scores with
//     PostgreSQL percentile_cont semantics: sort the n scores x₀ ≤ … ≤ xₙ₋₁,
//     pos = q·(n−1), raw = x⌊pos⌋ + (pos − ⌊pos⌋)·(x⌈pos⌉ − x⌊pos⌋).
//  3. Shrink toward the parent: t = (n·raw + m·t_parent) / (n + m), m = 30.
//     A section's parent is the fixed threshold; a division's parent is its
//     section's shrunk value from this step, before the section's clamps
//     (divisions shrink toward their section's shrunk value; the row
//     stores it as Parent, so a reader can recheck the formula from
//     stored rows). An industry with few companies stays near its parent.
//  4. Clamp to the bounds: fixed ± 20, i.e. warning in [40, 80] and urgent
//     in [20, 60].
//  5. Clamp to last week's final ± 10, when the industry had a row for this
//     severity last week. This comes after step 4, in the method's order.
//  6. Urgent only: urgent = min(urgent, this industry's final warning − 5).
//     This comes last, so it wins over step 5. With the default params it
//     can never push urgent below its lower bound (warning ≥ 40 ⇒
//     warning − 5 ≥ 35 > 20).
//
// Row.Bound records the last of steps 4–6 that changed the value (lower,
// upper, step_up = a rise capped at previous + 10, step_down = a fall
// capped at previous − 10, urgent_gap), or none, so Final always equals the
// named limit.
//
// A section's n counts every scored company in it: its divisions' and
// those filed under the section itself. A division's n counts its own.
// An industry with no scored company gets no row; a company is judged by
// the nearest level that has one (InForce): division row, else section row,
// else the fixed thresholds. Flags are strict: a company is flagged when
// score < threshold.
//
// # Exactness
//
// Scores are scoring.Points (hundredths). q is the exact fraction
// #below/N, so every quantile, the mean and the shrinkage are exact
// fractions; each is rounded half-up to 0.01 once, when stored in a row,
// and the next step starts from the stored value (raw → shrunk → final),
// so every row can be rechecked by hand. Percentile is the float8 version
// of the same formula, for comparing with PostgreSQL: a stored quantile is
// always within 0.005 of PostgreSQL's float8 percentile_cont, i.e. it is
// that value rounded to 0.01 unless float error lands it on the other side
// of a half-hundredth.
//
// # Cost
//
// Compute groups the companies in two passes, sorts each division once and
// each section once, then reads percentiles by index, sums for the mean
// and binary-searches for the flag counts: about 80 ms
// for 1,000,000 scores on the 2-core development VM (BenchmarkCompute1M).
//
// # Budgets
//
// ComputeBudgets runs the same method with explicit budgets in place of
// those the fixed thresholds give: per severity, how many companies the
// budget flags (q = Flagged/N) and the global threshold that stands in for
// the fixed one (the sections' parent and the centre of the bounds).
// Compute is ComputeBudgets with FixedBudgets. The backtest uses it to run
// the method for another rule's scores at the fixed rule's alert volume.
//
// # Backtest (version 2)
//
// Backtest compares scoring rules and threshold methods on history held
// as, per company and week, each rule's score and what followed in the
// horizon (Happened: any new case the company answers; serious: one of
// them lost or left unexecuted, or three or more). Every cell is held to
// one alert volume: each week k = the companies rule 1 flags with the
// fixed thresholds. Fixed: one global cutoff flagging the rule's k lowest
// scores, ties at the cutoff shared (CutAt; for rule 1 exactly the fixed
// thresholds). Dynamic: ComputeBudgets with budget k/N and the rule's own
// cutoff as global threshold (VolumeThreshold; 60/40 for rule 1), chained
// week to week per rule; its volume differs from k and is reported.
//
// Per rule, method, severity and outcome, over all companies and per
// section: observations (company-weeks), positives, volume k, flagged,
// hits, precision = hits/flagged, recall = hits/positives, lift =
// precision/base rate, and the score's AUC (P(a positive scores lower than
// a negative), ties half). A company's weeks are strongly correlated, so
// every interval is clustered by company: Wilson at the design-effect
// sample size for proportions (Clustered), Obuchowski's clustered DeLong
// for the AUC (Ranking); and the differences from rule 1 with the fixed
// thresholds, the baseline, are paired over the same companies (Contrast,
// AUCPair), which is what tells a real difference from noise.
package thresholds
