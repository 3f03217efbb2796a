-- +goose Up
-- No query filters, joins or groups on these columns, and they are the
-- widest of a case (the raw record alone is about 540 bytes): ANALYZE skips
-- them. The sync refreshes arbsync.cases' statistics while a first sync
-- fills it (see sync/statistics.go); measured on 375k cases, ANALYZE took
-- 0.5 s with them.
ALTER TABLE arbsync.cases
    ALTER COLUMN raw SET STATISTICS 0,
    ALTER COLUMN content_hash SET STATISTICS 0,
    ALTER COLUMN title SET STATISTICS 0,
    ALTER COLUMN case_no SET STATISTICS 0;

-- +goose Down
ALTER TABLE arbsync.cases
    ALTER COLUMN raw SET STATISTICS -1,
    ALTER COLUMN content_hash SET STATISTICS -1,
    ALTER COLUMN title SET STATISTICS -1,
    ALTER COLUMN case_no SET STATISTICS -1;
