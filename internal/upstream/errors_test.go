package upstream_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/stretchr/testify/require"
)

// requireKind asserts err is an *upstream.Error of kind and returns it.
func requireKind(t *testing.T, err error, kind upstream.Kind) *upstream.Error {
	t.Helper()
	require.Error(t, err)
	var ue *upstream.Error
	require.True(t, errors.As(err, &ue), "want *upstream.Error, got %T: %v", err, err)
	require.Equal(t, kind, ue.Kind, "error: %v", err)
	return ue
}

// TestErrorTaxonomy injects every business code and HTTP failure the
// vendor can answer and checks the kind and how often the client asked:
// once for final answers, 1 + 3 retries for busy ones.
func TestErrorTaxonomy(t *testing.T) {
	type tc struct {
		proto    string
		faults   sim.Faults
		kind     upstream.Kind
		code     int
		requests int64
		mention  string
	}
	rate := func(code int) sim.Faults { return sim.Faults{ErrorRates: map[int]float64{code: 1}} }
	var cases []tc
	for _, proto := range protocols {
		cases = append(cases,
			tc{proto, rate(500), upstream.KindBusy, 0, 4, "http 500"},
			tc{proto, rate(502), upstream.KindBusy, 0, 4, "http 502"},
			tc{proto, rate(503), upstream.KindBusy, 0, 4, "http 503"},
			tc{proto, rate(504), upstream.KindBusy, 0, 4, "http 504"},
			tc{proto, rate(429), upstream.KindBusy, 0, 4, "http 429"},
			tc{proto, rate(404), upstream.KindBadResponse, 0, 1, "http 404"},
			tc{proto, sim.Faults{Garbage: 1}, upstream.KindBadResponse, 0, 1, "not the JSON envelope"},
			tc{proto, sim.Faults{Truncated: 1}, upstream.KindBadResponse, 0, 1, "truncated body"},
			tc{proto, sim.Faults{Oversized: 1}, upstream.KindBadResponse, 0, 1, "oversized body"},
			tc{proto, sim.Faults{Malformed: 1}, upstream.KindBadResponse, 0, 1, "field"},
		)
	}
	cases = append(cases,
		tc{upstream.ProtocolSigned, rate(4001), upstream.KindAuth, 4001, 1, "code 4001"},
		tc{upstream.ProtocolSigned, rate(4003), upstream.KindPermission, 4003, 1, "code 4003"},
		tc{upstream.ProtocolSigned, sim.Faults{Permission: true}, upstream.KindPermission, 4003, 1, "权限不足"},
		tc{upstream.ProtocolSigned, rate(5001), upstream.KindBusy, 5001, 4, "after 3 retries"},
		tc{upstream.ProtocolSigned, rate(6002), upstream.KindNotFound, 6002, 1, "code 6002"},
		tc{upstream.ProtocolSigned, rate(4999), upstream.KindBadResponse, 4999, 1, "code 4999"},
		tc{upstream.ProtocolTianyuan, rate(1000), upstream.KindNotFound, 1000, 1, "查询为空"},
		tc{upstream.ProtocolTianyuan, rate(1001), upstream.KindBusy, 1001, 4, "after 3 retries"},
		tc{upstream.ProtocolTianyuan, rate(1002), upstream.KindAuth, 1002, 1, "参数解密失败"},
		tc{upstream.ProtocolTianyuan, rate(1003), upstream.KindBadResponse, 1003, 1, "code 1003"},
		tc{upstream.ProtocolTianyuan, rate(1004), upstream.KindPermission, 1004, 1, "code 1004"},
		tc{upstream.ProtocolTianyuan, rate(1005), upstream.KindAuth, 1005, 1, "code 1005"},
		tc{upstream.ProtocolTianyuan, rate(1006), upstream.KindAuth, 1006, 1, "code 1006"},
		tc{upstream.ProtocolTianyuan, rate(1007), upstream.KindQuota, 1007, 1, "余额不足"},
		tc{upstream.ProtocolTianyuan, rate(1008), upstream.KindPermission, 1008, 1, "code 1008"},
		tc{upstream.ProtocolTianyuan, sim.Faults{Permission: true}, upstream.KindPermission, 1008, 1, "未开通此产品"},
		tc{upstream.ProtocolTianyuan, rate(2001), upstream.KindBusy, 2001, 4, "code 2001"},
	)
	b := setup(t, func(c *sim.Config) { c.OversizeBytes = 1 << 20 })
	code := b.codeWithCases(t, 3)
	for _, tt := range cases {
		name := fmt.Sprintf("%s/%+v", tt.proto, tt.faults)
		t.Run(name, func(t *testing.T) {
			require.NoError(t, b.sim.SetFaults(tt.faults))
			b.sim.ResetStats()
			c := b.client(t, tt.proto, func(cfg *upstream.Config) { cfg.MaxBodyBytes = 64 << 10 })
			company, err := c.Fetch(context.Background(), code)
			ue := requireKind(t, err, tt.kind)
			require.Empty(t, company.Cases, "a failed fetch returns no cases")
			require.Equal(t, tt.code, ue.Code)
			require.Contains(t, err.Error(), "fetch "+code+": page 1: ")
			require.Contains(t, err.Error(), tt.mention)
			require.Equal(t, tt.requests, b.sim.Stats().Requests, "requests the vendor saw")
		})
	}
	require.NoError(t, b.sim.SetFaults(sim.Faults{}))
}

// TestMalformedCaseNamesTheField: a corrupt case is rejected with a message
// that says which case and which field.
func TestMalformedCaseNamesTheField(t *testing.T) {
	b := setup(t, func(c *sim.Config) { c.Faults = sim.Faults{Malformed: 1} })
	code := b.codeWithCases(t, 3)
	truth, _ := b.sim.Truth(code)
	fields := map[string][]string{
		upstream.ProtocolSigned:   {"field role", "field claimAmount", "field filingDate"},
		upstream.ProtocolTianyuan: {"field n_ssdw", "field n_qsbdje", "field d_larq"},
	}
	for _, proto := range protocols {
		for range 6 {
			_, err := b.client(t, proto, nil).Fetch(context.Background(), code)
			requireKind(t, err, upstream.KindBadResponse)
			msg := err.Error()
			require.Contains(t, msg, "case "+truth.Cases[0].CaseID)
			named := false
			for _, f := range fields[proto] {
				named = named || strings.Contains(msg, f)
			}
			require.True(t, named, "message %q names the field", msg)
		}
	}
}

// TestPageFailureFailsTheFetch: when a later page fails, the whole fetch
// fails; no partial company comes back as success.
func TestPageFailureFailsTheFetch(t *testing.T) {
	b := setup(t, nil)
	code := b.codeWithCases(t, 20)
	truth, _ := b.sim.Truth(code)
	for _, proto := range protocols {
		// Half the answers are 4003 / 1008 (not retried): page 1 succeeding
		// and a later page failing happens within a few fetches.
		require.NoError(t, b.sim.SetFaults(sim.Faults{ErrorRates: map[int]float64{4003: 0.5, 1008: 0.5}}))
		c := b.client(t, proto, func(cfg *upstream.Config) { cfg.PageSize = 5 })
		laterPageFailed := 0
		for range 20 {
			company, err := c.Fetch(context.Background(), code)
			if err == nil {
				require.Equal(t, truth.Cases, withoutRaw(company.Cases), "a success is complete")
				continue
			}
			requireKind(t, err, upstream.KindPermission)
			require.Empty(t, company.Cases)
			if !strings.Contains(err.Error(), "page 1:") {
				laterPageFailed++
			}
		}
		require.Positive(t, laterPageFailed, "some fetch failed after page 1")
	}
	require.NoError(t, b.sim.SetFaults(sim.Faults{}))
}

// TestWrongPrivateKey: the vendor rejects the signature once; the client
// does not retry an auth error.
func TestWrongPrivateKey(t *testing.T) {
	b := setup(t, nil)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	c := b.client(t, upstream.ProtocolSigned, func(cfg *upstream.Config) { cfg.PrivateKey = other })
	code := b.codeWithCases(t, 1)
	for range 3 {
		_, err = c.Fetch(context.Background(), code)
		ue := requireKind(t, err, upstream.KindAuth)
		require.Equal(t, 4001, ue.Code)
	}
	require.EqualValues(t, 3, b.sim.Stats().Requests, "one request per fetch, no retry storm")
}

// TestClockSkew: a local clock 301 s ahead gets 4001, and the skew the
// vendor's Date header shows is logged; 290 s is still accepted.
func TestClockSkew(t *testing.T) {
	b := setup(t, nil)
	code := b.codeWithCases(t, 1)
	ahead := b.client(t, upstream.ProtocolSigned, func(cfg *upstream.Config) {
		cfg.Now = func() time.Time { return time.Now().Add(301 * time.Second) }
	})
	_, err := ahead.Fetch(context.Background(), code)
	ue := requireKind(t, err, upstream.KindAuth)
	require.NotNil(t, ue.ClockSkew)
	require.InDelta(t, -301, ue.ClockSkew.Seconds(), 2)
	require.EqualValues(t, 1, b.sim.Stats().Requests)

	var logged map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.logs.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m))
		if _, ok := m["clock_skew_seconds"]; ok {
			logged = m
		}
	}
	require.NotNil(t, logged, "a log line carries clock_skew_seconds; logs:\n%s", b.logs.String())
	require.InDelta(t, -301, logged["clock_skew_seconds"].(float64), 2)
	require.Equal(t, "warn", logged["level"])

	within := b.client(t, upstream.ProtocolSigned, func(cfg *upstream.Config) {
		cfg.Now = func() time.Time { return time.Now().Add(-290 * time.Second) }
	})
	_, err = within.Fetch(context.Background(), code)
	require.NoError(t, err)
}

// TestTianyuanCredentials: a wrong Access Key fails decryption (1002), an
// unknown Access-Id is 1006, an unopened product 1008; none is retried.
func TestTianyuanCredentials(t *testing.T) {
	b := setup(t, nil)
	code := b.codeWithCases(t, 1)
	for _, tt := range []struct {
		name string
		mod  func(*upstream.Config)
		kind upstream.Kind
		code int
	}{
		{"wrong access key", func(c *upstream.Config) { c.AccessKey = "ffeeddccbbaa99887766554433221100" }, upstream.KindAuth, 1002},
		{"unknown access id", func(c *upstream.Config) { c.AccessID = "someone-else" }, upstream.KindAuth, 1006},
		{"product not opened", func(c *upstream.Config) { c.Product = "QYGL0000" }, upstream.KindPermission, 1008},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b.sim.ResetStats()
			_, err := b.client(t, upstream.ProtocolTianyuan, tt.mod).Fetch(context.Background(), code)
			ue := requireKind(t, err, tt.kind)
			require.Equal(t, tt.code, ue.Code)
			require.EqualValues(t, 1, b.sim.Stats().Requests)
			require.NotContains(t, err.Error(), "ffeeddccbbaa99887766554433221100")
			require.NotContains(t, b.logs.String(), "ffeeddccbbaa99887766554433221100")
			require.NotContains(t, b.logs.String(), testAccessKey)
		})
	}
}

// TestQuotaBackoff: past the vendor's quota the client is told "busy",
// backs off, and completes every fetch.
func TestQuotaBackoff(t *testing.T) {
	b := setup(t, func(c *sim.Config) { c.QPS = 10 })
	var codes []string
	for n := range 16 {
		codes = append(codes, singlePageCode(t, b, n))
	}
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			b.sim.SetQuota(10)
			b.sim.ResetStats()
			c := b.client(t, proto, func(cfg *upstream.Config) {
				cfg.Concurrency = 2
				cfg.MaxRetries = 6
				cfg.BackoffBase = 200 * time.Millisecond
				cfg.BackoffCap = 2 * time.Second
				// The budget has its own test; here it must not be what ends
				// the retries of 16 simultaneous fetches.
				cfg.RetryBudgetFloor = 100
			})
			start := time.Now()
			errs := make(chan error, len(codes))
			for _, code := range codes {
				go func() {
					_, err := c.Fetch(context.Background(), code)
					errs <- err
				}()
			}
			for range codes {
				require.NoError(t, <-errs)
			}
			st := b.sim.Stats()
			t.Logf("%d fetches in %s: %d requests, %d over quota", len(codes), time.Since(start).Round(time.Millisecond), st.Requests, st.ByOutcome["quota"])
			require.Positive(t, st.ByOutcome["quota"], "the quota was hit")
			require.Greater(t, time.Since(start), 400*time.Millisecond, "the client waited for the quota to refill")
		})
	}
}

// singlePageCode returns the n-th generated code whose company fits in one
// page of 50 on both protocols.
func singlePageCode(t *testing.T, b *testBundle, n int) string {
	t.Helper()
	for i := n * 1000; ; i++ {
		code := uscc.Generate(i%34, uint64(i))
		if co, ok := b.sim.Truth(code); ok && len(co.Cases) < 25 {
			return code
		}
	}
}
