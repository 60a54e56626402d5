-- +goose Up
-- Password sign-in done properly (issue 14): the bcrypt hashes leave the policy document and the
-- users table for a table of their own, which the application changes (a password change, an
-- admin's reset) without a policy load. A document that still carries password_hash is loaded
-- as before; its hashes are copied here once, for users who have no credential yet
-- (store.syncOrg), and never overwrite a password changed since.
CREATE TABLE credentials (
    user_id       text PRIMARY KEY REFERENCES users(id),
    password_hash text NOT NULL,                        -- bcrypt
    changed_at    timestamptz NOT NULL DEFAULT now(),
    must_change   boolean NOT NULL DEFAULT false        -- set by an admin's reset
);
INSERT INTO credentials (user_id, password_hash)
    SELECT id, password_hash FROM users WHERE password_hash <> '';
ALTER TABLE users DROP COLUMN password_hash;

-- Sign-in throttling shared by every gateway: a fixed-window failure counter per key
-- ('user:<name typed>' or 'addr:<client address>'). The window opens at the first failure and
-- lasts auth.failure_window; reaching the key's limit within it locks the key until
-- locked_until. A successful sign-in deletes the account's row.
CREATE TABLE sign_in_throttle (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    failures     integer NOT NULL CHECK (failures > 0),
    locked_until timestamptz
);

-- Idle timeout: a session not used for auth.idle_timeout is over, whatever its expires_at.
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX sessions_user ON sessions (user_id);

-- New kinds of audit entry: a refused sign-in of a locked account or address, a password
-- changed by its owner, a password reset by an admin.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_kind_check CHECK (kind IN ('sign_in', 'sign_in_failed',
    'refused', 'policy_load', 'export', 'download', 'sign_in_locked', 'password_changed', 'password_reset'));

-- +goose Down
ALTER TABLE audit_log DROP CONSTRAINT audit_log_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_kind_check CHECK (kind IN ('sign_in', 'sign_in_failed',
    'refused', 'policy_load', 'export', 'download')) NOT VALID;
DROP INDEX sessions_user;
ALTER TABLE sessions DROP COLUMN last_seen_at;
DROP TABLE sign_in_throttle;
ALTER TABLE users ADD COLUMN password_hash text NOT NULL DEFAULT '';
-- UPDATE of users, not of an append-only table: the hashes go back where they were.
UPDATE users u SET password_hash = c.password_hash FROM credentials c WHERE c.user_id = u.id;
DROP TABLE credentials;
