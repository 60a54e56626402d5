package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/policy"
	"signoff/store"
	"signoff/testkit"
)

// TestAuditLogIsAppendOnly: the database itself refuses to change, delete or truncate an entry,
// so no code path of the application (nor anyone at a psql prompt as its role) rewrites history.
func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	if err := db.Store.AppendAudit(ctx, store.AuditEntry{Kind: store.AuditSignIn, ActorID: "zhang.wei", Door: "api"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE audit_log SET actor_id = 'someone.else' WHERE actor_id = 'zhang.wei'`,
		`DELETE FROM audit_log WHERE actor_id = 'zhang.wei'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
	} {
		withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
			_, err := conn.Exec(ctx, q)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: error = %v, want the append-only refusal", q, err)
			}
		})
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE actor_id = 'zhang.wei' AND kind = 'sign_in'`); n != 1 {
		t.Errorf("entries of zhang.wei = %d, want 1 unchanged", n)
	}
}

// TestPolicyLoadsAreAudited: every load is recorded in the load's transaction, the one that
// created a version and the one that found it unchanged.
func TestPolicyLoadsAreAudited(t *testing.T) {
	t.Parallel()
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	page, err := db.Store.ListAudit(ctx, store.AuditFilter{Kind: store.AuditPolicyLoad})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].Details["created"] != true || page.Items[0].Door != "cli" {
		t.Fatalf("the template's demo load: %+v", page.Items)
	}
	if _, created, err := db.Store.LoadPolicy(ctx, policy.Demo(), policy.DemoYAML); err != nil || created {
		t.Fatalf("reload: created %v, %v", created, err)
	}
	page, err = db.Store.ListAudit(ctx, store.AuditFilter{Kind: store.AuditPolicyLoad})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.Items[0].Details["created"] != false ||
		page.Items[0].Details["version"] != float64(db.Version) {
		t.Fatalf("after an unchanged reload: %+v", page.Items)
	}
}

// TestListAuditFiltersAndPages: kind, actor and period select, newest first, and a cursor
// continues exactly where a page ended.
func TestListAuditFiltersAndPages(t *testing.T) {
	t.Parallel()
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	base := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		e := store.AuditEntry{At: base.Add(time.Duration(i) * time.Hour), Kind: store.AuditRefused, ActorID: "zhang.wei",
			Door: "api", Method: "GET", Route: "GET /api/v1/audit", Code: "capability_required",
			Details: map[string]any{"capability": "audit.read"}}
		if i == 4 {
			e.Kind, e.ActorID, e.Code = store.AuditSignInFailed, "nobody", "invalid_credentials"
		}
		if err := db.Store.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	var got []time.Time
	f := store.AuditFilter{Kind: store.AuditRefused, ActorID: "zhang.wei", Limit: 3}
	for range 3 {
		page, err := db.Store.ListAudit(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Items {
			got = append(got, e.At)
			if e.Details["capability"] != "audit.read" || e.Code != "capability_required" {
				t.Errorf("entry %+v", e)
			}
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	want := []time.Time{base.Add(3 * time.Hour), base.Add(2 * time.Hour), base.Add(time.Hour), base}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	page, err := db.Store.ListAudit(ctx, store.AuditFilter{From: base.Add(time.Hour), To: base.Add(3 * time.Hour)})
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("period [10:00, 12:00): %+v, %v", page.Items, err)
	}
	if _, err := db.Store.ListAudit(ctx, store.AuditFilter{Cursor: "o_1.x.y"}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("a case list's cursor: %v, want ErrBadCursor", err)
	}
	if err := db.Store.AppendAudit(ctx, store.AuditEntry{Kind: "anything"}); err == nil {
		t.Error("an unknown kind was written")
	}
}
