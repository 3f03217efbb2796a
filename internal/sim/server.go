package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arbsync/arbsync/internal/backoff"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/rs/zerolog"
	"golang.org/x/time/rate"
)

// maxRequestBody bounds request bodies; the real requests are < 1 KiB.
const maxRequestBody = 64 << 10

// Server is a simulated data vendor. It is safe for concurrent use; the
// simulated date, faults and quota can change while it serves.
type Server struct {
	cfg    Config
	aesKey []byte
	log    zerolog.Logger
	mux    *http.ServeMux

	date   atomic.Int64 // simulated day
	reqSeq atomic.Uint64
	idBase uint64 // varies per start, like a vendor's request ids

	mu     sync.Mutex // guards faults, quota, dice
	faults Faults
	quota  *rate.Limiter // nil: none
	dice   *rand.Rand

	stats stats
}

// New validates cfg and builds a Server.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Server{
		cfg:    cfg,
		log:    cfg.Logger,
		faults: cloneFaults(cfg.Faults),
		dice:   rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed)),
	}
	s.stats.reset()
	if cfg.Protocol != ProtocolSigned {
		s.aesKey, _ = upstream.ParseAccessKey(cfg.AccessKey) // validated
	}
	s.idBase = mix64(uint64(cfg.Now().UnixNano()))
	s.date.Store(int64(dayOf(cfg.StartDate)))
	s.setQuotaLocked(cfg.QPS)
	s.mux = http.NewServeMux()
	if cfg.Protocol != ProtocolTianyuan {
		s.mux.HandleFunc("POST "+upstream.SignedPath, s.vendor(s.serveSigned))
	}
	if cfg.Protocol != ProtocolSigned {
		s.mux.HandleFunc("POST "+upstream.TianyuanPathPrefix+"{product}", s.vendor(s.serveTianyuan))
	}
	s.routeAdmin()
	return s, nil
}

// Handler returns the HTTP handler: the vendor endpoints and /_sim/.
func (s *Server) Handler() http.Handler { return s.mux }

// Date returns the simulated date.
func (s *Server) Date() time.Time { return day(s.date.Load()).time() }

// SetDate sets the simulated date (its calendar day).
func (s *Server) SetDate(t time.Time) {
	s.date.Store(int64(dayOf(t)))
	s.log.Info().Str("date", s.Date().Format(time.DateOnly)).Msg("simulated date set")
}

// Advance moves the simulated date by days (negative moves back).
func (s *Server) Advance(days int) time.Time {
	d := day(s.date.Add(int64(days)))
	s.log.Info().Int("days", days).Str("date", d.String()).Msg("simulated date advanced")
	return d.time()
}

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	s.faults = cloneFaults(f)
	s.mu.Unlock()
	s.log.Info().Interface("faults", f).Msg("faults set")
	return nil
}

// Faults returns the injected faults.
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneFaults(s.faults)
}

// permissionDenied reports whether the Permission fault is on.
func (s *Server) permissionDenied() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.Permission
}

// SetQuota changes the QPS quota; 0 removes it.
func (s *Server) SetQuota(qps float64) {
	s.mu.Lock()
	s.setQuotaLocked(qps)
	s.mu.Unlock()
}

func (s *Server) setQuotaLocked(qps float64) {
	if qps <= 0 {
		s.quota = nil
		return
	}
	s.quota = rate.NewLimiter(rate.Limit(qps), max(1, int(qps+0.5)))
}

// Known reports whether the vendor knows the credit code: it is
// well-formed and not among the deterministic UnknownShare.
func (s *Server) Known(code string) bool {
	if !uscc.FormatValid(code) {
		return false
	}
	h := hashKey(s.cfg.Seed, code, saltUnknown, 0)
	return float64(h>>11)/(1<<53) >= s.cfg.UnknownShare
}

// Truth returns what the vendor holds for a company on the current
// simulated date, exactly as a correct client returns it (Raw empty), or
// false when the vendor does not know the code.
func (s *Server) Truth(code string) (upstream.Company, bool) {
	if !s.Known(code) {
		return upstream.Company{}, false
	}
	return TruthAt(s.cfg.Seed, code, s.Date()), true
}

// History returns Truth and the company's distress episodes on the current
// simulated date, or false when the vendor does not know the code.
func (s *Server) History(code string) (History, bool) {
	if !s.Known(code) {
		return History{}, false
	}
	return HistoryAt(s.cfg.Seed, code, s.Date()), true
}

// Profile returns the company profile behind code for this server's seed.
func (s *Server) Profile(code string) CompanyProfile { return Profile(s.cfg.Seed, code) }

// vendor wraps a protocol handler: counting, the request body limit and
// the simulated latency.
func (s *Server) vendor(h func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		done := s.stats.begin(r.URL.Path)
		defer done()
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
		if err != nil {
			s.stats.outcome("http_413")
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := s.delay(r.Context()); err != nil {
			s.stats.outcome("client_gone")
			return
		}
		h(w, r, body)
	}
}

// delay sleeps the simulated latency.
func (s *Server) delay(ctx context.Context) error {
	d := s.cfg.Latency
	if s.cfg.Jitter > 0 {
		s.mu.Lock()
		x := s.dice.Float64()
		s.mu.Unlock()
		d += time.Duration((2*x - 1) * float64(s.cfg.Jitter))
	}
	return backoff.Sleep(ctx, d)
}

// overQuota takes a quota token, reporting whether none was left.
func (s *Server) overQuota() bool {
	s.mu.Lock()
	q := s.quota
	s.mu.Unlock()
	return q != nil && !q.Allow()
}

// requestID returns a fresh vendor request id.
func (s *Server) requestID() string {
	n := s.reqSeq.Add(1)
	return strconv.FormatUint(mix64(s.idBase+n)|1<<63, 16)
}

// writeJSON answers with a JSON body and the vendor's Date header (from the
// injected wall clock, so tests can see a skew).
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.writeRaw(w, status, "application/json;charset=UTF-8", b)
}

func (s *Server) writeRaw(w http.ResponseWriter, status int, contentType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Date", s.cfg.Now().UTC().Format(http.TimeFormat))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// pageBounds applies the defaults and the cap to a requested page.
func (s *Server) pageBounds(pageNum, pageSize, total int) (num, size, lo, hi int) {
	num, size = max(pageNum, 1), pageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	size = min(size, s.cfg.PageSizeMax)
	lo = min((num-1)*size, total)
	hi = min(lo+size, total)
	return num, size, lo, hi
}

// logRequest writes the request's debug line.
func (s *Server) logRequest(proto, code, outcome string) {
	s.stats.outcome(outcome)
	s.log.Debug().Str("protocol", proto).Str("credit_code", code).Str("outcome", outcome).Msg("sim request")
}

func cloneFaults(f Faults) Faults {
	if f.ErrorRates != nil {
		m := make(map[int]float64, len(f.ErrorRates))
		for k, v := range f.ErrorRates {
			m[k] = v
		}
		f.ErrorRates = m
	}
	return f
}

// describe formats a fault outcome for stats.
func describe(kind string, code int) string {
	if code == 0 {
		return kind
	}
	return fmt.Sprintf("%s_%d", kind, code)
}
