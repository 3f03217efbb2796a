package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/sync"
)

// runResync syncs the write scenario's companies again with nothing
// changed upstream. Each company is claimed with the engine's own claim
// (which returns the last content hash), its fetch rebuilt from the same
// simulated truth, and stored through Store.Write in the engine's
// batches; no HTTP, so the figure is the database side of a re-sync.
//
// Two variants: the normal one, where the claim's last_content_hash lets
// the writer skip the company outright, and a forced diff, where the hash
// is withheld so every case is compared with the stored one. Both must
// write zero case rows. The baseline is the first sync of the same
// companies in this run (its case rows and WAL).
func runResync(ctx context.Context, r *runner) ([]Figure, error) {
	f, err := r.writeData(ctx)
	if err != nil {
		return nil, err
	}
	if f.stored == nil {
		r.logf("resync: storing the companies first (the write scenario did not run)")
		if _, err := r.storeFirst(ctx, f); err != nil {
			return nil, err
		}
	}
	first := *f.stored
	if err := vacuumAnalyze(ctx, f.db.Pool, "arbsync.cases", "arbsync.sync_state", "arbsync.scores", "arbsync.current_scores"); err != nil {
		return nil, err
	}
	truthOf := make(map[string]*casesync.Fetched, len(f.fetched))
	for i := range f.fetched {
		truthOf[f.fetched[i].CreditCode] = &f.fetched[i]
	}
	var figs []Figure
	for _, v := range []struct {
		name     string
		withHash bool
	}{{"hash skip", true}, {"forced diff", false}} {
		var st resyncStats
		p, err := measure(ctx, f.db, "arbsync-bench-writer", app.PoolConns, func(pool *pgxpool.Pool) error {
			var err error
			st, err = r.resync(ctx, pool, truthOf, v.withHash)
			return err
		})
		companies := st.companies
		if err != nil {
			return figs, fmt.Errorf("re-sync (%s): %w", v.name, err)
		}
		if companies != len(f.fetched) {
			return figs, fmt.Errorf("re-sync (%s): claimed %d companies, want %d", v.name, companies, len(f.fetched))
		}
		rate := perSecond(int64(companies), p.Elapsed)
		figs = append(figs,
			newFigure("case rows written, unchanged re-sync ("+v.name+")", float64(p.CaseWrites), "rows",
				float64(first.CaseWrites), "rows", "case rows written by the first sync, same run", ValueIs(0),
				fmt.Sprintf("%d companies in %.1f s = %.0f companies/s; Store.Write counted %d case changes and reported %d companies as changed",
					companies, p.Elapsed.Seconds(), rate, st.cases, st.changed)),
			newFigure("case event rows written, unchanged re-sync ("+v.name+")", float64(p.EventRows), "rows",
				float64(first.EventRows), "rows", "case event rows written by the first sync (none: its cases are the baseline), same run", ValueIs(0),
				fmt.Sprintf("Store.Write counted %d case events", st.events)),
			newFigure("WAL, unchanged re-sync ("+v.name+")", float64(p.WAL), "bytes",
				float64(first.WAL), "bytes", "WAL of the first sync, same run", nil,
				fmt.Sprintf("%.0f WAL bytes per company; first sync %s. %s", float64(p.WAL)/float64(companies), mib(first.WAL), p.WALKinds)),
			newFigure("companies re-synced/s ("+v.name+")", rate, "companies/s",
				perSecond(int64(len(f.fetched)), first.Elapsed), "companies/s", "first sync of the same companies, same run", nil, ""),
		)
	}
	r.measured = fmt.Sprintf("%d companies, %d cases stored; re-synced twice", len(f.fetched), f.cases)
	return figs, nil
}

// resyncStats is what a re-sync's writes reported.
type resyncStats struct {
	companies int // stored
	changed   int // reported as changed by Store.Write
	cases     int // inserted + updated + removed, as Store.Write counted them
	events    int // case events, as Store.Write counted them
}

// resync claims every company the way RunPass does (SyncStateClaim in
// rounds of the daemon's claim batch) and stores the unchanged fetches.
// withHash passes the claim's last_content_hash to NewFetched, as the
// engine does; without it the writer has to diff every case.
func (r *runner) resync(ctx context.Context, pool *pgxpool.Pool, truthOf map[string]*casesync.Fetched, withHash bool) (resyncStats, error) {
	var st resyncStats
	a := r.daemonApp(pool, "", "", 0)
	e, err := r.newEngine(a, nil, true)
	if err != nil {
		return st, err
	}
	q := db.New(pool)
	started := time.Now()
	for {
		rows, err := q.SyncStateClaim(ctx, db.SyncStateClaimParams{
			Replica: a.Config.ReplicaID, LeaseSeconds: a.Config.SyncLease.Seconds(), IgnoreSchedule: true,
			PassStarted: started, MaxRows: int32(a.Config.SyncBatch),
		})
		if err != nil {
			return st, fmt.Errorf("claim: %w", err)
		}
		if len(rows) == 0 {
			return st, nil
		}
		batch := make([]casesync.Fetched, 0, len(rows))
		for _, row := range rows {
			t := truthOf[row.CreditCode]
			if t == nil {
				return st, fmt.Errorf("claimed unknown company %s", row.CreditCode)
			}
			var last []byte
			if withHash {
				last = row.LastContentHash
			}
			batch = append(batch, casesync.NewFetched(row.CreditCode, last, t.Company))
		}
		c, err := e.WriteFetched(ctx, batch)
		if err != nil {
			return st, err
		}
		if c.LeaseLost > 0 {
			return st, fmt.Errorf("re-sync lost %d leases", c.LeaseLost)
		}
		st.companies += c.Succeeded
		st.changed += c.Changed
		st.cases += c.Inserted + c.Updated + c.Removed
		st.events += c.Events
	}
}
