-- name: SchemaPing :one
SELECT 1::int AS ok;
