-- name: CasesStored :many
-- The stored version of every case of the given companies, to diff a fetch
-- against: its content hash and removed flag, and the values a case event
-- reports the old side of (amounts in fen).
SELECT credit_code, case_id, content_hash, (removed_at IS NOT NULL)::boolean AS removed,
       result, execution_status,
       (claim_amount * 100)::bigint AS claim_fen,
       (award_amount * 100)::bigint AS award_fen,
       (unexecuted_amount * 100)::bigint AS unexecuted_fen
FROM arbsync.cases
WHERE credit_code = ANY(@credit_codes::text[]);

-- name: CasesInsert :copyfrom
INSERT INTO arbsync.cases (
    credit_code, case_id, case_no, title, cause, role, claim_amount, award_amount, result,
    filing_date, closing_date, execution_status, unexecuted_amount, committee,
    upstream_updated_at, raw, content_hash, first_seen_at, last_seen_at, baseline
) VALUES (
    @credit_code, @case_id, @case_no, @title, @cause, @role, @claim_amount, @award_amount, @result,
    @filing_date, @closing_date, @execution_status, @unexecuted_amount, @committee,
    @upstream_updated_at, @raw, @content_hash, @first_seen_at, @last_seen_at, @baseline
);

-- name: CasesUpdate :execrows
-- Rewrites cases whose content changed (or that reappeared after removal).
UPDATE arbsync.cases c
SET case_no = u.case_no,
    title = u.title,
    cause = u.cause,
    role = u.role,
    claim_amount = u.claim_amount,
    award_amount = u.award_amount,
    result = u.result,
    filing_date = u.filing_date,
    closing_date = nullif(u.closing_date, '')::date,
    execution_status = u.execution_status,
    unexecuted_amount = u.unexecuted_amount,
    committee = u.committee,
    upstream_updated_at = nullif(u.upstream_updated_at, '0001-01-01 00:00:00+00'::timestamptz),
    raw = u.raw,
    content_hash = u.content_hash,
    last_seen_at = now(),
    removed_at = NULL
FROM (SELECT
        unnest(@credit_codes::text[]) AS credit_code,
        unnest(@case_ids::text[]) AS case_id,
        unnest(@case_nos::text[]) AS case_no,
        unnest(@titles::text[]) AS title,
        unnest(@causes::text[]) AS cause,
        unnest(@roles::text[]) AS role,
        unnest(@claim_amounts::numeric[]) AS claim_amount,
        unnest(@award_amounts::numeric[]) AS award_amount,
        unnest(@results::text[]) AS result,
        unnest(@filing_dates::date[]) AS filing_date,
        unnest(@closing_dates::text[]) AS closing_date,
        unnest(@execution_statuses::text[]) AS execution_status,
        unnest(@unexecuted_amounts::numeric[]) AS unexecuted_amount,
        unnest(@committees::text[]) AS committee,
        unnest(@upstream_updated_ats::timestamptz[]) AS upstream_updated_at,
        unnest(@raws::jsonb[]) AS raw,
        unnest(@content_hashes::bytea[]) AS content_hash
    ) AS u
WHERE c.credit_code = u.credit_code AND c.case_id = u.case_id;

-- name: CasesMarkRemoved :execrows
-- Marks cases that a complete, successful fetch no longer returned.
UPDATE arbsync.cases c
SET removed_at = now()
FROM (SELECT
        unnest(@credit_codes::text[]) AS credit_code,
        unnest(@case_ids::text[]) AS case_id
    ) AS r
WHERE c.credit_code = r.credit_code AND c.case_id = r.case_id AND c.removed_at IS NULL;

-- name: CasesForCompany :many
SELECT * FROM arbsync.cases WHERE credit_code = @credit_code AND removed_at IS NULL ORDER BY case_id;

-- name: CasesToExplain :many
-- The current cases of the given companies with their case numbers, in a
-- fixed order: what an alert or a lookup needs to name the cases that drove
-- a score.
SELECT credit_code, case_no, title, filing_date, (claim_amount * 100)::bigint AS claim_fen, result,
       execution_status, role
FROM arbsync.cases
WHERE credit_code = ANY(@credit_codes::text[]) AND removed_at IS NULL
ORDER BY credit_code, filing_date DESC, case_id;

-- name: CasesForBacktest :many
-- Every stored case of the given companies, removed ones included: the
-- backtest rebuilds from them what arbsync could know on past dates.
SELECT credit_code, filing_date, closing_date, (claim_amount * 100)::bigint AS claim_fen, result,
       execution_status, role, title, removed_at
FROM arbsync.cases
WHERE credit_code = ANY(@credit_codes::text[])
ORDER BY credit_code, filing_date, case_id;
