package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"signoff/chain"
	"signoff/policy"
	"signoff/store"
	"signoff/testkit"
)

// changedDemo is the demo document without zheng.yu, with a larger sales travel line and a
// renamed company.
func changedDemo(t *testing.T) *policy.Document {
	t.Helper()
	doc := policy.Demo()
	doc.Name = "示例科技有限公司（新）"
	doc.Users = slices.DeleteFunc(doc.Users, func(u policy.User) bool { return u.ID == "zheng.yu" })
	for i := range doc.BudgetLines {
		if doc.BudgetLines[i].ID == salesTravel {
			doc.BudgetLines[i].Total = 30_000_000
			doc.BudgetLines[i].Name = "销售部差旅费（追加）"
		}
	}
	if err := doc.Validate(); err != nil {
		t.Fatalf("changed demo is invalid: %v", err)
	}
	return doc
}

// TestLoadPolicy: loading the same document is a no-op; a changed one becomes the next version
// and brings users and budget lines in line without touching what is reserved or consumed.
func TestLoadPolicy(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	if db.Version != 1 {
		t.Fatalf("template policy version = %d, want 1", db.Version)
	}
	v, created, err := db.Store.LoadPolicy(ctx, policy.Demo(), policy.DemoYAML)
	if err != nil || v != db.Version || created {
		t.Fatalf("same document again: version %d created %v err %v; want %d, false", v, created, err, db.Version)
	}

	// Money on the line before the change: one case reserved, one paid.
	mustCreate(t, db, salesClaim(db, 40_000))
	paid := mustCreate(t, db, salesClaim(db, 60_000))
	st := newChain(t, paid)
	record(t, db, st, chain.Outcome{Budget: chain.BudgetConsume})
	before := budget(t, db, salesTravel)
	if before.Reserved != 40_000 || before.Consumed != 60_000 {
		t.Fatalf("before: %+v", before)
	}
	if err := db.Store.CreateSession(ctx, "tok", "zheng.yu", time.Now(), monday10.AddDate(10, 0, 0)); err != nil {
		t.Fatal(err)
	}

	doc := changedDemo(t)
	v, created, err = db.Store.LoadPolicy(ctx, doc, []byte("# changed"))
	if err != nil || v != db.Version+1 || !created {
		t.Fatalf("changed document: version %d created %v err %v; want %d, true", v, created, err, db.Version+1)
	}
	v, created, err = db.Store.LoadPolicy(ctx, changedDemo(t), []byte("# changed again, same content"))
	if err != nil || v != db.Version+1 || created {
		t.Errorf("changed document twice: version %d created %v err %v; want %d, false", v, created, err, db.Version+1)
	}

	after := budget(t, db, salesTravel)
	if after.Total != 30_000_000 || after.Name != "销售部差旅费（追加）" || after.Reserved != before.Reserved || after.Consumed != before.Consumed {
		t.Errorf("budget line after = %+v; want total 30,000,000 with reserved %d and consumed %d kept", after, before.Reserved, before.Consumed)
	}
	if other := budget(t, db, engTraining); other.Total != engTrainingTotal {
		t.Errorf("untouched line total = %d", other.Total)
	}
	if _, err := db.Store.UserByID(ctx, "zheng.yu"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removed user: err = %v, want ErrNotFound (deactivated)", err)
	}
	if _, err := db.Store.SessionUser(ctx, "tok", time.Now(), time.Now().Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session of a removed user: err = %v, want ErrNotFound", err)
	}
	if n := count(t, db, `SELECT count(*) FROM users WHERE id = 'zheng.yu' AND NOT active`); n != 1 {
		t.Errorf("removed user is deleted, not deactivated")
	}
	if _, err := db.Store.UserByID(ctx, "li.na"); err != nil {
		t.Errorf("kept user: %v", err)
	}

	// The cached reader sees the new version and still serves the old one.
	latest, latestDoc, err := db.Policies.Latest(ctx)
	if err != nil || latest != db.Version+1 || latestDoc.Name != doc.Name {
		t.Errorf("latest = %d %q %v", latest, latestDoc.Name, err)
	}
	old, err := db.Policies.Version(ctx, db.Version)
	if err != nil || old.Name != policy.Demo().Name || old.Checksum() != policy.Demo().Checksum() {
		t.Errorf("old version = %q, %v", old.Name, err)
	}
	if _, err := db.Policies.Version(ctx, 42); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown version: err = %v, want ErrNotFound", err)
	}
}

// TestLoadPolicyRevert: going back to an earlier document (undoing a bad change) makes it the
// latest version again, with its users active.
func TestLoadPolicyRevert(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	if _, _, err := db.Store.LoadPolicy(ctx, changedDemo(t), nil); err != nil {
		t.Fatal(err)
	}
	v, created, err := db.Store.LoadPolicy(ctx, policy.Demo(), policy.DemoYAML)
	if err != nil {
		t.Fatalf("revert to the demo document: %v", err)
	}
	if v != db.Version+2 || !created {
		t.Errorf("revert: version %d created %v, want %d, true", v, created, db.Version+2)
	}
	if _, err := db.Store.UserByID(ctx, "zheng.yu"); err != nil {
		t.Errorf("user back in the document: %v", err)
	}
	if latest, doc, err := db.Policies.Latest(ctx); err != nil || latest != v || doc.Checksum() != policy.Demo().Checksum() {
		t.Errorf("latest = %d, %v", latest, err)
	}
}

// TestMigrateTwice: migrating an up-to-date database changes nothing.
func TestMigrateTwice(t *testing.T) {
	db := testkit.NewDB(t)
	mustCreate(t, db, salesClaim(db, 1000))
	versions := count(t, db, `SELECT count(*) FROM goose_db_version`)
	for i := range 2 {
		if err := store.Migrate(testCtx(t), db.URL); err != nil {
			t.Fatalf("migrate %d: %v", i+1, err)
		}
	}
	if got := count(t, db, `SELECT count(*) FROM goose_db_version`); got != versions {
		t.Errorf("goose versions %d -> %d", versions, got)
	}
	if got := count(t, db, `SELECT count(*) FROM cases`); got != 1 {
		t.Errorf("%d cases after migrating, want 1", got)
	}
	if got := count(t, db, `SELECT count(*) FROM policy_versions`); got != 1 {
		t.Errorf("%d policy versions after migrating, want 1", got)
	}
	if err := store.Migrate(testCtx(t), "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"); err == nil {
		t.Errorf("migrate an unreachable database: no error")
	}
}
