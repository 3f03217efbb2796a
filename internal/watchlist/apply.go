package watchlist

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/db"
)

// chunkSize is the number of rows sent in one statement.
const chunkSize = 5000

// params returns a chunk of entries as the queries' parameter arrays.
func (b *batch) params(chunk []entry) db.WatchlistImportUpsertParams {
	p := db.WatchlistImportUpsertParams{
		CreditCodes:       make([]string, len(chunk)),
		CompanyNames:      make([]string, len(chunk)),
		IndustryCodes:     make([]string, len(chunk)),
		Enabled:           make([]bool, len(chunk)),
		Notes:             make([]string, len(chunk)),
		RefreshIntervals:  make([]pgtype.Interval, len(chunk)),
		ChecksumOverrides: make([]bool, len(chunk)),
		KeepNotes:         b.keepNotes,
	}
	for i, e := range chunk {
		p.CreditCodes[i], p.CompanyNames[i], p.IndustryCodes[i] = e.creditCode, e.companyName, e.industryCode
		p.Enabled[i], p.Notes[i], p.RefreshIntervals[i], p.ChecksumOverrides[i] = e.enabled, e.note, e.refresh, e.checksumOverride
	}
	return p
}

// chunks calls fn with consecutive slices of at most size entries.
func (b *batch) chunks(size int, fn func([]entry) error) error {
	for start := 0; start < len(b.entries); start += size {
		if err := fn(b.entries[start:min(start+size, len(b.entries))]); err != nil {
			return err
		}
	}
	return nil
}

// apply writes the batch in one transaction that holds the watchlist
// against other writers, size rows per statement.
func (b *batch) apply(ctx context.Context, pool *pgxpool.Pool, size int) (ImportReport, error) {
	failed := ImportReport{Rows: len(b.entries)}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return failed, fmt.Errorf("watchlist import: begin: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // a no-op after Commit
	q := db.New(tx)
	if err := q.WatchlistImportLock(ctx); err != nil {
		return failed, fmt.Errorf("watchlist import: lock the watchlist: %w", err)
	}
	report := failed
	err = b.chunks(size, func(chunk []entry) error {
		n, err := q.WatchlistImportUpsert(ctx, b.params(chunk))
		if err != nil {
			return rejected(err, chunk)
		}
		report.Inserted += int(n.Inserted)
		report.Updated += int(n.Updated)
		return nil
	})
	if err != nil {
		return failed, err
	}
	if err := tx.Commit(ctx); err != nil {
		return failed, fmt.Errorf("watchlist import: commit: %w", err)
	}
	report.Unchanged = report.Rows - report.Inserted - report.Updated
	return report, nil
}

// plan counts what apply would do, reading one snapshot and writing nothing.
func (b *batch) plan(ctx context.Context, pool *pgxpool.Pool, size int) (ImportReport, error) {
	report := ImportReport{Rows: len(b.entries)}
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, pool, opts, func(tx pgx.Tx) error {
		q := db.New(tx)
		return b.chunks(size, func(chunk []entry) error {
			n, err := q.WatchlistImportPlan(ctx, db.WatchlistImportPlanParams(b.params(chunk)))
			if err != nil {
				return fmt.Errorf("watchlist import (dry run): lines %d-%d: %w", chunk[0].line, chunk[len(chunk)-1].line, err)
			}
			report.Inserted += int(n.Inserted)
			report.Updated += int(n.Updated)
			return nil
		})
	})
	if err != nil {
		return ImportReport{Rows: len(b.entries)}, err
	}
	report.Unchanged = report.Rows - report.Inserted - report.Updated
	return report, nil
}

// rejected describes the database refusing a chunk that passed validation
// (the industries changed meanwhile, say). The database's message names the
// credit code; the error adds the code's line.
func rejected(err error, chunk []entry) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return fmt.Errorf("watchlist import: lines %d-%d: %w", chunk[0].line, chunk[len(chunk)-1].line, err)
	}
	hint := ""
	if pe.Hint != "" {
		hint = " (hint: " + pe.Hint + ")"
	}
	if code := codeInMessage(pe.Message); code != "" {
		for _, e := range chunk {
			if e.creditCode == code {
				return fmt.Errorf("watchlist import: line %d: the database rejected the row, nothing changed: %w%s", e.line, err, hint)
			}
		}
	}
	return fmt.Errorf("watchlist import: lines %d-%d: the database rejected a row, nothing changed: %w%s",
		chunk[0].line, chunk[len(chunk)-1].line, err, hint)
}

// codeInMessage finds the code in the watchlist trigger's messages
// (`invalid credit code "X": …`, `unknown industry code "C" for credit code "X"`).
func codeInMessage(msg string) string {
	const marker = `credit code "`
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return ""
	}
	rest := msg[i+len(marker):]
	j := strings.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return rest[:j]
}
