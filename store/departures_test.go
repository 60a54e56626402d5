package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"signoff/store"
	"signoff/testkit"
)

// TestDeactivate: a departed person is inactive (no user, no session), their delegations end,
// a policy load that still lists them leaves them inactive, a repeat is accepted, and a
// reactivation brings them back; someone who never existed or never left is ErrNotFound.
func TestDeactivate(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	now := time.Now().UTC().Truncate(time.Second)
	if err := db.Store.CreateSession(ctx, "tok", "li.na", now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, d := range []store.Delegation{
		{DelegatorID: "li.na", DelegateID: "liu.yang", ValidFrom: now.Add(-time.Hour), ValidTo: now.Add(time.Hour)},
		{DelegatorID: "wang.fang", DelegateID: "li.na", ValidFrom: now.Add(time.Hour), ValidTo: now.Add(2 * time.Hour)},
	} {
		if _, err := db.Store.CreateDelegation(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	dep := store.Departure{UserID: "li.na", At: now, ByID: "zhao.qiang", Reason: "离职"}
	if err := db.Store.Deactivate(ctx, dep); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Store.UserByID(ctx, "li.na"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("departed user: %v, want ErrNotFound", err)
	}
	if _, err := db.Store.SessionAt(ctx, "tok", now, now.Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("departed user's session: %v, want ErrNotFound", err)
	}
	if ds, err := db.Store.DelegationsOf(ctx, "li.na", now); err != nil || len(ds) != 0 {
		t.Errorf("delegations of the departed after she left: %+v %v", ds, err)
	}
	if _, _, err := db.Store.LoadPolicy(ctx, changedDemo(t), []byte("# changed")); err != nil {
		t.Fatal(err)
	}
	if active, err := db.Store.ActiveAmong(ctx, []string{"li.na", "liu.yang"}); err != nil || active["li.na"] || !active["liu.yang"] {
		t.Errorf("after a policy load: active %v %v, want liu.yang only", active, err)
	}
	if err := db.Store.Deactivate(ctx, dep); err != nil {
		t.Errorf("repeat: %v", err)
	}
	for _, id := range []string{"ghost", "zheng.yu"} { // never existed; dropped by the policy, never departed
		if err := db.Store.Deactivate(ctx, store.Departure{UserID: id, At: now, ByID: "zhao.qiang", Reason: "x"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deactivate %s: %v, want ErrNotFound", id, err)
		}
	}
	if err := db.Store.Reactivate(ctx, "liu.yang"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("reactivate someone who never left: %v, want ErrNotFound", err)
	}
	if err := db.Store.Reactivate(ctx, "li.na"); err != nil {
		t.Fatal(err)
	}
	people, err := db.Store.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(people, func(u store.UserDirectory) bool { return u.ID == "li.na" })
	if i < 0 || !people[i].Active {
		t.Errorf("li.na after reactivation: %+v", people)
	}
}
