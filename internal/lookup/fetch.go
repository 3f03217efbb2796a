package lookup

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/sync"
)

// addedNote is the watchlist note of companies the lookup adds.
const addedNote = "added by ERP lookup"

// leasePoll is how often the lookup checks whether another pass still
// holds a company it wants to fetch.
const leasePoll = 50 * time.Millisecond

// addAndFetch puts a company that is not on the watchlist on it (the
// sync engine claims only watched companies), then fetches it live.
func (h *Handler) addAndFetch(ctx context.Context, req *request) (*Response, error) {
	if h.opts.Engine == nil {
		return nil, &apiError{status: http.StatusNotFound, code: "not_watched", message: fmt.Sprintf(
			"credit code %s is not on the watchlist and this server does not fetch companies live", req.code)}
	}
	if req.industry == "" {
		return nil, badRequest("missing_industry", fmt.Sprintf(
			"credit code %s is not on the watchlist yet: pass its industry as the parameter industry "+
				"(a GB/T 4754-2017 section A-T or division 01-97) to add it and fetch it live", req.code))
	}
	name := req.name
	if name == "" {
		name = req.code // a placeholder; answers show the vendor's name instead
	}
	n, err := h.q.LookupWatchlistAdd(ctx, db.LookupWatchlistAddParams{
		CreditCode: req.code, CompanyName: name, IndustryCode: req.industry, Note: addedNote,
	})
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "23503": // foreign_key_violation: no such industry
		return nil, badRequest("invalid_industry", fmt.Sprintf(
			"parameter industry %q is not a GB/T 4754-2017 section or division", req.industry))
	case errors.As(err, &pgErr) && pgErr.Code == "23514": // check_violation
		return nil, badRequest("invalid_credit_code", pgErr.Message)
	case err != nil:
		return nil, fmt.Errorf("add %s to the watchlist: %w", req.code, err)
	}
	if n > 0 {
		h.log.Info().Str("credit_code", req.code).Str("industry", req.industry).Msg("added company to the watchlist for an ERP lookup")
	}
	return h.fetch(ctx, req.code, nil)
}

// fetch syncs one company through the engine (the same claim, write and
// scoring as a scheduled pass) and answers from what it stored. before is
// the company as read before the pass (nil if it was not on the watchlist).
func (h *Handler) fetch(ctx context.Context, code string, before *db.LookupCompanyRow) (*Response, error) {
	res, err := h.opts.Engine.RunPass(ctx, casesync.PassOptions{Trigger: "lookup", Codes: []string{code}, IgnoreSchedule: true})
	if err != nil {
		return nil, fmt.Errorf("live fetch of %s: %w", code, err)
	}
	if res.Succeeded == 0 && res.Failed == 0 {
		// Not claimed: another pass (the daemon's, another replica's)
		// holds the company. Its result is as good as ours: wait for it.
		if err := h.awaitLease(ctx, code); err != nil {
			return nil, err
		}
	}
	snap, err := h.read(ctx, code)
	if err != nil {
		return nil, err
	}
	if snap == nil {
		return nil, &apiError{status: http.StatusNotFound, code: "not_watched",
			message: fmt.Sprintf("credit code %s was removed from the watchlist during the lookup", code)}
	}
	after := &snap.row
	switch {
	case refreshed(before, after):
		return h.serveStored(snap, SourceUpstream, nil), nil
	case failedStatus(after.SyncStatus) && attempted(before, after):
		aerr := upstreamError(after.LastErrorCode, code, seconds(after.NextSyncInSeconds))
		h.log.Warn().Str("credit_code", code).Str("error_kind", after.LastErrorCode).Int("status", aerr.status).
			Msg("unable to fetch company for an ERP lookup")
		return h.serveWithout(snap, aerr)
	default: // the pass gave the company back unfinished (shutdown, lost lease)
		return h.serveWithout(snap, &apiError{status: http.StatusServiceUnavailable, code: "upstream_unavailable",
			retryAfter: time.Second, message: "the live fetch did not complete; try again"})
	}
}

// awaitLease waits until no pass holds the company's lease.
func (h *Handler) awaitLease(ctx context.Context, code string) error {
	t := time.NewTicker(leasePoll)
	defer t.Stop()
	for {
		leased, err := h.q.LookupLeaseHeld(ctx, code)
		switch {
		case errors.Is(err, pgx.ErrNoRows) || err == nil && !leased:
			return nil
		case err != nil:
			return fmt.Errorf("check the sync lease of %s: %w", code, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// refreshed reports whether a fetch succeeded between the two reads.
func refreshed(before, after *db.LookupCompanyRow) bool {
	if after.LastSuccessAt == nil {
		return false
	}
	return before == nil || before.LastSuccessAt == nil || after.LastSuccessAt.After(*before.LastSuccessAt)
}

// attempted reports whether a fetch was recorded between the two reads.
func attempted(before, after *db.LookupCompanyRow) bool {
	if after.LastAttemptAt == nil {
		return false
	}
	return before == nil || before.LastAttemptAt == nil || after.LastAttemptAt.After(*before.LastAttemptAt)
}
