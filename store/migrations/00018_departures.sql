-- +goose Up
-- A person who leaves (issue 14, organisation as managed data): an admin deactivates them and
-- their open steps are re-routed. The departure is recorded here, apart from the policy, so that
-- loading a policy that still lists them does not bring them back (store.syncOrg); a
-- reactivation deletes the row.
CREATE TABLE departures (
    user_id    text PRIMARY KEY REFERENCES users(id),
    at         timestamptz NOT NULL,
    by_id      text NOT NULL REFERENCES users(id),
    reason     text NOT NULL
);

-- New kinds of audit entry: a person deactivated (left) and reactivated by an admin.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_kind_check CHECK (kind IN ('sign_in', 'sign_in_failed',
    'refused', 'policy_load', 'export', 'download', 'sign_in_locked', 'password_changed', 'password_reset',
    'user_deactivated', 'user_reactivated'));

-- +goose Down
ALTER TABLE audit_log DROP CONSTRAINT audit_log_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_kind_check CHECK (kind IN ('sign_in', 'sign_in_failed',
    'refused', 'policy_load', 'export', 'download', 'sign_in_locked', 'password_changed', 'password_reset')) NOT VALID;
DROP TABLE departures;
