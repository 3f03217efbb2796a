package alerts_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/rs/zerolog"
)

func TestSecretNeverPrints(t *testing.T) {
	const value = "SECc0ffee0ddba11"
	cfg := alerts.ChannelConfig{Name: "hr", Kind: alerts.KindDingTalk,
		URL: "https://oapi.dingtalk.com/robot/send?access_token=tok3n", Secret: value}

	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s"} {
		out = append(out, fmt.Sprintf(verb, cfg), fmt.Sprintf(verb, cfg.Secret))
	}
	data, err := json.Marshal(cfg)
	must(t, err)
	out = append(out, string(data))

	var zl bytes.Buffer
	logger := zerolog.New(&zl)
	logger.Info().Interface("cfg", cfg).Stringer("secret", cfg.Secret).Msg("configured")
	var sl bytes.Buffer
	slog.New(slog.NewJSONHandler(&sl, nil)).Info("configured", "secret", cfg.Secret, "cfg", cfg)
	out = append(out, zl.String(), sl.String())

	for _, s := range out {
		if strings.Contains(s, value) || strings.Contains(s, "tok3n") {
			t.Errorf("secret printed: %s", s)
		}
	}
	if !strings.Contains(zl.String(), "[REDACTED]") {
		t.Errorf("zerolog output lacks [REDACTED]: %s", zl.String())
	}
	if cfg.Secret.Reveal() != value || cfg.RedactedURL() != "https://oapi.dingtalk.com/robot/send?access_token=REDACTED" {
		t.Error("Reveal or RedactedURL wrong")
	}
}
