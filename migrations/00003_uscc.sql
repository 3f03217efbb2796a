-- +goose Up
-- Unified social credit code (统一社会信用代码, GB 32100-2015) validation.
-- Mirrors the Go package uscc; a test keeps both in agreement on every input.
-- Strict: lower case and white space are invalid here (the watchlist trigger
-- normalizes input before it validates).

-- +goose StatementBegin
CREATE FUNCTION arbsync.uscc_problem(code text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog
AS $$
DECLARE
    alphabet constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
    weights constant int[] := ARRAY[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    total int := 0;
    v int;
    ch text;
BEGIN
    IF code IS NULL THEN
        RETURN 'is empty';
    END IF;
    IF char_length(code) <> 18 THEN
        RETURN format('must be 18 characters, got %s', char_length(code));
    END IF;
    FOR i IN 1..18 LOOP
        ch := substr(code, i, 1);
        IF strpos(alphabet, ch) = 0 THEN
            RETURN format('character ''%s'' at position %s is not allowed (allowed: 0-9 and A-H J-N P-R T U W-Y, upper case; no I, O, Z, S, V)', ch, i);
        END IF;
    END LOOP;
    FOR i IN 1..17 LOOP
        v := strpos(alphabet, substr(code, i, 1)) - 1;
        total := total + v * weights[i];
    END LOOP;
    ch := substr(alphabet, ((31 - total % 31) % 31) + 1, 1);
    IF substr(code, 18, 1) <> ch THEN
        RETURN format('check character is ''%s'' but the first 17 characters require ''%s''', substr(code, 18, 1), ch);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
COMMENT ON FUNCTION arbsync.uscc_problem(text) IS '统一社会信用代码问题说明：合法时返回 NULL，否则返回错误原因（长度、字符、校验位）';

-- +goose StatementBegin
CREATE FUNCTION arbsync.uscc_valid(code text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog
RETURN code IS NOT NULL AND arbsync.uscc_problem(code) IS NULL;
-- +goose StatementEnd
COMMENT ON FUNCTION arbsync.uscc_valid(text) IS '统一社会信用代码校验（GB 32100-2015）：18 位、字符集、校验位均正确时为真';

-- +goose StatementBegin
CREATE FUNCTION arbsync.uscc_format_valid(code text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog
RETURN code IS NOT NULL AND (arbsync.uscc_problem(code) IS NULL OR arbsync.uscc_problem(code) LIKE 'check character%');
-- +goose StatementEnd
COMMENT ON FUNCTION arbsync.uscc_format_valid(text) IS '统一社会信用代码格式校验：只检查长度与字符集，不检查校验位（用于 checksum_override 的试点代码）';

GRANT EXECUTE ON FUNCTION arbsync.uscc_valid(text), arbsync.uscc_problem(text), arbsync.uscc_format_valid(text) TO arbsync_bi, arbsync_admin;

-- +goose Down
DROP FUNCTION arbsync.uscc_format_valid(text);
DROP FUNCTION arbsync.uscc_valid(text);
DROP FUNCTION arbsync.uscc_problem(text);
