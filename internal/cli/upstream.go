package cli

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/secret"
	"github.com/arbsync/arbsync/internal/upstream"
)

// newUpstream builds the vendor client from the configuration; the private
// key is read and parsed once here.
func newUpstream(cfg config.Config, log zerolog.Logger, reg prometheus.Registerer) (*upstream.Client, error) {
	u := cfg.Upstream
	uc := upstream.Config{
		Protocol:    u.Protocol,
		BaseURL:     u.URL,
		AppID:       u.AppID,
		AccessID:    u.AccessID,
		AccessKey:   secret.Value(u.AccessKey.Reveal()),
		Product:     u.Product,
		QPS:         u.QPS,
		Concurrency: u.Concurrency,
		Timeout:     u.Timeout,
		Logger:      log.With().Str("component", "upstream").Logger(),
		Registerer:  reg,
	}
	if u.Protocol == upstream.ProtocolSigned {
		key, err := upstream.LoadPrivateKey(u.PrivateKeyFile)
		if err != nil {
			return nil, fmt.Errorf("ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE: %w", err)
		}
		uc.PrivateKey = key
	}
	return upstream.New(uc)
}
