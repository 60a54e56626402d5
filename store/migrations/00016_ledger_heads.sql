-- +goose Up
-- The daily chain head over every ledger (package ledger, "signoff-day/1"): one row per UTC
-- day, the hash over the previous day's head and the hash of every seal of cases and problems
-- written that day. A seal removed or changed after its day was headed breaks that day's head
-- even if someone rebuilt the seal's own chain.
--
-- written_at is when the database wrote a seal (its at is when the decision was taken, which a
-- retried activity may write much later): the day a head covers. Existing seals take this
-- migration's time, as ADD COLUMN evaluates the default once (no row is rewritten, so the
-- append-only triggers are not involved).
ALTER TABLE seals ADD COLUMN written_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE problem_seals ADD COLUMN written_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX seals_written_at ON seals (written_at);
CREATE INDEX problem_seals_written_at ON problem_seals (written_at);

CREATE TABLE ledger_heads (
    day        date PRIMARY KEY,
    prev_hash  text NOT NULL,           -- the previous day's head; '' for the first
    seals      integer NOT NULL CHECK (seals >= 0),
    hash       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only, whoever asks; the application role may only read and add (00014).
-- +goose StatementBegin
CREATE FUNCTION ledger_heads_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_heads is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER ledger_heads_append_only BEFORE UPDATE OR DELETE ON ledger_heads
    FOR EACH ROW EXECUTE FUNCTION ledger_heads_append_only();
CREATE TRIGGER ledger_heads_no_truncate BEFORE TRUNCATE ON ledger_heads
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_heads_append_only();
REVOKE UPDATE, DELETE ON ledger_heads FROM signoff_app;

-- +goose Down
DROP TABLE ledger_heads;
DROP FUNCTION ledger_heads_append_only();
DROP INDEX problem_seals_written_at;
DROP INDEX seals_written_at;
ALTER TABLE problem_seals DROP COLUMN written_at;
ALTER TABLE seals DROP COLUMN written_at;
