package sim_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/secret"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/stretchr/testify/require"
)

const (
	appID     = "app-test"
	accessID  = "ak-test"
	accessKey = "00112233445566778899aabbccddeeff"
)

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func simDate() time.Time { return time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) }

type bundle struct {
	srv *sim.Server
	url string
}

func setup(t *testing.T, mod func(*sim.Config)) *bundle {
	t.Helper()
	cfg := sim.Config{
		PublicKey: &testKey().PublicKey, AppID: appID, AccessID: accessID, AccessKey: accessKey,
		Seed: 3, StartDate: simDate(),
	}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := sim.New(cfg)
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &bundle{srv: srv, url: hs.URL}
}

func sign(body []byte) string {
	digest := sha256.Sum256(body)
	sig, err := rsa.SignPKCS1v15(nil, testKey(), crypto.SHA256, digest[:])
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

type signedAnswer struct {
	Code      int    `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
	Data      *struct {
		CreditCode  string            `json:"creditCode"`
		CompanyName string            `json:"companyName"`
		Total       int               `json:"total"`
		PageNum     int               `json:"pageNum"`
		PageSize    int               `json:"pageSize"`
		Cases       []json.RawMessage `json:"cases"`
	} `json:"data"`
}

// postSigned sends body with the given headers and decodes the answer.
func (b *bundle) postSigned(t *testing.T, body []byte, headers map[string]string) (*http.Response, signedAnswer) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.url+upstream.SignedPath, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var ans signedAnswer
	require.NoError(t, json.Unmarshal(raw, &ans), "body: %s", raw)
	return resp, ans
}

func signedHeaders(body []byte, ts time.Time) map[string]string {
	return map[string]string{
		"X-App-Id":     appID,
		"X-Timestamp":  strconv.FormatInt(ts.Unix(), 10),
		"X-Signature":  sign(body),
		"Content-Type": "application/json",
	}
}

// busyCode returns a generated code whose company has at least n cases.
func busyCode(t *testing.T, srv *sim.Server, n int) string {
	t.Helper()
	for i := uint64(0); i < 20000; i++ {
		code := uscc.Generate(int(i%34), i)
		if co, ok := srv.Truth(code); ok && len(co.Cases) >= n {
			return code
		}
	}
	t.Fatalf("no company with %d cases", n)
	return ""
}

// TestSignatureCoversExactBytes: the vendor verifies the bytes it
// received. The same JSON re-encoded with other spacing, sent with the
// original signature, is rejected with 4001.
func TestSignatureCoversExactBytes(t *testing.T) {
	b := setup(t, nil)
	code := busyCode(t, b.srv, 1)
	compact := []byte(`{"creditCode":"` + code + `","pageNum":1,"pageSize":50}`)
	spaced := []byte(`{"creditCode": "` + code + `", "pageNum": 1, "pageSize": 50}`)

	_, ans := b.postSigned(t, compact, signedHeaders(compact, time.Now()))
	require.Equal(t, 0, ans.Code, ans.Message)

	resp, ans := b.postSigned(t, spaced, signedHeaders(compact, time.Now()))
	require.Equal(t, 4001, ans.Code)
	require.Contains(t, ans.Message, "signature does not match")
	require.NotEmpty(t, resp.Header.Get("Date"), "4001 answers carry a Date header")
}

// TestPythonSeedClientBody: the seed's Python client sends only
// {"creditCode": "…"} with Python's spacing; pageNum and pageSize default
// to 1 and 50.
func TestPythonSeedClientBody(t *testing.T) {
	b := setup(t, nil)
	code := busyCode(t, b.srv, 55)
	body := []byte(`{"creditCode": "` + code + `"}`) // json.dumps(params)
	_, ans := b.postSigned(t, body, signedHeaders(body, time.Now()))
	require.Equal(t, 0, ans.Code, ans.Message)
	truth, _ := b.srv.Truth(code)
	require.Equal(t, 1, ans.Data.PageNum)
	require.Equal(t, 50, ans.Data.PageSize)
	require.Equal(t, len(truth.Cases), ans.Data.Total)
	require.Len(t, ans.Data.Cases, 50)
	require.Equal(t, truth.CompanyName, ans.Data.CompanyName)
}

// TestSignedCredentialChecks: app id, timestamp window (±300 s of the
// vendor's wall clock) and signature encoding are all enforced.
func TestSignedCredentialChecks(t *testing.T) {
	wall := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	b := setup(t, func(c *sim.Config) { c.Now = func() time.Time { return wall } })
	code := busyCode(t, b.srv, 1)
	body := []byte(`{"creditCode":"` + code + `"}`)
	for _, tt := range []struct {
		name   string
		mutate func(h map[string]string)
		want   int
	}{
		{"valid", func(map[string]string) {}, 0},
		{"300 s behind is accepted", func(h map[string]string) { h["X-Timestamp"] = strconv.FormatInt(wall.Unix()-300, 10) }, 0},
		{"301 s behind", func(h map[string]string) { h["X-Timestamp"] = strconv.FormatInt(wall.Unix()-301, 10) }, 4001},
		{"301 s ahead", func(h map[string]string) { h["X-Timestamp"] = strconv.FormatInt(wall.Unix()+301, 10) }, 4001},
		{"milliseconds", func(h map[string]string) { h["X-Timestamp"] = strconv.FormatInt(wall.UnixMilli(), 10) }, 4001},
		{"no timestamp", func(h map[string]string) { delete(h, "X-Timestamp") }, 4001},
		{"no app id", func(h map[string]string) { delete(h, "X-App-Id") }, 4001},
		{"other app id", func(h map[string]string) { h["X-App-Id"] = "intruder" }, 4001},
		{"signature not base64", func(h map[string]string) { h["X-Signature"] = "%%%" }, 4001},
		{"no signature", func(h map[string]string) { delete(h, "X-Signature") }, 4001},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := signedHeaders(body, wall)
			tt.mutate(h)
			resp, ans := b.postSigned(t, body, h)
			require.Equal(t, tt.want, ans.Code, ans.Message)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			d, err := http.ParseTime(resp.Header.Get("Date"))
			require.NoError(t, err)
			require.True(t, d.Equal(wall), "the Date header shows the vendor's clock")
		})
	}
}

// TestSignedPaginationAndCap: pages partition the cases; a page size above
// the cap is capped.
func TestSignedPaginationAndCap(t *testing.T) {
	b := setup(t, func(c *sim.Config) { c.PageSizeMax = 10 })
	code := busyCode(t, b.srv, 25)
	truth, _ := b.srv.Truth(code)
	seen := map[string]bool{}
	for page := 1; ; page++ {
		body := []byte(`{"creditCode":"` + code + `","pageNum":` + strconv.Itoa(page) + `,"pageSize":500}`)
		_, ans := b.postSigned(t, body, signedHeaders(body, time.Now()))
		require.Equal(t, 0, ans.Code)
		require.Equal(t, 10, ans.Data.PageSize)
		require.Equal(t, len(truth.Cases), ans.Data.Total)
		if len(ans.Data.Cases) == 0 {
			break
		}
		for _, raw := range ans.Data.Cases {
			var c struct{ CaseID string }
			require.NoError(t, json.Unmarshal(raw, &c))
			require.False(t, seen[c.CaseID], "case %s on two pages", c.CaseID)
			seen[c.CaseID] = true
		}
	}
	require.Len(t, seen, len(truth.Cases))
}

type tianyuanAnswer struct {
	Code          int    `json:"code"`
	Message       string `json:"message"`
	TransactionID string `json:"transaction_id"`
	Data          string `json:"data"`
}

func (b *bundle) postTianyuan(t *testing.T, path string, headers map[string]string, body []byte) (*http.Response, tianyuanAnswer) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.url+path, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var ans tianyuanAnswer
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&ans))
	return resp, ans
}

func sealParams(t *testing.T, key string, params string) []byte {
	t.Helper()
	k, err := upstream.ParseAccessKey(secret.Value(key))
	require.NoError(t, err)
	sealed, err := upstream.TianyuanSeal(k, []byte(params))
	require.NoError(t, err)
	body, _ := json.Marshal(map[string]string{"data": sealed})
	return body
}

// TestTianyuanChecks: Access-Id, decryption and parameter validation answer
// the vendor's codes; a valid request gets an encrypted page that also
// lists non-labor lawsuits.
func TestTianyuanChecks(t *testing.T) {
	b := setup(t, nil)
	code := busyCode(t, b.srv, 30)
	path := upstream.TianyuanPathPrefix + upstream.DefaultProduct + "?t=" + strconv.FormatInt(time.Now().UnixMilli(), 10)
	good := sealParams(t, accessKey, `{"ent_name":"","ent_code":"`+code+`","page_num":1,"page_size":50}`)
	hdr := map[string]string{"Access-Id": accessID, "Content-Type": "application/json"}
	for _, tt := range []struct {
		name    string
		path    string
		headers map[string]string
		body    []byte
		want    int
	}{
		{"no access id", path, map[string]string{}, good, 1005},
		{"unknown access id", path, map[string]string{"Access-Id": "x"}, good, 1006},
		{"other product", upstream.TianyuanPathPrefix + "QYGL0001?t=1", hdr, good, 1008},
		{"no t", upstream.TianyuanPathPrefix + upstream.DefaultProduct, hdr, good, 1003},
		{"wrong key", path, hdr, sealParams(t, "ffeeddccbbaa99887766554433221100", `{"ent_code":"`+code+`"}`), 1002},
		{"not base64", path, hdr, []byte(`{"data":"!!!"}`), 1002},
		{"body not JSON", path, hdr, []byte(`data=x`), 1003},
		{"params not JSON", path, hdr, sealParams(t, accessKey, `ent_code=`+code), 1003},
		{"bad credit code", path, hdr, sealParams(t, accessKey, `{"ent_code":"91110000-bad"}`), 1003},
		{"valid", path, hdr, good, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, ans := b.postTianyuan(t, tt.path, tt.headers, tt.body)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.Equal(t, tt.want, ans.Code, ans.Message)
			require.NotEmpty(t, ans.TransactionID)
			if tt.want != 0 {
				require.Empty(t, ans.Data)
				return
			}
			key, _ := upstream.ParseAccessKey(accessKey)
			plain, err := upstream.TianyuanOpen(key, ans.Data)
			require.NoError(t, err)
			var data struct {
				Total int `json:"total"`
				List  []struct {
					NAjlx string `json:"n_ajlx"`
					NLaay string `json:"n_laay"`
				} `json:"list"`
			}
			require.NoError(t, json.Unmarshal(plain, &data))
			truth, _ := b.srv.Truth(code)
			require.Greater(t, data.Total, len(truth.Cases), "the judicial product lists other lawsuits too")
			labor := 0
			for _, r := range data.List {
				if upstream.IsLaborCause(r.NLaay, "") {
					labor++
					require.Equal(t, "劳动仲裁", r.NAjlx)
				}
			}
			require.Positive(t, labor)
		})
	}
}

// TestQuotaAnswers: past the quota the signed protocol says 5001 and
// tianyuan HTTP 429 with Retry-After.
func TestQuotaAnswers(t *testing.T) {
	b := setup(t, func(c *sim.Config) { c.QPS = 1 })
	code := busyCode(t, b.srv, 1)
	body := []byte(`{"creditCode":"` + code + `"}`)
	_, first := b.postSigned(t, body, signedHeaders(body, time.Now()))
	require.Equal(t, 0, first.Code)
	_, second := b.postSigned(t, body, signedHeaders(body, time.Now()))
	require.Equal(t, 5001, second.Code)

	path := upstream.TianyuanPathPrefix + upstream.DefaultProduct + "?t=1"
	resp, ans := b.postTianyuan(t, path, map[string]string{"Access-Id": accessID}, sealParams(t, accessKey, `{"ent_code":"`+code+`"}`))
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.Equal(t, "1", resp.Header.Get("Retry-After"))
	require.Equal(t, 1001, ans.Code)
	require.Equal(t, int64(1), b.srv.Stats().ByOutcome["ok"])
}

// TestUnknownShareIsDeterministic: the same codes are unknown on every
// call, and about the configured share of them.
func TestUnknownShareIsDeterministic(t *testing.T) {
	b := setup(t, func(c *sim.Config) { c.UnknownShare = 0.1 })
	unknown := 0
	for i := uint64(0); i < 3000; i++ {
		code := uscc.Generate(int(i%34), i)
		k := b.srv.Known(code)
		require.Equal(t, k, b.srv.Known(code))
		if !k {
			unknown++
		}
	}
	require.InDelta(t, 300, unknown, 60)
	require.False(t, b.srv.Known("not-a-code"))
}

// TestAdminEndpoints drives the clock, faults and truth over HTTP, and
// refuses non-loopback callers.
func TestAdminEndpoints(t *testing.T) {
	b := setup(t, nil)
	code := busyCode(t, b.srv, 5)
	post := func(path, body string) *http.Response {
		resp, err := http.Post(b.url+path, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	require.Equal(t, http.StatusOK, post("/_sim/advance?days=3", "").StatusCode)
	require.Equal(t, simDate().AddDate(0, 0, 3), b.srv.Date())
	require.Equal(t, http.StatusOK, post("/_sim/date?date=2026-11-24", "").StatusCode)
	require.Equal(t, simDate(), b.srv.Date())
	require.Equal(t, http.StatusBadRequest, post("/_sim/advance?days=x", "").StatusCode)

	require.Equal(t, http.StatusOK, post("/_sim/faults", `{"errorRates":{"5001":0.5},"garbage":0.1}`).StatusCode)
	require.Equal(t, sim.Faults{ErrorRates: map[int]float64{5001: 0.5}, Garbage: 0.1}, b.srv.Faults())
	require.Equal(t, http.StatusBadRequest, post("/_sim/faults", `{"garbage":2}`).StatusCode)
	require.Equal(t, http.StatusOK, post("/_sim/faults", `{}`).StatusCode)

	resp, err := http.Get(b.url + "/_sim/companies/" + code)
	require.NoError(t, err)
	defer resp.Body.Close()
	var got struct {
		Known   bool            `json:"known"`
		Total   int             `json:"total"`
		Cases   []upstream.Case `json:"cases"`
		Profile sim.CompanyProfile
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	truth, _ := b.srv.Truth(code)
	require.True(t, got.Known)
	require.Equal(t, len(truth.Cases), got.Total)
	require.Equal(t, truth.Cases[0].CaseNo, got.Cases[0].CaseNo)
	require.Equal(t, truth.Cases[0].ClaimAmount, got.Cases[0].ClaimAmount)

	stats, err := http.Get(b.url + "/_sim/stats")
	require.NoError(t, err)
	defer stats.Body.Close()
	require.Equal(t, http.StatusOK, stats.StatusCode)

	req := httptest.NewRequest(http.MethodGet, "/_sim/stats", nil)
	req.RemoteAddr = "10.1.2.3:4567"
	rec := httptest.NewRecorder()
	b.srv.Handler().ServeHTTP(rec, req)
	require.Equal(t, http.StatusForbidden, rec.Code)
}

// TestAdminShowsDistress: /_sim/companies/{code} lists the company's
// distress episodes with the cases that arose in each, collective disputes
// (ten or more workers, one case each, filed the same day at one
// committee) among them.
func TestAdminShowsDistress(t *testing.T) {
	b := setup(t, nil)
	var code string
	var want sim.History
	for i := uint64(0); i < 50000 && code == ""; i++ {
		c := uscc.Generate(int(i%34), i)
		h, ok := b.srv.History(c)
		if !ok {
			continue
		}
		for _, e := range h.Episodes {
			if e.End != nil && len(e.Collective) > 0 {
				code, want = c, h
			}
		}
	}
	require.NotEmpty(t, code, "some company went through distress with a collective dispute")

	resp, err := http.Get(b.url + "/_sim/companies/" + code)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var got struct {
		Cases    []upstream.Case       `json:"cases"`
		Episodes []sim.DistressEpisode `json:"episodes"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	require.Equal(t, want.Episodes, got.Episodes)
	require.Equal(t, want.Company.Cases, got.Cases)

	byID := map[string]upstream.Case{}
	for _, c := range got.Cases {
		byID[c.CaseID] = c
	}
	collectives := 0
	for _, e := range got.Episodes {
		for _, id := range e.CaseIDs {
			c, ok := byID[id]
			require.True(t, ok, "episode case %s is one of the company's cases", id)
			require.False(t, c.FilingDate.Before(e.Start.Time), "case %s filed in the episode", id)
			if e.End != nil {
				require.True(t, c.FilingDate.Before(e.End.Time), "case %s filed in the episode", id)
			}
		}
		for _, g := range e.Collective {
			collectives++
			require.GreaterOrEqual(t, g.Workers, 10)
			require.LessOrEqual(t, len(g.CaseIDs), g.Workers)
			for _, id := range g.CaseIDs {
				c := byID[id]
				require.Equal(t, g.Filed, c.FilingDate)
				require.Equal(t, g.Committee, c.Committee)
				require.Equal(t, upstream.RoleRespondent, c.Role)
				require.Contains(t, e.CaseIDs, id)
			}
		}
	}
	require.Positive(t, collectives)

	resp2, err := http.Get(b.url + "/_sim/companies/" + busyCode(t, b.srv, 1))
	require.NoError(t, err)
	defer resp2.Body.Close()
	var raw map[string]json.RawMessage
	require.NoError(t, json.NewDecoder(resp2.Body).Decode(&raw))
	require.True(t, strings.HasPrefix(string(raw["episodes"]), "["), "every answer lists the episodes, an empty list when there were none: %s", raw["episodes"])
}
