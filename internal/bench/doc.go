// Package bench is arbsync's performance benchmark: `make bench` runs it
// through cmd/arbsync-bench. It measures the targets of ARCHITECTURE.md “Targets” on the
// machine it runs on and reports every figure beside a limit, or a
// baseline, measured in the same run, so that a figure means the same on a
// fast and on a slow machine. It is a benchmark, not a timed test: a missed
// target is reported (RESULT "fail") and does not change the exit code;
// only a scenario that cannot run does.
//
// # What runs
//
// Everything is the real code: the simulator (package sim) serving on a
// real loopback listener, the upstream client, the sync engine
// (casesync.New, RunPass, Store().Write), the assessor and the weekly job,
// built by the daemon's own wiring (package app) from the daemon's default
// configuration (config.Default: 16 fetch workers and requests in flight,
// claim batches of 200, a 15 s request timeout, the scoring hook inside
// every write, pools of app.PoolConns connections). What a scenario sets
// differently it sets explicitly: the simulator's URL, protocol and keys,
// the client's QPS, the seed baseline's 5 requests in flight, the write
// batch (-write-batch). The memory scenario runs the arbsync binary itself.
//
// PostgreSQL is a throwaway devpg cluster in a temporary directory, durable
// (devpg Options.Fast off: fsync, full_page_writes and synchronous_commit
// on), because commit latency and full-page images are part of what the
// write path and WAL figures measure; or the server of -database-url /
// TEST_DATABASE_URL, whose settings the benchmark does not control. Each
// scenario gets its own database, copied from a template migrated once per
// run; all are dropped at the end (unless -keep). Bulk setup loads
// (watchlist, sync_state, synthetic cases) use COPY with the watchlist's
// per-row triggers disabled for the load (audit rows and pg_notify are not
// what is measured), then VACUUM ANALYZE, so autovacuum does not start in
// the middle of a measurement.
//
// # Scenarios, limits and why
//
// upstream — 6,000 companies synced through the engine against a simulator
// with a 200 QPS quota and 50 ms ± 10 ms latency; the client holds the
// quota (QPS = 200). Figure: requests answered "ok" per second at the
// simulator. Limit: the quota. Target ≥ 0.95, because vendors sell a quota
// and a sync that cannot fill it wastes what was paid for. Baseline in the
// same run against the same simulator settings: the seed's design, 5
// workers each doing one blocking fetch at a time (a plain loop over the
// client's Fetch), which cannot pass 5 / latency = 100 requests/s; the
// ratio is our speed-up.
//
// signed — 20,000 companies over the signed protocol, simulator without
// latency or quota: the engine, the simulator and PostgreSQL share the
// machine, and every request costs an RSA-2048 PKCS#1 v1.5 SHA-256
// signature. Figure: companies synced per second. Limit: the machine's pure
// signing rate (GOMAXPROCS goroutines signing request bodies, nothing
// else of the benchmark running), measured just before and just after the
// pass; the higher is the limit. Target ≥ 0.5: signing is the one cost the
// protocol forces, and the rest of the pipeline may take at most as much
// CPU again. Cases stored per second are reported too.
//
// tianyuan — the same over the tianyuan protocol (AES, no RSA). No target;
// the signing rate is shown as a reference.
//
// write — the write path alone: 50,000 companies (~375,000 cases) fetched
// and decoded in memory (sim.TruthAt, raw records encoded as the signed
// protocol sends them, casesync.NewFetched) and stored through the engine's
// own writers (Engine.WriteFetched: batches of 200 companies, two
// concurrent write transactions, statistics refreshed as the table grows)
// into an empty case table, with the leases set first as a claim would.
// Limit: one COPY of the same rows into an unindexed table with the same
// columns (best of a measurement before and one after the engine's runs).
// Target ≥ 0.5 for the write path alone (cases and sync state, ARCHITECTURE.md “Targets”);
// the daemon's configuration, which also scores, appends score history and
// writes alerts in the same transaction, is reported beside it, and the
// write path also against a COPY into a table with arbsync.cases' indexes
// and constraints, which separates what the schema costs from what the
// write path adds. Baseline: the seed's way (5 workers, one transaction per
// company, one INSERT … ON CONFLICT per case, no scoring) on 5,000 of the
// companies; the ratio to the write path alone is our speed-up.
//
// resync — the same 50,000 companies again, nothing changed upstream: each
// claimed with the engine's own claim query (which returns the last content
// hash) and stored with Store.Write, no HTTP. Twice: as the engine does it
// (the hash lets the writer skip the company) and with the hash withheld
// (every case diffed against the stored one). Figures: case rows written
// (n_tup_ins + n_tup_upd + n_tup_del of arbsync.cases from
// pg_stat_user_tables, read after the writer's sessions have exited and
// flushed their counts), target exactly 0; WAL bytes (difference of
// pg_current_wal_insert_lsn, with a breakdown from pg_walinspect when it is
// available), reported against the first sync's WAL without a target; and
// companies per second. Every measured write phase starts from a
// CHECKPOINT, so each pays the same full-page images.
//
// rescore — 1,000,000 synced companies with their simulated cases (~7.5
// each) loaded with COPY, then Assessor.Rescore(All) with no score stored
// (every company gets a history row and a current score). Limit: the
// budget of 60 s (scaled linearly for other sizes). With -rescore-steady,
// also a second Rescore(All) in which nothing changes.
//
// weekly — weekly.Job.Run over the rescore database's 1,000,000 current
// scores (scored first if rescore did not run): the week's first run, which
// moves every company from the fixed thresholds to its industry's, then a
// rerun of the same week. Limit: the budget of 10 s (scaled).
//
// ruleswitch — a change of ARBSYNC_SCORE_RULE over the rescore database
// (scored first if rescore did not run), as the daemon finishes it at start:
// the daily rescore (not -all) finds every company due because another
// rule made its score and rescores it without an alert, then the week's
// thresholds are computed again from the new scores and relevel without
// alerts. Both directions, 2 → 1 and back 1 → 2. Limits: the rescore budget
// (60 s) for the rescore, the weekly budget (10 s) for the thresholds.
//
// memory — the arbsync binary as a separate process: `arbsync sync -all`
// over 100,000 and 1,000,000 new companies against the simulator (signed, no
// latency, no quota, QPS unlimited), and `arbsync score -all` over 100,000
// and 1,000,000 companies loaded with COPY with no score stored. Figure:
// the process's peak RSS (VmHWM from /proc, sampled every 10 ms; wait4's
// ru_maxrss is unusable because Linux carries the parent's high-water mark
// over the exec of a vfork-style child). Limit: 150 MB (10^6 bytes) at any
// size, and no growth: the peak at the larger size at most 1.2 × the
// smaller. Syncing 1,000,000 companies engine-bound takes about 12 minutes
// here, most of the run's time (-memory-sync-sizes changes the sizes).
//
// # Sizes and time
//
// Default sizes are the ones above; -smoke shrinks them all so a run takes
// seconds (TestSmoke runs it under `make test`: every scenario must produce
// a figure with a limit; the figures mean nothing at that size). Every size
// has a flag; `arbsync-bench -h` lists them.
//
// # Reading the figures
//
// The machine may be shared: each figure's note gives the CPU split over
// the measured interval (this process — engine, client and simulator —,
// other processes — PostgreSQL and anything else —, idle), so a noisy
// figure can be recognised. -cpuprofile profiles this process (simulator,
// client, engine); -keep leaves the databases for EXPLAIN ANALYZE; -db-set
// name=value applies a server setting to every benchmark database, to try
// a fix (for example plan_cache_mode or jit) without editing arbsync — it
// is a what-if tool, not part of the real measurement.
package bench
