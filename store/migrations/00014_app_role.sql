-- +goose Up
-- The application role. The gateways and workers connect as a LOGIN role that is a member of
-- signoff_app (see deploy/README.md); migrations run as the schema's owner. signoff_app owns
-- nothing, so it cannot ALTER TABLE ... DISABLE TRIGGER, drop a trigger, or TRUNCATE: the
-- append-only guards of the ledger (seals, seal_contents, problem_seals, ledger_heads),
-- audit_log and case_archives hold against the application itself, and those tables get SELECT
-- and INSERT only. Every other table gets SELECT, INSERT, UPDATE and DELETE (read models, inbox, outbox,
-- sessions are rewritten by the application).
--
-- Roles are cluster-wide while migrations run per database: the role is created only when
-- missing, and a concurrent creation by a migration of another database on the same cluster
-- (the test suite clones many) is taken as success. Creating it takes CREATEROLE; a deployment
-- whose owner lacks it creates signoff_app beforehand (deploy/compose/initdb does).
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'signoff_app') THEN
        CREATE ROLE signoff_app NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- created meanwhile by another database's migration
END;
$$;
-- +goose StatementEnd

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO signoff_app;
REVOKE UPDATE, DELETE ON seals, seal_contents, audit_log, case_archives, problem_seals FROM signoff_app;
REVOKE ALL ON goose_db_version FROM signoff_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO signoff_app;

-- Tables and sequences later migrations create (as the same owner) follow. A later append-only
-- table must REVOKE UPDATE, DELETE from signoff_app itself, as above.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO signoff_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO signoff_app;

-- +goose Down
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM signoff_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM signoff_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM signoff_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM signoff_app;
-- The role itself stays: other databases on the cluster may still use it.
