package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"signoff/store"
	"signoff/testkit"
)

// TestSessions: a session is found by its token while it lasts and not after logout.
func TestSessions(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	now := time.Now()
	tests := []struct {
		name    string
		token   string
		user    string
		expires time.Time
		logout  bool
		wantErr error
	}{
		{"live", "tok-live", "li.na", now.Add(time.Hour), false, nil},
		{"expired", "tok-old", "li.na", now.Add(-time.Second), false, store.ErrNotFound},
		{"logged out", "tok-out", "wang.fang", now.Add(time.Hour), true, store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.Store.CreateSession(ctx, tt.token, tt.user, now, tt.expires); err != nil {
				t.Fatal(err)
			}
			if tt.logout {
				if err := db.Store.DeleteSession(ctx, tt.token); err != nil {
					t.Fatal(err)
				}
			}
			u, err := db.Store.SessionUser(ctx, tt.token, now, now.Add(-time.Hour))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err == nil && (u.ID != tt.user || u.DepartmentID == "" || len(u.Roles) == 0 || u.Name == "") {
				t.Errorf("user = %+v, want %s with name, department and roles", u, tt.user)
			}
		})
	}
	if _, err := db.Store.SessionUser(ctx, "never-issued", now, now.Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown token: err = %v, want ErrNotFound", err)
	}
	if _, err := db.Store.SessionUser(ctx, "tok-live ", now, now.Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("token with a trailing space: err = %v, want ErrNotFound", err)
	}
	if err := db.Store.CreateSession(ctx, "tok-ghost", "ghost", now, now.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session of an unknown user: err = %v, want ErrNotFound", err)
	}
	if err := db.Store.CreateSession(ctx, "tok-live", "li.na", now, now.Add(time.Hour)); !errors.Is(err, store.ErrConflict) {
		t.Errorf("same token twice: err = %v, want ErrConflict", err)
	}
	// The token is stored hashed.
	if n := count(t, db, `SELECT count(*) FROM sessions WHERE token_hash = convert_to('tok-live', 'UTF8')`); n != 0 {
		t.Errorf("a session is stored under its raw token")
	}
}

// TestDelegations: Delegators names whom the delegate may act for at a given instant; a
// delegation holds from valid_from (inclusive) to valid_to (exclusive).
func TestDelegations(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	t0 := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, d := range []store.Delegation{
		{DelegatorID: "li.na", DelegateID: "zheng.yu", ValidFrom: t0, ValidTo: t0.Add(7 * day)},
		{DelegatorID: "wang.fang", DelegateID: "zheng.yu", ValidFrom: t0.Add(3 * day), ValidTo: t0.Add(5 * day)},
		{DelegatorID: "sun.min", DelegateID: "zheng.yu", ValidFrom: t0.Add(-10 * day), ValidTo: t0.Add(-1 * day)},
		// A second, overlapping delegation from li.na: she is listed once.
		{DelegatorID: "li.na", DelegateID: "zheng.yu", ValidFrom: t0.Add(day), ValidTo: t0.Add(2 * day)},
		{DelegatorID: "liu.yang", DelegateID: "xu.jing", ValidFrom: t0, ValidTo: t0.Add(7 * day)},
	} {
		got, err := db.Store.CreateDelegation(ctx, d)
		if err != nil {
			t.Fatalf("create %+v: %v", d, err)
		}
		if got.ID == 0 {
			t.Errorf("delegation %+v has no ID", got)
		}
	}
	tests := []struct {
		name     string
		delegate string
		at       time.Time
		want     []string
	}{
		{"in force", "zheng.yu", t0.Add(12 * time.Hour), []string{"li.na"}},
		{"at the first instant", "zheng.yu", t0, []string{"li.na"}},
		{"two at once, sorted", "zheng.yu", t0.Add(4 * day), []string{"li.na", "wang.fang"}},
		{"overlapping delegations from one person", "zheng.yu", t0.Add(36 * time.Hour), []string{"li.na"}},
		{"not yet", "zheng.yu", t0.Add(-time.Microsecond), nil},
		{"at the end instant", "zheng.yu", t0.Add(5 * day), []string{"li.na"}},
		{"expired", "zheng.yu", t0.Add(7 * day), nil},
		{"only during the expired one", "zheng.yu", t0.Add(-5 * day), []string{"sun.min"}},
		{"another delegate", "xu.jing", t0.Add(day), []string{"liu.yang"}},
		{"the delegator is no delegate", "li.na", t0.Add(day), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.Store.Delegators(ctx, tt.delegate, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Delegators(%s, %v) = %v, want %v", tt.delegate, tt.at, got, tt.want)
			}
		})
	}
}

// TestDelegates is the other side of TestDelegations: whom a delegator has handed over to.
func TestDelegates(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	t0 := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, d := range []store.Delegation{
		{DelegatorID: "li.na", DelegateID: "zheng.yu", ValidFrom: t0, ValidTo: t0.Add(time.Hour)},
		{DelegatorID: "li.na", DelegateID: "liu.yang", ValidFrom: t0.Add(30 * time.Minute), ValidTo: t0.Add(2 * time.Hour)},
	} {
		if _, err := db.Store.CreateDelegation(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		who  string
		at   time.Time
		want []string
	}{
		{"li.na", t0.Add(-time.Microsecond), nil},
		{"li.na", t0, []string{"zheng.yu"}},
		{"li.na", t0.Add(45 * time.Minute), []string{"liu.yang", "zheng.yu"}},
		{"li.na", t0.Add(time.Hour), []string{"liu.yang"}},
		{"li.na", t0.Add(2 * time.Hour), nil},
		{"zheng.yu", t0, nil},
	}
	for _, tt := range tests {
		got, err := db.Store.Delegates(ctx, tt.who, tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Delegates(%s, %v) = %v, want %v", tt.who, tt.at, got, tt.want)
		}
	}
}

// TestCreateDelegationRefused: the database refuses nonsense delegations.
func TestCreateDelegationRefused(t *testing.T) {
	db := testkit.NewDB(t)
	t0 := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		d       store.Delegation
		wantErr error // nil: any error
	}{
		{"to oneself", store.Delegation{DelegatorID: "li.na", DelegateID: "li.na", ValidFrom: t0, ValidTo: t0.Add(time.Hour)}, nil},
		{"ends before it starts", store.Delegation{DelegatorID: "li.na", DelegateID: "zheng.yu", ValidFrom: t0, ValidTo: t0.Add(-time.Hour)}, nil},
		{"empty period", store.Delegation{DelegatorID: "li.na", DelegateID: "zheng.yu", ValidFrom: t0, ValidTo: t0}, nil},
		{"unknown delegate", store.Delegation{DelegatorID: "li.na", DelegateID: "ghost", ValidFrom: t0, ValidTo: t0.Add(time.Hour)}, store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Store.CreateDelegation(testCtx(t), tt.d)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("err = %v, want refused (%v)", err, tt.wantErr)
			}
		})
	}
	if n := count(t, db, `SELECT count(*) FROM delegations`); n != 0 {
		t.Errorf("%d delegations stored", n)
	}
}

// TestUsers: UserByID finds active users only; UsersByIDs returns those that exist.
func TestUsers(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	u, err := db.Store.UserByID(ctx, "qian.li")
	if err != nil || u.Name != "钱丽" || u.DepartmentID != "finance" || u.Email != "qian.li@example.com" ||
		!slices.Contains(u.Roles, "finance_director") {
		t.Errorf("qian.li = %+v, %v", u, err)
	}
	if _, err := db.Store.UserByID(ctx, "ghost"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ghost: err = %v, want ErrNotFound", err)
	}
	m, err := db.Store.UsersByIDs(ctx, []string{"li.na", "ghost", "wu.xia"})
	if err != nil || len(m) != 2 || m["li.na"].Name != "李娜" || m["wu.xia"].DepartmentID != "finance" {
		t.Errorf("UsersByIDs = %+v, %v", m, err)
	}
}
