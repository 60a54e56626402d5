package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/chain"
	"signoff/store"
	"signoff/testkit"
)

// asApp is the test database seen through the application's role (testkit.AppRole, a member of
// signoff_app): the same database, a store connected as that role.
func asApp(t *testing.T, db *testkit.DB) (*testkit.DB, string) {
	t.Helper()
	u := db.AppURL(t)
	s, err := store.Open(testCtx(t), u, 4)
	if err != nil {
		t.Fatalf("open as the application role: %v", err)
	}
	t.Cleanup(s.Close)
	app := *db
	app.Store = s
	return &app, u
}

// TestAppRoleRunsTheApplication: as the application role the store writes a case, its seals,
// a problem and its seals, an audit entry and an archive, and reads the ledgers back sound.
func TestAppRoleRunsTheApplication(t *testing.T) {
	db := testkit.NewDB(t)
	app, _ := asApp(t, db)
	ctx := testCtx(t)
	c := sealedClaim(t, app)
	act(t, app, newChainAt(t, app, c), chain.Action{Type: chain.ActComment, Actor: "zhang.wei", Comment: "再催"})
	if err := app.Store.AppendAudit(ctx, store.AuditEntry{Kind: store.AuditSignIn, ActorID: "zhang.wei", Door: "web"}); err != nil {
		t.Fatalf("audit as the application role: %v", err)
	}
	if _, err := app.Store.InsertArchive(ctx, c.ID, time.Now(), []byte("PK package")); err != nil {
		t.Fatalf("archive as the application role: %v", err)
	}
	if r := verify(t, app, c.ID); !r.OK || r.Seals != 5 {
		t.Errorf("ledger as the application role = %+v, want 5 sound seals", r)
	}
	if r := verifyProblem(t, app, sealedProblem(t, app)); !r.OK || r.Seals != 3 {
		t.Errorf("problem ledger as the application role = %+v, want 3 sound seals", r)
	}
}

// newChainAt rebuilds a sealed claim's chain state as the store has it, so that the test can
// act on it again.
func newChainAt(t *testing.T, db *testkit.DB, c store.Case) *chain.State {
	t.Helper()
	st := newChain(t, c)
	st.Submitted(monday10)
	for _, a := range []chain.Action{
		{Type: chain.ActApprove, Actor: "liu.yang", Comment: "属实"},
		{Type: chain.ActComment, Actor: "zhang.wei", Comment: "请尽快"},
		{Type: chain.ActApprove, Actor: "sun.min"},
	} {
		a.Revision = st.Revision
		st.Apply(a, monday10)
	}
	return st
}

// TestAppRoleCannotBypassTheGuards: the application's role may not change or remove a row of
// the append-only tables, nor take their guards away (disable or drop a trigger, replica mode),
// nor truncate them: it owns nothing.
func TestAppRoleCannotBypassTheGuards(t *testing.T) {
	db := testkit.NewDB(t)
	app, appURL := asApp(t, db)
	c := sealedClaim(t, app)
	if err := app.Store.AppendAudit(testCtx(t), store.AuditEntry{Kind: store.AuditSignIn, ActorID: "zhang.wei"}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Store.InsertArchive(testCtx(t), c.ID, time.Now(), []byte("PK package")); err != nil {
		t.Fatal(err)
	}
	sealedProblem(t, app)
	tamper(t, db, `UPDATE seals SET written_at = written_at - interval '3 days'`)
	if heads, err := app.Store.SealDailyHeads(testCtx(t), time.Now()); err != nil || len(heads) == 0 {
		t.Fatalf("daily heads as the application role: %+v, %v", heads, err)
	}
	for _, table := range []string{"seals", "seal_contents", "problem_seals", "ledger_heads", "audit_log", "case_archives"} {
		before := count(t, db, `SELECT count(*) FROM `+table)
		for _, q := range []string{
			`UPDATE ` + table + ` SET ` + map[string]string{"seals": "comment = 'x'", "seal_contents": "created_at = now()", "problem_seals": "comment = 'x'", "ledger_heads": "seals = 0", "audit_log": "code = 'x'", "case_archives": "package = 'x'"}[table],
			`DELETE FROM ` + table,
			`TRUNCATE ` + table + ` CASCADE`,
			`ALTER TABLE ` + table + ` DISABLE TRIGGER ALL`,
			`ALTER TABLE ` + table + ` DISABLE TRIGGER USER`,
			`DROP TRIGGER ` + map[string]string{"seals": "seals_append_only", "seal_contents": "seal_contents_append_only", "problem_seals": "problem_seals_append_only", "ledger_heads": "ledger_heads_append_only", "audit_log": "audit_log_no_update_delete", "case_archives": "case_archives_append_only"}[table] + ` ON ` + table,
			`ALTER TABLE ` + table + ` OWNER TO ` + testkit.AppRole,
			`SET session_replication_role = replica`,
		} {
			t.Run(table+": "+q, func(t *testing.T) {
				ctx := testCtx(t)
				conn, err := pgx.Connect(ctx, appURL)
				if err != nil {
					t.Fatalf("connect as the application role: %v", err)
				}
				defer conn.Close(ctx)
				if _, err := conn.Exec(ctx, q); err == nil {
					t.Errorf("%s as the application role succeeded, want refused", q)
				}
			})
		}
		if after := count(t, db, `SELECT count(*) FROM `+table); after != before || before == 0 {
			t.Errorf("%s holds %d rows after the refused statements, %d before (want equal, not 0)", table, after, before)
		}
	}
	var owner bool
	withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
		const q = `SELECT bool_or(pg_has_role($1, tableowner, 'USAGE')) FROM pg_tables WHERE schemaname = 'public'`
		if err := conn.QueryRow(ctx, q, testkit.AppRole).Scan(&owner); err != nil {
			t.Fatal(err)
		}
	})
	if owner {
		t.Errorf("the application role can act as the owner of a table")
	}
	if r := verify(t, db, c.ID); !r.OK {
		t.Errorf("after the refused statements: %+v", r)
	}
}
