package lookup

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/sync"
)

// snapshot is one company as stored, read in one transaction so the score,
// the cases and the events agree.
type snapshot struct {
	row    db.LookupCompanyRow
	cases  []db.LookupLatestCasesRow
	events []db.CaseEventsRecentRow
	// top are the cases that drove its score (none when unscored).
	top []outbox.TopCase
}

// read returns the stored company, or nil when it is not on the watchlist.
func (h *Handler) read(ctx context.Context, code string) (*snapshot, error) {
	var snap *snapshot
	err := pgx.BeginTxFunc(ctx, h.opts.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			q := h.q.WithTx(tx)
			row, err := q.LookupCompany(ctx, code)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read company %s: %w", code, err)
			}
			cases, err := q.LookupLatestCases(ctx, db.LookupLatestCasesParams{CreditCode: code, MaxRows: latestCases})
			if err != nil {
				return fmt.Errorf("read latest cases of %s: %w", code, err)
			}
			events, err := q.CaseEventsRecent(ctx, db.CaseEventsRecentParams{
				CreditCode: code, Since: h.opts.Now().AddDate(0, 0, -recentEventsDays), MaxRows: recentEvents,
			})
			if err != nil {
				return fmt.Errorf("read recent events of %s: %w", code, err)
			}
			snap = &snapshot{row: row, cases: cases, events: events}
			if rule := scoring.Rule(row.RuleVersion); row.Scored && rule.Valid() && row.ScoreAsOf != nil {
				// Explained under the rule that made the score, at its as-of date.
				top, err := scoringdb.TopCasesFor(ctx, q, rule, map[string]scoring.Date{code: scoring.DateOf(*row.ScoreAsOf)})
				if err != nil {
					return fmt.Errorf("explain the score of %s: %w", code, err)
				}
				snap.top = top[code]
			}
			return nil
		})
	return snap, err
}

// load answers a request from PostgreSQL (tier 2), first fetching the
// company live (tier 3) when it is not on the watchlist, its data is older
// than the freshness limit, or the request asks for a refresh.
func (h *Handler) load(ctx context.Context, req *request) (*Response, error) {
	snap, err := h.read(ctx, req.code)
	if err != nil {
		return nil, err
	}
	if req.checkProblem != "" && (snap == nil || !snap.row.ChecksumOverride) {
		return nil, checkCharError(req)
	}
	if snap == nil {
		if !req.refresh {
			h.metrics.cacheResult(tierPostgres, false)
		}
		return h.addAndFetch(ctx, req)
	}
	row := &snap.row
	fresh := row.LastSuccessAt != nil && h.opts.Now().Sub(*row.LastSuccessAt) <= h.opts.Freshness
	if !req.refresh {
		h.metrics.cacheResult(tierPostgres, fresh)
		if fresh {
			return h.serveStored(snap, SourcePostgres, nil), nil
		}
	}
	switch {
	case h.opts.Engine == nil:
		return h.serveWithout(snap, &apiError{status: http.StatusConflict, code: "live_fetch_disabled",
			message: fmt.Sprintf("credit code %s cannot be fetched live: this server does not fetch companies live", req.code)})
	case !row.Enabled:
		return h.serveWithout(snap, &apiError{status: http.StatusConflict, code: "watchlist_disabled",
			message: fmt.Sprintf("credit code %s cannot be fetched live: it is disabled on the watchlist", req.code)})
	}
	if aerr := h.backingOff(row); aerr != nil {
		return h.serveWithout(snap, aerr)
	}
	return h.fetch(ctx, req.code, row)
}

// backingOff returns the recorded failure of a company whose last fetch
// failed and whose retry time has not come: the lookup does not ask the
// vendor again before the sync backoff would. A company the vendor does
// not know is asked again once the freshness limit has passed.
func (h *Handler) backingOff(row *db.LookupCompanyRow) *apiError {
	switch row.SyncStatus {
	case casesync.StatusNotFound:
		if row.LastAttemptAt != nil && h.opts.Now().Sub(*row.LastAttemptAt) < h.opts.Freshness {
			return upstreamError(row.LastErrorCode, row.CreditCode, 0)
		}
	case casesync.StatusFailing, casesync.StatusForbidden:
		if row.NextSyncInSeconds > 0 {
			return upstreamError(row.LastErrorCode, row.CreditCode, seconds(row.NextSyncInSeconds))
		}
	}
	return nil
}

// serveStored answers with stored data, and caches the answer when it is
// fresh and complete.
func (h *Handler) serveStored(snap *snapshot, source string, refreshErr *RefreshError) *Response {
	now := h.opts.Now()
	resp := buildResponse(&snap.row, snap.cases, snap.top, source).at(now, h.opts.Freshness, source)
	resp.RecentEvents = buildEvents(snap.events)
	resp.RefreshError = refreshErr
	if !resp.Stale && refreshErr == nil && h.cache != nil {
		h.cache.Add(snap.row.CreditCode, resp)
	}
	return resp
}

// serveWithout answers when no fresh data can be had: with the stored
// data if the company was ever synced (naming why it was not refreshed),
// else with the error itself.
func (h *Handler) serveWithout(snap *snapshot, why *apiError) (*Response, error) {
	if snap.row.LastSuccessAt == nil {
		return nil, why
	}
	return h.serveStored(snap, SourcePostgres, &RefreshError{Code: why.code, Message: why.message}), nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
