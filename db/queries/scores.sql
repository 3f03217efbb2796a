-- name: ScoresAppend :many
-- Appends score-history rows and makes them the companies' current scores,
-- in one statement. Amounts and points come in as integers (fen, hundredths
-- of a point, ten-thousandths of a rate) so nothing passes through floats.
WITH u AS (
    SELECT
        unnest(@credit_codes::text[]) AS credit_code,
        unnest(@as_ofs::date[]) AS as_of,
        unnest(@scores::bigint[]) AS score,
        unnest(@levels::text[]) AS level,
        unnest(@recent_cases::int[]) AS recent_cases,
        unnest(@recent_claim_fen::bigint[]) AS recent_claim_fen,
        unnest(@decided_cases::int[]) AS decided_cases,
        unnest(@lose_cases::int[]) AS lose_cases,
        unnest(@partial_cases::int[]) AS partial_cases,
        unnest(@lose_rates::bigint[]) AS lose_rate,
        unnest(@unexecuted_cases::int[]) AS unexecuted_cases,
        unnest(@count_deductions::bigint[]) AS count_deduction,
        unnest(@amount_deductions::bigint[]) AS amount_deduction,
        unnest(@lose_rate_deductions::bigint[]) AS lose_rate_deduction,
        unnest(@unexecuted_deductions::bigint[]) AS unexecuted_deduction,
        unnest(@warning_thresholds::bigint[]) AS warning_threshold,
        unnest(@urgent_thresholds::bigint[]) AS urgent_threshold,
        unnest(@latest_case_titles::text[]) AS latest_case_title,
        unnest(@next_change_ons::text[]) AS next_change_on,
        unnest(@count_scores::bigint[]) AS count_score,
        unnest(@amount_scores::bigint[]) AS amount_score,
        unnest(@lose_rate_scores::bigint[]) AS lose_rate_score,
        unnest(@execution_scores::bigint[]) AS execution_score,
        unnest(@excluded_cases::int[]) AS excluded_cases
), ins AS (
    INSERT INTO arbsync.scores (
        credit_code, as_of, rule_version, score, level, recent_cases, recent_claim_amount,
        decided_cases, lose_cases, partial_cases, lose_rate, unexecuted_cases, count_deduction,
        amount_deduction, lose_rate_deduction, unexecuted_deduction, warning_threshold,
        urgent_threshold, latest_case_title, count_score, amount_score, lose_rate_score,
        execution_score, excluded_cases
    )
    SELECT credit_code, as_of, @rule_version::int, score::numeric / 100, level, recent_cases,
           recent_claim_fen::numeric / 100, decided_cases, lose_cases, partial_cases,
           lose_rate::numeric / 10000, unexecuted_cases, count_deduction::numeric / 100,
           amount_deduction::numeric / 100, lose_rate_deduction::numeric / 100,
           unexecuted_deduction::numeric / 100, warning_threshold::numeric / 100,
           urgent_threshold::numeric / 100, latest_case_title,
           -- an indicator of -1 is none (rule 1)
           nullif(count_score, -1)::numeric / 100, nullif(amount_score, -1)::numeric / 100,
           nullif(lose_rate_score, -1)::numeric / 100, nullif(execution_score, -1)::numeric / 100,
           excluded_cases
    FROM u
    RETURNING *
), cur AS (
    INSERT INTO arbsync.current_scores (
        credit_code, score_id, as_of, rule_version, score, level, recent_cases, recent_claim_amount,
        decided_cases, lose_cases, partial_cases, lose_rate, unexecuted_cases, count_deduction,
        amount_deduction, lose_rate_deduction, unexecuted_deduction, latest_case_title,
        next_change_on, computed_at, count_score, amount_score, lose_rate_score, execution_score,
        excluded_cases
    )
    SELECT ins.credit_code, ins.id, ins.as_of, ins.rule_version, ins.score, ins.level, ins.recent_cases,
           ins.recent_claim_amount, ins.decided_cases, ins.lose_cases, ins.partial_cases, ins.lose_rate,
           ins.unexecuted_cases, ins.count_deduction, ins.amount_deduction, ins.lose_rate_deduction,
           ins.unexecuted_deduction, ins.latest_case_title, nullif(u.next_change_on, '')::date, ins.computed_at,
           ins.count_score, ins.amount_score, ins.lose_rate_score, ins.execution_score, ins.excluded_cases
    FROM ins JOIN u ON u.credit_code = ins.credit_code
    ON CONFLICT (credit_code) DO UPDATE
    SET score_id = excluded.score_id, as_of = excluded.as_of, rule_version = excluded.rule_version,
        score = excluded.score, level = excluded.level, recent_cases = excluded.recent_cases,
        recent_claim_amount = excluded.recent_claim_amount, decided_cases = excluded.decided_cases,
        lose_cases = excluded.lose_cases, partial_cases = excluded.partial_cases,
        lose_rate = excluded.lose_rate, unexecuted_cases = excluded.unexecuted_cases,
        count_deduction = excluded.count_deduction, amount_deduction = excluded.amount_deduction,
        lose_rate_deduction = excluded.lose_rate_deduction,
        unexecuted_deduction = excluded.unexecuted_deduction,
        latest_case_title = excluded.latest_case_title,
        next_change_on = excluded.next_change_on, computed_at = excluded.computed_at,
        count_score = excluded.count_score, amount_score = excluded.amount_score,
        lose_rate_score = excluded.lose_rate_score, execution_score = excluded.execution_score,
        excluded_cases = excluded.excluded_cases
    RETURNING credit_code, score_id
)
SELECT credit_code, score_id FROM cur;

-- name: CurrentScoresFor :many
-- The current scores of the given companies, with every component a new
-- score is compared with (an indicator is -1 when the rule has none).
SELECT credit_code, rule_version, (score * 100)::bigint AS score, level, recent_cases,
       (recent_claim_amount * 100)::bigint AS recent_claim_fen, decided_cases, lose_cases,
       partial_cases, (lose_rate * 10000)::bigint AS lose_rate, unexecuted_cases, latest_case_title,
       next_change_on, excluded_cases,
       coalesce((count_score * 100)::bigint, -1)::bigint AS count_score,
       coalesce((amount_score * 100)::bigint, -1)::bigint AS amount_score,
       coalesce((lose_rate_score * 100)::bigint, -1)::bigint AS lose_rate_score,
       coalesce((execution_score * 100)::bigint, -1)::bigint AS execution_score
FROM arbsync.current_scores
WHERE credit_code = ANY(@credit_codes::text[]);

-- name: CurrentScoresSetNextChange :exec
UPDATE arbsync.current_scores c
SET next_change_on = nullif(u.next_change_on, '')::date
FROM (SELECT unnest(@credit_codes::text[]) AS credit_code, unnest(@next_change_ons::text[]) AS next_change_on) AS u
WHERE c.credit_code = u.credit_code AND c.next_change_on IS DISTINCT FROM nullif(u.next_change_on, '')::date;

-- name: RescoreCandidates :many
-- A keyset page of companies, in credit-code order, each with whether it is
-- to be rescored: enabled, synced, and (all_companies, or no score yet, or
-- a score that can have changed by as_of, or one that another rule than
-- rule_version made: a change of rule rescores everyone once). The page is
-- cut from the primary key first, and the watchlist and current score of each of its
-- rows are looked up by key (scalar subqueries, so the planner cannot turn
-- them into hash joins that read both tables whole on every page): each
-- page costs the same however large the tables.
SELECT p.credit_code,
       (coalesce((SELECT w.enabled FROM arbsync.watchlist w WHERE w.credit_code = p.credit_code), false)
        AND p.last_success_at IS NOT NULL
        AND (@all_companies::boolean
             OR coalesce((SELECT coalesce(c.next_change_on <= @as_of::date, false)
                                 OR c.rule_version <> @rule_version::int
                          FROM arbsync.current_scores c WHERE c.credit_code = p.credit_code), true))
        AND (coalesce(cardinality(@only_codes::text[]), 0) = 0 OR p.credit_code = ANY(@only_codes::text[]))
       )::boolean AS due
FROM (
    SELECT s.credit_code, s.last_success_at FROM arbsync.sync_state s
    WHERE s.credit_code > @after::text
    ORDER BY s.credit_code
    LIMIT @max_rows
) AS p
ORDER BY p.credit_code;

-- name: CasesForScoring :many
SELECT credit_code, filing_date, (claim_amount * 100)::bigint AS claim_fen, result, execution_status, title, role
FROM arbsync.cases
WHERE credit_code = ANY(@credit_codes::text[]) AND removed_at IS NULL
ORDER BY credit_code;

-- name: CurrentScoresOtherRules :many
-- The companies a rescore under rule_version would rescore because another
-- rule made their current score (enabled and synced, as RescoreCandidates
-- has them), per rule.
SELECT c.rule_version, count(*)::int AS companies
FROM arbsync.current_scores c
JOIN arbsync.watchlist w ON w.credit_code = c.credit_code AND w.enabled
JOIN arbsync.sync_state s ON s.credit_code = c.credit_code AND s.last_success_at IS NOT NULL
WHERE c.rule_version <> @rule_version::int
GROUP BY c.rule_version
ORDER BY c.rule_version;

-- name: CurrentScoresLevels :one
-- How many enabled companies' current scores of rule_version are at each
-- level now.
SELECT count(*) FILTER (WHERE c.level = 'warning')::int AS warning,
       count(*) FILTER (WHERE c.level = 'urgent')::int AS urgent,
       count(*)::int AS scored
FROM arbsync.current_scores c
JOIN arbsync.watchlist w ON w.credit_code = c.credit_code AND w.enabled
WHERE c.rule_version = @rule_version::int;
