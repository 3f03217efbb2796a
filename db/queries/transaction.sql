-- name: TransactionDisableJIT :exec
-- Turns JIT compilation off until the end of the current transaction. JIT
-- costs far more than it saves on arbsync's array-driven queries (measured:
-- ~430 ms of compilation for 21 ms of execution), so the heavy transactions
-- (sync writes, rescore pages, the weekly run) start with this. It is
-- transaction-local (set_config's is_local), unlike a session SET or a jit
-- startup parameter, which PgBouncer in transaction mode would refuse or
-- leak to other clients.
SELECT set_config('jit', 'off', true);
