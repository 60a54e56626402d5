-- +goose Up
-- The ledger of production problems, made tamper-evident as the seals of cases are (00010,
-- package ledger): every problem seal records the digest of the problem's facts as raised
-- (ledger.ProblemFacts, "signoff-problem/1"), the hash of the problem's previous seal and its
-- own hash over both and its fields ("signoff-problem-seal/1"). Seals written before this
-- migration keep the three columns empty: "before the ledger", counted but not hashed.
ALTER TABLE problem_seals
    ADD COLUMN facts_digest text,
    ADD COLUMN prev_hash    text,
    ADD COLUMN hash         text,
    ADD CONSTRAINT problem_seals_ledger_whole CHECK (
        (facts_digest IS NULL) = (hash IS NULL) AND (prev_hash IS NULL) = (hash IS NULL));

-- Append-only, whoever asks (the application role has no UPDATE or DELETE on it either: 00014).
-- +goose StatementBegin
CREATE FUNCTION problem_seals_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the problem ledger is append-only: % on problem_seals refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER problem_seals_append_only BEFORE UPDATE OR DELETE ON problem_seals
    FOR EACH ROW EXECUTE FUNCTION problem_seals_append_only();
CREATE TRIGGER problem_seals_no_truncate BEFORE TRUNCATE ON problem_seals
    FOR EACH STATEMENT EXECUTE FUNCTION problem_seals_append_only();

-- +goose Down
DROP TRIGGER problem_seals_no_truncate ON problem_seals;
DROP TRIGGER problem_seals_append_only ON problem_seals;
DROP FUNCTION problem_seals_append_only();
ALTER TABLE problem_seals DROP CONSTRAINT problem_seals_ledger_whole, DROP COLUMN hash,
    DROP COLUMN prev_hash, DROP COLUMN facts_digest;
