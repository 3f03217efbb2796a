-- name: JobLeaseAcquire :one
-- Takes the lease row of a job that one replica at a time may run. Returns
-- no row when another replica holds an unexpired lease.
INSERT INTO arbsync.job_runs (job, leased_by, lease_until, last_started_at)
VALUES (@job, @replica::text, now() + make_interval(secs => @lease_seconds::float8), now())
ON CONFLICT (job) DO UPDATE
SET leased_by = excluded.leased_by,
    lease_until = excluded.lease_until,
    last_started_at = now()
WHERE arbsync.job_runs.lease_until IS NULL
   OR arbsync.job_runs.lease_until < now()
   OR arbsync.job_runs.leased_by = excluded.leased_by
RETURNING job;

-- name: JobLeaseExtend :execrows
UPDATE arbsync.job_runs
SET lease_until = now() + make_interval(secs => @lease_seconds::float8)
WHERE job = @job AND leased_by = @replica::text;

-- name: JobFinish :exec
UPDATE arbsync.job_runs
SET last_finished_at = now(),
    last_outcome = @outcome::text,
    last_error = sqlc.narg('last_error'),
    last_success_at = CASE WHEN @outcome::text = 'ok' THEN now() ELSE last_success_at END,
    leased_by = NULL,
    lease_until = NULL
WHERE job = @job AND (leased_by = @replica::text OR leased_by IS NULL);

-- name: JobRecord :exec
-- Records a run of a job that every replica may run (the sync tick).
INSERT INTO arbsync.job_runs (job, last_started_at, last_finished_at, last_outcome, last_error, last_success_at)
VALUES (@job, @started_at::timestamptz, now(), @outcome::text, sqlc.narg('last_error'), CASE WHEN @outcome::text = 'ok' THEN now() END)
ON CONFLICT (job) DO UPDATE
SET last_started_at = excluded.last_started_at,
    last_finished_at = excluded.last_finished_at,
    last_outcome = excluded.last_outcome,
    last_error = excluded.last_error,
    last_success_at = coalesce(excluded.last_success_at, arbsync.job_runs.last_success_at);

-- name: JobGet :one
SELECT * FROM arbsync.job_runs WHERE job = @job;

-- name: JobLastSuccesses :many
-- When each job last succeeded, on any replica.
SELECT job, last_success_at FROM arbsync.job_runs
WHERE last_success_at IS NOT NULL
ORDER BY job;
