package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// faultKind is what drawFault decided for one request.
type faultKind int

const (
	faultNone faultKind = iota
	faultCode
	faultHTTP
	faultGarbage
	faultTruncated
	faultOversized
	faultMalformed
	faultHang
)

type fault struct {
	kind    faultKind
	code    int // business code or HTTP status
	hangFor time.Duration
}

// belongs reports whether a business code is one of proto's.
func belongs(proto string, code int) bool {
	if proto == ProtocolSigned {
		return code >= 4000 && code < 7000
	}
	return code >= 1000 && code < 3000
}

// drawFault rolls the dice for one request of proto.
func (s *Server) drawFault(proto string) fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	x := s.dice.Float64()
	if x < f.Hang {
		return fault{kind: faultHang, hangFor: cmpOr(f.HangFor, DefaultHangFor)}
	}
	x -= f.Hang
	keys := make([]int, 0, len(f.ErrorRates))
	for k := range f.ErrorRates {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		p := f.ErrorRates[k]
		isHTTP := k < 1000
		if !isHTTP && !belongs(proto, k) {
			continue
		}
		if x < p {
			if isHTTP {
				return fault{kind: faultHTTP, code: k}
			}
			return fault{kind: faultCode, code: k}
		}
		x -= p
	}
	for _, c := range []struct {
		p    float64
		kind faultKind
	}{{f.Garbage, faultGarbage}, {f.Truncated, faultTruncated}, {f.Oversized, faultOversized}, {f.Malformed, faultMalformed}} {
		if x < c.p {
			return fault{kind: c.kind}
		}
		x -= c.p
	}
	return fault{}
}

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// writeHTTPFault answers an injected HTTP status the way gateways do: an
// HTML page, or for 429 a JSON envelope with Retry-After.
func (s *Server) writeHTTPFault(w http.ResponseWriter, status int) {
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "1")
	}
	text := http.StatusText(status)
	page := fmt.Sprintf("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", status, text, status, text)
	s.writeRaw(w, status, "text/html", []byte(page))
}

// writeGarbage answers 200 with something that is not the envelope.
func (s *Server) writeGarbage(w http.ResponseWriter) {
	s.mu.Lock()
	html := s.dice.Float64() < 0.5
	junk := make([]byte, 256)
	for i := range junk {
		junk[i] = byte(s.dice.Uint64())
	}
	s.mu.Unlock()
	if html {
		s.writeRaw(w, http.StatusOK, "text/html", []byte("<!DOCTYPE html><html><body><h1>系统维护中</h1><p>请稍后再试</p></body></html>"))
		return
	}
	s.writeRaw(w, http.StatusOK, "application/json;charset=UTF-8", junk)
}

// deliver writes a normal JSON answer, or its truncated or oversized
// variant.
func (s *Server) deliver(w http.ResponseWriter, f fault, body []byte) {
	switch f.kind {
	case faultTruncated:
		h := w.Header()
		h.Set("Content-Type", "application/json;charset=UTF-8")
		h.Set("Date", s.cfg.Now().UTC().Format(http.TimeFormat))
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler) // drop the connection mid-body
	case faultOversized:
		h := w.Header()
		h.Set("Content-Type", "application/json;charset=UTF-8")
		h.Set("Date", s.cfg.Now().UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusOK)
		head := []byte(`{"code":0,"message":"成功","requestId":"` + s.requestID() + `","padding":"`)
		if _, err := w.Write(head); err != nil {
			return
		}
		chunk := make([]byte, 32<<10)
		for i := range chunk {
			chunk[i] = 'x'
		}
		for n := int64(len(head)); n < s.cfg.OversizeBytes; n += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading
			}
		}
		_, _ = w.Write([]byte(`"}`))
	default:
		s.writeRaw(w, http.StatusOK, "application/json;charset=UTF-8", body)
	}
}
