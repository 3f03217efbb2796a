package alerts_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/secret"
)

// webhookReceiver is a receiver as a user would write one from the package
// doc: it checks the HMAC of the exact body and the timestamp's freshness.
type webhookReceiver struct {
	t      *testing.T
	secret string
	now    func() time.Time

	mu       sync.Mutex
	script   []canned
	payloads []map[string]any
}

func newWebhookReceiver(t *testing.T, clock *fakeClock) (*webhookReceiver, alerts.ChannelConfig) {
	rc := &webhookReceiver{t: t, now: clock.Now, secret: "whsec-1f2e3d4c5b6a79880716253443526170"}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return rc, alerts.ChannelConfig{Name: "erp", Kind: alerts.KindWebhook,
		URL: secret.Value(srv.URL + "/hooks/arbsync"), Secret: secret.Value(rc.secret)}
}

func (rc *webhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	if rc.secret != "" {
		mac := hmac.New(sha256.New, []byte(rc.secret))
		mac.Write(body)
		want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		ts, err := strconv.ParseInt(r.Header.Get("X-Arbsync-Timestamp"), 10, 64)
		if !hmac.Equal([]byte(r.Header.Get("X-Arbsync-Signature")), []byte(want)) ||
			err != nil || rc.now().Sub(time.Unix(ts, 0)).Abs() > 5*time.Minute {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
	}
	var p map[string]any
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	if len(rc.script) > 0 {
		c := rc.script[0]
		rc.script = rc.script[1:]
		c.write(w)
		return
	}
	if p["dedupKey"] != r.Header.Get("X-Arbsync-Dedup-Key") {
		rc.t.Errorf("dedup header %q, body %v", r.Header.Get("X-Arbsync-Dedup-Key"), p["dedupKey"])
	}
	rc.payloads = append(rc.payloads, p)
	w.WriteHeader(http.StatusNoContent)
}

func TestWebhookSignedJSON(t *testing.T) {
	clock := newClock()
	rc, cfg := newWebhookReceiver(t, clock)
	must(t, mustSender(t, cfg, clock).Send(t.Context(), sampleMessage()))

	payloads := locked(&rc.mu, &rc.payloads)
	if len(payloads) != 1 {
		t.Fatalf("received %d, want 1", len(payloads))
	}
	p := payloads[0]
	want := map[string]any{
		"type": "arbsync.alert", "version": 1.0, "sentAt": "2025-06-30T02:00:00Z",
		"dedupKey": "91110108551385082Q:2025-06-30:urgent", "creditCode": "91110108551385082Q",
		"companyName": "北京星河数据科技有限公司", "score": "37.50", "threshold": "40.00",
		"level": "urgent", "previousLevel": "warning", "recentCases": 3.0, "recentClaimAmount": "123456.78",
		"asOf": "2025-06-30", "title": "【紧急】用工风险预警 北京星河数据科技有限公司",
	}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("%s = %v, want %v", k, p[k], v)
		}
	}
}

func TestWebhookFailures(t *testing.T) {
	tests := []struct {
		name  string
		setup func(rc *webhookReceiver, cfg *alerts.ChannelConfig, senderClock *fakeClock)
		kind  alerts.ErrorKind
		wait  time.Duration
	}{
		{name: "wrong secret is permanent", kind: alerts.Permanent,
			setup: func(_ *webhookReceiver, cfg *alerts.ChannelConfig, _ *fakeClock) {
				cfg.Secret = "whsec-wrong-wrong-wrong"
			}},
		{name: "stale timestamp is permanent", kind: alerts.Permanent,
			setup: func(_ *webhookReceiver, _ *alerts.ChannelConfig, c *fakeClock) { c.Advance(-10 * time.Minute) }},
		{name: "503 is retriable with its Retry-After hint", kind: alerts.Retriable, wait: 30 * time.Second,
			setup: func(rc *webhookReceiver, _ *alerts.ChannelConfig, _ *fakeClock) {
				rc.script = []canned{{status: 503, header: http.Header{"Retry-After": {"30"}}}}
			}},
		{name: "429 waits at least a minute", kind: alerts.Throttled, wait: time.Minute,
			setup: func(rc *webhookReceiver, _ *alerts.ChannelConfig, _ *fakeClock) {
				rc.script = []canned{{status: 429, header: http.Header{"Retry-After": {"5"}}}}
			}},
		{name: "redirect is not followed and is permanent", kind: alerts.Permanent,
			setup: func(rc *webhookReceiver, _ *alerts.ChannelConfig, _ *fakeClock) {
				rc.script = []canned{{status: 307, header: http.Header{"Location": {"http://elsewhere.example/"}}}}
			}},
		{name: "404 is permanent", kind: alerts.Permanent,
			setup: func(rc *webhookReceiver, _ *alerts.ChannelConfig, _ *fakeClock) { rc.script = []canned{{status: 404}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, cfg := newWebhookReceiver(t, newClock())
			senderClock := newClock()
			tt.setup(rc, &cfg, senderClock)
			err := mustSender(t, cfg, senderClock).Send(t.Context(), sampleMessage())
			se := wantKind(t, err, tt.kind)
			if se.RetryAfter != tt.wait {
				t.Errorf("RetryAfter %s, want %s", se.RetryAfter, tt.wait)
			}
			assertNoSecrets(t, err, cfg.Secret.Reveal(), rc.secret)
		})
	}
}

func TestWebhookTimeoutIsRetriable(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	s := mustSender(t, alerts.ChannelConfig{Name: "slow", Kind: alerts.KindWebhook, URL: secret.Value(srv.URL)}, newClock())

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	err := s.Send(ctx, sampleMessage())
	wantKind(t, err, alerts.Retriable)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want errors.Is DeadlineExceeded: %v", err)
	}
}
