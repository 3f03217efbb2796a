-- name: TransactionDisableJIT :exec
-- Turns JIT compilation off until the end of the current transaction. JIT
-- costs far more than it saves on arbsync's array-driven queries (measured:
-- ~430 ms of compilation for 21 ms of execution), so the heavy transactions
-- (sync writes, rescore pages, the weekly run) start with this. It is
-- transaction-local (set_config's is_local), unlike a session SET or a jit
-- startup parameter, which PgBouncer in transaction mode would refuse or
-- leak to other clients.
SELECT set_config('jit', 'off', true);

-- name: TransactionPlanGeneric :exec
-- Plans the rest of the current transaction's statements generically, as
-- prepared statements would be: the rescore's statements carry arrays of
-- 2,000 credit codes, and a custom plan estimates each element against the
-- column statistics (13-16 ms of planning per statement). arbsync sends no
-- named prepared statements (PgBouncer in transaction mode cannot carry
-- them), so without this every execution pays that planning. Transaction-local.
SELECT set_config('plan_cache_mode', 'force_generic_plan', true);
