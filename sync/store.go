package casesync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/upstream"
)

// Fetched is one company's complete, successful fetch, ready to store.
type Fetched struct {
	CreditCode string
	// LastHash is sync_state.last_content_hash when the company was claimed.
	LastHash []byte
	Company  upstream.Company
	// RunID is the sync_runs row of the pass that fetched the company,
	// recorded with its case events; 0 outside a pass.
	RunID int64

	caseHashes [][]byte // parallel to Company.Cases
	hash       []byte   // companyHash of the fetch
}

// NewFetched computes the content hashes of a fetch. It is called by the
// fetch workers, so hashing runs in parallel, off the writer.
func NewFetched(code string, lastHash []byte, c upstream.Company) Fetched {
	h := sha256.New()
	f := Fetched{CreditCode: code, LastHash: lastHash, Company: c, caseHashes: make([][]byte, len(c.Cases))}
	ids := make([]string, len(c.Cases))
	byID := make(map[string][]byte, len(c.Cases))
	for i := range c.Cases {
		f.caseHashes[i] = caseHash(h, &c.Cases[i])
		ids[i] = c.Cases[i].CaseID
		byID[ids[i]] = f.caseHashes[i]
	}
	f.hash = companyHash(ids, byID)
	return f
}

// Unchanged reports whether the fetch equals the last successful one.
func (f *Fetched) Unchanged() bool { return f.LastHash != nil && bytes.Equal(f.LastHash, f.hash) }

// Failure is a company whose fetch failed; its cases are left alone.
type Failure struct {
	CreditCode          string
	Err                 error
	ConsecutiveFailures int32 // before this failure
}

// Change is a company whose stored cases changed in a write. The change hook
// receives them inside the write's transaction.
type Change struct {
	CreditCode  string
	CompanyName string
	// Cases is every current (not removed) case of the company: the
	// complete fetch that was just stored.
	Cases                      []upstream.Case
	Inserted, Updated, Removed int
	// Events are the case events the write records for the company (none
	// for its baseline), as the write's COPY stores them.
	Events []db.CaseEventsInsertParams
}

// ChangeHook runs inside the write transaction for companies whose cases
// changed (scoring and alerts). An error rolls the whole write back.
type ChangeHook func(ctx context.Context, tx pgx.Tx, changes []Change) error

// Hooks runs each non-nil hook in turn; the first error stops the write.
func Hooks(hooks ...ChangeHook) ChangeHook {
	var hs []ChangeHook
	for _, h := range hooks {
		if h != nil {
			hs = append(hs, h)
		}
	}
	if len(hs) == 1 {
		return hs[0]
	}
	return func(ctx context.Context, tx pgx.Tx, changes []Change) error {
		for _, h := range hs {
			if err := h(ctx, tx, changes); err != nil {
				return err
			}
		}
		return nil
	}
}

// Counts are what a write did.
type Counts struct {
	Succeeded, Failed, Changed int
	Inserted, Updated, Removed int
	Events                     int // case events written (the baseline is not an event row)
	LeaseLost                  int
	ErrorsByKind               map[string]int
}

func (c *Counts) add(o Counts) {
	c.Succeeded += o.Succeeded
	c.Failed += o.Failed
	c.Changed += o.Changed
	c.Inserted += o.Inserted
	c.Updated += o.Updated
	c.Removed += o.Removed
	c.Events += o.Events
	c.LeaseLost += o.LeaseLost
	for k, v := range o.ErrorsByKind {
		if c.ErrorsByKind == nil {
			c.ErrorsByKind = map[string]int{}
		}
		c.ErrorsByKind[k] += v
	}
}

// Store writes fetch results for companies leased by a replica.
type Store struct {
	Pool    *pgxpool.Pool
	Replica string
	Hook    ChangeHook
	Backoff Backoff
	Now     func() time.Time
}

// Write stores a batch in one transaction. If that fails, it retries each
// company alone, and records a company that still fails as failing.
func (s *Store) Write(ctx context.Context, ok []Fetched, failed []Failure) (Counts, error) {
	if len(ok) == 0 && len(failed) == 0 {
		return Counts{}, nil
	}
	counts, err := s.writeTx(ctx, ok, failed)
	if err == nil || ctx.Err() != nil || len(ok) == 0 && len(failed) == 1 {
		return counts, err
	}
	// Isolate the company that broke the batch.
	var total Counts
	for _, f := range failed {
		c, err := s.writeTx(ctx, nil, []Failure{f})
		if err != nil {
			return total, err
		}
		total.add(c)
	}
	for _, f := range ok {
		c, err := s.writeTx(ctx, []Fetched{f}, nil)
		if err != nil {
			// Only the server refusing this company's data (a constraint,
			// a bad value) marks it failing; a lost connection or a server
			// restart is the database's fault, not the company's: give up
			// and let the caller release the leases.
			var pgErr *pgconn.PgError
			if ctx.Err() != nil || !errors.As(err, &pgErr) || isTransient(pgErr) {
				return total, err
			}
			c, err = s.writeTx(ctx, nil, []Failure{{CreditCode: f.CreditCode, Err: fmt.Errorf("store: %w", err)}})
			if err != nil {
				return total, err
			}
		}
		total.add(c)
	}
	return total, nil
}

func (s *Store) writeTx(ctx context.Context, ok []Fetched, failed []Failure) (Counts, error) {
	var counts Counts
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		counts = Counts{}
		q := db.New(tx)
		if err := q.TransactionDisableJIT(ctx); err != nil {
			return fmt.Errorf("disable JIT: %w", err)
		}
		codes := make([]string, 0, len(ok)+len(failed))
		for i := range ok {
			codes = append(codes, ok[i].CreditCode)
		}
		for i := range failed {
			codes = append(codes, failed[i].CreditCode)
		}
		owned, err := q.SyncStateLockOwned(ctx, db.SyncStateLockOwnedParams{CreditCodes: codes, Replica: s.Replica})
		if err != nil {
			return fmt.Errorf("lock sync state: %w", err)
		}
		own := make(map[string]bool, len(owned))
		first := make(map[string]bool)
		for _, c := range owned {
			own[c.CreditCode] = true
			if c.FirstSync {
				first[c.CreditCode] = true
			}
		}
		counts.LeaseLost = len(codes) - len(owned)
		if err := s.writeSuccesses(ctx, tx, q, ok, own, first, &counts); err != nil {
			return err
		}
		return s.writeFailures(ctx, q, failed, own, &counts)
	})
	if err != nil {
		return Counts{}, err
	}
	return counts, nil
}

// writeSuccesses stores complete fetches of the companies this replica
// owns; first holds those never stored before, whose cases are their
// baseline.
func (s *Store) writeSuccesses(ctx context.Context, tx pgx.Tx, q *db.Queries, ok []Fetched, own, first map[string]bool, counts *Counts) error {
	var changed []*Fetched
	succ := db.SyncStateSucceededParams{Replica: s.Replica}
	for i := range ok {
		f := &ok[i]
		if !own[f.CreditCode] {
			continue
		}
		counts.Succeeded++
		succ.CreditCodes = append(succ.CreditCodes, f.CreditCode)
		succ.ContentHashes = append(succ.ContentHashes, f.hash)
		succ.UpstreamNames = append(succ.UpstreamNames, f.Company.CompanyName)
		if !f.Unchanged() {
			changed = append(changed, f)
		}
	}
	if len(changed) > 0 {
		changes, err := s.applyCases(ctx, q, changed, first, counts)
		if err != nil {
			return err
		}
		if s.Hook != nil && len(changes) > 0 {
			if err := s.Hook(ctx, tx, changes); err != nil {
				return fmt.Errorf("change hook: %w", err)
			}
		}
	}
	if len(succ.CreditCodes) > 0 {
		if err := q.SyncStateSucceeded(ctx, succ); err != nil {
			return fmt.Errorf("record success: %w", err)
		}
	}
	return nil
}

// storedCase is what a write compares a fetched case with: its content
// hash, and the values case events report.
type storedCase struct {
	hash                     []byte
	removed                  bool
	result, exec             string
	claim, award, unexecuted money.Fen
}

// applyCases diffs the fetches against the stored cases, writes only the
// differences and records them as case events, all in the caller's
// transaction. The cases of the companies in first are their baseline:
// marked on the case rows, with no event.
func (s *Store) applyCases(ctx context.Context, q *db.Queries, changed []*Fetched, first map[string]bool, counts *Counts) ([]Change, error) {
	codes := make([]string, len(changed))
	for i, f := range changed {
		codes[i] = f.CreditCode
	}
	rows, err := q.CasesStored(ctx, codes)
	if err != nil {
		return nil, fmt.Errorf("read stored cases: %w", err)
	}
	stored := make(map[string]map[string]storedCase, len(changed))
	for _, r := range rows {
		m := stored[r.CreditCode]
		if m == nil {
			m = map[string]storedCase{}
			stored[r.CreditCode] = m
		}
		m[r.CaseID] = storedCase{
			hash: r.ContentHash, removed: r.Removed, result: r.Result, exec: r.ExecutionStatus,
			claim: money.Fen(r.ClaimFen), award: money.Fen(r.AwardFen), unexecuted: money.Fen(r.UnexecutedFen),
		}
	}
	now := s.Now()
	var (
		inserts []db.CasesInsertParams
		upd     db.CasesUpdateParams
		rem     db.CasesMarkRemovedParams
		changes = make([]Change, 0, len(changed))
		ev      = events{now: now}
	)
	for _, f := range changed {
		ch := Change{CreditCode: f.CreditCode, CompanyName: f.Company.CompanyName, Cases: f.Company.Cases}
		have := stored[f.CreditCode]
		baseline := first[f.CreditCode]
		firstEvent := len(ev.rows)
		seen := make(map[string]bool, len(f.Company.Cases))
		for i := range f.Company.Cases {
			c := &f.Company.Cases[i]
			seen[c.CaseID] = true
			old, exists := have[c.CaseID]
			switch {
			case !exists:
				inserts = append(inserts, insertParams(f.CreditCode, c, f.caseHashes[i], now, baseline))
				if !baseline {
					ev.filed(f, c)
				}
				ch.Inserted++
			case old.removed || !bytes.Equal(old.hash, f.caseHashes[i]):
				appendUpdate(&upd, f.CreditCode, c, f.caseHashes[i])
				ev.updated(f, &old, c)
				ch.Updated++
			}
		}
		for id, old := range have {
			if !old.removed && !seen[id] {
				rem.CreditCodes = append(rem.CreditCodes, f.CreditCode)
				rem.CaseIds = append(rem.CaseIds, id)
				ev.removed(f, id)
				ch.Removed++
			}
		}
		ch.Events = ev.rows[firstEvent:len(ev.rows):len(ev.rows)]
		// A forced diff that finds nothing new needs no rescore; a first
		// sync does (a company without cases still gets its score).
		if ch.Inserted+ch.Updated+ch.Removed > 0 || f.LastHash == nil {
			changes = append(changes, ch)
		}
		counts.Inserted += ch.Inserted
		counts.Updated += ch.Updated
		counts.Removed += ch.Removed
	}
	counts.Changed += len(changes)
	if len(inserts) > 0 {
		if _, err := q.CasesInsert(ctx, inserts); err != nil {
			return nil, fmt.Errorf("insert cases: %w", err)
		}
	}
	if len(upd.CreditCodes) > 0 {
		if _, err := q.CasesUpdate(ctx, upd); err != nil {
			return nil, fmt.Errorf("update cases: %w", err)
		}
	}
	if len(rem.CreditCodes) > 0 {
		if _, err := q.CasesMarkRemoved(ctx, rem); err != nil {
			return nil, fmt.Errorf("mark removed cases: %w", err)
		}
	}
	if len(ev.rows) > 0 {
		if _, err := q.CaseEventsInsert(ctx, ev.rows); err != nil {
			return nil, fmt.Errorf("record case events: %w", err)
		}
		counts.Events += len(ev.rows)
	}
	return changes, nil
}

func (s *Store) writeFailures(ctx context.Context, q *db.Queries, failed []Failure, own map[string]bool, counts *Counts) error {
	if len(failed) == 0 {
		return nil
	}
	p := db.SyncStateFailedParams{Replica: s.Replica}
	now := s.Now()
	for _, f := range failed {
		if !own[f.CreditCode] {
			continue
		}
		counts.Failed++
		kind := ErrorKind(f.Err)
		if counts.ErrorsByKind == nil {
			counts.ErrorsByKind = map[string]int{}
		}
		counts.ErrorsByKind[kind]++
		status, next := s.Backoff.After(f.Err, int(f.ConsecutiveFailures)+1, now)
		p.CreditCodes = append(p.CreditCodes, f.CreditCode)
		p.Statuses = append(p.Statuses, status)
		p.ErrorCodes = append(p.ErrorCodes, kind)
		p.ErrorMessages = append(p.ErrorMessages, truncate(f.Err.Error(), 1000))
		p.NextSyncAts = append(p.NextSyncAts, next)
	}
	if len(p.CreditCodes) == 0 {
		return nil
	}
	if err := q.SyncStateFailed(ctx, p); err != nil {
		return fmt.Errorf("record failures: %w", err)
	}
	return nil
}

// isTransient reports server errors that say nothing about the data:
// connection and resource problems, shutdowns, serialization failures.
func isTransient(e *pgconn.PgError) bool {
	switch e.Code[:2] {
	case "08", "40", "53", "57", "58", "XX":
		return true
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

func numeric(f money.Fen) pgtype.Numeric {
	return pgtype.Numeric{Int: big.NewInt(int64(f)), Exp: -2, Valid: true}
}

// insertParams is a new case's row; baseline marks the cases of a
// company's first successful sync.
func insertParams(code string, c *upstream.Case, hash []byte, now time.Time, baseline bool) db.CasesInsertParams {
	p := db.CasesInsertParams{
		CreditCode:       code,
		CaseID:           c.CaseID,
		CaseNo:           c.CaseNo,
		Title:            c.Title,
		Cause:            c.Cause,
		Role:             string(c.Role),
		ClaimAmount:      numeric(c.ClaimAmount),
		AwardAmount:      numeric(c.AwardAmount),
		Result:           string(c.Result),
		FilingDate:       c.FilingDate.Time,
		ExecutionStatus:  string(c.ExecutionStatus),
		UnexecutedAmount: numeric(c.UnexecutedAmount),
		Committee:        c.Committee,
		Raw:              rawOrNull(c.Raw),
		ContentHash:      hash,
		FirstSeenAt:      now,
		LastSeenAt:       now,
		Baseline:         baseline,
	}
	if c.ClosingDate != nil {
		t := c.ClosingDate.Time
		p.ClosingDate = &t
	}
	if !c.UpdatedAt.IsZero() {
		t := c.UpdatedAt
		p.UpstreamUpdatedAt = &t
	}
	return p
}

func appendUpdate(u *db.CasesUpdateParams, code string, c *upstream.Case, hash []byte) {
	u.CreditCodes = append(u.CreditCodes, code)
	u.CaseIds = append(u.CaseIds, c.CaseID)
	u.CaseNos = append(u.CaseNos, c.CaseNo)
	u.Titles = append(u.Titles, c.Title)
	u.Causes = append(u.Causes, c.Cause)
	u.Roles = append(u.Roles, string(c.Role))
	u.ClaimAmounts = append(u.ClaimAmounts, numeric(c.ClaimAmount))
	u.AwardAmounts = append(u.AwardAmounts, numeric(c.AwardAmount))
	u.Results = append(u.Results, string(c.Result))
	u.FilingDates = append(u.FilingDates, c.FilingDate.Time)
	closing := ""
	if c.ClosingDate != nil {
		closing = c.ClosingDate.String()
	}
	u.ClosingDates = append(u.ClosingDates, closing)
	u.ExecutionStatuses = append(u.ExecutionStatuses, string(c.ExecutionStatus))
	u.UnexecutedAmounts = append(u.UnexecutedAmounts, numeric(c.UnexecutedAmount))
	u.Committees = append(u.Committees, c.Committee)
	u.UpstreamUpdatedAts = append(u.UpstreamUpdatedAts, c.UpdatedAt)
	u.Raws = append(u.Raws, rawOrNull(c.Raw))
	u.ContentHashes = append(u.ContentHashes, hash)
}

var jsonNull = []byte("null")

func rawOrNull(b []byte) []byte {
	if len(b) == 0 {
		return jsonNull
	}
	return b
}
