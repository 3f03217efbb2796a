package upstream

// Secret is a string that must never be printed: String, GoString and the
// text/JSON encodings all say "[REDACTED]", so a Secret that reaches a log
// line or an error message by accident leaks nothing. Use string(s) where
// the value itself is needed.
type Secret string

const redacted = "[REDACTED]"

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer (%#v).
func (s Secret) GoString() string { return redacted }

// MarshalText implements encoding.TextMarshaler (JSON, zerolog).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
