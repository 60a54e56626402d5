-- +goose Up
-- The audit log: what matters to an auditor and is not a seal (sign-ins and failed sign-ins,
-- refused calls, policy loads, exports, downloads). Append-only like a ledger: the trigger below
-- refuses every UPDATE and DELETE, whoever runs it, so a row once written stays as written.
-- TRUNCATE is refused too, so that nobody empties the log in one statement.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    kind       text NOT NULL CHECK (kind IN ('sign_in', 'sign_in_failed', 'refused', 'policy_load', 'export', 'download')),
    actor_id   text NOT NULL DEFAULT '',   -- who (the user name typed, for a failed sign-in); '' for the system
    door       text NOT NULL DEFAULT '',   -- api, web, cli
    method     text NOT NULL DEFAULT '',
    route      text NOT NULL DEFAULT '',   -- the route pattern, or the command
    code       text NOT NULL DEFAULT '',   -- the refusal code, the export's name
    request_id text NOT NULL DEFAULT '',
    remote     text NOT NULL DEFAULT '',
    details    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_kind ON audit_log (kind, at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC, id DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
