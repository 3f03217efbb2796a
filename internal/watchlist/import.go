package watchlist

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/db"
)

// ImportOptions tune Import.
type ImportOptions struct {
	// DryRun validates the file and counts what an import would insert,
	// update and leave unchanged, without writing anything.
	DryRun bool
}

// ImportReport says what an import did (or, for a dry run, would do).
// Inserted + Updated + Unchanged = Rows.
type ImportReport struct {
	// Rows is the number of data rows in the file (blank rows not counted).
	Rows int
	// Inserted counts credit codes that were not on the watchlist.
	Inserted int
	// Updated counts watched codes whose stored values changed.
	Updated int
	// Unchanged counts watched codes that already had the file's values;
	// they were not written (no audit row, no notification).
	Unchanged int
}

// Import reads a watchlist CSV file from r (format in the package
// documentation), validates every row, and applies all of them in one
// transaction, or none.
//
// Bad rows give a *ValidationError listing every problem with its line; a
// malformed file gives an error wrapping *csv.ParseError. In both cases, and
// whenever the error is not nil, nothing was changed. The report's Rows is
// set whenever the file could be read.
func Import(ctx context.Context, pool *pgxpool.Pool, r io.Reader, opts ImportOptions) (ImportReport, error) {
	b, err := readBatch(ctx, db.New(pool), r)
	if b == nil {
		return ImportReport{}, err
	}
	report := ImportReport{Rows: len(b.entries)}
	if err != nil {
		return report, err
	}
	if opts.DryRun {
		return b.plan(ctx, pool, chunkSize)
	}
	return b.apply(ctx, pool, chunkSize)
}

// batch is a validated import file.
type batch struct {
	entries []entry
	// keepNotes is set when the file has no note column: stored notes stay.
	keepNotes bool
}

// readBatch parses and validates the whole file. It returns a nil batch
// when the file could not be read to its end, and a batch with an error
// when rows are bad.
func readBatch(ctx context.Context, q *db.Queries, r io.Reader) (*batch, error) {
	p, err := newParser(r)
	if err != nil {
		return nil, err
	}
	industries, err := q.IndustryList(ctx)
	if err != nil {
		return nil, fmt.Errorf("watchlist import: load industries: %w", err)
	}
	v := newValidator(industries)
	b := &batch{keepNotes: !p.has(colNote)}
	var rec record
	for {
		if err := p.next(&rec); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		e, _ := v.check(&rec)
		b.entries = append(b.entries, e)
		if len(b.entries)%4096 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("watchlist import: %w", context.Cause(ctx))
		}
	}
	if err := v.resolveIntervals(ctx, q, b.entries); err != nil {
		return nil, err
	}
	return b, v.result()
}
