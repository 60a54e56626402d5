-- +goose Up
-- What each seal attested, kept: the canonical form (package ledger, Content.Canonical) of every
-- content a seal's digest names, keyed by that digest. An auditor reads from it exactly what a
-- signer saw, and recomputes its digest; a resubmission's edit is judged against it group by
-- group (policy seals.covers), so that it re-opens only the steps whose covered facts it
-- changes. Seals from before this table name digests it does not hold: they are judged by the
-- whole digest. Append-only like the seals.
CREATE TABLE seal_contents (
    digest     text PRIMARY KEY CHECK (digest ~ '^[0-9a-f]{64}$'),
    canonical  bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (encode(sha256(canonical), 'hex') = digest)
);

-- +goose StatementBegin
CREATE FUNCTION seal_contents_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'seal_contents is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER seal_contents_append_only BEFORE UPDATE OR DELETE ON seal_contents
    FOR EACH ROW EXECUTE FUNCTION seal_contents_append_only();
CREATE TRIGGER seal_contents_no_truncate BEFORE TRUNCATE ON seal_contents
    FOR EACH STATEMENT EXECUTE FUNCTION seal_contents_append_only();

-- +goose Down
DROP TABLE seal_contents;
DROP FUNCTION seal_contents_append_only();
