package lookup

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/rs/zerolog"
	"golang.org/x/sync/singleflight"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/httpapi"
)

// Route is the lookup's path pattern on the daemon's mux.
const Route = "/v1/companies/{creditCode}/risk"

// Handler serves GET /v1/companies/{creditCode}/risk. It is safe for
// concurrent use; all its state lives in the value.
type Handler struct {
	opts    Options
	token   [sha256.Size]byte
	q       *db.Queries
	cache   *expirable.LRU[string, *Response] // nil when off
	flights singleflight.Group
	metrics *metrics
	log     zerolog.Logger
}

// New builds a handler; it fails on missing options. Building two on one
// Registerer panics (their metrics would collide).
func New(opts Options) (*Handler, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Handler{
		opts:    opts,
		token:   sha256.Sum256([]byte(opts.Token)),
		q:       db.New(opts.Pool),
		cache:   newCache(opts.CacheSize, opts.CacheTTL),
		metrics: newMetrics(opts.Registerer),
		log:     opts.Logger.With().Str("component", "lookup").Logger(),
	}, nil
}

// Register adds the lookup route to the daemon's mux (for
// httpapi.Options.Extra). The route takes every method so that the others
// get the JSON 405 rather than the mux's plain-text one.
func (h *Handler) Register(mux *httpapi.Mux) {
	mux.Handle(Route, h)
}

// ServeHTTP answers one lookup. The request body is never read (the
// daemon's server also caps it at 1 MiB).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	resp, aerr := h.serve(r)
	status, source := http.StatusOK, "error"
	if aerr != nil {
		status = aerr.status
		aerr.write(w)
	} else {
		source = resp.Source
		httpapi.WriteJSON(w, status, resp)
	}
	took := time.Since(start)
	h.metrics.request(status, source, took)
	h.log.Debug().Str("credit_code", shorten(r.PathValue("creditCode"))).Int("status", status).
		Str("source", source).Dur("took", took).Msg("risk lookup")
}

// serve authenticates, validates, then answers from the cache or a load
// shared by every concurrent request for the same company.
func (h *Handler) serve(r *http.Request) (*Response, *apiError) {
	if r.Method != http.MethodGet {
		return nil, &apiError{status: http.StatusMethodNotAllowed, code: "method_not_allowed",
			message: "only GET is allowed", allow: http.MethodGet}
	}
	if err := authorize(r, h.token); err != nil {
		return nil, err
	}
	req, aerr := parseRequest(r)
	if aerr != nil {
		return nil, aerr
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.Timeout)
	defer cancel()

	if !req.refresh {
		if resp, ok := h.cached(req.code); ok {
			h.metrics.cacheResult(tierLocal, true)
			return resp, nil
		}
		h.metrics.cacheResult(tierLocal, false)
	}
	// The load runs detached from this request, so a client that hangs up
	// does not fail the others waiting on it; each waits on its own ctx.
	ch := h.flights.DoChan(req.flightKey(), func() (any, error) {
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.opts.Timeout)
		defer cancel()
		return h.load(lctx, req)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			var aerr *apiError
			switch {
			case errors.As(res.Err, &aerr):
				return nil, aerr
			case errors.Is(res.Err, context.DeadlineExceeded):
				return nil, errTimeout()
			}
			h.log.Error().Err(res.Err).Str("credit_code", req.code).Msg("unable to look up company")
			return nil, errInternal()
		}
		return res.Val.(*Response), nil
	case <-ctx.Done():
		return nil, errTimeout()
	}
}

// cached returns the cached answer for code unless it has expired or its
// data has grown older than the freshness limit meanwhile.
func (h *Handler) cached(code string) (*Response, bool) {
	if h.cache == nil {
		return nil, false
	}
	resp, ok := h.cache.Get(code)
	if !ok {
		return nil, false
	}
	resp = resp.at(h.opts.Now(), h.opts.Freshness, SourceCache)
	if resp.Stale {
		return nil, false
	}
	return resp, true
}
