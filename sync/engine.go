package casesync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/upstream"
)

// Options configure an Engine. Zero values take the documented defaults.
type Options struct {
	Replica    string        // lease owner name (required)
	ClaimBatch int           // companies claimed per round (200)
	Lease      time.Duration // lease length (5m); must exceed a round's fetch time
	Workers    int           // concurrent fetches (16); the client's own limits still apply
	WriteBatch int           // most companies per write transaction (200)
	Writers    int           // concurrent write transactions (2), each on its own connection
	// WriteLinger is how long a writer waits for a batch to fill before
	// writing what it has (25ms): a few large transactions cost the
	// database far less than many small ones. A pass that has no more to
	// fetch never waits.
	WriteLinger time.Duration
	Grace       time.Duration // time in-flight fetches get after cancellation (30s)
	Backoff     Backoff
	Hook        ChangeHook // scoring and alerts, inside the write transaction
	Now         func() time.Time
}

func (o Options) withDefaults() Options {
	if o.ClaimBatch <= 0 {
		o.ClaimBatch = 200
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.Workers <= 0 {
		o.Workers = 16
	}
	if o.WriteBatch <= 0 {
		o.WriteBatch = 200
	}
	if o.Writers <= 0 {
		o.Writers = 2
	}
	if o.WriteLinger <= 0 {
		o.WriteLinger = 25 * time.Millisecond
	}
	if o.Grace <= 0 {
		o.Grace = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Engine runs sync passes. It is safe to run passes from several goroutines
// or processes at once: claims never overlap.
type Engine struct {
	pool    *pgxpool.Pool
	fetcher upstream.Fetcher
	opts    Options
	log     zerolog.Logger
	metrics *Metrics
	store   *Store
	stats   *statsKeeper
}

// New builds an engine. metrics may be nil (no metrics).
func New(pool *pgxpool.Pool, fetcher upstream.Fetcher, opts Options, log zerolog.Logger, metrics *Metrics) (*Engine, error) {
	opts = opts.withDefaults()
	if opts.Replica == "" {
		return nil, errors.New("sync: Options.Replica is required")
	}
	log = log.With().Str("component", "sync").Logger()
	return &Engine{
		pool:    pool,
		fetcher: fetcher,
		opts:    opts,
		log:     log,
		metrics: metrics,
		store:   &Store{Pool: pool, Replica: opts.Replica, Hook: opts.Hook, Backoff: opts.Backoff, Now: opts.Now},
		stats:   &statsKeeper{pool: pool, log: log, every: 2 * time.Second},
	}, nil
}

// Store returns the engine's single-transaction writer.
func (e *Engine) Store() *Store { return e.store }

// WriteFetched stores complete fetches of companies leased by this
// engine's replica through the pass's own writers (batching, concurrent
// write transactions, statistics upkeep): the write path alone, for
// benchmarks and tools that hold fetches already.
func (e *Engine) WriteFetched(ctx context.Context, fetched []Fetched) (Counts, error) {
	results := make(chan outcome, 2*e.opts.WriteBatch)
	go func() {
		defer close(results)
		for i := range fetched {
			f := &fetched[i]
			results <- outcome{claim: claim{code: f.CreditCode, lastHash: f.LastHash}, fetched: f}
		}
	}()
	res, err := e.writeAll(ctx, results, e.log, func() {})
	return res.Counts, err
}

// PassOptions select what a pass syncs.
type PassOptions struct {
	Trigger string // schedule | notify | manual | lookup
	// IgnoreSchedule syncs every selected enabled company once, due or not
	// (--all, --code, a lookup's refresh). A company parked as not_found is
	// retried only when named in Codes.
	IgnoreSchedule bool
	// Codes limits the pass to these companies.
	Codes []string
}

// PassResult summarizes a pass.
type PassResult struct {
	RunID     int64
	Attempted int
	Counts
	Released      int  // leases given back untouched (shutdown)
	UpstreamCalls int  // HTTP requests sent, pages and retries included
	Stopped       bool // a permission error stopped the pass
	Duration      time.Duration
}

// Outcome is the sync_runs.outcome of the pass.
func (r PassResult) Outcome(cancelled bool) string {
	switch {
	case r.Stopped:
		return "stopped"
	case cancelled:
		return "cancelled"
	case r.Failed > 0:
		return "partial"
	default:
		return "ok"
	}
}

type claim struct {
	code     string
	lastHash []byte
	failures int32
}

type outcome struct {
	claim   claim
	fetched *Fetched
	err     error
	release bool
}

// RunPass claims and syncs due companies until none is left, the context is
// cancelled, or a permission error stops it. Cancellation is a clean stop:
// the pass returns the result and a nil error.
func (e *Engine) RunPass(ctx context.Context, p PassOptions) (PassResult, error) {
	start := time.Now()
	if p.Trigger == "" {
		p.Trigger = "manual"
	}
	q := db.New(e.pool)
	run, err := q.SyncRunStart(ctx, db.SyncRunStartParams{Trigger: p.Trigger, Replica: e.opts.Replica})
	if err != nil {
		return PassResult{}, fmt.Errorf("start sync run: %w", err)
	}
	log := e.log.With().Int64("run_id", run.ID).Str("trigger", p.Trigger).Logger()

	// Fetches outlive ctx by the grace period; writes of finished work are
	// never cut short by cancellation.
	var calls atomic.Int64
	fetchCtx, cancelFetch := context.WithCancel(upstream.WithCallCounter(context.WithoutCancel(ctx), &calls))
	defer cancelFetch()
	stopGrace := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(e.opts.Grace, cancelFetch)
		<-fetchCtx.Done()
		t.Stop()
	})
	defer stopGrace()

	var stopped atomic.Bool
	stopCh := make(chan struct{})
	var stopOnce sync.Once
	stop := func() { stopOnce.Do(func() { stopped.Store(true); close(stopCh) }) }

	jobs := make(chan claim, e.opts.ClaimBatch)
	// Room for two write batches, so fetch workers keep going while the
	// writer commits.
	results := make(chan outcome, max(e.opts.Workers*2, 2*e.opts.WriteBatch))
	var claimErr error
	var attempted atomic.Int64

	go func() { // claimer
		defer close(jobs)
		for ctx.Err() == nil && !stopped.Load() {
			// The claim is not cancellable: a claim that commits while its
			// caller gives up would leave leases nobody releases.
			claimCtx, cancelClaim := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			rows, err := q.SyncStateClaim(claimCtx, db.SyncStateClaimParams{
				Replica:        e.opts.Replica,
				LeaseSeconds:   e.opts.Lease.Seconds(),
				IgnoreSchedule: p.IgnoreSchedule,
				OnlyCodes:      p.Codes,
				PassStarted:    run.StartedAt,
				MaxRows:        int32(e.opts.ClaimBatch),
			})
			cancelClaim()
			if err != nil {
				claimErr = fmt.Errorf("claim due companies: %w", err)
				return
			}
			if len(rows) == 0 {
				return
			}
			attempted.Add(int64(len(rows)))
			for i, r := range rows {
				c := claim{code: r.CreditCode, lastHash: r.LastContentHash, failures: r.ConsecutiveFailures}
				if ctx.Err() != nil || stopped.Load() {
					e.releaseAll(rows[i:], results)
					return
				}
				select {
				case jobs <- c:
				case <-ctx.Done():
					e.releaseAll(rows[i:], results)
					return
				case <-stopCh:
					e.releaseAll(rows[i:], results)
					return
				}
			}
		}
	}()

	var wg sync.WaitGroup
	for range e.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				if ctx.Err() != nil || stopped.Load() {
					results <- outcome{claim: c, release: true}
					continue
				}
				company, err := e.fetcher.Fetch(fetchCtx, c.code)
				switch {
				case err == nil:
					f := NewFetched(c.code, c.lastHash, company)
					f.RunID = run.ID
					results <- outcome{claim: c, fetched: &f}
				case fetchCtx.Err() != nil:
					results <- outcome{claim: c, release: true}
				default:
					var ue *upstream.Error
					if errors.As(err, &ue) && ue.Kind == upstream.KindPermission {
						log.Error().Err(err).Str("credit_code", c.code).Msg("upstream refused permission: stopping the pass")
						stop()
					}
					results <- outcome{claim: c, err: err}
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	res, writeErr := e.writeAll(ctx, results, log, stop)
	res.RunID = run.ID
	res.Attempted = int(attempted.Load())
	res.Stopped = stopped.Load() && writeErr == nil // a write error stops the pass too, reported as the error
	res.Duration = time.Since(start)
	res.UpstreamCalls = int(calls.Load())
	if claimErr != nil && writeErr == nil {
		writeErr = claimErr
	}

	errorsJSON, _ := json.Marshal(nonNil(res.ErrorsByKind))
	outcome := res.Outcome(ctx.Err() != nil)
	if writeErr != nil {
		outcome = "error"
	}
	finishCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := q.SyncRunFinish(finishCtx, db.SyncRunFinishParams{
		ID:                 run.ID,
		CompaniesAttempted: int32(res.Attempted),
		CompaniesChanged:   int32(res.Changed),
		CompaniesFailed:    int32(res.Failed),
		CasesInserted:      int32(res.Inserted),
		CasesUpdated:       int32(res.Updated),
		CasesRemoved:       int32(res.Removed),
		UpstreamCalls:      int32(calls.Load()),
		ErrorsByType:       errorsJSON,
		Outcome:            &outcome,
	}); err != nil && writeErr == nil {
		writeErr = fmt.Errorf("finish sync run: %w", err)
	}
	e.metrics.observePass(res, writeErr == nil)
	if e.metrics != nil {
		if n, err := q.SyncStateBacklog(finishCtx); err == nil {
			e.metrics.backlog.Set(float64(n))
		}
	}
	log.Info().Int("attempted", res.Attempted).Int("succeeded", res.Succeeded).Int("changed", res.Changed).
		Int("failed", res.Failed).Int("inserted", res.Inserted).Int("updated", res.Updated).
		Int("removed", res.Removed).Int("released", res.Released).Bool("stopped", res.Stopped).
		Dur("took", res.Duration).Str("outcome", outcome).Msg("sync pass finished")
	return res, writeErr
}

func nonNil(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

func (e *Engine) releaseAll(rows []db.SyncStateClaimRow, results chan<- outcome) {
	for _, r := range rows {
		results <- outcome{claim: claim{code: r.CreditCode}, release: true}
	}
}

// writeAll drains results into write batches with Options.Writers
// concurrent writers. Batches form naturally: a writer takes what has
// arrived while it wrote its previous batch, waiting at most WriteLinger
// for a full one. Writers never share a company (a pass claims each once),
// so their transactions touch disjoint rows.
func (e *Engine) writeAll(ctx context.Context, results <-chan outcome, log zerolog.Logger, stop func()) (PassResult, error) {
	var (
		mu       sync.Mutex // guards res and firstErr
		res      PassResult
		firstErr error
		wg       sync.WaitGroup
	)
	failing := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return firstErr != nil
	}
	for range e.opts.Writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for first := range results {
				counts, released, err := e.writeBatch(ctx, first, results, failing(), log)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					// The database is failing: fetch no more (that would
					// spend the vendor quota for nothing) and end the pass.
					stop()
				}
				res.add(counts)
				res.Released += released
				mu.Unlock()
				if counts.Inserted+counts.Updated+counts.Changed > 0 && ctx.Err() == nil {
					e.stats.afterWrite(ctx)
				}
			}
		}()
	}
	wg.Wait()
	return res, firstErr
}

// writeBatch writes first and whatever else arrives within WriteLinger, up
// to WriteBatch companies, in one transaction, and gives back the leases of companies it
// did not write. When the database is already failing it writes nothing and
// only gives the leases back.
func (e *Engine) writeBatch(ctx context.Context, first outcome, results <-chan outcome, failing bool, log zerolog.Logger) (Counts, int, error) {
	writeCtx := context.WithoutCancel(ctx)
	batch := []outcome{first}
	linger := time.NewTimer(e.opts.WriteLinger)
fill:
	for len(batch) < e.opts.WriteBatch {
		select {
		case o, ok := <-results:
			if !ok {
				break fill
			}
			batch = append(batch, o)
		case <-linger.C:
			break fill
		}
	}
	linger.Stop()
	var ok []Fetched
	var failed []Failure
	var release []string
	for _, o := range batch {
		switch {
		case o.release:
			release = append(release, o.claim.code)
		case o.err != nil:
			failed = append(failed, Failure{CreditCode: o.claim.code, Err: o.err, ConsecutiveFailures: o.claim.failures})
			log.Warn().Str("credit_code", o.claim.code).Str("error_kind", ErrorKind(o.err)).Err(o.err).Msg("unable to fetch company")
		default:
			ok = append(ok, *o.fetched)
		}
	}
	if failing {
		// The database is failing: give the leases back untouched.
		for _, f := range ok {
			release = append(release, f.CreditCode)
		}
		for _, f := range failed {
			release = append(release, f.CreditCode)
		}
		ok, failed = nil, nil
	}
	wctx, cancel := context.WithTimeout(writeCtx, 2*time.Minute)
	counts, err := e.store.Write(wctx, ok, failed)
	cancel()
	if err != nil {
		log.Error().Err(err).Int("companies", len(ok)+len(failed)).Msg("unable to store batch: stopping the pass; its companies are retried on the next one")
		// The batch's companies were not written: give their leases back.
		for _, f := range ok {
			release = append(release, f.CreditCode)
		}
		for _, f := range failed {
			release = append(release, f.CreditCode)
		}
	}
	e.metrics.observeWrite(counts)
	if len(release) > 0 {
		rctx, cancel := context.WithTimeout(writeCtx, 30*time.Second)
		if err := db.New(e.pool).SyncStateRelease(rctx, db.SyncStateReleaseParams{CreditCodes: release, Replica: e.opts.Replica}); err != nil {
			log.Warn().Err(err).Int("companies", len(release)).Msg("unable to release leases; they will expire")
		}
		cancel()
	}
	return counts, len(release), err
}
