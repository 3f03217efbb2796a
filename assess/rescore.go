package assess

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/money"
	"github.com/arbsync/arbsync/scoring"
	casesync "github.com/arbsync/arbsync/sync"
)

// SyncHook returns the sync engine's change hook: companies whose cases
// changed are scored in the same transaction that stored the cases.
func (a *Assessor) SyncHook() casesync.ChangeHook {
	return func(ctx context.Context, tx pgx.Tx, changes []casesync.Change) error {
		companies := make([]Company, len(changes))
		for i, ch := range changes {
			companies[i] = Company{CreditCode: ch.CreditCode, Cases: FromUpstream(ch.Cases)}
		}
		st, err := a.Apply(ctx, tx, companies, a.AsOf())
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
}

// Rescore recomputes scores in keyset pages, one transaction per page, so
// memory stays flat whatever the watchlist size.
func (a *Assessor) Rescore(ctx context.Context, pool *pgxpool.Pool, opts RescoreOptions) (Stats, error) {
	if opts.AsOf == 0 {
		opts.AsOf = a.AsOf()
	}
	if opts.Batch <= 0 {
		opts.Batch = 2000
	}
	q := db.New(pool)
	var total Stats
	after := ""
	for {
		page, err := q.RescoreCandidates(ctx, db.RescoreCandidatesParams{
			After: after, AllCompanies: opts.All, AsOf: opts.AsOf.Time(), OnlyCodes: opts.Codes, MaxRows: int32(opts.Batch),
		})
		if err != nil {
			return total, fmt.Errorf("rescore: list companies: %w", err)
		}
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1].CreditCode
		codes := db.DueCodes(page)
		if len(codes) == 0 {
			continue
		}
		err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			q := db.New(tx)
			if err := q.TransactionDisableJIT(ctx); err != nil {
				return fmt.Errorf("disable JIT: %w", err)
			}
			companies, err := loadCompanies(ctx, q, codes)
			if err != nil {
				return err
			}
			st, err := a.Apply(ctx, tx, companies, opts.AsOf)
			if err != nil {
				return err
			}
			total.add(st)
			a.Metrics.observe(st)
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("rescore up to %q: %w", after, err)
		}
	}
	return total, nil
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
		res, err := scoring.ParseOutcome(r.Result)
		if err != nil {
			return nil, fmt.Errorf("case of %s: %w", r.CreditCode, err)
		}
		exec, err := scoring.ParseExecutionStatus(r.ExecutionStatus)
		if err != nil {
			return nil, fmt.Errorf("case of %s: %w", r.CreditCode, err)
		}
		byCode[r.CreditCode] = append(byCode[r.CreditCode], scoring.Case{
			FilingDate:      scoring.DateOf(r.FilingDate),
			Result:          res,
			ExecutionStatus: exec,
			ClaimAmount:     money.Fen(r.ClaimFen),
			Title:           r.Title,
		})
	}
	out := make([]Company, len(codes))
	for i, c := range codes {
		out[i] = Company{CreditCode: c, Cases: byCode[c]}
	}
	return out, nil
}
