-- name: LookupCompany :one
-- Everything the lookup answers for one watched company: the watchlist row
-- and its industry, the sync state and the current score (scored is false
-- until the first successful sync). A row the lookup added without a name
-- carries the credit code as its name; the vendor's name is shown instead.
-- next_sync_in_seconds is how long the company's backoff still runs (0 when
-- it is due, or parked at 'infinity' as not_found).
SELECT
    w.credit_code,
    (CASE WHEN w.company_name = w.credit_code AND coalesce(ss.upstream_name, '') <> ''
          THEN ss.upstream_name ELSE w.company_name END)::text AS company_name,
    w.enabled,
    w.checksum_override,
    w.industry_code,
    ind.name AS industry_name,
    ind.section_code,
    sec.name AS section_name,
    coalesce(ss.status, 'new')::text AS sync_status,
    ss.last_success_at,
    ss.last_attempt_at,
    coalesce(ss.last_error_code, '')::text AS last_error_code,
    coalesce(CASE WHEN isfinite(ss.next_sync_at)
                  THEN extract(epoch FROM ss.next_sync_at - now()) END, 0)::float8 AS next_sync_in_seconds,
    (cs.credit_code IS NOT NULL)::boolean AS scored,
    coalesce(cs.score, 0)::float8 AS score,
    coalesce(cs.level, '')::text AS level,
    cs.as_of AS score_as_of,
    cs.computed_at AS scored_at,
    coalesce(cs.recent_cases, 0)::int AS recent_cases,
    coalesce(cs.recent_claim_amount, 0)::text AS recent_claim_amount,
    coalesce(cs.decided_cases, 0)::int AS decided_cases,
    coalesce(cs.lose_cases, 0)::int AS lose_cases,
    coalesce(cs.partial_cases, 0)::int AS partial_cases,
    coalesce(cs.lose_rate, 0)::float8 AS lose_rate,
    coalesce(cs.unexecuted_cases, 0)::int AS unexecuted_cases,
    coalesce(cs.count_deduction, 0)::float8 AS count_deduction,
    coalesce(cs.amount_deduction, 0)::float8 AS amount_deduction,
    coalesce(cs.lose_rate_deduction, 0)::float8 AS lose_rate_deduction,
    coalesce(cs.unexecuted_deduction, 0)::float8 AS unexecuted_deduction,
    coalesce(cs.rule_version, 0)::int AS rule_version,
    (cs.count_score IS NOT NULL)::boolean AS has_indicators,
    coalesce(cs.count_score, 0)::float8 AS count_score,
    coalesce(cs.amount_score, 0)::float8 AS amount_score,
    coalesce(cs.lose_rate_score, 0)::float8 AS lose_rate_score,
    coalesce(cs.execution_score, 0)::float8 AS execution_score,
    coalesce(cs.excluded_cases, 0)::int AS excluded_cases,
    coalesce(th.warning_threshold, 0)::float8 AS warning_threshold,
    coalesce(th.urgent_threshold, 0)::float8 AS urgent_threshold,
    coalesce(th.threshold_source, '')::text AS threshold_source
FROM arbsync.watchlist w
JOIN arbsync.industries ind ON ind.code = w.industry_code
JOIN arbsync.industries sec ON sec.code = ind.section_code
LEFT JOIN arbsync.sync_state ss ON ss.credit_code = w.credit_code
LEFT JOIN arbsync.current_scores cs ON cs.credit_code = w.credit_code
LEFT JOIN arbsync.applied_thresholds th ON th.industry_code = w.industry_code
WHERE w.credit_code = @credit_code;

-- name: LookupLatestCases :many
-- A company's newest current (not removed) cases, newest filing first.
SELECT case_no, title, cause, role, result, execution_status, filing_date, closing_date,
       claim_amount::text AS claim_amount, award_amount::text AS award_amount
FROM arbsync.cases
WHERE credit_code = @credit_code AND removed_at IS NULL
ORDER BY filing_date DESC, case_id DESC
LIMIT @max_rows;

-- name: LookupWatchlistAdd :execrows
-- Puts a company an ERP asked about on the watchlist, enabled, so the sync
-- engine may claim it. A row that already exists is left alone (0 rows).
-- The watchlist triggers validate the code and industry, audit the insert
-- and make the company due.
INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code, enabled, note)
VALUES (@credit_code, @company_name, @industry_code, true, @note)
ON CONFLICT (credit_code) DO NOTHING;

-- name: LookupLeaseHeld :one
-- Whether a sync pass (of any replica) holds the company's lease now.
SELECT (lease_until IS NOT NULL AND lease_until > now())::boolean AS leased
FROM arbsync.sync_state
WHERE credit_code = @credit_code;
