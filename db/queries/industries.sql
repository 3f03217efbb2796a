-- name: IndustryList :many
SELECT code, level, section_code, parent_code, name FROM arbsync.industries ORDER BY code;
