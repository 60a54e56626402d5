package store_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"

	"signoff/chain"
	"signoff/store"
	"signoff/testkit"
)

// TestRecordOutcomeIdempotent: recording the same outcome twice leaves one copy of each seal,
// notification and the same snapshot.
func TestRecordOutcomeIdempotent(t *testing.T) {
	db := testkit.NewDB(t)
	c := mustCreate(t, db, salesClaim(db, 1000))
	st := startChain(t, db, c)
	a := chain.Action{Type: chain.ActApprove, Actor: "li.na", Comment: "属实", Revision: st.Revision}
	out := st.Apply(a, monday10)
	r := store.Record{State: st.Clone(), Outcome: out, Notifications: []store.Notification{
		{Key: c.ID + "/2/todo/sun.min/email", CaseID: c.ID, Kind: "todo", Recipient: "sun.min", Channel: "email", Subject: "s", Body: "b"},
		{Key: c.ID + "/2/todo/zhou.jie/email", CaseID: c.ID, Kind: "todo", Recipient: "zhou.jie", Channel: "email", Subject: "s", Body: "b"},
	}}
	if err := db.Store.RecordOutcome(testCtx(t), r); err != nil {
		t.Fatal(err)
	}
	first := mustCase(t, db, c.ID)
	firstSeals, err := db.Store.Seals(testCtx(t), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Store.RecordOutcome(testCtx(t), r); err != nil {
		t.Fatalf("second record: %v", err)
	}
	second := mustCase(t, db, c.ID)
	seals, err := db.Store.Seals(testCtx(t), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(seals) != 2 || !reflect.DeepEqual(seals, firstSeals) {
		t.Errorf("seals after two records = %+v, want the two of the first record", seals)
	}
	if seals[1].Decision != chain.DecApproved || seals[1].Actor != "li.na" || seals[1].Comment != "属实" ||
		seals[1].StepKey != "witness" || seals[1].PolicyVersion != db.Version || !seals[1].At.Equal(monday10) {
		t.Errorf("approval seal = %+v", seals[1])
	}
	second.UpdatedAt = first.UpdatedAt
	if !reflect.DeepEqual(first, second) {
		t.Errorf("snapshot changed on the second record:\n%+v\n%+v", first, second)
	}
	if n := count(t, db, `SELECT count(*) FROM notifications WHERE case_id = $1`, c.ID); n != 2 {
		t.Errorf("%d notifications, want 2", n)
	}
	pending, err := db.Store.PendingNotifications(testCtx(t), c.ID)
	if err != nil || len(pending) != 2 || pending[0].Recipient != "sun.min" {
		t.Errorf("pending = %+v, %v; want the two todos", pending, err)
	}
	// The read model follows the state.
	if second.Status != "in_progress" || second.CurrentStep != "review" || second.CurrentLabel != "审核人" ||
		!slices.Equal(second.Assignees, []string{"sun.min", "zhou.jie"}) || second.Revision != 1 ||
		second.Deadline == nil || !second.Deadline.Equal(st.Deadline()) {
		t.Errorf("read model = %+v", second)
	}
	if second.State == nil || second.State.Seq != 2 || second.State.Revision != 1 {
		t.Errorf("stored state = %+v", second.State)
	}
}

// TestSnapshotOnlyMovesForward: a late retry of an older record adds nothing and does not roll
// the case back.
func TestSnapshotOnlyMovesForward(t *testing.T) {
	db := testkit.NewDB(t)
	c := mustCreate(t, db, salesClaim(db, 1000))
	st := newChain(t, c)
	submitted := record(t, db, st, st.Submitted(monday10))
	witnessed := act(t, db, st, chain.Action{Type: chain.ActApprove, Actor: "liu.yang"})
	act(t, db, st, chain.Action{Type: chain.ActComment, Actor: "zhang.wei", Comment: "请尽快"})
	newest := mustCase(t, db, c.ID)

	for _, old := range []store.Record{submitted, witnessed} {
		if err := db.Store.RecordOutcome(testCtx(t), old); err != nil {
			t.Fatalf("replay: %v", err)
		}
	}
	got := mustCase(t, db, c.ID)
	if got.State == nil || got.State.Seq != 3 || got.CurrentStep != "review" || got.Revision != 1 {
		t.Errorf("after replaying older records: seq %v step %s revision %d, want seq 3 at review, revision 1",
			got.State, got.CurrentStep, got.Revision)
	}
	wantJSON, _ := json.Marshal(newest.State)
	gotJSON, _ := json.Marshal(got.State)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("state changed:\nwant %s\ngot  %s", wantJSON, gotJSON)
	}
	seals, err := db.Store.Seals(testCtx(t), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var decisions []chain.Decision
	for _, s := range seals {
		decisions = append(decisions, s.Decision)
	}
	if want := []chain.Decision{chain.DecSubmitted, chain.DecApproved, chain.DecCommented}; !slices.Equal(decisions, want) {
		t.Errorf("ledger = %v, want %v", decisions, want)
	}
}

// TestApplyEdit: a resubmission's stored edit is applied with its seal, moving the reservation
// by the change in amount, once.
func TestApplyEdit(t *testing.T) {
	const original = 100_000
	tests := []struct {
		name         string
		fill         int64 // reserved on the line by another case first
		edit         store.Edit
		wantErr      bool
		wantAmount   int64
		wantReserved int64 // of this case, on top of fill
		wantOver     bool
	}{
		{"amount up within the balance", 0,
			store.Edit{Title: "改", Purpose: "p", Category: "travel", Amount: 150_000,
				Lines: []store.Line{{Description: "机票", Amount: 100_000}, {Description: "酒店", Amount: 50_000}}},
			false, 150_000, 150_000, false},
		{"amount up beyond the balance", salesTravelTotal - original - 10_000,
			store.Edit{Title: "改", Purpose: "p", Category: "travel", Amount: original + 10_001,
				Lines: []store.Line{{Description: "机票", Amount: original + 10_001}}},
			true, original, original, false},
		{"amount up beyond the balance, routed", salesTravelTotal - original - 10_000,
			store.Edit{Title: "改", Purpose: "p", Category: "travel", Amount: original + 10_001, AllowOverBudget: true,
				Lines: []store.Line{{Description: "机票", Amount: original + 10_001}}},
			false, original + 10_001, original + 10_001, true},
		{"amount up to exactly the balance", salesTravelTotal - original - 10_000,
			store.Edit{Title: "改", Purpose: "p", Category: "travel", Amount: original + 10_000,
				Lines: []store.Line{{Description: "机票", Amount: original + 10_000}}},
			false, original + 10_000, original + 10_000, false},
		{"amount down releases", 0,
			store.Edit{Title: "改", Purpose: "p", Category: "travel", Amount: 40_000,
				Lines: []store.Line{{Description: "机票", Amount: 40_000}}},
			false, 40_000, 40_000, false},
		{"same amount, text only", 0,
			store.Edit{Title: "新标题", Purpose: "新事由", Category: "travel", Amount: original,
				Lines: []store.Line{{Description: "火车", Amount: original}}},
			false, original, original, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := testkit.NewDB(t)
			if tt.fill > 0 {
				mustCreate(t, db, salesClaim(db, tt.fill))
			}
			c := mustCreate(t, db, salesClaim(db, original))
			st := startChain(t, db, c)
			act(t, db, st, chain.Action{Type: chain.ActReturn, Actor: "li.na", Comment: "金额不对"})
			editID, err := db.Store.SaveEdit(testCtx(t), c.ID, tt.edit)
			if err != nil {
				t.Fatal(err)
			}
			if e, err := db.Store.EditByID(testCtx(t), c.ID, editID); err != nil || !reflect.DeepEqual(e, tt.edit) {
				t.Fatalf("stored edit = %+v, %v; want %+v", e, err, tt.edit)
			}
			before := mustCase(t, db, c.ID)
			next := st.Clone()
			a := chain.Action{Type: chain.ActResubmit, Actor: "zhang.wei", EditID: editID, Revision: next.Revision}
			r := store.Record{State: next, Outcome: next.Apply(a, monday10)}
			err = db.Store.RecordOutcome(testCtx(t), r)
			if tt.wantErr {
				var obe *store.OverBudgetError
				if !errors.As(err, &obe) {
					t.Fatalf("err = %v, want *OverBudgetError", err)
				}
				if obe.Requested != 10_001 || obe.Remaining != 10_000 {
					t.Errorf("error = %+v, want 10001 requested of 10000 remaining", *obe)
				}
				after := mustCase(t, db, c.ID)
				after.UpdatedAt = before.UpdatedAt
				if !reflect.DeepEqual(after, before) {
					t.Errorf("case changed by a refused edit:\n%+v\n%+v", before, after)
				}
				if n := count(t, db, `SELECT count(*) FROM seals WHERE case_id = $1`, c.ID); n != 2 {
					t.Errorf("%d seals, want the two before the refused resubmission", n)
				}
				if n := count(t, db, `SELECT count(*) FROM case_edits WHERE id = $1 AND applied_at IS NULL`, editID); n != 1 {
					t.Errorf("edit marked applied")
				}
			} else if err != nil {
				t.Fatalf("record resubmission: %v", err)
			}
			check := func(when string) {
				t.Helper()
				got := mustCase(t, db, c.ID)
				if got.Amount != tt.wantAmount || got.OverBudget != tt.wantOver {
					t.Errorf("%s: amount %d over %v, want %d over %v", when, got.Amount, got.OverBudget, tt.wantAmount, tt.wantOver)
				}
				if !tt.wantErr && (got.Title != tt.edit.Title || got.Purpose != tt.edit.Purpose || got.Status != "in_progress") {
					t.Errorf("%s: title %q purpose %q status %s", when, got.Title, got.Purpose, got.Status)
				}
				if b := budget(t, db, salesTravel); b.Reserved != tt.fill+tt.wantReserved {
					t.Errorf("%s: line reserved %d, want %d", when, b.Reserved, tt.fill+tt.wantReserved)
				}
				if n := count(t, db, `SELECT count(*) FROM budget_reservations WHERE case_id = $1 AND amount = $2`,
					c.ID, tt.wantReserved); n != 1 {
					t.Errorf("%s: reservation amount is not %d", when, tt.wantReserved)
				}
				lines, err := db.Store.Lines(testCtx(t), c.ID)
				if err != nil {
					t.Fatal(err)
				}
				wantLines := salesClaim(db, original).Lines
				if !tt.wantErr {
					wantLines = tt.edit.Lines
				}
				if len(lines) != len(wantLines) {
					t.Fatalf("%s: %d lines, want %d", when, len(lines), len(wantLines))
				}
				for i := range lines {
					if lines[i].No != i+1 || lines[i].Description != wantLines[i].Description || lines[i].Amount != wantLines[i].Amount {
						t.Errorf("%s: line %d = %+v, want %+v", when, i, lines[i], wantLines[i])
					}
				}
			}
			check("applied once")
			if tt.wantErr {
				return
			}
			if err := db.Store.RecordOutcome(testCtx(t), r); err != nil {
				t.Fatalf("record the resubmission again: %v", err)
			}
			check("applied twice")
		})
	}
}

// TestEditByIDOtherCase: an edit belongs to its case.
func TestEditByIDOtherCase(t *testing.T) {
	db := testkit.NewDB(t)
	a := mustCreate(t, db, salesClaim(db, 1000))
	b := mustCreate(t, db, salesClaim(db, 2000))
	id, err := db.Store.SaveEdit(testCtx(t), a.ID, store.Edit{Title: "x", Amount: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Store.EditByID(testCtx(t), b.ID, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("edit of %s read through %s: err = %v, want ErrNotFound", a.ID, b.ID, err)
	}
	if _, err := db.Store.SaveEdit(testCtx(t), "EXP-1999-000001", store.Edit{Title: "x", Amount: 1}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("edit of an unknown case: err = %v, want ErrNotFound", err)
	}
}
