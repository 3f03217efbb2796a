-- name: ThresholdReportUpsert :exec
INSERT INTO arbsync.threshold_reports (week, markdown, html, csv, backtest_csv, generated_at)
VALUES (@week::date, @markdown, @html, @csv, @backtest_csv, @generated_at)
ON CONFLICT (week) DO UPDATE
SET markdown = excluded.markdown, html = excluded.html, csv = excluded.csv, backtest_csv = excluded.backtest_csv,
    generated_at = excluded.generated_at;

-- name: ThresholdReportGet :one
SELECT * FROM arbsync.threshold_reports WHERE week = @week::date;
