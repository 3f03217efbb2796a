// Package migrations embeds arbsync's goose SQL migrations. They are the
// database contract (ARCHITECTURE.md “The database”) and also the schema sqlc compiles queries
// against. Apply them with `arbsync migrate up`.
package migrations

import "embed"

// FS holds the migration files, named NNNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
