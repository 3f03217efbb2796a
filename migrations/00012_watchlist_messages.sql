-- +goose Up
-- Every check an admin can trip on arbsync.watchlist now fails with a message
-- that names the problem and the row, and a HINT that says what to do. An
-- empty company name or a too-short refresh_interval used to be refused with
-- a bare constraint name (`violates check constraint
-- "watchlist_company_name_present"`), a NULL with `violates not-null
-- constraint`. The BEFORE trigger runs before the table's constraints, so it
-- raises first; the constraints stay as a backstop. `arbsync watchlist import`
-- validates in Go first and words these problems the same way.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION arbsync.watchlist_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, arbsync
AS $$
DECLARE
    -- The watchlist_refresh_interval_sane constraint's minimum.
    min_refresh constant interval := interval '1 minute';
    problem text;
    null_col text;
BEGIN
    NEW.credit_code := upper(btrim(NEW.credit_code));
    NEW.industry_code := upper(btrim(NEW.industry_code));
    NEW.company_name := btrim(NEW.company_name);
    IF TG_OP = 'UPDATE' THEN
        NEW.updated_at := now();
    END IF;

    IF coalesce(NEW.credit_code, '') = '' THEN
        RAISE EXCEPTION '%', 'credit code is empty'
                || coalesce(' for company "' || nullif(NEW.company_name, '') || '"', '')
            USING ERRCODE = CASE WHEN NEW.credit_code IS NULL THEN 'not_null_violation' ELSE 'check_violation' END,
                  HINT = 'Every watchlist row needs the company''s unified social credit code (统一社会信用代码), 18 characters.';
    END IF;
    -- Columns whose only check is NOT NULL: name the row and say what to write.
    null_col := CASE
        WHEN NEW.enabled IS NULL THEN 'enabled'
        WHEN NEW.checksum_override IS NULL THEN 'checksum_override'
        WHEN NEW.note IS NULL THEN 'note'
        WHEN NEW.added_by IS NULL THEN 'added_by'
        WHEN NEW.created_at IS NULL THEN 'created_at'
        WHEN NEW.updated_at IS NULL THEN 'updated_at'
    END;
    IF null_col IS NOT NULL THEN
        RAISE EXCEPTION '% is NULL for credit code "%"', null_col, NEW.credit_code
            USING ERRCODE = 'not_null_violation',
                  HINT = CASE null_col
                      WHEN 'enabled' THEN 'Use true or false; leave the column out of an INSERT to get true.'
                      WHEN 'checksum_override' THEN 'Use true or false; leave the column out of an INSERT to get false.'
                      WHEN 'note' THEN 'Use '''' for no note; leave the column out of an INSERT to get that.'
                      WHEN 'added_by' THEN 'Leave the column out of an INSERT to record the current user.'
                      WHEN 'created_at' THEN 'Leave the column out of an INSERT; it defaults to now().'
                      ELSE 'Leave the column out; the trigger sets it on every update.'
                  END;
    END IF;

    problem := arbsync.uscc_problem(NEW.credit_code);
    IF problem IS NOT NULL THEN
        IF NEW.checksum_override AND problem LIKE 'check character%' THEN
            NULL; -- accepted: a real pilot-region code that fails the checksum
        ELSIF problem LIKE 'check character%' THEN
            RAISE EXCEPTION 'invalid credit code "%": %', NEW.credit_code, problem
                USING ERRCODE = 'check_violation',
                      HINT = 'Check the code for typos. If it is a real early pilot-region code that fails the checksum, set checksum_override = true.';
        ELSE
            RAISE EXCEPTION 'invalid credit code "%": %', NEW.credit_code, problem
                USING ERRCODE = 'check_violation',
                      HINT = 'A unified social credit code is 18 characters of 0-9 and A-H J-N P-R T U W-Y (GB 32100-2015).';
        END IF;
    END IF;

    IF coalesce(NEW.company_name, '') = '' THEN
        RAISE EXCEPTION 'company name is empty for credit code "%"', NEW.credit_code
            USING ERRCODE = CASE WHEN NEW.company_name IS NULL THEN 'not_null_violation' ELSE 'check_violation' END,
                  HINT = 'Give the company''s name (企业名称); a name of only spaces counts as empty.';
    END IF;

    IF coalesce(NEW.industry_code, '') = '' THEN
        RAISE EXCEPTION 'industry code is empty for credit code "%"', NEW.credit_code
            USING ERRCODE = CASE WHEN NEW.industry_code IS NULL THEN 'not_null_violation' ELSE 'foreign_key_violation' END,
                  HINT = 'Use a GB/T 4754-2017 section (A-T) or division (01-97); see arbsync.industries.';
    END IF;
    IF NOT EXISTS (SELECT FROM arbsync.industries WHERE code = NEW.industry_code) THEN
        RAISE EXCEPTION 'unknown industry code "%" for credit code "%"', NEW.industry_code, NEW.credit_code
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Use a GB/T 4754-2017 section (A-T) or division (01-97); see arbsync.industries.';
    END IF;

    IF NEW.refresh_interval IS NULL THEN
        RAISE EXCEPTION 'refresh_interval is NULL for credit code "%"', NEW.credit_code
            USING ERRCODE = 'not_null_violation',
                  HINT = 'Use an interval of at least 1 minute, e.g. ''6 hours''; leave the column out of an INSERT to get 24 hours.';
    END IF;
    IF NEW.refresh_interval < min_refresh THEN
        RAISE EXCEPTION 'refresh_interval % for credit code "%" is shorter than the minimum 1 minute', NEW.refresh_interval, NEW.credit_code
            USING ERRCODE = 'check_violation',
                  HINT = 'Use an interval of at least 1 minute, e.g. ''6 hours'' (the default is 24 hours).';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION arbsync.watchlist_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, arbsync
AS $$
DECLARE
    problem text;
BEGIN
    NEW.credit_code := upper(btrim(NEW.credit_code));
    NEW.industry_code := upper(btrim(NEW.industry_code));
    NEW.company_name := btrim(NEW.company_name);
    problem := arbsync.uscc_problem(NEW.credit_code);
    IF problem IS NOT NULL THEN
        IF NEW.checksum_override AND problem LIKE 'check character%' THEN
            NULL; -- accepted: a real pilot-region code that fails the checksum
        ELSIF problem LIKE 'check character%' THEN
            RAISE EXCEPTION 'invalid credit code "%": %', NEW.credit_code, problem
                USING ERRCODE = 'check_violation',
                      HINT = 'Check the code for typos. If it is a real early pilot-region code that fails the checksum, set checksum_override = true.';
        ELSE
            RAISE EXCEPTION 'invalid credit code "%": %', NEW.credit_code, problem
                USING ERRCODE = 'check_violation',
                      HINT = 'A unified social credit code is 18 characters of 0-9 and A-H J-N P-R T U W-Y (GB 32100-2015).';
        END IF;
    END IF;
    IF NOT EXISTS (SELECT FROM arbsync.industries WHERE code = NEW.industry_code) THEN
        RAISE EXCEPTION 'unknown industry code "%" for credit code "%"', NEW.industry_code, NEW.credit_code
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Use a GB/T 4754-2017 section (A-T) or division (01-97); see arbsync.industries.';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
