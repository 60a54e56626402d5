package testkit

import (
	"context"
	"net/url"
	"testing"
	"time"
)

// AppRole is the login role tests connect as to act as the application: a member of
// signoff_app (store/migrations/00014_app_role.sql), owning nothing. It is cluster-wide and
// shared by every test database; its password is no secret.
const AppRole = "signoff_app_test"

// AppURL is the test database's URL as the application role, created on first use. Roles are
// cluster-wide and many test binaries share the cluster, so a concurrent creation is taken as
// success.
func (db *DB) AppURL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const create = `DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '` + AppRole + `') THEN
        CREATE ROLE ` + AppRole + ` LOGIN PASSWORD '` + AppRole + `' IN ROLE signoff_app;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END;
$$`
	if err := execAdmin(ctx, withDatabase(db.URL, "postgres"), create); err != nil {
		t.Fatalf("application role: %v", err)
	}
	u, err := url.Parse(db.URL)
	if err != nil {
		t.Fatalf("application role: %v", err)
	}
	u.User = url.UserPassword(AppRole, AppRole)
	return u.String()
}
