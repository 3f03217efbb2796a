-- name: BacktestRunInsert :one
INSERT INTO arbsync.backtest_runs (
    from_week, to_week, horizon_days, weeks, skipped_weeks, companies, observations, rules,
    backtest_version, method_version, look_ahead
) VALUES (
    @from_week::date, @to_week::date, @horizon_days, @weeks, @skipped_weeks, @companies, @observations,
    @rules::int[], @backtest_version, @method_version, @look_ahead
)
RETURNING id, computed_at;

-- name: BacktestRunLatest :one
-- The newest run.
SELECT * FROM arbsync.backtest_runs ORDER BY id DESC LIMIT 1;
