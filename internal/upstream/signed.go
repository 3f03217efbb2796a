package upstream

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// SignedPath is the signed protocol's query endpoint below the base URL.
const SignedPath = "/v1/arbitration/query"

// signedProtocol speaks protocol A of ARCHITECTURE.md “The vendor”: a JSON body signed with
// RSASSA-PKCS1-v1_5 over SHA-256 of the exact bytes sent.
type signedProtocol struct {
	endpoint string
	appID    string
	key      *rsa.PrivateKey
}

// signedRequest is the request body. Field order is the wire order.
type signedRequest struct {
	CreditCode string `json:"creditCode"`
	PageNum    int    `json:"pageNum"`
	PageSize   int    `json:"pageSize"`
}

func (p *signedProtocol) name() string { return ProtocolSigned }

// prepare encodes and signs a page request once; retries reuse the same
// bytes and signature (the timestamp header is not signed).
func (p *signedProtocol) prepare(code string, pageNum, pageSize int) (*prepared, error) {
	body, err := json.Marshal(signedRequest{CreditCode: code, PageNum: pageNum, PageSize: pageSize})
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	digest := sha256.Sum256(body)
	sig, err := rsa.SignPKCS1v15(nil, p.key, crypto.SHA256, digest[:])
	if err != nil {
		return nil, fmt.Errorf("sign request: %w", err)
	}
	return &prepared{body: body, signature: base64.StdEncoding.EncodeToString(sig)}, nil
}

func (p *signedProtocol) request(ctx context.Context, prep *prepared, now time.Time) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.endpoint, bytes.NewReader(prep.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-App-Id", p.appID)
	req.Header.Set("X-Timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("X-Signature", prep.signature)
	return req, nil
}

// signedEnvelope is the response wrapper of the signed protocol.
type signedEnvelope struct {
	Code      *int        `json:"code"`
	Message   string      `json:"message"`
	RequestID string      `json:"requestId"`
	Data      *signedData `json:"data"`
}

type signedData struct {
	CreditCode  string            `json:"creditCode"`
	CompanyName string            `json:"companyName"`
	Total       *int              `json:"total"`
	PageNum     int               `json:"pageNum"`
	PageSize    int               `json:"pageSize"`
	Cases       []json.RawMessage `json:"cases"`
}

// signedCase is one case as the signed protocol sends it.
type signedCase struct {
	CaseID           string          `json:"caseId"`
	CaseNo           string          `json:"caseNo"`
	Title            string          `json:"title"`
	Cause            string          `json:"cause"`
	Role             string          `json:"role"`
	ClaimAmount      json.RawMessage `json:"claimAmount"`
	AwardAmount      json.RawMessage `json:"awardAmount"`
	Result           string          `json:"result"`
	FilingDate       string          `json:"filingDate"`
	ClosingDate      *string         `json:"closingDate"`
	ExecutionStatus  string          `json:"executionStatus"`
	UnexecutedAmount json.RawMessage `json:"unexecutedAmount"`
	Committee        string          `json:"committee"`
	UpdatedAt        string          `json:"updatedAt"`
}

func (p *signedProtocol) decode(status int, body []byte) (*page, error) {
	return decodeSigned(status, body)
}

// decodeSigned decodes and validates one signed-protocol response.
func decodeSigned(status int, body []byte) (*page, error) {
	var env signedEnvelope
	jerr := json.Unmarshal(body, &env)
	if status != http.StatusOK || (jerr == nil && env.Code != nil && *env.Code != 0) {
		code := 0
		if jerr == nil && env.Code != nil {
			code = *env.Code
		}
		return nil, envelopeError(signedKind, status, code, env.Message, env.RequestID)
	}
	if jerr != nil {
		return nil, &Error{Kind: KindBadResponse, HTTPStatus: status, Message: "response is not the JSON envelope", Err: jerr}
	}
	fail := func(format string, args ...any) (*page, error) {
		e := badResponse(format, args...)
		e.HTTPStatus, e.RequestID = status, env.RequestID
		return nil, e
	}
	switch {
	case env.Code == nil:
		return fail("envelope has no code")
	case env.Data == nil:
		return fail("code 0 without data")
	case env.Data.Total == nil:
		return fail("data.total missing")
	case *env.Data.Total < 0:
		return fail("data.total %d is negative", *env.Data.Total)
	}
	d := env.Data
	pg := &page{
		creditCode: d.CreditCode, companyName: d.CompanyName, total: *d.Total,
		pageNum: d.PageNum, pageSize: d.PageSize, records: len(d.Cases),
		cases: make([]Case, 0, len(d.Cases)), requestID: env.RequestID,
	}
	for i, raw := range d.Cases {
		c, msg := signedToCase(raw)
		if msg != "" {
			if c.CaseID != "" {
				return fail("case %s: %s", c.CaseID, msg)
			}
			return fail("case #%d of page %d: %s", i+1, d.PageNum, msg)
		}
		pg.cases = append(pg.cases, c)
	}
	return pg, nil
}

// signedToCase converts and validates one wire case; msg names the field
// at fault.
func signedToCase(raw json.RawMessage) (c Case, msg string) {
	var w signedCase
	if err := json.Unmarshal(raw, &w); err != nil {
		return Case{}, fmt.Sprintf("not a case object: %v", err)
	}
	c = Case{
		CaseID: w.CaseID, CaseNo: w.CaseNo, Title: w.Title, Cause: w.Cause,
		Role: Role(w.Role), Result: Result(w.Result), ExecutionStatus: ExecutionStatus(w.ExecutionStatus),
		Committee: w.Committee, Raw: raw,
	}
	var err error
	if c.ClaimAmount, err = parseAmount(w.ClaimAmount); err != nil {
		return c, "field claimAmount: " + err.Error()
	}
	if c.AwardAmount, err = parseAmount(w.AwardAmount); err != nil {
		return c, "field awardAmount: " + err.Error()
	}
	if c.UnexecutedAmount, err = parseAmount(w.UnexecutedAmount); err != nil {
		return c, "field unexecutedAmount: " + err.Error()
	}
	if w.FilingDate == "" {
		return c, "field filingDate: missing"
	}
	fd, err := parseOptionalDate(w.FilingDate)
	if err != nil {
		return c, "field filingDate: " + err.Error()
	}
	c.FilingDate = *fd
	if w.ClosingDate != nil {
		if c.ClosingDate, err = parseOptionalDate(*w.ClosingDate); err != nil {
			return c, "field closingDate: " + err.Error()
		}
	}
	if w.UpdatedAt == "" {
		return c, "field updatedAt: missing"
	}
	u, err := time.Parse(time.RFC3339, w.UpdatedAt)
	if err != nil {
		return c, fmt.Sprintf("field updatedAt: %q is not an RFC 3339 time", w.UpdatedAt)
	}
	c.UpdatedAt = u.UTC()
	return c, validateCase(&c)
}
