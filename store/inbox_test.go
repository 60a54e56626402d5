package store_test

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/chain"
	"signoff/store"
	"signoff/testkit"
)

// actAt validates and applies an action at a given time and records the outcome.
func actAt(t *testing.T, db *testkit.DB, st *chain.State, a chain.Action, at time.Time) store.Record {
	t.Helper()
	a.Revision = st.Revision
	if err := st.Validate(a, at); err != nil {
		t.Fatalf("%s by %s refused: %v", a.Type, a.Actor, err)
	}
	return record(t, db, st, st.Apply(a, at))
}

// doneRows returns the done inbox entries of a case: user → acted_at.
func doneRows(t *testing.T, db *testkit.DB, caseID string) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
		rows, err := conn.Query(ctx, `SELECT user_id, acted_at FROM case_done WHERE case_id = $1`, caseID)
		if err != nil {
			t.Fatal(err)
		}
		var user string
		var at time.Time
		if _, err := pgx.ForEachRow(rows, []any{&user, &at}, func() error {
			out[user] = at
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
	return out
}

func sameDone(got, want map[string]time.Time) bool {
	return maps.EqualFunc(got, want, time.Time.Equal)
}

// TestCaseDone: every person's decision puts the case in their done inbox once, at their
// latest decision; submitting, resubmitting, comments, nudges, the workflow's own entries and
// the payment connector's do not. Replaying records changes nothing.
func TestCaseDone(t *testing.T) {
	db := testkit.NewDB(t)
	c := mustCreate(t, db, salesClaim(db, 1000))
	st := newChain(t, c)
	m := func(n int) time.Time { return monday10.Add(time.Duration(n) * time.Minute) }
	var records []store.Record
	keep := func(r store.Record) { records = append(records, r) }
	keep(record(t, db, st, st.Submitted(m(0))))
	keep(actAt(t, db, st, chain.Action{Type: chain.ActComment, Actor: "li.na", Comment: "看看"}, m(1)))
	keep(actAt(t, db, st, chain.Action{Type: chain.ActNudge, Actor: "zhang.wei"}, m(2)))
	keep(record(t, db, st, st.Remind(m(3))))
	returned := actAt(t, db, st, chain.Action{Type: chain.ActReturn, Actor: "li.na", Comment: "缺发票"}, m(10))
	keep(returned)
	keep(actAt(t, db, st, chain.Action{Type: chain.ActResubmit, Actor: "zhang.wei"}, m(20)))
	keep(actAt(t, db, st, chain.Action{Type: chain.ActApprove, Actor: "li.na"}, m(30)))
	keep(record(t, db, st, st.Escalate([]string{"qian.li"}, m(35))))
	keep(actAt(t, db, st, chain.Action{Type: chain.ActComment, Actor: "zhou.jie", Comment: "在看"}, m(36)))
	keep(actAt(t, db, st, chain.Action{Type: chain.ActAddSigner, Actor: "sun.min", Target: "qian.li",
		Position: chain.PositionAfter, Comment: "请财务总监看"}, m(40)))
	keep(actAt(t, db, st, chain.Action{Type: chain.ActApprove, Actor: "sun.min"}, m(50)))
	keep(actAt(t, db, st, chain.Action{Type: chain.ActApprove, Actor: "qian.li"}, m(60)))
	keep(actAt(t, db, st, chain.Action{Type: chain.ActApprove, Actor: "wang.fang"}, m(70)))
	keep(record(t, db, st, st.PaidByConnector(chain.Payment{Reference: "BANK-1", PaidAt: m(80)}, m(80))))
	if got := mustCase(t, db, c.ID); got.Status != string(chain.StatusPaid) {
		t.Fatalf("case %s, want paid", got.Status)
	}

	want := map[string]time.Time{"li.na": m(30), "sun.min": m(50), "qian.li": m(60), "wang.fang": m(70)}
	if got := doneRows(t, db, c.ID); !sameDone(got, want) {
		t.Errorf("done = %v\nwant   %v", got, want)
	}
	// The migration fills case_done from the ledger with this query; it must agree.
	if n := count(t, db, `SELECT count(*) FROM (
			SELECT actor_id, case_id, max(at) FROM seals
			WHERE decision IN ('approved', 'rejected', 'returned', 'transferred', 'signer_added', 'paid')
			  AND actor_id NOT IN ('system', 'payment-connector')
			GROUP BY actor_id, case_id
			EXCEPT SELECT user_id, case_id, acted_at FROM case_done) x`); n != 0 {
		t.Errorf("the migration's backfill differs from RecordOutcome in %d rows", n)
	}

	// Replaying everything twice leaves the same entries, and a late retry of li.na's return,
	// replayed last, does not move her entry back.
	for range 2 {
		for _, r := range append(records, returned) {
			if err := db.Store.RecordOutcome(testCtx(t), r); err != nil {
				t.Fatalf("replay: %v", err)
			}
		}
	}
	if got := doneRows(t, db, c.ID); !sameDone(got, want) {
		t.Errorf("done after replays = %v\nwant   %v", got, want)
	}

	// A person recording the payment has it in their done inbox.
	c2 := mustCreate(t, db, salesClaim(db, 2000))
	st2 := startChain(t, db, c2)
	act(t, db, st2, chain.Action{Type: chain.ActApprove, Actor: "liu.yang"})
	act(t, db, st2, chain.Action{Type: chain.ActReject, Actor: "zhou.jie", Comment: "不合规"})
	c3 := mustCreate(t, db, salesClaim(db, 3000))
	st3 := startChain(t, db, c3)
	act(t, db, st3, chain.Action{Type: chain.ActApprove, Actor: "liu.yang"})
	act(t, db, st3, chain.Action{Type: chain.ActApprove, Actor: "zhou.jie"})
	act(t, db, st3, chain.Action{Type: chain.ActApprove, Actor: "wang.fang"})
	act(t, db, st3, chain.Action{Type: chain.ActPay, Actor: "wu.xia", Reference: "BANK-2", PaidAt: monday10})
	if got, want := doneRows(t, db, c2.ID), map[string]time.Time{"liu.yang": monday10, "zhou.jie": monday10}; !sameDone(got, want) {
		t.Errorf("done of the rejected case = %v, want %v", got, want)
	}
	if got := doneRows(t, db, c3.ID); len(got) != 4 || got["wu.xia"].IsZero() {
		t.Errorf("done of the case paid by hand = %v, want liu.yang, zhou.jie, wang.fang and wu.xia", got)
	}
}

// walk pages through a list and returns every ID in order, failing on a repeat.
func walk(t *testing.T, db *testkit.DB, f store.Filter, limit int) (all []string, cursors []string) {
	t.Helper()
	f.Limit = limit
	seen := map[string]bool{}
	for page := 0; ; page++ {
		if page > 60 {
			t.Fatalf("more than 60 pages")
		}
		p, err := db.Store.ListCases(testCtx(t), f)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		if len(p.Items) > limit {
			t.Fatalf("page %d has %d items, limit %d", page, len(p.Items), limit)
		}
		for _, id := range ids(p) {
			if seen[id] {
				t.Errorf("%s listed twice", id)
			}
			seen[id] = true
			all = append(all, id)
		}
		if p.Next == "" {
			return all, cursors
		}
		cursors = append(cursors, p.Next)
		f.After = p.Next
	}
}

// keyed is a case with the time and flag a list sorts it by.
type keyed struct {
	id      string
	at      time.Time
	overdue bool
}

// latestFirst sorts like the lists: overdue first (when set), then the time and the ID, both
// descending.
func latestFirst(list []keyed) []string {
	list = slices.Clone(list)
	slices.SortFunc(list, func(a, b keyed) int {
		if a.overdue != b.overdue {
			if a.overdue {
				return -1
			}
			return 1
		}
		return cmp.Or(b.at.Compare(a.at), strings.Compare(b.id, a.id))
	})
	out := make([]string, len(list))
	for i, k := range list {
		out[i] = k.id
	}
	return out
}

// TestListDoneAndCopied: the done list is in the order of the user's latest decision and the
// copied list in the order of the copy, not of submission; pages cover them exactly, across
// ties; the other filters still apply.
func TestListDoneAndCopied(t *testing.T) {
	db := testkit.NewDB(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var done, copied []keyed
	for i := range 13 {
		n := salesClaim(db, int64(1000+i))
		n.CC = []string{"qian.li"}
		if i%4 == 3 {
			n.CC = nil // not every case is copied
		}
		c := mustCreate(t, db, n)
		st := startChain(t, db, c)
		act(t, db, st, chain.Action{Type: chain.ActApprove, Actor: "li.na"})
		if i%5 == 0 {
			act(t, db, st, chain.Action{Type: chain.ActApprove, Actor: "sun.min"}) // someone else's done list
		}
		// Submitted in one order, decided and copied in others, three at each instant.
		exec(t, db, `UPDATE cases SET submitted_at = $2 WHERE id = $1`, c.ID, base.Add(time.Duration(i)*time.Hour))
		actedAt := base.AddDate(0, 1, 0).Add(time.Duration((12-i)/3) * time.Minute)
		exec(t, db, `UPDATE case_done SET acted_at = $2 WHERE case_id = $1 AND user_id = 'li.na'`, c.ID, actedAt)
		done = append(done, keyed{id: c.ID, at: actedAt})
		if n.CC != nil {
			copiedAt := base.AddDate(0, 2, 0).Add(time.Duration((i*7)%13/3) * time.Minute)
			exec(t, db, `UPDATE case_copies SET copied_at = $2 WHERE case_id = $1`, c.ID, copiedAt)
			copied = append(copied, keyed{id: c.ID, at: copiedAt})
		}
	}
	from := base.Add(4 * time.Hour)
	var doneFrom []keyed
	for i, k := range done {
		if i >= 4 {
			doneFrom = append(doneFrom, k)
		}
	}
	tests := []struct {
		name   string
		filter store.Filter
		want   []string
	}{
		{"done", store.Filter{Scope: store.ScopeDone, User: "li.na"}, latestFirst(done)},
		{"done, overdue-first ignored", store.Filter{Scope: store.ScopeDone, User: "li.na", OverdueFirst: true}, latestFirst(done)},
		{"done, from", store.Filter{Scope: store.ScopeDone, User: "li.na", From: &from}, latestFirst(doneFrom)},
		{"done, another status", store.Filter{Scope: store.ScopeDone, User: "li.na", Status: "paid"}, nil},
		{"copied", store.Filter{Scope: store.ScopeCopied, User: "qian.li"}, latestFirst(copied)},
		{"copied, department", store.Filter{Scope: store.ScopeCopied, User: "qian.li", Department: "sales"}, latestFirst(copied)},
		{"copied, another department", store.Filter{Scope: store.ScopeCopied, User: "qian.li", Department: "engineering"}, nil},
		{"copied to someone else", store.Filter{Scope: store.ScopeCopied, User: "li.na"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, limit := range []int{1, 2, 3, 4, 5, 13, 14} {
				got, _ := walk(t, db, tt.filter, limit)
				if !slices.Equal(got, tt.want) {
					t.Errorf("by %d: %v\nwant   %v", limit, got, tt.want)
				}
			}
		})
	}
	if got, _ := walk(t, db, store.Filter{Scope: store.ScopeDone, User: "sun.min"}, 2); len(got) != 3 {
		t.Errorf("sun.min's done list has %d cases, want 3", len(got))
	}
}

// TestListOverdueFirst: overdue cases come first, each group newest first, and pages cross
// from the overdue to the others without losing or repeating a case.
func TestListOverdueFirst(t *testing.T) {
	db := testkit.NewDB(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var all, todo []keyed
	for i := range 12 {
		c := mustCreate(t, db, salesClaim(db, int64(1000+i)))
		if i%3 != 2 {
			startChain(t, db, c) // at the witnesses, li.na among them
		}
		at := base.Add(time.Duration(i/2) * time.Hour) // two at each instant
		overdue := i == 1 || i == 4 || i == 5 || i == 10
		exec(t, db, `UPDATE cases SET submitted_at = $2, overdue = $3 WHERE id = $1`, c.ID, at, overdue)
		all = append(all, keyed{id: c.ID, at: at, overdue: overdue})
		if i%3 != 2 {
			todo = append(todo, keyed{id: c.ID, at: at, overdue: overdue})
		}
	}
	tests := []struct {
		name   string
		filter store.Filter
		want   []string
	}{
		{"all", store.Filter{OverdueFirst: true}, latestFirst(all)},
		{"submitted", store.Filter{Scope: store.ScopeSubmitted, User: "zhang.wei", OverdueFirst: true}, latestFirst(all)},
		{"todo", store.Filter{Scope: store.ScopeTodo, User: "li.na", OverdueFirst: true}, latestFirst(todo)},
		{"involved", store.Filter{Scope: store.ScopeInvolved, User: "li.na", OverdueFirst: true}, latestFirst(todo)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, limit := range []int{1, 2, 3, 4, 5, 7, 12, 13} {
				got, cursors := walk(t, db, tt.filter, limit)
				if !slices.Equal(got, tt.want) {
					t.Errorf("by %d: %v\nwant   %v", limit, got, tt.want)
				}
				for _, c := range cursors {
					if !strings.HasPrefix(c, "o_1.") && !strings.HasPrefix(c, "o_0.") {
						t.Errorf("cursor %q is not an overdue-first cursor", c)
					}
				}
			}
		})
	}
	// By four, the first page ends on the last overdue case and the second starts the others.
	p, err := db.Store.ListCases(testCtx(t), store.Filter{OverdueFirst: true, Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Next, "o_1.") || !p.Items[3].Overdue {
		t.Errorf("first page ends %+v with cursor %q", p.Items[3].ID, p.Next)
	}
	p, err = db.Store.ListCases(testCtx(t), store.Filter{OverdueFirst: true, Limit: 4, After: p.Next})
	if err != nil {
		t.Fatal(err)
	}
	if p.Items[0].Overdue || !strings.HasPrefix(p.Next, "o_0.") {
		t.Errorf("second page starts %s overdue=%v with cursor %q", p.Items[0].ID, p.Items[0].Overdue, p.Next)
	}
	// Without OverdueFirst the order is by submission alone.
	var plain []keyed
	for _, k := range all {
		plain = append(plain, keyed{id: k.id, at: k.at})
	}
	if got, _ := walk(t, db, store.Filter{}, 5); !slices.Equal(got, latestFirst(plain)) {
		t.Errorf("newest first: %v\nwant %v", got, latestFirst(plain))
	}
}

// TestListCursorsDoNotMix: a cursor continues only a list in the order that made it.
func TestListCursorsDoNotMix(t *testing.T) {
	db := testkit.NewDB(t)
	for i := range 3 {
		n := salesClaim(db, int64(1000+i))
		n.CC = []string{"qian.li"}
		c := mustCreate(t, db, n)
		st := startChain(t, db, c)
		act(t, db, st, chain.Action{Type: chain.ActApprove, Actor: "li.na"})
	}
	filters := map[string]store.Filter{
		"newest first":  {},
		"overdue first": {OverdueFirst: true},
		"done":          {Scope: store.ScopeDone, User: "li.na"},
		"copied":        {Scope: store.ScopeCopied, User: "qian.li"},
	}
	cursors := map[string]string{}
	for name, f := range filters {
		f.Limit = 1
		p, err := db.Store.ListCases(testCtx(t), f)
		if err != nil || p.Next == "" {
			t.Fatalf("%s: next %q, %v", name, p.Next, err)
		}
		cursors[name] = p.Next
	}
	for made, c := range cursors {
		for used, f := range filters {
			f.After = c
			_, err := db.Store.ListCases(testCtx(t), f)
			switch {
			case made == used && err != nil:
				t.Errorf("%s cursor %q in its own list: %v", made, c, err)
			case made != used && !errors.Is(err, store.ErrBadCursor):
				t.Errorf("%s cursor %q in the %s list: err = %v, want ErrBadCursor", made, c, used, err)
			}
		}
	}
	for _, bad := range []string{"o_2.abc.x", "o_1.abc.", "o_1abc.x", "o_", "o_1", "d_", "d_abc", "d_.x", "c_zz!.x",
		"x_abc.x", "O_1.abc.x", "d-abc.x"} {
		for name, f := range filters {
			f.After = bad
			if _, err := db.Store.ListCases(testCtx(t), f); !errors.Is(err, store.ErrBadCursor) {
				t.Errorf("%q in the %s list: err = %v, want ErrBadCursor", bad, name, err)
			}
		}
	}
}

// TestInboxCounts: the tab badges, each capped at limit+1.
func TestInboxCounts(t *testing.T) {
	db := testkit.NewDB(t)
	var todo []store.Case
	for i := range 5 {
		n := salesClaim(db, int64(1000+i))
		if i < 2 {
			n.CC = []string{"li.na"}
		}
		c := mustCreate(t, db, n)
		startChain(t, db, c)
		todo = append(todo, c)
	}
	exec(t, db, `UPDATE cases SET overdue = true WHERE id = $1`, todo[0].ID)
	decided := mustCreate(t, db, salesClaim(db, 9000))
	act(t, db, startChain(t, db, decided), chain.Action{Type: chain.ActApprove, Actor: "li.na"})
	own := salesClaim(db, 800)
	own.SubmitterID = "li.na"
	mustCreate(t, db, own)

	tests := []struct {
		user  string
		limit int
		want  store.InboxCounts
	}{
		{"li.na", 99, store.InboxCounts{Todo: 5, TodoOverdue: 1, Done: 1, Submitted: 1, Copied: 2}},
		{"li.na", 2, store.InboxCounts{Todo: 3, TodoOverdue: 1, Done: 1, Submitted: 1, Copied: 2}},
		{"li.na", 1, store.InboxCounts{Todo: 2, TodoOverdue: 1, Done: 1, Submitted: 1, Copied: 2}},
		{"zhang.wei", 99, store.InboxCounts{Submitted: 6}},
		{"zhang.wei", 5, store.InboxCounts{Submitted: 6}},
		{"sun.min", 99, store.InboxCounts{Todo: 1}},
		{"nobody", 99, store.InboxCounts{}},
	}
	for _, tt := range tests {
		got, err := db.Store.InboxCounts(testCtx(t), tt.user, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s, limit %d: %+v, want %+v", tt.user, tt.limit, got, tt.want)
		}
	}
	if _, err := db.Store.InboxCounts(testCtx(t), "li.na", 0); err == nil {
		t.Errorf("limit 0 accepted")
	}
}
