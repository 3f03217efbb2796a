package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/arbsync/arbsync/internal/upstream"
)

// Admin endpoints (no authentication; they answer only clients on a
// loopback address, anyone else gets 403):
//
//	GET  /_sim/stats                 counters (Stats)
//	POST /_sim/stats/reset           zero the counters
//	GET  /_sim/date                  {"date":"2026-11-24"}
//	POST /_sim/date?date=2026-11-24  set the simulated date
//	POST /_sim/advance?days=N        move the simulated date by N days
//	GET  /_sim/companies/{code}      the truth for a code: profile, cases, distress episodes
//	GET  /_sim/faults                the injected faults (Faults)
//	POST /_sim/faults                replace them (JSON body of Faults)
//	POST /_sim/quota?qps=N           change the QPS quota (0 = none)
func (s *Server) routeAdmin() {
	s.mux.HandleFunc("GET /_sim/stats", s.admin(func(w http.ResponseWriter, r *http.Request) {
		s.writeJSON(w, http.StatusOK, s.Stats())
	}))
	s.mux.HandleFunc("POST /_sim/stats/reset", s.admin(func(w http.ResponseWriter, r *http.Request) {
		s.ResetStats()
		s.writeJSON(w, http.StatusOK, s.Stats())
	}))
	s.mux.HandleFunc("GET /_sim/date", s.admin(func(w http.ResponseWriter, r *http.Request) {
		s.writeDate(w)
	}))
	s.mux.HandleFunc("POST /_sim/date", s.admin(func(w http.ResponseWriter, r *http.Request) {
		d, err := time.Parse(time.DateOnly, r.URL.Query().Get("date"))
		if err != nil {
			adminError(w, "date must look like 2026-11-24")
			return
		}
		s.SetDate(d)
		s.writeDate(w)
	}))
	s.mux.HandleFunc("POST /_sim/advance", s.admin(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("days"))
		if err != nil || n < -36500 || n > 36500 {
			adminError(w, "days must be an integer (negative moves back)")
			return
		}
		s.Advance(n)
		s.writeDate(w)
	}))
	s.mux.HandleFunc("GET /_sim/companies/{code}", s.admin(func(w http.ResponseWriter, r *http.Request) {
		code := r.PathValue("code")
		h, known := s.History(code)
		if h.Episodes == nil {
			h.Episodes = []DistressEpisode{}
		}
		s.writeJSON(w, http.StatusOK, companyTruth{
			CreditCode: code, Known: known, Date: s.Date().Format(time.DateOnly), Profile: s.Profile(code),
			CompanyName: h.Company.CompanyName, Total: len(h.Company.Cases), Cases: h.Company.Cases, Episodes: h.Episodes,
		})
	}))
	s.mux.HandleFunc("GET /_sim/faults", s.admin(func(w http.ResponseWriter, r *http.Request) {
		s.writeJSON(w, http.StatusOK, s.Faults())
	}))
	s.mux.HandleFunc("POST /_sim/faults", s.admin(func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			adminError(w, "body must be a Faults JSON object: "+err.Error())
			return
		}
		if err := s.SetFaults(f); err != nil {
			adminError(w, err.Error())
			return
		}
		s.writeJSON(w, http.StatusOK, s.Faults())
	}))
	s.mux.HandleFunc("POST /_sim/quota", s.admin(func(w http.ResponseWriter, r *http.Request) {
		q, err := strconv.ParseFloat(r.URL.Query().Get("qps"), 64)
		if err != nil || q < 0 {
			adminError(w, "qps must be a non-negative number")
			return
		}
		s.SetQuota(q)
		s.writeJSON(w, http.StatusOK, map[string]float64{"qps": q})
	}))
}

// companyTruth is the /_sim/companies/{code} answer.
type companyTruth struct {
	CreditCode  string          `json:"creditCode"`
	Known       bool            `json:"known"`
	Date        string          `json:"date"`
	CompanyName string          `json:"companyName,omitempty"`
	Profile     CompanyProfile  `json:"profile"`
	Total       int             `json:"total"`
	Cases       []upstream.Case `json:"cases"`
	// Episodes are the latent distress episodes (HistoryAt): when each
	// began and ended and which of the cases arose in it.
	Episodes []DistressEpisode `json:"episodes"`
}

// admin restricts h to loopback clients.
func (s *Server) admin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			http.Error(w, "the simulator's admin endpoints answer loopback clients only", http.StatusForbidden)
			return
		}
		h(w, r)
	}
}

func (s *Server) writeDate(w http.ResponseWriter) {
	s.writeJSON(w, http.StatusOK, map[string]string{"date": s.Date().Format(time.DateOnly)})
}

func adminError(w http.ResponseWriter, msg string) {
	http.Error(w, fmt.Sprintf("bad request: %s", msg), http.StatusBadRequest)
}
