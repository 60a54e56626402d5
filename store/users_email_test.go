package store_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"signoff/store"
	"signoff/testkit"
)

// TestUserByEmail: an active member is found by e-mail whatever its case; nobody, and an
// address two active members share, name no one; an inactive member does not count.
func TestUserByEmail(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	conn, err := pgx.Connect(ctx, db.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exec := func(q string) {
		t.Helper()
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	check := func(email, wantID string, wantErr error) {
		t.Helper()
		u, err := db.Store.UserByEmail(ctx, email)
		if !errors.Is(err, wantErr) || u.ID != wantID {
			t.Errorf("UserByEmail(%q) = %q, %v; want %q, %v", email, u.ID, err, wantID, wantErr)
		}
	}
	check("li.na@example.com", "li.na", nil)
	check("LI.NA@Example.COM", "li.na", nil)
	check("nobody@example.com", "", store.ErrNotFound)
	check("", "", store.ErrNotFound)

	exec(`INSERT INTO users (id, name, email, department_id)
		SELECT 'li.na2', 'Li Na (2)', 'Li.Na@example.com', department_id FROM users WHERE id = 'li.na'`)
	check("li.na@example.com", "", store.ErrSharedEmail)
	exec(`UPDATE users SET active = false WHERE id = 'li.na2'`)
	check("li.na@example.com", "li.na", nil)
}
