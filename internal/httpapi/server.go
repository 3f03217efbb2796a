// Package httpapi is the daemon's one HTTP listener: Prometheus metrics,
// liveness and readiness probes, and (when a token is configured) the ERP
// risk lookup API. Every endpoint has timeouts and body limits, and errors
// are JSON of one stable shape: {"error": {"code": "...", "message": "..."}}.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"
)

// Options configure the server.
type Options struct {
	Addr     string
	Gatherer prometheus.Gatherer
	// Ready reports whether the daemon can do its work (database reachable,
	// schema current). It is called at most once per ReadyCacheFor.
	Ready         func(ctx context.Context) error
	ReadyCacheFor time.Duration
	Logger        zerolog.Logger
	// Extra registers more routes (the lookup API) on the mux.
	Extra func(mux *Mux)
}

// Server serves the daemon's HTTP endpoints.
type Server struct {
	opts Options
	srv  *http.Server

	mu        sync.Mutex
	readyAt   time.Time
	readyErr  error
	readyOnce bool
}

// New builds the server; call Serve to listen.
func New(opts Options) *Server {
	if opts.ReadyCacheFor == 0 {
		opts.ReadyCacheFor = time.Second
	}
	s := &Server{opts: opts}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if opts.Gatherer != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Gatherer, promhttp.HandlerOpts{ErrorLog: nil}))
	}
	if opts.Extra != nil {
		opts.Extra(mux)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, http.StatusNotFound, "not_found", "no such endpoint: "+r.URL.Path)
	})
	s.srv = &http.Server{
		Addr:              opts.Addr,
		Handler:           http.MaxBytesHandler(mux, 1<<20),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	return s
}

// Handler returns the server's handler, for tests.
func (s *Server) Handler() http.Handler { return s.srv.Handler }

// Serve listens until ctx is done, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return err
	}
	return s.ServeListener(ctx, ln)
}

// ServeListener serves on ln until ctx is done.
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	s.opts.Logger.Info().Str("addr", ln.Addr().String()).Msg("http listening")
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(shutCtx)
	if e := <-errc; e != nil && !errors.Is(e, http.ErrServerClosed) {
		return e
	}
	return err
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	err := s.ready(r.Context())
	if err != nil {
		WriteError(w, http.StatusServiceUnavailable, "not_ready", err.Error())
		return
	}
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) ready(ctx context.Context) error {
	if s.opts.Ready == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.readyOnce && time.Since(s.readyAt) < s.opts.ReadyCacheFor {
		return s.readyErr
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	s.readyErr = s.opts.Ready(ctx)
	s.readyAt, s.readyOnce = time.Now(), true
	return s.readyErr
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// ErrorBody is the shape of every error response.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// WriteError writes the stable JSON error shape.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	var b ErrorBody
	b.Error.Code, b.Error.Message = code, message
	WriteJSON(w, status, b)
}

// Mux is the server's router; Options.Extra registers more routes on it.
type Mux = http.ServeMux
