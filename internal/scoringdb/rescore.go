package scoringdb

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/sync"
)

// SyncHook returns the sync engine's change hook: companies whose cases
// changed are scored in the same transaction that stored the cases.
func (a *Assessor) SyncHook() casesync.ChangeHook {
	return func(ctx context.Context, tx pgx.Tx, changes []casesync.Change) error {
		companies := make([]Company, len(changes))
		for i, ch := range changes {
			companies[i] = Company{CreditCode: ch.CreditCode, Cases: FromUpstream(ch.Cases), CaseNos: caseNos(ch.Cases)}
		}
		st, err := a.Apply(ctx, tx, companies, a.Today())
		a.Metrics.observe(st)
		if err == nil {
			a.mu.Lock()
			a.totals.add(st)
			a.mu.Unlock()
		}
		return err
	}
}

// RescoreOptions select what Rescore recomputes.
type RescoreOptions struct {
	// All rescores every enabled, synced company; otherwise only those
	// whose score can have changed by AsOf (next_change_on), or that have
	// no score yet.
	All bool
	// Codes limits the rescore to these companies.
	Codes []string
	// AsOf is the as-of date (default today).
	AsOf scoring.Date
	// Batch is the number of companies per transaction (default 2000).
	Batch int
	// Workers is the number of pages scored at once (default 2).
	Workers int
}

// Rescore recomputes scores in keyset pages, one transaction per page, so
// memory stays flat whatever the watchlist size. Pages are listed in turn
// and scored by Workers transactions at once (pages hold disjoint
// companies), so that scoring in Go and writing in PostgreSQL overlap.
func (a *Assessor) Rescore(ctx context.Context, pool *pgxpool.Pool, opts RescoreOptions) (Stats, error) {
	if opts.AsOf == 0 {
		opts.AsOf = a.Today()
	}
	if opts.Batch <= 0 {
		opts.Batch = 2000
	}
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	type page struct {
		last  string
		codes []string
	}
	var (
		mu    sync.Mutex
		total Stats
	)
	pages := make(chan page)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(pages)
		q := db.New(pool)
		after := ""
		for {
			rows, err := q.RescoreCandidates(gctx, db.RescoreCandidatesParams{
				After: after, AllCompanies: opts.All, AsOf: opts.AsOf.Time(), RuleVersion: int32(a.Rule),
				OnlyCodes: opts.Codes, MaxRows: int32(opts.Batch),
			})
			if err != nil {
				return fmt.Errorf("rescore: list companies: %w", err)
			}
			if len(rows) == 0 {
				return nil
			}
			after = rows[len(rows)-1].CreditCode
			if codes := db.DueCodes(rows); len(codes) > 0 {
				select {
				case pages <- page{last: after, codes: codes}:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
		}
	})
	for range opts.Workers {
		g.Go(func() error {
			for p := range pages {
				st, err := a.rescorePage(gctx, pool, p.codes, opts.AsOf)
				if err != nil {
					return fmt.Errorf("rescore up to %q: %w", p.last, err)
				}
				mu.Lock()
				total.add(st)
				mu.Unlock()
				a.Metrics.observe(st)
			}
			return nil
		})
	}
	err := g.Wait()
	return total, err
}

// rescorePage scores one page of companies in its own transaction.
func (a *Assessor) rescorePage(ctx context.Context, pool *pgxpool.Pool, codes []string, asOf scoring.Date) (Stats, error) {
	var st Stats
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		if err := q.TransactionDisableJIT(ctx); err != nil {
			return fmt.Errorf("disable JIT: %w", err)
		}
		if err := q.TransactionPlanGeneric(ctx); err != nil {
			return fmt.Errorf("generic plans: %w", err)
		}
		companies, err := loadCompanies(ctx, q, codes)
		if err != nil {
			return err
		}
		st, err = a.Apply(ctx, tx, companies, asOf)
		return err
	})
	return st, err
}

// loadCompanies reads the current cases of codes (companies with none get an
// empty case list, and score 100).
func loadCompanies(ctx context.Context, q *db.Queries, codes []string) ([]Company, error) {
	rows, err := q.CasesForScoring(ctx, codes)
	if err != nil {
		return nil, fmt.Errorf("read cases: %w", err)
	}
	byCode := make(map[string][]scoring.Case, len(codes))
	for _, r := range rows {
		c, err := caseOf(r.FilingDate, r.ClaimFen, r.Result, r.ExecutionStatus, r.Role, r.Title)
		if err != nil {
			return nil, fmt.Errorf("case of %s: %w", r.CreditCode, err)
		}
		byCode[r.CreditCode] = append(byCode[r.CreditCode], c)
	}
	out := make([]Company, len(codes))
	for i, c := range codes {
		out[i] = Company{CreditCode: c, Cases: byCode[c]}
	}
	return out, nil
}

// caseOf is a stored case as scoring reads it.
func caseOf(filed time.Time, claimFen int64, result, execution, role, title string) (scoring.Case, error) {
	res, err := scoring.ParseOutcome(result)
	if err != nil {
		return scoring.Case{}, err
	}
	exec, err := scoring.ParseExecutionStatus(execution)
	if err != nil {
		return scoring.Case{}, err
	}
	r, err := scoring.ParseRole(role)
	if err != nil {
		return scoring.Case{}, err
	}
	return scoring.Case{
		FilingDate: scoring.DateOf(filed), Result: res, ExecutionStatus: exec,
		ClaimAmount: money.Fen(claimFen), Title: title, Role: r,
	}, nil
}
