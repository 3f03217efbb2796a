package config

import (
	"io"
	"time"

	"github.com/rs/zerolog"
)

// NewLogger builds the root logger from the configuration: JSON lines to w by
// default, or a human-readable console format for development.
func (c Config) NewLogger(w io.Writer) zerolog.Logger {
	if c.LogFormat == "console" {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.RFC3339}
	}
	return zerolog.New(w).Level(c.LogLevel).With().Timestamp().Logger()
}
