-- +goose Up
-- The seal ledger made tamper-evident (package ledger): every seal records the digest of the
-- case content its signer saw, the hash of the case's previous seal and its own hash over both
-- and its fields. Seals written before this migration keep the three columns empty: they are
-- "before the ledger", counted but not hashed by verification (the chain of their case starts
-- after them). A seal has all three or none.
ALTER TABLE seals
    ADD COLUMN content_digest text,
    ADD COLUMN prev_hash      text,
    ADD COLUMN hash           text,
    ADD CONSTRAINT seals_ledger_whole CHECK (
        (content_digest IS NULL) = (hash IS NULL) AND (prev_hash IS NULL) = (hash IS NULL));

-- The ledger is append-only: the database itself refuses to change or remove a seal, whatever
-- the application asks. (Disabling the trigger takes the table's owner or a superuser.)
-- +goose StatementBegin
CREATE FUNCTION seals_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the seal ledger is append-only: % on seals refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER seals_append_only BEFORE UPDATE OR DELETE ON seals
    FOR EACH ROW EXECUTE FUNCTION seals_append_only();
CREATE TRIGGER seals_no_truncate BEFORE TRUNCATE ON seals
    FOR EACH STATEMENT EXECUTE FUNCTION seals_append_only();

-- +goose Down
DROP TRIGGER seals_no_truncate ON seals;
DROP TRIGGER seals_append_only ON seals;
DROP FUNCTION seals_append_only();
ALTER TABLE seals DROP CONSTRAINT seals_ledger_whole, DROP COLUMN hash, DROP COLUMN prev_hash,
    DROP COLUMN content_digest;
