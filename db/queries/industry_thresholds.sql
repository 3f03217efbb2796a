-- name: ThresholdsLatestWeek :many
-- The rows of the newest week on or before as_of.
SELECT week, industry_code, industry_level, severity, (final * 100)::bigint AS final
FROM arbsync.industry_thresholds
WHERE week = (SELECT max(week) FROM arbsync.industry_thresholds WHERE week <= @as_of::date);

-- name: ThresholdScores :many
-- Enabled companies' current scores, grouped by industry and score (the
-- population of the weekly thresholds, compactly).
SELECT w.industry_code, (c.score * 100)::bigint AS score, count(*)::int AS companies
FROM arbsync.current_scores c
JOIN arbsync.watchlist w ON w.credit_code = c.credit_code AND w.enabled
GROUP BY 1, 2;

-- name: ThresholdsForWeek :many
SELECT t.week, t.industry_code, t.industry_level, i.section_code, t.severity, t.n, t.q::float8 AS q,
       (t.raw * 100)::bigint AS raw, (t.shrunk * 100)::bigint AS shrunk, (t.final * 100)::bigint AS final,
       coalesce((t.previous * 100)::bigint, -1)::bigint AS previous, t.bound_applied,
       (t.p10 * 100)::bigint AS p10, (t.p25 * 100)::bigint AS p25, (t.p50 * 100)::bigint AS p50,
       (t.p75 * 100)::bigint AS p75, (t.p90 * 100)::bigint AS p90, (t.mean * 100)::bigint AS mean,
       t.flagged_fixed, t.flagged_dynamic, t.method_version, t.computed_at
FROM arbsync.industry_thresholds t
JOIN arbsync.industries i ON i.code = t.industry_code
WHERE t.week = @week::date
ORDER BY t.industry_code, t.severity;

-- name: ThresholdsDeleteWeek :exec
DELETE FROM arbsync.industry_thresholds WHERE week = @week::date;

-- name: ThresholdsInsert :exec
INSERT INTO arbsync.industry_thresholds (
    week, industry_code, industry_level, severity, n, q, raw, shrunk, final, previous, bound_applied,
    p10, p25, p50, p75, p90, mean, flagged_fixed, flagged_dynamic, method_version
)
SELECT @week::date, u.industry_code, u.industry_level, u.severity, u.n, u.q::numeric,
       u.raw::numeric / 100, u.shrunk::numeric / 100, u.final::numeric / 100,
       nullif(u.previous, -1)::numeric / 100, u.bound_applied,
       u.p10::numeric / 100, u.p25::numeric / 100, u.p50::numeric / 100, u.p75::numeric / 100,
       u.p90::numeric / 100, u.mean::numeric / 100, u.flagged_fixed, u.flagged_dynamic, @method_version::int
FROM (
    SELECT
        unnest(@industry_codes::text[]) AS industry_code,
        unnest(@industry_levels::text[]) AS industry_level,
        unnest(@severities::text[]) AS severity,
        unnest(@ns::int[]) AS n,
        unnest(@qs::float8[]) AS q,
        unnest(@raws::bigint[]) AS raw,
        unnest(@shrunks::bigint[]) AS shrunk,
        unnest(@finals::bigint[]) AS final,
        unnest(@previouses::bigint[]) AS previous,
        unnest(@bounds::text[]) AS bound_applied,
        unnest(@p10s::bigint[]) AS p10,
        unnest(@p25s::bigint[]) AS p25,
        unnest(@p50s::bigint[]) AS p50,
        unnest(@p75s::bigint[]) AS p75,
        unnest(@p90s::bigint[]) AS p90,
        unnest(@means::bigint[]) AS mean,
        unnest(@flagged_fixeds::int[]) AS flagged_fixed,
        unnest(@flagged_dynamics::int[]) AS flagged_dynamic
) AS u;

-- name: CurrentScoresRelevel :many
-- Applies a week's thresholds to every current score (division row, else
-- section row, else the fixed value, per severity) and returns the
-- companies whose level changed, with what an alert needs.
WITH th AS (
    SELECT industry_code,
           max(final) FILTER (WHERE severity = 'warning') AS warning,
           max(final) FILTER (WHERE severity = 'urgent') AS urgent
    FROM arbsync.industry_thresholds
    WHERE week = @week::date
    GROUP BY industry_code
), applicable AS (
    SELECT c.credit_code,
           coalesce(dw.warning, sw.warning, @fixed_warning::numeric) AS warning,
           coalesce(dw.urgent, sw.urgent, @fixed_urgent::numeric) AS urgent,
           CASE WHEN dw.warning IS NOT NULL THEN 'division'
                WHEN sw.warning IS NOT NULL THEN 'section'
                ELSE 'fixed' END AS source
    FROM arbsync.current_scores c
    JOIN arbsync.watchlist w ON w.credit_code = c.credit_code
    JOIN arbsync.industries i ON i.code = w.industry_code
    LEFT JOIN th dw ON dw.industry_code = i.code AND i.level = 'division'
    LEFT JOIN th sw ON sw.industry_code = i.section_code
), old AS (
    SELECT credit_code, level FROM arbsync.current_scores
), upd AS (
    UPDATE arbsync.current_scores c
    SET warning_threshold = a.warning,
        urgent_threshold = a.urgent,
        threshold_source = a.source,
        level = CASE WHEN c.score < a.urgent THEN 'urgent' WHEN c.score < a.warning THEN 'warning' ELSE 'ok' END
    FROM applicable a
    WHERE a.credit_code = c.credit_code
      AND (c.warning_threshold, c.urgent_threshold, c.threshold_source) IS DISTINCT FROM (a.warning, a.urgent, a.source)
    RETURNING c.credit_code, c.score_id, c.level, (c.score * 100)::bigint AS score,
              (c.warning_threshold * 100)::bigint AS warning_threshold,
              (c.urgent_threshold * 100)::bigint AS urgent_threshold,
              c.recent_cases, (c.recent_claim_amount * 100)::bigint AS recent_claim_fen,
              c.latest_case_title, c.as_of
)
SELECT upd.credit_code, upd.score_id, upd.level, old.level AS previous_level, upd.score,
       upd.warning_threshold, upd.urgent_threshold, upd.recent_cases, upd.recent_claim_fen,
       upd.latest_case_title, upd.as_of
FROM upd JOIN old ON old.credit_code = upd.credit_code
WHERE upd.level IS DISTINCT FROM old.level;

-- name: CurrentScoresRiskiest :many
SELECT c.credit_code, w.company_name, w.industry_code, (c.score * 100)::bigint AS score, c.level,
       c.recent_cases, (c.recent_claim_amount * 100)::bigint AS recent_claim_fen
FROM arbsync.current_scores c
JOIN arbsync.watchlist w ON w.credit_code = c.credit_code AND w.enabled
ORDER BY c.score, c.credit_code
LIMIT @max_rows;
