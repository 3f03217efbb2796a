-- name: CaseEventsInsert :copyfrom
-- Appends a write's case events, in the write's transaction.
INSERT INTO arbsync.case_events (
    credit_code, case_id, kind, old_result, new_result, old_execution_status, new_execution_status,
    old_claim_amount, new_claim_amount, old_award_amount, new_award_amount,
    old_unexecuted_amount, new_unexecuted_amount, upstream_updated_at, detected_at, sync_run_id
) VALUES (
    @credit_code, @case_id, @kind, @old_result, @new_result, @old_execution_status, @new_execution_status,
    @old_claim_amount, @new_claim_amount, @old_award_amount, @new_award_amount,
    @old_unexecuted_amount, @new_unexecuted_amount, @upstream_updated_at, @detected_at, @sync_run_id
);

-- name: CaseEventsRecent :many
-- A company's newest events detected since @since (changes only: the
-- baseline is not in this table), with the case's current number and title. Amounts are yuan as text, ''
-- where the event does not carry them.
SELECT e.kind, e.case_id, coalesce(c.case_no, '')::text AS case_no, coalesce(c.title, '')::text AS title,
       e.old_result, e.new_result, e.old_execution_status, e.new_execution_status,
       coalesce(e.old_claim_amount::text, '')::text AS old_claim_amount, coalesce(e.new_claim_amount::text, '')::text AS new_claim_amount,
       coalesce(e.old_award_amount::text, '')::text AS old_award_amount, coalesce(e.new_award_amount::text, '')::text AS new_award_amount,
       coalesce(e.old_unexecuted_amount::text, '')::text AS old_unexecuted_amount, coalesce(e.new_unexecuted_amount::text, '')::text AS new_unexecuted_amount,
       e.upstream_updated_at, e.detected_at
FROM arbsync.case_events e
LEFT JOIN arbsync.cases c ON c.credit_code = e.credit_code AND c.case_id = e.case_id
WHERE e.credit_code = @credit_code AND e.detected_at >= @since::timestamptz
ORDER BY e.detected_at DESC, e.case_id, e.kind
LIMIT @max_rows;

-- name: CaseEventsWeekCounts :many
-- The case events detected in [from, to) by kind: how many, and for how
-- many companies.
SELECT kind, count(*)::int AS events, count(DISTINCT credit_code)::int AS companies
FROM arbsync.case_events
WHERE detected_at >= @from_time::timestamptz AND detected_at < @to_time::timestamptz
GROUP BY kind;

-- name: CaseEventsWeekNotable :many
-- The most notable case events detected in [from, to): new cases, then
-- decisions, then changes of execution, then the rest; within a kind the
-- larger claim first. Amounts are yuan as text, '' where absent.
SELECT e.detected_at, e.credit_code, coalesce(w.company_name, '')::text AS company_name, e.kind, e.case_id,
       coalesce(c.case_no, '')::text AS case_no, coalesce(c.title, '')::text AS title,
       coalesce(e.old_result, '')::text AS old_result, coalesce(e.new_result, '')::text AS new_result,
       coalesce(e.old_execution_status, '')::text AS old_execution_status, coalesce(e.new_execution_status, '')::text AS new_execution_status,
       coalesce(e.old_claim_amount::text, '')::text AS old_claim_amount, coalesce(e.new_claim_amount::text, '')::text AS new_claim_amount,
       coalesce(e.old_award_amount::text, '')::text AS old_award_amount, coalesce(e.new_award_amount::text, '')::text AS new_award_amount,
       coalesce(e.old_unexecuted_amount::text, '')::text AS old_unexecuted_amount, coalesce(e.new_unexecuted_amount::text, '')::text AS new_unexecuted_amount,
       coalesce(c.unexecuted_amount::text, '')::text AS unexecuted_amount
FROM arbsync.case_events e
LEFT JOIN arbsync.watchlist w ON w.credit_code = e.credit_code
LEFT JOIN arbsync.cases c ON c.credit_code = e.credit_code AND c.case_id = e.case_id
WHERE e.detected_at >= @from_time::timestamptz AND e.detected_at < @to_time::timestamptz
ORDER BY CASE e.kind WHEN 'filed' THEN 0 WHEN 'decided' THEN 1 WHEN 'execution_changed' THEN 2 ELSE 3 END,
         coalesce(e.new_claim_amount, c.claim_amount, 0) DESC, e.detected_at, e.credit_code, e.case_id
LIMIT @max_rows;
