package bench

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/big"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
)

// codeBase offsets the numbers behind generated credit codes, so benchmark
// codes differ from the test fixtures' ones.
const codeBase = 7_000_000

// company is one watchlist row: a generated, valid credit code with the
// name and industry the simulator gives it.
type company struct {
	Code, Name, Industry string
}

// makeCompanies returns n companies, the same n for the same seed.
func makeCompanies(seed int64, n int) []company {
	out := make([]company, n)
	for i := range out {
		code := uscc.Generate(i%34, uint64(codeBase+i))
		p := sim.Profile(seed, code)
		out[i] = company{Code: code, Name: p.Name, Industry: p.Industry}
	}
	return out
}

// loadWatchlist puts companies on the watchlist with COPY, and their
// sync_state rows: due now, or (synced) already synced and due tomorrow,
// which is what the rescore needs. Setup only: the watchlist's user
// triggers (audit row, pg_notify, sync_state upsert per row) are disabled
// for the load, inside the transaction, because a million audit rows and
// notifications are not what is measured; the CHECK on credit codes and the
// foreign key to industries still apply.
func loadWatchlist(ctx context.Context, pool *pgxpool.Pool, companies []company, synced bool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "ALTER TABLE arbsync.watchlist DISABLE TRIGGER USER"); err != nil {
			return fmt.Errorf("disable watchlist triggers for the load: %w", err)
		}
		i := 0
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"arbsync", "watchlist"}, []string{"credit_code", "company_name", "industry_code"},
			pgx.CopyFromFunc(func() ([]any, error) {
				if i == len(companies) {
					return nil, nil
				}
				c := companies[i]
				i++
				return []any{c.Code, c.Name, c.Industry}, nil
			})); err != nil {
			return fmt.Errorf("copy watchlist: %w", err)
		}
		now := time.Now()
		next, status := now, "new"
		var success *time.Time
		if synced {
			next, status, success = now.Add(24*time.Hour), "ok", &now
		}
		i = 0
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"arbsync", "sync_state"}, []string{"credit_code", "next_sync_at", "status", "last_success_at"},
			pgx.CopyFromFunc(func() ([]any, error) {
				if i == len(companies) {
					return nil, nil
				}
				i++
				return []any{companies[i-1].Code, next, status, success}, nil
			})); err != nil {
			return fmt.Errorf("copy sync_state: %w", err)
		}
		_, err := tx.Exec(ctx, "ALTER TABLE arbsync.watchlist ENABLE TRIGGER USER")
		return err
	})
}

var chinaTime = time.FixedZone("CST", 8*3600)

// truth is what the client returns for a company on date: the simulator's
// cases (sim.TruthAt) with Raw filled in as the signed protocol's wire
// record, as if fetched and decoded — without HTTP.
func truth(seed int64, code string, date time.Time) upstream.Company {
	c := sim.TruthAt(seed, code, date)
	for i := range c.Cases {
		c.Cases[i].Raw = sim.SignedRecord(&c.Cases[i], chinaTime)
	}
	return c
}

// caseColumns are arbsync.cases' columns written on insert, in the order of
// the engine's CasesInsert.
var caseColumns = []string{
	"credit_code", "case_id", "case_no", "title", "cause", "role", "claim_amount", "award_amount", "result",
	"filing_date", "closing_date", "execution_status", "unexecuted_amount", "committee",
	"upstream_updated_at", "raw", "content_hash", "first_seen_at", "last_seen_at",
}

// caseRow is one case as a row of caseColumns, with the values (and Go
// types) the engine sends. content_hash is a SHA-256 like the engine's
// (same size), taken over the raw record.
func caseRow(code string, c *upstream.Case, now time.Time) []any {
	hash := sha256.Sum256(c.Raw)
	var closing, updated *time.Time
	if c.ClosingDate != nil {
		t := c.ClosingDate.Time
		closing = &t
	}
	if !c.UpdatedAt.IsZero() {
		t := c.UpdatedAt
		updated = &t
	}
	return []any{
		code, c.CaseID, c.CaseNo, c.Title, c.Cause, string(c.Role), numeric(c.ClaimAmount), numeric(c.AwardAmount),
		string(c.Result), c.FilingDate.Time, closing, string(c.ExecutionStatus), numeric(c.UnexecutedAmount),
		c.Committee, updated, []byte(c.Raw), hash[:], now, now,
	}
}

func numeric(f money.Fen) pgtype.Numeric {
	return pgtype.Numeric{Int: big.NewInt(int64(f)), Exp: -2, Valid: true}
}

// copyCases loads every company's simulated cases into arbsync.cases with
// COPY, in streams parallel COPYs (each its own connection and
// transaction), generating rows as it goes so memory stays flat. Companies
// are loaded in watchlist order, which is unrelated to credit-code order:
// like after a real first sync, a company's cases sit together but
// neighbouring codes do not. It returns the number of cases.
func copyCases(ctx context.Context, pool *pgxpool.Pool, seed int64, date time.Time, companies []company, streams int) (int64, error) {
	g, ctx := errgroup.WithContext(ctx)
	counts := make([]int64, streams)
	chunk := (len(companies) + streams - 1) / streams
	now := time.Now()
	for s := range streams {
		part := companies[min(s*chunk, len(companies)):min((s+1)*chunk, len(companies))]
		g.Go(func() error {
			var pending []upstream.Case
			var code string
			next := 0
			n, err := pool.CopyFrom(ctx, pgx.Identifier{"arbsync", "cases"}, caseColumns, pgx.CopyFromFunc(func() ([]any, error) {
				for len(pending) == 0 {
					if next == len(part) {
						return nil, nil
					}
					code = part[next].Code
					pending = truth(seed, code, date).Cases
					next++
				}
				row := caseRow(code, &pending[0], now)
				pending = pending[1:]
				return row, nil
			}))
			counts[s] = n
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return 0, fmt.Errorf("copy cases: %w", err)
	}
	var total int64
	for _, n := range counts {
		total += n
	}
	return total, nil
}
