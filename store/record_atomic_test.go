package store_test

import (
	"testing"

	"signoff/chain"
	"signoff/store"
	"signoff/testkit"
)

// TestRecordOutcomeIsAllOrNothing: the outcome goes to Postgres as one batch in an implicit
// transaction. When its last statement fails, the seals and the snapshot before it must not
// stay behind.
func TestRecordOutcomeIsAllOrNothing(t *testing.T) {
	db := testkit.NewDB(t)
	c := mustCreate(t, db, salesClaim(db, 50000))
	st := startChain(t, db, c)
	seq := st.Seq
	// Make the budget release fail its CHECK (reserved >= 0): the line claims less reserved
	// than the case's reservation.
	exec(t, db, `UPDATE budget_lines SET reserved = 0 WHERE id = '2026-sales-travel'`)
	a := chain.Action{Type: chain.ActReject, Actor: "li.na", Comment: "发票不合规", Revision: st.Revision}
	if err := st.Validate(a, monday10); err != nil {
		t.Fatal(err)
	}
	out := st.Apply(a, monday10)
	err := db.Store.RecordOutcome(testCtx(t), store.Record{State: st, Outcome: out})
	if err == nil {
		t.Fatal("a failing budget statement must fail the record")
	}
	if n := count(t, db, `SELECT count(*) FROM seals WHERE case_id = $1 AND seq > $2`, c.ID, seq); n != 0 {
		t.Errorf("%d seals written by a failed record", n)
	}
	if got := mustCase(t, db, c.ID); got.Status != string(chain.StatusInProgress) || got.Revision != 0 {
		t.Errorf("snapshot moved by a failed record: %s revision %d", got.Status, got.Revision)
	}
	if n := count(t, db, `SELECT count(*) FROM budget_reservations WHERE case_id = $1 AND state = 'reserved'`, c.ID); n != 1 {
		t.Errorf("reservation moved by a failed record")
	}
}
