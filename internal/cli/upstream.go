package cli

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/upstream"
)

// newUpstream builds the vendor client from the configuration (which read
// the private key).
func newUpstream(cfg config.Config, log zerolog.Logger, reg prometheus.Registerer) (*upstream.Client, error) {
	uc := cfg.Upstream
	uc.Logger = log.With().Str("component", "upstream").Logger()
	uc.Registerer = reg
	return upstream.New(uc)
}
