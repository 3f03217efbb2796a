package sim

import (
	"maps"
	"sync"
)

// Stats counts what the simulator was asked, so tests can count upstream
// calls: every request to a vendor endpoint, per path, per credit code
// (when the request was readable enough to name one) and per outcome
// ("ok", "code_5001", "http_503", "garbage", "truncated", …).
type Stats struct {
	Requests       int64            `json:"requests"`       // vendor endpoint requests
	ByPath         map[string]int64 `json:"byPath"`         // per URL path
	ByCreditCode   map[string]int64 `json:"byCreditCode"`   // per credit code named
	UntrackedCodes int64            `json:"untrackedCodes"` // beyond MaxTrackedCodes
	ByOutcome      map[string]int64 `json:"byOutcome"`      // ok, quota, code_N, http_N, garbage, …
	InFlight       int64            `json:"inFlight"`       // being answered now
	MaxInFlight    int64            `json:"maxInFlight"`    // peak since the last reset
	Date           string           `json:"date"`           // simulated date
}

// stats is the live, lock-protected form of Stats.
type stats struct {
	mu          sync.Mutex
	requests    int64
	byPath      map[string]int64
	byCode      map[string]int64
	untracked   int64
	byOutcome   map[string]int64
	inFlight    int64
	maxInFlight int64
}

// reset zeroes the counters; requests in flight stay counted.
func (st *stats) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.requests, st.untracked, st.maxInFlight = 0, 0, st.inFlight
	st.byPath, st.byCode, st.byOutcome = map[string]int64{}, map[string]int64{}, map[string]int64{}
}

// begin counts a request on path and returns the function that ends it.
func (st *stats) begin(path string) func() {
	st.mu.Lock()
	st.requests++
	st.byPath[path]++
	st.inFlight++
	st.maxInFlight = max(st.maxInFlight, st.inFlight)
	st.mu.Unlock()
	return func() {
		st.mu.Lock()
		st.inFlight--
		st.mu.Unlock()
	}
}

func (st *stats) code(code string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.byCode[code]; ok || len(st.byCode) < MaxTrackedCodes {
		st.byCode[code]++
		return
	}
	st.untracked++
}

func (st *stats) outcome(o string) {
	st.mu.Lock()
	st.byOutcome[o]++
	st.mu.Unlock()
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	st := &s.stats
	st.mu.Lock()
	defer st.mu.Unlock()
	return Stats{
		Requests: st.requests, ByPath: maps.Clone(st.byPath), ByCreditCode: maps.Clone(st.byCode),
		UntrackedCodes: st.untracked, ByOutcome: maps.Clone(st.byOutcome),
		InFlight: st.inFlight, MaxInFlight: st.maxInFlight, Date: s.Date().Format("2006-01-02"),
	}
}

// Requests returns how many requests named the credit code.
func (s *Server) Requests(code string) int64 {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.byCode[code]
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() { s.stats.reset() }
