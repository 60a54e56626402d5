package store_test

import (
	"errors"
	"slices"
	"sort"
	"testing"
	"time"

	"signoff/chain"
	"signoff/store"
	"signoff/testkit"
)

// listFixture is a small population of cases in known states:
//
//	s1, s2 sales claims by zhang.wei, at the witnesses (li.na, liu.yang)
//	s3     sales claim by zhang.wei, witnessed by li.na, at the reviewers
//	s4     sales claim by zhang.wei, not yet routed (status submitted)
//	e1     engineering claim by huang.lei, at xu.jing, overdue
//	e2     engineering claim by huang.lei, at xu.jing
//
// Submission times are set by hand: s1..s4 in January 2026, e1 and e2 in February.
type listFixture struct {
	db                     *testkit.DB
	s1, s2, s3, s4, e1, e2 string
}

func newListFixture(t *testing.T) listFixture {
	db := testkit.NewDB(t)
	f := listFixture{db: db}
	mk := func(n store.NewCase, route bool) (string, *chain.State) {
		c := mustCreate(t, db, n)
		if !route {
			return c.ID, nil
		}
		return c.ID, startChain(t, db, c)
	}
	var st3, ste1 *chain.State
	f.s1, _ = mk(salesClaim(db, 1000), true)
	f.s2, _ = mk(salesClaim(db, 2000), true)
	f.s3, st3 = mk(salesClaim(db, 3000), true)
	f.s4, _ = mk(salesClaim(db, 4000), false)
	f.e1, ste1 = mk(trainingClaim(db, 5000), true)
	f.e2, _ = mk(trainingClaim(db, 6000), true)
	act(t, db, st3, chain.Action{Type: chain.ActApprove, Actor: "li.na"})
	record(t, db, ste1, ste1.Escalate([]string{"chen.gang"}, monday10))
	for id, at := range map[string]time.Time{
		f.s1: time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC),
		f.s2: time.Date(2026, 1, 10, 1, 0, 0, 0, time.UTC),
		f.s3: time.Date(2026, 1, 15, 1, 0, 0, 0, time.UTC),
		f.s4: time.Date(2026, 1, 20, 1, 0, 0, 0, time.UTC),
		f.e1: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		f.e2: time.Date(2026, 2, 10, 1, 0, 0, 0, time.UTC),
	} {
		exec(t, db, `UPDATE cases SET submitted_at = $2 WHERE id = $1`, id, at)
	}
	return f
}

func ids(p store.Page) []string {
	out := make([]string, len(p.Items))
	for i, c := range p.Items {
		out[i] = c.ID
	}
	return out
}

// TestListCases checks scopes and filters against the fixture. Lists are newest first.
func TestListCases(t *testing.T) {
	f := newListFixture(t)
	yes, no := true, false
	at := func(y int, m time.Month, d int) *time.Time {
		v := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return &v
	}
	tests := []struct {
		name   string
		filter store.Filter
		want   []string
	}{
		{"todo of a witness", store.Filter{Scope: store.ScopeTodo, User: "li.na"}, []string{f.s2, f.s1}},
		{"todo of a reviewer", store.Filter{Scope: store.ScopeTodo, User: "sun.min"}, []string{f.s3}},
		{"todo of an engineering witness", store.Filter{Scope: store.ScopeTodo, User: "xu.jing"}, []string{f.e2, f.e1}},
		{"todo of the submitter", store.Filter{Scope: store.ScopeTodo, User: "zhang.wei"}, nil},
		{"todo of someone not yet reached", store.Filter{Scope: store.ScopeTodo, User: "wang.fang"}, nil},
		{"submitted by zhang.wei", store.Filter{Scope: store.ScopeSubmitted, User: "zhang.wei"}, []string{f.s4, f.s3, f.s2, f.s1}},
		{"submitted by huang.lei", store.Filter{Scope: store.ScopeSubmitted, User: "huang.lei"}, []string{f.e2, f.e1}},
		{"submitted by li.na", store.Filter{Scope: store.ScopeSubmitted, User: "li.na"}, nil},
		{"involved: a witness", store.Filter{Scope: store.ScopeInvolved, User: "li.na"}, []string{f.s3, f.s2, f.s1}},
		{"involved: a reviewer reached once", store.Filter{Scope: store.ScopeInvolved, User: "zhou.jie"}, []string{f.s3}},
		{"involved: the submitter of routed cases", store.Filter{Scope: store.ScopeInvolved, User: "zhang.wei"}, []string{f.s3, f.s2, f.s1}},
		{"all", store.Filter{Scope: store.ScopeAll}, []string{f.e2, f.e1, f.s4, f.s3, f.s2, f.s1}},
		{"no scope is all", store.Filter{}, []string{f.e2, f.e1, f.s4, f.s3, f.s2, f.s1}},
		{"status in progress", store.Filter{Status: "in_progress"}, []string{f.e2, f.e1, f.s3, f.s2, f.s1}},
		{"status submitted", store.Filter{Status: "submitted"}, []string{f.s4}},
		{"status paid", store.Filter{Status: "paid"}, nil},
		{"kind expense", store.Filter{Kind: "expense"}, []string{f.e2, f.e1, f.s4, f.s3, f.s2, f.s1}},
		{"kind procurement", store.Filter{Kind: "procurement"}, nil},
		{"department engineering", store.Filter{Department: "engineering"}, []string{f.e2, f.e1}},
		{"department sales", store.Filter{Department: "sales"}, []string{f.s4, f.s3, f.s2, f.s1}},
		{"overdue", store.Filter{Overdue: &yes}, []string{f.e1}},
		{"not overdue", store.Filter{Overdue: &no}, []string{f.e2, f.s4, f.s3, f.s2, f.s1}},
		{"from", store.Filter{From: at(2026, 1, 15)}, []string{f.e2, f.e1, f.s4, f.s3}},
		{"to is exclusive", store.Filter{To: at(2026, 2, 1)}, []string{f.s4, f.s3, f.s2, f.s1}},
		{"from is inclusive", store.Filter{From: at(2026, 2, 1), To: at(2026, 2, 2)}, []string{f.e1}},
		{"an empty range", store.Filter{From: at(2026, 3, 1), To: at(2026, 4, 1)}, nil},
		{"combined", store.Filter{Scope: store.ScopeSubmitted, User: "zhang.wei", Status: "in_progress",
			Department: "sales", From: at(2026, 1, 6), To: at(2026, 1, 20)}, []string{f.s3, f.s2}},
		{"todo and overdue", store.Filter{Scope: store.ScopeTodo, User: "xu.jing", Overdue: &yes}, []string{f.e1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.db.Store.ListCases(testCtx(t), tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(p); !slices.Equal(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
			if p.Items == nil || p.Next != "" {
				t.Errorf("items nil=%v next %q: want a non-nil list and no next page", p.Items == nil, p.Next)
			}
		})
	}
}

// TestListCasesReadModel: list items carry the read model but not the chain state.
func TestListCasesReadModel(t *testing.T) {
	f := newListFixture(t)
	p, err := f.db.Store.ListCases(testCtx(t), store.Filter{Scope: store.ScopeTodo, User: "sun.min"})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("list = %+v, %v", p, err)
	}
	c := p.Items[0]
	if c.ID != f.s3 || c.Status != "in_progress" || c.CurrentStep != "review" ||
		!slices.Equal(c.Assignees, []string{"sun.min", "zhou.jie"}) || c.Amount != 3000 || c.State != nil {
		t.Errorf("item = %+v", c)
	}
}

// TestListCasesPagination walks 25 cases ten at a time, including cases submitted at the same
// instant, and finds each exactly once in the same order as one long page.
func TestListCasesPagination(t *testing.T) {
	db := testkit.NewDB(t)
	var all []string
	for i := range 25 {
		n := salesClaim(db, int64(1000+i))
		if i%2 == 1 {
			n = trainingClaim(db, int64(1000+i))
		}
		all = append(all, mustCreate(t, db, n).ID)
	}
	// Three cases share each instant, so the id breaks ties across page boundaries.
	for i, id := range all {
		exec(t, db, `UPDATE cases SET submitted_at = $2 WHERE id = $1`, id,
			time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i/3)*time.Minute))
	}
	tests := []struct {
		name   string
		filter store.Filter
		limit  int
		pages  []int // sizes
	}{
		{"all, by ten", store.Filter{}, 10, []int{10, 10, 5}},
		{"all, by five", store.Filter{}, 5, []int{5, 5, 5, 5, 5}},
		{"all, by one more than there are", store.Filter{}, 26, []int{25}},
		{"all, by exactly as many", store.Filter{}, 25, []int{25}},
		{"sales, by four", store.Filter{Department: "sales"}, 4, []int{4, 4, 4, 1}},
		{"all, default limit", store.Filter{}, 0, []int{25}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full := tt.filter
			full.Limit = 200
			whole, err := db.Store.ListCases(testCtx(t), full)
			if err != nil {
				t.Fatal(err)
			}
			var walked []string
			var sizes []int
			f := tt.filter
			f.Limit = tt.limit
			for page := 0; ; page++ {
				if page > 30 {
					t.Fatalf("more than 30 pages")
				}
				p, err := db.Store.ListCases(testCtx(t), f)
				if err != nil {
					t.Fatalf("page %d: %v", page, err)
				}
				walked = append(walked, ids(p)...)
				sizes = append(sizes, len(p.Items))
				if p.Next == "" {
					break
				}
				f.After = p.Next
			}
			if !slices.Equal(sizes, tt.pages) {
				t.Errorf("page sizes = %v, want %v", sizes, tt.pages)
			}
			if !slices.Equal(walked, ids(whole)) {
				t.Errorf("walked %v\nwant   %v", walked, ids(whole))
			}
			seen := map[string]bool{}
			for _, id := range walked {
				if seen[id] {
					t.Errorf("%s listed twice", id)
				}
				seen[id] = true
			}
			if tt.filter.Department == "" {
				want := slices.Clone(all)
				sort.Strings(want)
				got := slices.Clone(walked)
				sort.Strings(got)
				if !slices.Equal(got, want) {
					t.Errorf("walked set %v, want every case %v", got, want)
				}
			}
		})
	}
}

// TestListCasesBadCursor: a cursor the store did not make is refused.
func TestListCasesBadCursor(t *testing.T) {
	db := testkit.NewDB(t)
	mustCreate(t, db, salesClaim(db, 1000))
	for _, cursor := range []string{"garbage", "zz!.EXP-2026-000001", "abc.", ".EXP-2026-000001", "-.x"} {
		t.Run(cursor, func(t *testing.T) {
			_, err := db.Store.ListCases(testCtx(t), store.Filter{After: cursor})
			if !errors.Is(err, store.ErrBadCursor) {
				t.Errorf("err = %v, want ErrBadCursor", err)
			}
		})
	}
}
