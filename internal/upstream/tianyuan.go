package upstream

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// TianyuanPathPrefix is the tianyuan endpoint below the base URL; the
// product code follows it: POST {base}/api/v1/{product}?t={unix ms}.
const TianyuanPathPrefix = "/api/v1/"

// tianyuanProtocol speaks protocol B of ARCHITECTURE.md “The vendor”: AES-128-CBC encrypted
// parameters and responses, identified by the Access-Id header.
type tianyuanProtocol struct {
	endpoint string
	accessID string
	key      []byte
}

// TianyuanParams is the plaintext of a tianyuan request for the company
// judicial product. The client sends ent_code (it only knows the credit
// code) and pages with page_num (from 1) and page_size.
type TianyuanParams struct {
	EntName  string `json:"ent_name,omitempty"`  // company name (optional)
	EntCode  string `json:"ent_code"`            // credit code
	PageNum  int    `json:"page_num,omitempty"`  // from 1 (default 1)
	PageSize int    `json:"page_size,omitempty"` // default 50, capped by the vendor
}

// tianyuanBody is the request body: the sealed parameters.
type tianyuanBody struct {
	Data string `json:"data"`
}

func (p *tianyuanProtocol) name() string { return ProtocolTianyuan }

// prepare encrypts a page request once; retries resend the same bytes.
func (p *tianyuanProtocol) prepare(code string, pageNum, pageSize int) (*prepared, error) {
	params, err := json.Marshal(TianyuanParams{EntCode: code, PageNum: pageNum, PageSize: pageSize})
	if err != nil {
		return nil, fmt.Errorf("encode params: %w", err)
	}
	sealed, err := TianyuanSeal(p.key, params)
	if err != nil {
		return nil, fmt.Errorf("encrypt params: %w", err)
	}
	body, err := json.Marshal(tianyuanBody{Data: sealed})
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return &prepared{body: body}, nil
}

func (p *tianyuanProtocol) request(ctx context.Context, prep *prepared, now time.Time) (*http.Request, error) {
	u := p.endpoint + "?t=" + strconv.FormatInt(now.UnixMilli(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(prep.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Access-Id", p.accessID)
	return req, nil
}

// tianyuanEnvelope is the response wrapper: data is sealed like requests.
type tianyuanEnvelope struct {
	Code          *int   `json:"code"`
	Message       string `json:"message"`
	TransactionID string `json:"transaction_id"`
	Data          string `json:"data"`
}

// tianyuanData is the decrypted data of a successful response.
type tianyuanData struct {
	EntName  string            `json:"ent_name"`
	EntCode  string            `json:"ent_code"`
	Total    *int              `json:"total"`
	PageNum  int               `json:"page_num"`
	PageSize int               `json:"page_size"`
	List     []json.RawMessage `json:"list"`
}

func (p *tianyuanProtocol) decode(status int, body []byte) (*page, error) {
	return decodeTianyuan(p.key, status, body)
}

// decodeTianyuan decrypts, decodes, filters and validates one tianyuan
// response.
func decodeTianyuan(key []byte, status int, body []byte) (*page, error) {
	var env tianyuanEnvelope
	jerr := json.Unmarshal(body, &env)
	if status != http.StatusOK || (jerr == nil && env.Code != nil && *env.Code != 0) {
		code := 0
		if jerr == nil && env.Code != nil {
			code = *env.Code
		}
		return nil, envelopeError(tianyuanKind, status, code, env.Message, env.TransactionID)
	}
	if jerr != nil {
		return nil, &Error{Kind: KindBadResponse, HTTPStatus: status, Message: "response is not the JSON envelope", Err: jerr}
	}
	fail := func(format string, args ...any) (*page, error) {
		e := badResponse(format, args...)
		e.HTTPStatus, e.RequestID = status, env.TransactionID
		return nil, e
	}
	if env.Code == nil {
		return fail("envelope has no code")
	}
	if env.Data == "" {
		return fail("code 0 without data")
	}
	plain, err := TianyuanOpen(key, env.Data)
	if err != nil {
		return fail("data: %v", err)
	}
	var d tianyuanData
	if err := json.Unmarshal(plain, &d); err != nil {
		return fail("decrypted data is not JSON: %v", err)
	}
	if d.Total == nil {
		return fail("data.total missing")
	}
	if *d.Total < 0 {
		return fail("data.total %d is negative", *d.Total)
	}
	pg := &page{
		creditCode: d.EntCode, companyName: d.EntName, total: *d.Total,
		pageNum: d.PageNum, pageSize: d.PageSize, records: len(d.List),
		requestID: env.TransactionID,
	}
	zone := chinaZone()
	for i, raw := range d.List {
		c, keep, msg := tianyuanToCase(raw, zone)
		if msg != "" {
			if c.CaseID != "" {
				return fail("case %s: %s", c.CaseID, msg)
			}
			return fail("record #%d of page %d: %s", i+1, d.PageNum, msg)
		}
		if keep {
			pg.cases = append(pg.cases, c)
		}
	}
	return pg, nil
}
