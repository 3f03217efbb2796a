-- name: SyncRunStart :one
INSERT INTO arbsync.sync_runs (trigger, replica) VALUES (@trigger, @replica)
RETURNING id, started_at;

-- name: SyncRunFinish :exec
UPDATE arbsync.sync_runs
SET finished_at = now(),
    companies_attempted = @companies_attempted,
    companies_changed = @companies_changed,
    companies_failed = @companies_failed,
    cases_inserted = @cases_inserted,
    cases_updated = @cases_updated,
    cases_removed = @cases_removed,
    upstream_calls = @upstream_calls,
    errors_by_type = @errors_by_type,
    outcome = @outcome
WHERE id = @id;
