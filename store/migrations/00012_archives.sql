-- +goose Up
-- The archive package of each closed case (package archive): written once, when the case
-- closes, and never changed or removed. The primary key makes a second write of the same case a
-- no-op (a retried activity, a restarted worker), and the triggers refuse UPDATE, DELETE and
-- TRUNCATE whoever asks, so the application cannot rewrite an archive. sha256 is the digest of
-- the whole package as exported.
CREATE TABLE case_archives (
    case_id    text PRIMARY KEY REFERENCES cases (id),
    closed_at  timestamptz NOT NULL,
    sha256     bytea NOT NULL CHECK (length(sha256) = 32),
    package    bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_archives_closed_at ON case_archives (closed_at);

-- +goose StatementBegin
CREATE FUNCTION case_archives_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_archives is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER case_archives_append_only BEFORE UPDATE OR DELETE ON case_archives
    FOR EACH ROW EXECUTE FUNCTION case_archives_append_only();
CREATE TRIGGER case_archives_no_truncate BEFORE TRUNCATE ON case_archives
    FOR EACH STATEMENT EXECUTE FUNCTION case_archives_append_only();

-- +goose Down
DROP TABLE case_archives;
DROP FUNCTION case_archives_append_only();
