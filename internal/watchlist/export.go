package watchlist

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/db"
)

// exportPageSize is the number of rows read per keyset page.
const exportPageSize = 1000

// Export writes the whole watchlist to w as CSV in the format Import reads
// (see the package documentation), ordered by credit code, and returns the
// number of rows written (the header not counted). It reads keyset pages of
// one repeatable-read snapshot, so memory stays small however long the list.
func Export(ctx context.Context, pool *pgxpool.Pool, w io.Writer) (int, error) {
	return export(ctx, pool, w, exportPageSize)
}

func export(ctx context.Context, pool *pgxpool.Pool, w io.Writer, pageSize int32) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(header()); err != nil {
		return 0, fmt.Errorf("watchlist export: write header: %w", err)
	}
	n := 0
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, pool, opts, func(tx pgx.Tx) error {
		q := db.New(tx)
		after := ""
		for {
			page, err := q.WatchlistExportPage(ctx, db.WatchlistExportPageParams{After: after, MaxRows: pageSize})
			if err != nil {
				return fmt.Errorf("watchlist export: read rows after %q: %w", after, err)
			}
			record := make([]string, numColumns)
			for _, r := range page {
				record[colCreditCode] = r.CreditCode
				record[colCompanyName] = r.CompanyName
				record[colIndustryCode] = r.IndustryCode
				record[colEnabled] = strconv.FormatBool(r.Enabled)
				record[colNote] = r.Note
				record[colRefreshInterval] = formatInterval(r.RefreshInterval)
				record[colChecksumOverride] = strconv.FormatBool(r.ChecksumOverride)
				if err := cw.Write(record); err != nil {
					return fmt.Errorf("watchlist export: write %s: %w", r.CreditCode, err)
				}
			}
			n += len(page)
			cw.Flush()
			if err := cw.Error(); err != nil {
				return fmt.Errorf("watchlist export: write: %w", err)
			}
			if len(page) < int(pageSize) {
				return nil
			}
			after = page[len(page)-1].CreditCode
		}
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, fmt.Errorf("watchlist export: write: %w", err)
	}
	return n, nil
}
