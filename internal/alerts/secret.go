package alerts

import "github.com/arbsync/arbsync/internal/secret"

// Secret holds a credential: a webhook URL that carries its key or token, or
// a signing secret; see package secret.
type Secret = secret.Value
