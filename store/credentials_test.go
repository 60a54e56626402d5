package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"signoff/policy"
	"signoff/store"
	"signoff/testkit"
)

// TestCredentialsSeededOnceFromOldDocuments: the demo load gives every demo user the dev hash; a
// later document still carrying hashes (the format before 00017) seeds only users without a
// credential and never undoes a change; setting a credential ends the user's other sessions.
func TestCredentialsSeededOnceFromOldDocuments(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	c, err := db.Store.CredentialOf(ctx, "zhang.wei")
	if err != nil || c.Hash != policy.DemoPasswordHash || c.MustChange {
		t.Fatalf("zhang.wei's credential after the demo load = %+v, %v", c, err)
	}
	if n := count(t, db, `SELECT count(*) FROM credentials`); n != int64(len(policy.Demo().Users)) {
		t.Errorf("%d credentials, want one per demo user (%d)", n, len(policy.Demo().Users))
	}

	now := time.Now()
	for _, tok := range []string{"tok-a", "tok-b"} {
		if err := db.Store.CreateSession(ctx, tok, "zhang.wei", now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	changed := store.Credential{UserID: "zhang.wei", Hash: "$2a$10$changed", ChangedAt: now, MustChange: true}
	if err := db.Store.SetCredential(ctx, changed, "tok-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Store.SessionUser(ctx, "tok-a", now, now.Add(-time.Hour)); err != nil {
		t.Errorf("the session kept: %v", err)
	}
	if _, err := db.Store.SessionUser(ctx, "tok-b", now, now.Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another session after the change: %v, want ErrNotFound", err)
	}
	if err := db.Store.SetCredential(ctx, store.Credential{UserID: "ghost", Hash: "x", ChangedAt: now}, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("credential of an unknown user: %v, want ErrNotFound", err)
	}

	// An old-format document, one user more, every hash a new one.
	doc := policy.Demo()
	doc.Name = "示例科技有限公司（旧格式）"
	doc.Users = append(doc.Users, policy.User{ID: "new.hire", Name: "新人", Email: "new.hire@example.com",
		Department: "sales", Roles: []policy.Role{"handler"}})
	for i := range doc.Users {
		doc.Users[i].PasswordHash = "$2a$10$fromdocument"
	}
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Store.LoadPolicy(ctx, doc, []byte("# old format")); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.Store.CredentialOf(ctx, "zhang.wei"); c.Hash != changed.Hash || !c.MustChange {
		t.Errorf("a reload overwrote a changed credential: %+v", c)
	}
	if c, _ := db.Store.CredentialOf(ctx, "li.na"); c.Hash != policy.DemoPasswordHash {
		t.Errorf("a reload overwrote li.na's credential: %+v", c)
	}
	if c, err := db.Store.CredentialOf(ctx, "new.hire"); err != nil || c.Hash != "$2a$10$fromdocument" {
		t.Errorf("the new user's credential = %+v, %v; want the document's hash", c, err)
	}
	if n := count(t, db, `SELECT count(*) FROM policy_versions WHERE document::text LIKE '%fromdocument%'`); n != 0 {
		t.Error("a stored policy version carries a password hash")
	}
}

// TestSignInThrottleWindow: failures count within the window from the first; the one reaching
// the limit locks the key; a window past its length starts afresh; clearing forgets; and
// concurrent failures (many gateways at once) are all counted.
func TestSignInThrottleWindow(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	th := store.Throttle{Key: "user:zhang.wei", Limit: 3, Window: 10 * time.Minute, Lockout: 5 * time.Minute}
	fail := func(at time.Time) time.Time {
		t.Helper()
		until, err := db.Store.RecordSignInFailure(ctx, th, at)
		if err != nil {
			t.Fatal(err)
		}
		return until
	}
	locked := func(at time.Time) time.Time {
		t.Helper()
		until, err := db.Store.SignInLockedUntil(ctx, []string{th.Key, "addr:192.0.2.1"}, at)
		if err != nil {
			t.Fatal(err)
		}
		return until
	}
	if !fail(t0).IsZero() || !fail(t0.Add(time.Minute)).IsZero() {
		t.Fatal("locked before the limit")
	}
	// The window is over: this failure is the first of a new one.
	if !fail(t0.Add(11*time.Minute)).IsZero() || !fail(t0.Add(12*time.Minute)).IsZero() {
		t.Fatal("failures of an old window counted")
	}
	if until := fail(t0.Add(13 * time.Minute)); !until.Equal(t0.Add(18 * time.Minute)) {
		t.Fatalf("third failure in the window: locked until %v, want %v", until, t0.Add(18*time.Minute))
	}
	if until := locked(t0.Add(17 * time.Minute)); !until.Equal(t0.Add(18 * time.Minute)) {
		t.Errorf("locked until %v during the lockout", until)
	}
	if until := locked(t0.Add(18 * time.Minute)); !until.IsZero() {
		t.Errorf("still locked (%v) when the lockout ends", until)
	}
	if err := db.Store.ClearSignInFailures(ctx, th.Key); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM sign_in_throttle`); n != 0 {
		t.Errorf("%d rows after clearing", n)
	}

	// Forty failures at once from many connections: every one counted, as with many gateways.
	burst := store.Throttle{Key: "addr:192.0.2.7", Limit: 1000, Window: time.Hour, Lockout: time.Minute}
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if _, err := db.Store.RecordSignInFailure(ctx, burst, t0); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := count(t, db, `SELECT failures FROM sign_in_throttle WHERE key = 'addr:192.0.2.7'`); n != 40 {
		t.Errorf("%d failures counted of 40 concurrent", n)
	}
}
