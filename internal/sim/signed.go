package sim

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/arbsync/arbsync/internal/backoff"
	"github.com/arbsync/arbsync/internal/upstream"
)

// signedMessages are the vendor's messages for its business codes.
func signedMessage(code int) string {
	switch code {
	case 0:
		return "成功"
	case 4000:
		return "参数错误"
	case 4001:
		return "签名验证失败"
	case 4003:
		return "权限不足"
	case 5001:
		return "系统繁忙"
	case 6002:
		return "企业信息不存在"
	}
	return "未知错误"
}

// signedRequest is what the signed protocol accepts; pageNum and pageSize
// are optional (1 and 50), so {"creditCode": "…"} works.
type signedRequest struct {
	CreditCode string `json:"creditCode"`
	PageNum    int    `json:"pageNum"`
	PageSize   int    `json:"pageSize"`
}

type signedEnvelope struct {
	Code      int    `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
	Data      any    `json:"data"`
}

type signedPage struct {
	CreditCode  string       `json:"creditCode"`
	CompanyName string       `json:"companyName"`
	Total       *int         `json:"total"`
	PageNum     int          `json:"pageNum"`
	PageSize    int          `json:"pageSize"`
	Cases       []signedCase `json:"cases"`
}

type signedCase struct {
	CaseID           string  `json:"caseId"`
	CaseNo           string  `json:"caseNo"`
	Title            string  `json:"title"`
	Cause            string  `json:"cause"`
	Role             string  `json:"role"`
	ClaimAmount      string  `json:"claimAmount"`
	AwardAmount      string  `json:"awardAmount"`
	Result           string  `json:"result"`
	FilingDate       string  `json:"filingDate"`
	ClosingDate      *string `json:"closingDate"`
	ExecutionStatus  string  `json:"executionStatus"`
	UnexecutedAmount string  `json:"unexecutedAmount"`
	Committee        string  `json:"committee"`
	UpdatedAt        string  `json:"updatedAt"`
}

// SignedRecord is c as the signed protocol's page carries it (dates of
// updates in zone): the raw record a client keeps.
func SignedRecord(c *upstream.Case, zone *time.Location) []byte {
	b, _ := json.Marshal(toSignedCase(c, zone)) // cannot fail: strings only
	return b
}

func toSignedCase(c *upstream.Case, zone *time.Location) signedCase {
	out := signedCase{
		CaseID: c.CaseID, CaseNo: c.CaseNo, Title: c.Title, Cause: c.Cause, Role: string(c.Role),
		ClaimAmount: c.ClaimAmount.String(), AwardAmount: c.AwardAmount.String(), Result: string(c.Result),
		FilingDate: c.FilingDate.String(), ExecutionStatus: string(c.ExecutionStatus),
		UnexecutedAmount: c.UnexecutedAmount.String(), Committee: c.Committee,
		UpdatedAt: c.UpdatedAt.In(zone).Format(time.RFC3339),
	}
	if c.ClosingDate != nil {
		s := c.ClosingDate.String()
		out.ClosingDate = &s
	}
	return out
}

// verifySignature checks the signed protocol's credentials like the vendor:
// the app id, a timestamp within the window of the wall clock, and the
// RSA signature over the exact bytes received. It returns why they fail.
func (s *Server) verifySignature(r *http.Request, body []byte) string {
	appID := r.Header.Get("X-App-Id")
	switch {
	case appID == "":
		return "missing X-App-Id"
	case appID != s.cfg.AppID:
		return "unknown X-App-Id"
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-Timestamp"), 10, 64)
	if err != nil {
		return "X-Timestamp is not unix seconds"
	}
	skew := s.cfg.Now().Sub(time.Unix(ts, 0))
	if skew > s.cfg.TimestampWindow || skew < -s.cfg.TimestampWindow {
		return "X-Timestamp outside ±" + strconv.Itoa(int(s.cfg.TimestampWindow.Seconds())) + " s"
	}
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get("X-Signature"))
	if err != nil || len(sig) == 0 {
		return "X-Signature is not base64"
	}
	digest := sha256.Sum256(body)
	if rsa.VerifyPKCS1v15(s.cfg.PublicKey, crypto.SHA256, digest[:], sig) != nil {
		return "signature does not match the body"
	}
	return ""
}

func (s *Server) signedError(w http.ResponseWriter, status, code int, detail string) {
	msg := signedMessage(code)
	if detail != "" {
		msg += ": " + detail
	}
	s.writeJSON(w, status, signedEnvelope{Code: code, Message: msg, RequestID: s.requestID()})
}

// serveSigned answers POST /v1/arbitration/query.
func (s *Server) serveSigned(w http.ResponseWriter, r *http.Request, body []byte) {
	const proto = ProtocolSigned
	if why := s.verifySignature(r, body); why != "" {
		s.logRequest(proto, "", "code_4001")
		s.signedError(w, http.StatusOK, 4001, why)
		return
	}
	var req signedRequest
	if err := json.Unmarshal(body, &req); err != nil || req.CreditCode == "" {
		s.logRequest(proto, "", "code_4000")
		s.signedError(w, http.StatusBadRequest, 4000, "creditCode is required")
		return
	}
	code := req.CreditCode
	s.stats.code(code)
	if s.permissionDenied() {
		s.logRequest(proto, code, "code_4003")
		s.signedError(w, http.StatusOK, 4003, "")
		return
	}
	if s.overQuota() {
		s.logRequest(proto, code, "quota")
		s.signedError(w, http.StatusOK, 5001, "")
		return
	}
	f := s.drawFault(proto)
	switch f.kind {
	case faultHang:
		_ = backoff.Sleep(r.Context(), f.hangFor) // or until the client leaves
	case faultCode:
		s.logRequest(proto, code, describe("code", f.code))
		s.signedError(w, http.StatusOK, f.code, "")
		return
	case faultHTTP:
		s.logRequest(proto, code, describe("http", f.code))
		s.writeHTTPFault(w, f.code)
		return
	case faultGarbage:
		s.logRequest(proto, code, "garbage")
		s.writeGarbage(w)
		return
	}
	if !s.Known(code) {
		s.logRequest(proto, code, "code_6002")
		s.signedError(w, http.StatusOK, 6002, "")
		return
	}
	p := Profile(s.cfg.Seed, code)
	views := companyCases(s.cfg.Seed, &p, day(s.date.Load()))
	num, size, lo, hi := s.pageBounds(req.PageNum, req.PageSize, len(views))
	zone := time.FixedZone("CST", chinaOffset)
	total := len(views)
	pg := signedPage{CreditCode: code, CompanyName: p.Name, Total: &total, PageNum: num, PageSize: size, Cases: make([]signedCase, 0, hi-lo)}
	for i := lo; i < hi; i++ {
		pg.Cases = append(pg.Cases, toSignedCase(&views[i].c, zone))
	}
	if f.kind == faultMalformed {
		s.corruptSigned(&pg)
	}
	b, err := json.Marshal(signedEnvelope{Code: 0, Message: signedMessage(0), RequestID: s.requestID(), Data: pg})
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.logRequest(proto, code, faultOutcome(f))
	s.deliver(w, f, b)
}

// corruptSigned breaks one field of one case, or the total of an empty page.
func (s *Server) corruptSigned(pg *signedPage) {
	if len(pg.Cases) == 0 {
		pg.Total = nil
		return
	}
	s.mu.Lock()
	which := s.dice.IntN(3)
	s.mu.Unlock()
	c := &pg.Cases[0]
	switch which {
	case 0:
		c.Role = "boss"
	case 1:
		c.ClaimAmount = "12,000.00"
	default:
		c.FilingDate = "2025-13-45"
	}
}

// faultOutcome names the outcome of a request that got an answer body.
func faultOutcome(f fault) string {
	switch f.kind {
	case faultTruncated:
		return "truncated"
	case faultOversized:
		return "oversized"
	case faultMalformed:
		return "malformed"
	case faultHang:
		return "hang"
	}
	return "ok"
}
