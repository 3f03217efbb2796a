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
// # Backtest
//
// Backtest compares fixed and dynamic flags with what happened next: for
// each (company, week), whether it received new cases in the following 90
// days. Precision = hits/flagged, recall = hits/positives, lift =
// precision/base rate, and the relative difference (dynamic − fixed)/fixed
// of each; the seed's "about 37% better" is a claim about these.
package thresholds
