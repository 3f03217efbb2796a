package lookup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/httpapi"
	"github.com/arbsync/arbsync/internal/lookup"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/sim/simtest"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/sync"
)

const testToken = "lookup-test-token-0f9e8d7c"

// bundle is a real PostgreSQL, a real simulator over HTTP, a real engine,
// and the lookup served through the daemon's HTTP server.
type bundle struct {
	pool   *pgxpool.Pool
	sim    *sim.Server
	engine *casesync.Engine
	reg    *prometheus.Registry
	logs   *lockedBuffer
	url    string // the lookup server
}

type setupOpts struct {
	unknownShare float64
	noEngine     bool // live fetches disabled
	cacheSize    int  // Options.CacheSize
}

func setup(t *testing.T, o setupOpts) *bundle {
	t.Helper()
	d := testdb.NewDatabase(t)
	s, simURL := simtest.Start(t, simtest.Options{UnknownShare: o.unknownShare})
	b := &bundle{pool: d.Pool, sim: s, reg: prometheus.NewRegistry(), logs: &lockedBuffer{}}
	b.engine = newEngine(t, d.Pool, s, simURL)
	opts := lookup.Options{
		Pool:       d.Pool,
		Engine:     b.engine,
		Token:      testToken,
		Registerer: b.reg,
		Logger:     zerolog.New(b.logs).Level(zerolog.DebugLevel),
		CacheSize:  o.cacheSize,
	}
	if o.noEngine {
		opts.Engine = nil
	}
	b.url = serve(t, opts)
	return b
}

// serve runs a lookup handler behind the daemon's HTTP server.
func serve(t *testing.T, opts lookup.Options) string {
	t.Helper()
	h, err := lookup.New(opts)
	require.NoError(t, err)
	api := httpapi.New(httpapi.Options{Extra: h.Register, Logger: zerolog.Nop()})
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func newEngine(t *testing.T, pool *pgxpool.Pool, s *sim.Server, url string) *casesync.Engine {
	t.Helper()
	cfg := simtest.Config(url)
	cfg.Upstream.Concurrency = 4
	return simtest.Engine(t, pool, simtest.Client(t, cfg), s, cfg, zerolog.Nop())
}

// findCode returns the first generated code (from base on) that ok accepts.
func findCode(t *testing.T, base uint64, ok func(code string) bool) string {
	t.Helper()
	for i := range 10_000 {
		code := uscc.Generate(i%34, base+uint64(i))
		if ok(code) {
			return code
		}
	}
	t.Fatal("no generated code fits")
	return ""
}

// knownCode is a company the simulator knows, with 1 to 40 cases (one
// page: one upstream request per fetch).
func (b *bundle) knownCode(t *testing.T, base uint64) string {
	t.Helper()
	return findCode(t, base, func(code string) bool {
		c, ok := b.sim.Truth(code)
		return ok && len(c.Cases) >= 1 && len(c.Cases) <= 40
	})
}

// watch puts code on the watchlist with the simulator's industry.
func (b *bundle) watch(t *testing.T, code string) {
	t.Helper()
	p := b.sim.Profile(code)
	_, err := b.pool.Exec(context.Background(),
		`INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, $3)`,
		code, p.Name, p.Industry)
	require.NoError(t, err)
}

// syncNow syncs codes through the engine, as the daemon would.
func (b *bundle) syncNow(t *testing.T, codes ...string) {
	t.Helper()
	res, err := b.engine.RunPass(context.Background(), casesync.PassOptions{Trigger: "manual", Codes: codes})
	require.NoError(t, err)
	require.Equal(t, len(codes), res.Succeeded)
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) response(t *testing.T) lookup.Response {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	var resp lookup.Response
	require.NoError(t, json.Unmarshal(r.body, &resp))
	return resp
}

func (r reply) error(t *testing.T, status int, code string) string {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	require.Contains(t, r.header.Get("Content-Type"), "application/json")
	var e httpapi.ErrorBody
	require.NoError(t, json.Unmarshal(r.body, &e), "body: %s", r.body)
	require.Equal(t, code, e.Error.Code, "body: %s", r.body)
	require.NotEmpty(t, e.Error.Message)
	return e.Error.Message
}

// do sends method to the lookup of code with query and authorization (no
// header when empty).
func (b *bundle) do(t *testing.T, method, code, query, authorization string) reply {
	t.Helper()
	u := b.url + "/v1/companies/" + code + "/risk"
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequest(method, u, nil)
	require.NoError(t, err)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return reply{status: resp.StatusCode, header: resp.Header, body: body}
}

// get looks code up with the right token.
func (b *bundle) get(t *testing.T, code, query string) reply {
	t.Helper()
	return b.do(t, http.MethodGet, code, query, "Bearer "+testToken)
}

func (b *bundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// metric returns the value of the counter or gauge name with labels.
func (b *bundle) metric(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := b.reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for _, lp := range m.GetLabel() {
				if labels[lp.GetName()] != lp.GetValue() {
					continue metrics
				}
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s%v", name, labels)
	return 0
}

func simBusy() sim.Faults { return sim.Faults{ErrorRates: map[int]float64{5001: 1}} }

// lockedBuffer collects log output from concurrent requests.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
