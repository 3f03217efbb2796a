// Package report renders the weekly threshold report of ARCHITECTURE.md “Thresholds” as
// Markdown, one self-contained HTML page and CSV. It is pure rendering: no
// database, no clock, no network. The caller gathers a Weekly (this week's
// and last week's threshold rows, per-section score histograms, the
// companies whose level changed, the riskiest companies, alert volume per
// industry, the latest stored backtest) and calls Markdown, HTML, CSV,
// BacktestCSV or WriteFiles. Output depends only on the Weekly: the same input renders the
// same bytes, whatever the order of its lists.
//
// # The report's parts
//
// Markdown and HTML show the same parts, in this order, with Chinese and
// English labels; an empty part says "无 / none":
//
//  1. Title "行业动态阈值周报 2026-W48 — Weekly threshold report", the week's
//     Monday, the generation time and the method version.
//  2. Summary: the alert budgets q_w and q_u as percentages (share of all
//     scored companies below the fixed warning and urgent thresholds), the number of
//     industries (sections and divisions with a threshold row), companies
//     scored (sum of the section rows' n), alert volume under the fixed vs
//     the dynamic thresholds (and last week's), how many thresholds went up,
//     down or stayed, how many companies were newly flagged or cleared, and
//     the latest backtest's date and AUC on the serious outcome per rule.
//  3. Score distributions (HTML only): per section an inline SVG histogram
//     of its scores in 5-point bins, with this week's warning and urgent
//     thresholds as solid lines and last week's as dashed lines (orange =
//     warning, red = urgent), a legend with the values, x ticks 0–100 and
//     each bin's count. Because companies without cases all score 100, a
//     bin more than 3× taller than every other is cut with a break mark (its
//     count still printed) so the rest stays readable.
//  4. Thresholds: one line per industry, each section followed by its
//     divisions: level, n, warning and urgent as "last week → this week
//     (change)" and the bound that applied. In HTML a raised threshold (▲,
//     red: more alerts) and a lowered one (▼, green: fewer) are coloured,
//     and hovering a threshold shows q, raw, parent and shrunk. Industries
//     that had a row last week but none now are listed below the table.
//  5. Newly flagged and cleared companies: score, last week's score, level
//     change and the thresholds that apply now, by ascending score.
//  6. Riskiest companies: score, level, recent cases and claims (yuan), by
//     ascending score, then more recent cases, then larger claims.
//  7. Alert volume by industry: flagged under fixed vs dynamic thresholds,
//     their difference, last week's and the week-on-week difference, with
//     a total over the sections; HTML adds a bar chart pairing the two per section.
//  8. Backtest: the latest stored run (when, which weeks, how many
//     companies and company-weeks) and, per outcome (any, serious), the
//     base rate, each rule's AUC and, per severity, each rule and method's
//     flagged volume beside k, precision, recall and lift, with their 95%
//     intervals; or, when no run is stored, the command that makes one.
//  9. Method notes in plain words, quoting the params: alert budget,
//     quantile, shrinkage toward the parent with m, bounds, the weekly step.
//
// # Formats
//
// Markdown is GitHub-flavoured (tables); free text is backslash-escaped so
// a company name cannot break a table or inject markup.
//
// HTML is one file that opens offline: inline CSS and SVG, no script, no
// link, no image, no url(), no @import, no http(s) reference; the only
// links are in-page "#" anchors. It declares UTF-8 and lang="zh-CN" and
// uses a CJK font stack (PingFang SC, Hiragino Sans GB, Microsoft YaHei,
// Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei). It is
// rendered with html/template, so every text is escaped, and has a print
// stylesheet (A4, charts and rows not split across pages).
//
// CSV is the thresholds table, one record per industry and severity (see
// CSV for the columns); BacktestCSV is every result of the latest
// backtest, over all companies and per section. Both start with a UTF-8
// byte order mark so Excel shows the Chinese names; records end in CRLF.
//
// WriteFiles writes arbsync-thresholds-{ISO week}.md, .html, .csv and
// -backtest.csv to a directory, each atomically (temporary file, sync,
// rename).
package report
