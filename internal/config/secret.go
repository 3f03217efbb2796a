package config

import "github.com/arbsync/arbsync/internal/secret"

// Secret holds a credential (password, key, token); see package secret.
type Secret = secret.Value
