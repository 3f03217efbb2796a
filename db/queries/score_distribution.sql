-- name: ScoreDistributionRead :many
-- Current scores per 10-point bin (0 = [0,10) … 9 = [90,100]): the sum of
-- the deltas the triggers on arbsync.current_scores append. It reads the
-- few rows left since the last compaction, never current_scores itself.
SELECT bin::int AS bin, sum(delta)::bigint AS companies, count(*)::bigint AS delta_rows
FROM arbsync.score_distribution_deltas
GROUP BY bin
ORDER BY bin;

-- name: ScoreDistributionCompact :one
-- Folds the deltas into one row per bin when there are more than that.
-- One statement, safe beside concurrent writers, readers and compactions:
-- the DELETE takes only the rows its snapshot sees (a writer's rows
-- committed later stay, and count later), and the folded rows replace
-- them atomically, so every snapshot sums to the same counts. A second
-- compaction waits for the first's deleted rows, then skips them, and
-- folds only what remains. Returns the rows folded (0 when it was already
-- compact).
WITH folded AS (
    DELETE FROM arbsync.score_distribution_deltas
    WHERE (SELECT count(*) FROM arbsync.score_distribution_deltas) > 10
    RETURNING bin, delta
), kept AS (
    INSERT INTO arbsync.score_distribution_deltas (bin, delta)
    SELECT bin, sum(delta) FROM folded GROUP BY bin HAVING sum(delta) <> 0
)
SELECT count(*)::bigint AS folded FROM folded;
