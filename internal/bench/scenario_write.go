package bench

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/sync"
)

// writeFixture is the write scenario's database and the fetches it
// stores; the resync scenario syncs the same companies again.
type writeFixture struct {
	db      *database
	fetched []casesync.Fetched // complete fetches, as the fetch workers hand them to the writer
	cases   int64
	stored  *phase // the daemon-configuration write that left the database filled
}

// writeData creates the database, puts WriteCompanies on the watchlist
// and builds their fetches in memory (sim.TruthAt, raw records as the
// signed protocol sends them, hashed by casesync.NewFetched).
func (r *runner) writeData(ctx context.Context) (*writeFixture, error) {
	if r.write != nil {
		return r.write, nil
	}
	d, err := r.srv.newDatabase(ctx, "write")
	if err != nil {
		return nil, err
	}
	companies := makeCompanies(r.cfg.Seed, r.cfg.WriteCompanies)
	if err := loadWatchlist(ctx, d.Pool, companies, false); err != nil {
		return nil, err
	}
	f := &writeFixture{db: d, fetched: make([]casesync.Fetched, len(companies))}
	for i, c := range companies {
		f.fetched[i] = casesync.NewFetched(c.Code, nil, truth(r.cfg.Seed, c.Code, r.date))
		f.cases += int64(len(f.fetched[i].Company.Cases))
	}
	if err := f.reset(ctx); err != nil {
		return nil, err
	}
	r.write = f
	return f, nil
}

// reset empties the case and score tables and forgets every sync, as
// before a first sync.
func (f *writeFixture) reset(ctx context.Context) error {
	if _, err := f.db.Pool.Exec(ctx, `TRUNCATE arbsync.cases, arbsync.case_events, arbsync.scores, arbsync.current_scores,
		arbsync.alert_delivery_attempts, arbsync.alert_deliveries, arbsync.alerts`); err != nil {
		return err
	}
	if _, err := f.db.Pool.Exec(ctx, `UPDATE arbsync.sync_state SET status = 'new', last_success_at = NULL,
		last_content_hash = NULL, upstream_name = NULL, consecutive_failures = 0, leased_by = NULL,
		lease_until = NULL, last_attempt_at = NULL, next_sync_at = now()`); err != nil {
		return err
	}
	return vacuumAnalyze(ctx, f.db.Pool, "arbsync.watchlist", "arbsync.sync_state", "arbsync.cases", "arbsync.case_events")
}

// lease gives every company to the benchmark's replica, as the engine's
// claim does, so that Store.Write accepts them.
func (f *writeFixture) lease(ctx context.Context) error {
	_, err := f.db.Pool.Exec(ctx, `UPDATE arbsync.sync_state
		SET leased_by = $1, lease_until = now() + interval '1 hour', last_attempt_at = now()`, replica)
	return err
}

// storeAll stores fetched through the engine's own writers
// (Engine.WriteFetched: WriteBatch companies per transaction, concurrent
// writers, statistics upkeep), as a pass hands them its fetches.
func (r *runner) storeAll(ctx context.Context, pool *pgxpool.Pool, fetched []casesync.Fetched, hook bool) (casesync.Counts, error) {
	e, err := r.newEngine(r.daemonApp(pool, "", "", 0), nil, hook)
	if err != nil {
		return casesync.Counts{}, err
	}
	total, err := e.WriteFetched(ctx, fetched)
	if err != nil {
		return total, err
	}
	if total.LeaseLost > 0 || total.Succeeded != len(fetched) {
		return total, fmt.Errorf("store: %d of %d companies stored, %d leases lost", total.Succeeded, len(fetched), total.LeaseLost)
	}
	return total, nil
}

// storeFirst is the measured first sync in the daemon's configuration
// (scoring hook on) into an empty case table; it leaves the database
// filled for resync.
func (r *runner) storeFirst(ctx context.Context, f *writeFixture) (phase, error) {
	if err := f.lease(ctx); err != nil {
		return phase{}, err
	}
	p, err := measure(ctx, f.db, "arbsync-bench-writer", app.PoolConns, func(pool *pgxpool.Pool) error {
		c, err := r.storeAll(ctx, pool, f.fetched, true)
		if err == nil && (int64(c.Inserted) != f.cases || c.Events != 0) {
			err = fmt.Errorf("store: %d cases inserted and %d case events written, want %d and 0 (a first sync is the baseline)", c.Inserted, c.Events, f.cases)
		}
		return err
	})
	if err == nil {
		f.stored = &p
	}
	return p, err
}

// runWrite measures the write path alone. Limit: one raw COPY of the same
// rows into an unindexed table with the same columns. Then the seed's way
// (one transaction per company, one INSERT per case), the engine without
// the scoring hook, and the engine as the daemon runs it; each into an
// empty case table.
func runWrite(ctx context.Context, r *runner) ([]Figure, error) {
	f, err := r.writeData(ctx)
	if err != nil {
		return nil, err
	}
	copyRate, copyIndexed, err := r.copyLimits(ctx, f)
	if err != nil {
		return nil, err
	}

	n := min(r.cfg.WriteSeedCompanies, len(f.fetched))
	seed, err := measure(ctx, f.db, "arbsync-bench-seed", 5, func(pool *pgxpool.Pool) error {
		return seedWrites(ctx, pool, f.fetched[:n])
	})
	if err != nil {
		return nil, fmt.Errorf("seed-style writes: %w", err)
	}
	if err := f.reset(ctx); err != nil {
		return nil, err
	}

	if err := f.lease(ctx); err != nil {
		return nil, err
	}
	bare, err := measure(ctx, f.db, "arbsync-bench-writer", app.PoolConns, func(pool *pgxpool.Pool) error {
		_, err := r.storeAll(ctx, pool, f.fetched, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store without hook: %w", err)
	}
	if err := f.reset(ctx); err != nil {
		return nil, err
	}

	// The same write when every case is news: the companies were synced
	// before (with no case), so each case gets a filed event.
	if err := f.lease(ctx); err != nil {
		return nil, err
	}
	if _, err := f.db.Pool.Exec(ctx, `UPDATE arbsync.sync_state SET last_success_at = now()`); err != nil {
		return nil, err
	}
	news, err := measure(ctx, f.db, "arbsync-bench-writer", app.PoolConns, func(pool *pgxpool.Pool) error {
		c, err := r.storeAll(ctx, pool, f.fetched, false)
		if err == nil && int64(c.Events) != f.cases {
			err = fmt.Errorf("store: %d case events written, want %d (a filed event per case)", c.Events, f.cases)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store, every case news: %w", err)
	}
	if err := f.reset(ctx); err != nil {
		return nil, err
	}

	full, err := r.storeFirst(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// The limits again, after the engine's runs: the machine is shared, and
	// the higher of the two measurements is the limit.
	copyAfter, indexedAfter, err := r.copyLimits(ctx, f)
	if err != nil {
		return nil, err
	}
	copyBefore := copyRate
	copyRate, copyIndexed = max(copyBefore, copyAfter), max(copyIndexed, indexedAfter)

	fullRate := perSecond(f.cases, full.Elapsed)
	bareRate := perSecond(f.cases, bare.Elapsed)
	newsRate := perSecond(f.cases, news.Elapsed)
	seedRate := perSecond(seed.CaseWrites, seed.Elapsed)
	r.measured = fmt.Sprintf("%d companies, %d cases; seed-style on %d companies (%d cases)", len(f.fetched), f.cases, n, seed.CaseWrites)
	copyName := "one COPY of the same rows into an unindexed table with the same columns (best of two)"
	copyNote := fmt.Sprintf("COPY limit %.0f rows/s before the engine's runs, %.0f after", copyBefore, copyAfter)
	return []Figure{
		newFigure("write path alone: cases, case events and sync state, no scoring", bareRate, "cases/s",
			copyRate, "cases/s", copyName, AtLeast(0.5),
			fmt.Sprintf("%.1f s, %.0f companies/s, %d case event rows (a first sync is the baseline), %s WAL; %s; %s", bare.Elapsed.Seconds(), perSecond(int64(len(f.fetched)), bare.Elapsed), bare.EventRows, mib(bare.WAL), bare.CPU, copyNote)),
		newFigure("write path alone, every case news (a filed event each)", newsRate, "cases/s",
			copyRate, "cases/s", copyName, nil,
			fmt.Sprintf("%.1f s, %d case event rows, %s WAL; %s", news.Elapsed.Seconds(), news.EventRows, mib(news.WAL), news.CPU)),
		newFigure("daemon configuration: + scoring, score history and alerts in the same transaction", fullRate, "cases/s",
			copyRate, "cases/s", copyName, nil,
			fmt.Sprintf("%.1f s, %.0f companies/s, %s WAL; %s", full.Elapsed.Seconds(), perSecond(int64(len(f.fetched)), full.Elapsed), mib(full.WAL), full.CPU)),
		newFigure("write path alone, vs COPY into an indexed table", bareRate, "cases/s",
			copyIndexed, "cases/s", "one COPY of the same rows into a table with arbsync.cases' indexes and constraints (best of two)", nil,
			"how much of the gap to the limit is the schema (primary key, filing_date index, CHECKs) rather than the write path"),
		newFigure("write path alone: speed-up over seed-style writes", bareRate, "cases/s",
			seedRate, "cases/s", "seed style: 5 workers, 1 transaction per company, 1 INSERT per case, no scoring", nil,
			fmt.Sprintf("seed style stored %d cases of %d companies in %.1f s, %s WAL", seed.CaseWrites, n, seed.Elapsed.Seconds(), mib(seed.WAL))),
	}, nil
}

// copyLimits measures both COPY references: into an unindexed table (the
// limit) and into one indexed like arbsync.cases.
func (r *runner) copyLimits(ctx context.Context, f *writeFixture) (plain, indexed float64, err error) {
	if plain, err = r.copyLimit(ctx, f, false); err != nil {
		return 0, 0, fmt.Errorf("COPY limit: %w", err)
	}
	if indexed, err = r.copyLimit(ctx, f, true); err != nil {
		return 0, 0, fmt.Errorf("COPY into an indexed table: %w", err)
	}
	return plain, indexed, nil
}

// copyLimit copies every case row of the fixture into bench.cases_copy, a
// table with arbsync.cases' columns and no index or constraint, in one
// COPY, and returns rows per second. Rows are built the way the engine
// builds them, as the COPY runs. With indexed, the table also gets
// arbsync.cases' primary key, index and CHECK constraints (LIKE … INCLUDING
// ALL): what a COPY into the real table costs.
func (r *runner) copyLimit(ctx context.Context, f *writeFixture, indexed bool) (float64, error) {
	pool := f.db.Pool
	like := "INCLUDING DEFAULTS"
	if indexed {
		like = "INCLUDING ALL"
	}
	if _, err := pool.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS bench;
		DROP TABLE IF EXISTS bench.cases_copy;
		CREATE TABLE bench.cases_copy (LIKE arbsync.cases `+like+`)`); err != nil {
		return 0, err
	}
	checkpoint(ctx, pool)
	runtime.GC() // setup garbage is not the COPY's to collect
	now := time.Now()
	i, j := 0, 0
	start := time.Now()
	n, err := pool.CopyFrom(ctx, pgx.Identifier{"bench", "cases_copy"}, caseColumns, pgx.CopyFromFunc(func() ([]any, error) {
		for i < len(f.fetched) && j == len(f.fetched[i].Company.Cases) {
			i, j = i+1, 0
		}
		if i == len(f.fetched) {
			return nil, nil
		}
		j++
		return caseRow(f.fetched[i].CreditCode, &f.fetched[i].Company.Cases[j-1], now), nil
	}))
	elapsed := time.Since(start)
	if err != nil {
		return 0, err
	}
	if n != f.cases {
		return 0, fmt.Errorf("copied %d rows, want %d", n, f.cases)
	}
	if _, err := pool.Exec(ctx, "DROP TABLE bench.cases_copy"); err != nil {
		return 0, err
	}
	return perSecond(n, elapsed), nil
}

// seedUpsert is the seed's way of storing a case: one statement per case.
var seedUpsert = func() string {
	ph := make([]string, len(caseColumns))
	set := make([]string, 0, len(caseColumns))
	for i, c := range caseColumns {
		ph[i] = fmt.Sprintf("$%d", i+1)
		if c != "credit_code" && c != "case_id" && c != "first_seen_at" {
			set = append(set, c+" = excluded."+c)
		}
	}
	return "INSERT INTO arbsync.cases (" + strings.Join(caseColumns, ", ") + ") VALUES (" + strings.Join(ph, ", ") +
		") ON CONFLICT (credit_code, case_id) DO UPDATE SET " + strings.Join(set, ", ")
}()

// seedWrites stores companies the seed's way: 5 workers (the seed's
// ThreadPoolExecutor), each company in its own transaction, one INSERT …
// ON CONFLICT per case.
func seedWrites(ctx context.Context, pool *pgxpool.Pool, fetched []casesync.Fetched) error {
	work := make(chan *casesync.Fetched)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	now := time.Now()
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					for i := range f.Company.Cases {
						if _, err := tx.Exec(ctx, seedUpsert, caseRow(f.CreditCode, &f.Company.Cases[i], now)...); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					mu.Lock()
					firstErr = cmpOr(firstErr, err)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range fetched {
		work <- &fetched[i]
	}
	close(work)
	wg.Wait()
	return firstErr
}
