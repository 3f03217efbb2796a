package config

// Secret holds a credential (password, key, token). Every way of printing it
// (fmt verbs, %v of a containing struct, JSON, zerolog) shows [REDACTED];
// only Reveal returns the value, at the one place that must send it.
type Secret string

const redacted = "[REDACTED]"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

// String implements fmt.Stringer.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString implements fmt.GoStringer (%#v).
func (s Secret) GoString() string { return s.String() }

// MarshalText implements encoding.TextMarshaler (JSON, zerolog).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
