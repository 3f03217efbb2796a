-- name: ThresholdsLatestWeek :many
-- The rows of the newest week on or before as_of.
SELECT week, industry_code, industry_level, severity, (final * 100)::bigint AS final
FROM arbsync.industry_thresholds
WHERE week = (SELECT max(week) FROM arbsync.industry_thresholds WHERE week <= @as_of::date);

-- name: ThresholdScores :many
-- Enabled companies' current scores made by rule_version, grouped by
-- industry and score (the population of the weekly thresholds, compactly).
-- Scores another rule made are left out: they are not on the same scale.
SELECT w.industry_code, (c.score * 100)::bigint AS score, count(*)::int AS companies
FROM arbsync.current_scores c
JOIN arbsync.watchlist w ON w.credit_code = c.credit_code AND w.enabled
WHERE c.rule_version = @rule_version::int
GROUP BY 1, 2;

-- name: ThresholdsForWeek :many
SELECT t.week, t.industry_code, t.industry_level, i.section_code, t.severity, t.n, t.q::float8 AS q,
       (t.raw * 100)::bigint AS raw, (t.shrunk * 100)::bigint AS shrunk, (t.final * 100)::bigint AS final,
       coalesce((t.previous * 100)::bigint, -1)::bigint AS previous, t.bound_applied,
       (t.p10 * 100)::bigint AS p10, (t.p25 * 100)::bigint AS p25, (t.p50 * 100)::bigint AS p50,
       (t.p75 * 100)::bigint AS p75, (t.p90 * 100)::bigint AS p90, (t.mean * 100)::bigint AS mean,
       t.flagged_fixed, t.flagged_dynamic, t.method_version, t.rule_version, t.computed_at
FROM arbsync.industry_thresholds t
JOIN arbsync.industries i ON i.code = t.industry_code
WHERE t.week = @week::date
ORDER BY t.industry_code, t.severity;

-- name: ThresholdsDeleteWeek :exec
DELETE FROM arbsync.industry_thresholds WHERE week = @week::date;

-- name: ThresholdsInsert :exec
INSERT INTO arbsync.industry_thresholds (
    week, industry_code, industry_level, severity, n, q, raw, shrunk, final, previous, bound_applied,
    p10, p25, p50, p75, p90, mean, flagged_fixed, flagged_dynamic, method_version, rule_version
)
SELECT @week::date, u.industry_code, u.industry_level, u.severity, u.n, u.q::numeric,
       u.raw::numeric / 100, u.shrunk::numeric / 100, u.final::numeric / 100,
       nullif(u.previous, -1)::numeric / 100, u.bound_applied,
       u.p10::numeric / 100, u.p25::numeric / 100, u.p50::numeric / 100, u.p75::numeric / 100,
       u.p90::numeric / 100, u.mean::numeric / 100, u.flagged_fixed, u.flagged_dynamic, @method_version::int,
       @rule_version::int
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

-- name: AppliedThresholdsRule :one
-- The rule of the scores the thresholds in force were computed from: that
-- of the week in force, 0 while the fixed thresholds are (no week applied,
-- or a week without rows).
SELECT coalesce(max(t.rule_version), 0)::int AS rule_version
FROM arbsync.industry_thresholds t
WHERE t.week = (SELECT max(a.week) FROM arbsync.applied_thresholds a);

-- name: AppliedThresholds :many
-- The thresholds in force, per industry.
SELECT industry_code, (warning_threshold * 100)::bigint AS warning_threshold,
       (urgent_threshold * 100)::bigint AS urgent_threshold, threshold_source
FROM arbsync.applied_thresholds;

-- name: AppliedThresholdsSet :execrows
-- Puts a week's applicable thresholds in force, rewriting only industries
-- whose thresholds change.
INSERT INTO arbsync.applied_thresholds AS a (industry_code, warning_threshold, urgent_threshold, threshold_source, week)
SELECT u.industry_code, u.warning::numeric / 100, u.urgent::numeric / 100, u.source, @week::date
FROM (
    SELECT
        unnest(@industry_codes::text[]) AS industry_code,
        unnest(@warnings::bigint[]) AS warning,
        unnest(@urgents::bigint[]) AS urgent,
        unnest(@sources::text[]) AS source
) AS u
ON CONFLICT (industry_code) DO UPDATE
SET warning_threshold = excluded.warning_threshold, urgent_threshold = excluded.urgent_threshold,
    threshold_source = excluded.threshold_source, week = excluded.week, applied_at = now()
WHERE (a.warning_threshold, a.urgent_threshold, a.threshold_source, a.week)
      IS DISTINCT FROM (excluded.warning_threshold, excluded.urgent_threshold, excluded.threshold_source, excluded.week);

-- name: CurrentScoresRelevel :many
-- Judges every current score against the thresholds in force for its
-- company's industry (the rule of scoring.Thresholds.Level: strictly below
-- urgent is urgent, else strictly below warning is warning) and rewrites
-- only the companies whose level changes, returning them with what an
-- alert needs. Only scores of rule_version are judged: a score another rule
-- made is not on the scale of these thresholds, and keeps its level until
-- it is rescored.
WITH judged AS (
    SELECT c.credit_code, c.level AS previous_level, th.warning_threshold, th.urgent_threshold,
           CASE WHEN c.score < th.urgent_threshold THEN 'urgent'
                WHEN c.score < th.warning_threshold THEN 'warning'
                ELSE 'ok' END AS level
    FROM arbsync.current_scores c
    JOIN arbsync.watchlist w ON w.credit_code = c.credit_code
    JOIN arbsync.applied_thresholds th ON th.industry_code = w.industry_code
    WHERE c.rule_version = @rule_version::int
)
UPDATE arbsync.current_scores c
SET level = j.level
FROM judged j
WHERE j.credit_code = c.credit_code AND j.level <> c.level
RETURNING c.credit_code, c.score_id, c.level, j.previous_level, (c.score * 100)::bigint AS score,
          (j.warning_threshold * 100)::bigint AS warning_threshold,
          (j.urgent_threshold * 100)::bigint AS urgent_threshold,
          c.recent_cases, (c.recent_claim_amount * 100)::bigint AS recent_claim_fen,
          c.latest_case_title, c.as_of;

-- name: CurrentScoresRiskiest :many
SELECT c.credit_code, w.company_name, w.industry_code, (c.score * 100)::bigint AS score, c.level,
       c.recent_cases, (c.recent_claim_amount * 100)::bigint AS recent_claim_fen
FROM arbsync.current_scores c
JOIN arbsync.watchlist w ON w.credit_code = c.credit_code AND w.enabled
ORDER BY c.score, c.recent_cases DESC, c.recent_claim_amount DESC, c.credit_code
LIMIT @max_rows;
