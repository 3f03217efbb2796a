-- +goose Up
-- The distribution of current scores in 10-point bins, kept current by the
-- database itself so that every replica can report it at every scrape
-- without counting arbsync.current_scores (1,000,000 rows at full size).
--
-- Statement-level triggers on current_scores append each statement's net
-- change per bin (from its transition tables) to this table, in the
-- writer's own transaction: a reader sums the rows and, whatever its
-- snapshot, gets exactly the bins of current_scores in that snapshot.
-- Writers only append, so the two concurrent sync writers never wait on
-- each other here (one counter row per bin would serialize them and let
-- them deadlock). The daemon folds the rows into at most one per bin
-- (ScoreDistributionCompact) when a scrape finds many, and after the daily
-- rescore.
--
-- An INSERT … ON CONFLICT DO UPDATE (the score upsert) fires the INSERT
-- trigger with the inserted rows and the UPDATE trigger with the updated
-- ones. Triggers with transition tables take a single event, hence three.
-- TRUNCATE has no transition table: its trigger empties this table.
--
-- Writes that bypass triggers (session_replication_role = replica, a
-- disabled trigger) make the sums drift; the seed below, run again after
-- emptying the table, puts them right.
CREATE TABLE arbsync.score_distribution_deltas (
    bin   smallint NOT NULL CHECK (bin BETWEEN 0 AND 9),
    delta bigint NOT NULL
);
-- No key (appends must not contend on an index); a full replica identity
-- keeps the folding DELETE possible under a FOR ALL TABLES publication.
ALTER TABLE arbsync.score_distribution_deltas REPLICA IDENTITY FULL;
COMMENT ON TABLE arbsync.score_distribution_deltas IS '当前评分分布的增量：当前评分表每条语句按分段写入的净变化（触发器追加），各分段求和即为当前评分的分布；守护进程每分钟合并为每段一行';
COMMENT ON COLUMN arbsync.score_distribution_deltas.bin IS '评分分段：0 为 [0,10)，1 为 [10,20)，……，9 为 [90,100]';
COMMENT ON COLUMN arbsync.score_distribution_deltas.delta IS '该分段企业数的变化（可为负）';

CREATE FUNCTION arbsync.score_bin(score numeric) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT least(floor(score / 10), 9)::smallint';
COMMENT ON FUNCTION arbsync.score_bin(numeric) IS '评分所在的 10 分分段（0–9，100 分归入 9）';

-- +goose StatementBegin
CREATE FUNCTION arbsync.score_distribution_track() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, arbsync
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO arbsync.score_distribution_deltas (bin, delta)
        SELECT arbsync.score_bin(score), count(*) FROM inserted_scores GROUP BY 1;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO arbsync.score_distribution_deltas (bin, delta)
        SELECT bin, sum(delta)
        FROM (SELECT arbsync.score_bin(score) AS bin, 1 AS delta FROM updated_scores
              UNION ALL
              SELECT arbsync.score_bin(score), -1 FROM previous_scores) AS moves
        GROUP BY bin
        HAVING sum(delta) <> 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO arbsync.score_distribution_deltas (bin, delta)
        SELECT arbsync.score_bin(score), -count(*) FROM deleted_scores GROUP BY 1;
    ELSIF EXISTS (SELECT FROM arbsync.score_distribution_deltas) THEN
        -- TRUNCATE holds current_scores exclusively: no writer is between
        -- its change and its delta. TRUNCATE here also waits for a folding
        -- in progress, which a DELETE would race. An empty table is left
        -- alone: a TRUNCATE that named it too has emptied it already, and
        -- a table in use by the statement cannot be truncated again.
        TRUNCATE arbsync.score_distribution_deltas;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
COMMENT ON FUNCTION arbsync.score_distribution_track() IS '当前评分表的语句级触发器：按分段追加本语句的净变化到 score_distribution_deltas';

-- The triggers take current_scores' SHARE ROW EXCLUSIVE lock until this
-- migration commits, so no write falls between the seed and the triggers.
CREATE TRIGGER current_scores_distribution_insert
    AFTER INSERT ON arbsync.current_scores
    REFERENCING NEW TABLE AS inserted_scores
    FOR EACH STATEMENT EXECUTE FUNCTION arbsync.score_distribution_track();
CREATE TRIGGER current_scores_distribution_update
    AFTER UPDATE ON arbsync.current_scores
    REFERENCING OLD TABLE AS previous_scores NEW TABLE AS updated_scores
    FOR EACH STATEMENT EXECUTE FUNCTION arbsync.score_distribution_track();
CREATE TRIGGER current_scores_distribution_delete
    AFTER DELETE ON arbsync.current_scores
    REFERENCING OLD TABLE AS deleted_scores
    FOR EACH STATEMENT EXECUTE FUNCTION arbsync.score_distribution_track();
CREATE TRIGGER current_scores_distribution_truncate
    AFTER TRUNCATE ON arbsync.current_scores
    FOR EACH STATEMENT EXECUTE FUNCTION arbsync.score_distribution_track();

INSERT INTO arbsync.score_distribution_deltas (bin, delta)
SELECT arbsync.score_bin(score), count(*) FROM arbsync.current_scores GROUP BY 1;

-- +goose Down
DROP TRIGGER current_scores_distribution_truncate ON arbsync.current_scores;
DROP TRIGGER current_scores_distribution_delete ON arbsync.current_scores;
DROP TRIGGER current_scores_distribution_update ON arbsync.current_scores;
DROP TRIGGER current_scores_distribution_insert ON arbsync.current_scores;
DROP FUNCTION arbsync.score_distribution_track();
DROP FUNCTION arbsync.score_bin(numeric);
DROP TABLE arbsync.score_distribution_deltas;
