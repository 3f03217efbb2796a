// Package secret holds credentials so that they cannot be printed by
// accident. arbsync's configuration, upstream client and alert channels all
// keep keys, tokens, passwords and webhook URLs that carry keys as a Value.
package secret

import (
	"fmt"
	"io"
	"log/slog"
)

// Value is a credential. Every way of printing it (all fmt verbs, %v of a
// containing struct, JSON, encoding.TextMarshaler users such as zerolog,
// slog) shows [REDACTED]; only Reveal returns it, at the one place that
// sends it.
type Value string

const redacted = "[REDACTED]"

// Reveal returns the secret's value.
func (s Value) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Value) IsSet() bool { return s != "" }

// String implements fmt.Stringer: [REDACTED], or "" for an empty secret.
func (s Value) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString implements fmt.GoStringer (%#v).
func (s Value) GoString() string { return s.String() }

// Format implements fmt.Formatter: every verb prints String(), so verbs
// such as %d or %x cannot fall through to the raw string.
func (s Value) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// MarshalText implements encoding.TextMarshaler (JSON, zerolog).
func (s Value) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue implements slog.LogValuer.
func (s Value) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Redacted is what a secret prints as.
const Redacted = redacted
