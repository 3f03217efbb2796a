package upstream

import "github.com/arbsync/arbsync/internal/secret"

// Secret is a credential that must never be printed (the tianyuan Access
// Key); see package secret.
type Secret = secret.Value
