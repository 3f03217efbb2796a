package alerts_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/secret"
)

// A service that echoes the whole request (URL with key and sign, body with
// sign) in its error message, and a service that cannot be reached (the
// transport error names the URL): neither leaks a credential into the error.
func TestErrorsNeverCarryCredentials(t *testing.T) {
	echo := func(codeField string, code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body := make([]byte, 4096)
			n, _ := r.Body.Read(body)
			msg := r.URL.String() + " " + r.URL.RawQuery + " " + r.URL.Query().Get("sign") + " " + string(body[:n]) + " " + r.Header.Get("X-Arbsync-Signature")
			writeJSON(w, `{"`+codeField+`":`+strconv.Itoa(code)+`,"errmsg":`+strconv.Quote(msg)+`,"msg":`+strconv.Quote(msg)+`}`)
		}
	}
	const (
		key        = "5f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f"
		token      = "d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0"
		signSecret = "SECc0ffee0ddba11deadbeef1234567890abcdef"
	)
	tests := []struct {
		kind    alerts.ChannelKind
		path    string
		handler http.HandlerFunc
		secret  string
	}{
		{alerts.KindWeCom, "/cgi-bin/webhook/send?key=" + key, echo("errcode", 93000), ""},
		{alerts.KindDingTalk, "/robot/send?access_token=" + token, echo("errcode", 310000), signSecret},
		{alerts.KindFeishu, "/open-apis/bot/v2/hook/" + key, echo("code", 19021), signSecret},
		{alerts.KindWebhook, "/hooks/" + token + "?auth=" + key, func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, r.URL.String()+r.Header.Get("X-Arbsync-Signature"), http.StatusUnauthorized)
		}, signSecret},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			clock := newClock()
			srv := httptest.NewServer(tt.handler)
			t.Cleanup(srv.Close)
			cfg := alerts.ChannelConfig{Name: "x", Kind: tt.kind, URL: secret.Value(srv.URL + tt.path), Secret: secret.Value(tt.secret)}
			ts := strconv.FormatInt(clock.Now().UnixMilli(), 10)
			sign := dingtalkSignFor(ts, signSecret)
			fsign := feishuSignFor(strconv.FormatInt(clock.Now().Unix(), 10), signSecret)
			secrets := []string{key, token, signSecret, sign, url.QueryEscape(sign), fsign}

			err := mustSender(t, cfg, clock).Send(t.Context(), sampleMessage())
			wantKind(t, err, alerts.Permanent)
			assertNoSecrets(t, err, secrets...)
			if tt.kind != alerts.KindWebhook && !strings.Contains(err.Error(), "[REDACTED]") {
				t.Errorf("service message should survive, scrubbed: %v", err)
			}

			srv.Close() // now unreachable: the transport error names the URL
			err = mustSender(t, cfg, clock).Send(t.Context(), sampleMessage())
			wantKind(t, err, alerts.Retriable)
			assertNoSecrets(t, err, secrets...)
			if !strings.Contains(err.Error(), "127.0.0.1") {
				t.Errorf("error should still name the host: %v", err)
			}
		})
	}
}
