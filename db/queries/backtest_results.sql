-- name: BacktestResultsInsert :exec
-- A run's results, one element per row. Undefined ratios and intervals
-- come in as NaN and are stored as NULL.
INSERT INTO arbsync.backtest_results (
    run_id, rule_version, method, severity, outcome, section_code, companies, observations, positives,
    volume, flagged, hits, base_rate, precision, precision_low, precision_high, recall, recall_low,
    recall_high, lift, lift_low, lift_high, auc, auc_low, auc_high, precision_diff, precision_diff_low,
    precision_diff_high, auc_diff, auc_diff_low, auc_diff_high
)
SELECT @run_id::bigint, u.rule_version, u.method, u.severity, u.outcome, u.section_code, u.companies,
       u.observations, u.positives, u.volume, u.flagged, u.hits,
       nullif(u.base_rate, 'NaN'), nullif(u.precision, 'NaN'), nullif(u.precision_low, 'NaN'),
       nullif(u.precision_high, 'NaN'), nullif(u.recall, 'NaN'), nullif(u.recall_low, 'NaN'),
       nullif(u.recall_high, 'NaN'), nullif(u.lift, 'NaN'), nullif(u.lift_low, 'NaN'),
       nullif(u.lift_high, 'NaN'), nullif(u.auc, 'NaN'), nullif(u.auc_low, 'NaN'), nullif(u.auc_high, 'NaN'),
       nullif(u.precision_diff, 'NaN'), nullif(u.precision_diff_low, 'NaN'), nullif(u.precision_diff_high, 'NaN'),
       nullif(u.auc_diff, 'NaN'), nullif(u.auc_diff_low, 'NaN'), nullif(u.auc_diff_high, 'NaN')
FROM (SELECT
        unnest(@rule_versions::int[]) AS rule_version,
        unnest(@methods::text[]) AS method,
        unnest(@severities::text[]) AS severity,
        unnest(@outcomes::text[]) AS outcome,
        unnest(@section_codes::text[]) AS section_code,
        unnest(@companies::int[]) AS companies,
        unnest(@observations::bigint[]) AS observations,
        unnest(@positives::bigint[]) AS positives,
        unnest(@volumes::bigint[]) AS volume,
        unnest(@flagged::float8[]) AS flagged,
        unnest(@hits::float8[]) AS hits,
        unnest(@base_rates::float8[]) AS base_rate,
        unnest(@precisions::float8[]) AS precision,
        unnest(@precision_lows::float8[]) AS precision_low,
        unnest(@precision_highs::float8[]) AS precision_high,
        unnest(@recalls::float8[]) AS recall,
        unnest(@recall_lows::float8[]) AS recall_low,
        unnest(@recall_highs::float8[]) AS recall_high,
        unnest(@lifts::float8[]) AS lift,
        unnest(@lift_lows::float8[]) AS lift_low,
        unnest(@lift_highs::float8[]) AS lift_high,
        unnest(@aucs::float8[]) AS auc,
        unnest(@auc_lows::float8[]) AS auc_low,
        unnest(@auc_highs::float8[]) AS auc_high,
        unnest(@precision_diffs::float8[]) AS precision_diff,
        unnest(@precision_diff_lows::float8[]) AS precision_diff_low,
        unnest(@precision_diff_highs::float8[]) AS precision_diff_high,
        unnest(@auc_diffs::float8[]) AS auc_diff,
        unnest(@auc_diff_lows::float8[]) AS auc_diff_low,
        unnest(@auc_diff_highs::float8[]) AS auc_diff_high
    ) AS u;

-- name: BacktestResultsForRun :many
-- A run's results, all companies first, then by section, rule, method,
-- severity and outcome. Undefined ratios read as NaN.
SELECT rule_version, method, severity, outcome, section_code, companies, observations, positives, volume,
       flagged, hits,
       coalesce(base_rate, 'NaN')::float8 AS base_rate,
       coalesce(precision, 'NaN')::float8 AS precision,
       coalesce(precision_low, 'NaN')::float8 AS precision_low,
       coalesce(precision_high, 'NaN')::float8 AS precision_high,
       coalesce(recall, 'NaN')::float8 AS recall,
       coalesce(recall_low, 'NaN')::float8 AS recall_low,
       coalesce(recall_high, 'NaN')::float8 AS recall_high,
       coalesce(lift, 'NaN')::float8 AS lift,
       coalesce(lift_low, 'NaN')::float8 AS lift_low,
       coalesce(lift_high, 'NaN')::float8 AS lift_high,
       coalesce(auc, 'NaN')::float8 AS auc,
       coalesce(auc_low, 'NaN')::float8 AS auc_low,
       coalesce(auc_high, 'NaN')::float8 AS auc_high,
       coalesce(precision_diff, 'NaN')::float8 AS precision_diff,
       coalesce(precision_diff_low, 'NaN')::float8 AS precision_diff_low,
       coalesce(precision_diff_high, 'NaN')::float8 AS precision_diff_high,
       coalesce(auc_diff, 'NaN')::float8 AS auc_diff,
       coalesce(auc_diff_low, 'NaN')::float8 AS auc_diff_low,
       coalesce(auc_diff_high, 'NaN')::float8 AS auc_diff_high
FROM arbsync.backtest_results
WHERE run_id = @run_id
ORDER BY section_code <> '', section_code, rule_version, method DESC, severity DESC, outcome;
