package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/testkit"
)

// TestArchiveIsWrittenOnceAndNeverChanged: a second write of a case's package (a retried
// activity, a restarted worker) keeps the first, and UPDATE, DELETE and TRUNCATE are refused, as
// the application's own connection would send them.
func TestArchiveIsWrittenOnceAndNeverChanged(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	c := mustCreate(t, db, salesClaim(db, 12_000))
	closed := time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)
	first := []byte("PK first package")
	written, err := db.Store.InsertArchive(ctx, c.ID, closed, first)
	if err != nil || !written {
		t.Fatalf("first write: written=%v err=%v", written, err)
	}
	written, err = db.Store.InsertArchive(ctx, c.ID, closed, []byte("PK second package"))
	if err != nil || written {
		t.Fatalf("second write: written=%v err=%v, want a no-op", written, err)
	}
	got, err := db.Store.Archives(ctx, closed.Add(-time.Hour), closed.Add(time.Hour))
	if err != nil || len(got) != 1 || !bytes.Equal(got[0].Package, first) || len(got[0].SHA256) != 32 {
		t.Fatalf("archives = %+v, %v; want the first package once", got, err)
	}
	if none, _ := db.Store.Archives(ctx, closed.Add(time.Hour), closed.Add(2*time.Hour)); len(none) != 0 {
		t.Errorf("a period after the close lists %d archives", len(none))
	}
	for _, q := range []string{
		`UPDATE case_archives SET package = 'x' WHERE case_id = $1`,
		`DELETE FROM case_archives WHERE case_id = $1`,
		`TRUNCATE case_archives`,
	} {
		withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
			args := []any{c.ID}
			if strings.HasPrefix(q, "TRUNCATE") {
				args = nil
			}
			if _, err := conn.Exec(ctx, q, args...); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want refused as append-only", q, err)
			}
		})
	}
	if n := count(t, db, `SELECT count(*) FROM case_archives WHERE case_id = $1 AND package = $2`, c.ID, first); n != 1 {
		t.Errorf("after the refused changes %d rows hold the first package, want 1", n)
	}
}
