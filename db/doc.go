// Package db is arbsync's only door to PostgreSQL: the connection pool, the
// migrations runner, and the typed queries that sqlc generates from
// db/queries/*.sql (one file per table; regenerate with `make generate`).
// No other package writes SQL. Generated row types stay inside the packages
// that talk to the database (sync, scoring jobs, thresholds jobs); the pure
// packages scoring and thresholds never see them.
package db
