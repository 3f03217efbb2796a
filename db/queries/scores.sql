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
        unnest(@next_change_ons::text[]) AS next_change_on
), ins AS (
    INSERT INTO arbsync.scores (
        credit_code, as_of, rule_version, score, level, recent_cases, recent_claim_amount,
        decided_cases, lose_cases, partial_cases, lose_rate, unexecuted_cases, count_deduction,
        amount_deduction, lose_rate_deduction, unexecuted_deduction, warning_threshold,
        urgent_threshold, latest_case_title
    )
    SELECT credit_code, as_of, @rule_version::int, score::numeric / 100, level, recent_cases,
           recent_claim_fen::numeric / 100, decided_cases, lose_cases, partial_cases,
           lose_rate::numeric / 10000, unexecuted_cases, count_deduction::numeric / 100,
           amount_deduction::numeric / 100, lose_rate_deduction::numeric / 100,
           unexecuted_deduction::numeric / 100, warning_threshold::numeric / 100,
           urgent_threshold::numeric / 100, latest_case_title
    FROM u
    RETURNING *
), cur AS (
    INSERT INTO arbsync.current_scores (
        credit_code, score_id, as_of, rule_version, score, level, recent_cases, recent_claim_amount,
        decided_cases, lose_cases, partial_cases, lose_rate, unexecuted_cases, count_deduction,
        amount_deduction, lose_rate_deduction, unexecuted_deduction, latest_case_title,
        next_change_on, computed_at
    )
    SELECT ins.credit_code, ins.id, ins.as_of, ins.rule_version, ins.score, ins.level, ins.recent_cases,
           ins.recent_claim_amount, ins.decided_cases, ins.lose_cases, ins.partial_cases, ins.lose_rate,
           ins.unexecuted_cases, ins.count_deduction, ins.amount_deduction, ins.lose_rate_deduction,
           ins.unexecuted_deduction, ins.latest_case_title, nullif(u.next_change_on, '')::date, ins.computed_at
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
        next_change_on = excluded.next_change_on, computed_at = excluded.computed_at
    RETURNING credit_code, score_id
)
SELECT credit_code, score_id FROM cur;

-- name: CurrentScoresFor :many
SELECT credit_code, (score * 100)::bigint AS score, level, recent_cases,
       (recent_claim_amount * 100)::bigint AS recent_claim_fen, decided_cases, lose_cases,
       partial_cases, (lose_rate * 10000)::bigint AS lose_rate, unexecuted_cases, latest_case_title,
       next_change_on
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
-- a score that can have changed by as_of). The page is cut from the
-- primary key first, and the watchlist and current score of each of its
-- rows are looked up by key (scalar subqueries, so the planner cannot turn
-- them into hash joins that read both tables whole on every page): each
-- page costs the same however large the tables.
SELECT p.credit_code,
       (coalesce((SELECT w.enabled FROM arbsync.watchlist w WHERE w.credit_code = p.credit_code), false)
        AND p.last_success_at IS NOT NULL
        AND (@all_companies::boolean
             OR coalesce((SELECT coalesce(c.next_change_on <= @as_of::date, false)
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
