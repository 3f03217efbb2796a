package alerts

import (
	"fmt"
	"io"
	"log/slog"
)

// Secret holds a credential: a webhook URL that carries its key or token, or
// a signing secret. Every way of printing it (all fmt verbs, %v of a
// containing struct, JSON, encoding.TextMarshaler users such as zerolog,
// slog) shows [REDACTED]; only Reveal returns the value, at the one place that
// sends it.
//
// It has the same method set as config.Secret (Reveal, IsSet, String,
// GoString, MarshalText) so the lead can merge the two into one shared type;
// this one also implements fmt.Formatter, so verbs such as %d or %x cannot
// fall through to the raw string.
type Secret string

const redacted = "[REDACTED]"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

// String implements fmt.Stringer: [REDACTED], or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString implements fmt.GoStringer (%#v).
func (s Secret) GoString() string { return s.String() }

// Format implements fmt.Formatter: every verb prints String().
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// MarshalText implements encoding.TextMarshaler (JSON, zerolog).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }
