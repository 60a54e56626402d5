package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"signoff/chain"
	"signoff/store"
	"signoff/testkit"
)

// TestOverBudget: a claim above the line's remaining balance is refused with the balance, and
// writes nothing, unless the policy routes over-budget claims.
func TestOverBudget(t *testing.T) {
	const first = 700_000 // leaves 300,000 of the training line
	tests := []struct {
		name      string
		amount    int64
		allowOver bool
		wantErr   bool
		wantOver  bool
	}{
		{"exactly the balance", 300_000, false, false, false},
		{"one cent over", 300_001, false, true, false},
		{"far over", 5_000_000, false, true, false},
		{"over, routed", 300_001, true, false, true},
		{"within, routing allowed", 1, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := testkit.NewDB(t)
			mustCreate(t, db, trainingClaim(db, first))
			n := trainingClaim(db, tt.amount)
			n.AllowOverBudget = tt.allowOver
			n.IdempotencyKey, n.RequestHash = "k", "h"
			c, created, err := db.Store.CreateCase(testCtx(t), n)
			if !tt.wantErr {
				if err != nil || !created {
					t.Fatalf("create: created=%v err=%v", created, err)
				}
				if c.OverBudget != tt.wantOver {
					t.Errorf("over_budget = %v, want %v", c.OverBudget, tt.wantOver)
				}
				if b := budget(t, db, engTraining); b.Reserved != first+tt.amount {
					t.Errorf("reserved %d, want %d", b.Reserved, first+tt.amount)
				}
				return
			}
			var obe *store.OverBudgetError
			if !errors.As(err, &obe) {
				t.Fatalf("err = %v, want *OverBudgetError", err)
			}
			want := store.OverBudgetError{BudgetLine: engTraining, Requested: tt.amount, Remaining: engTrainingTotal - first}
			if *obe != want {
				t.Errorf("error = %+v, want %+v", *obe, want)
			}
			if created {
				t.Errorf("created = true")
			}
			for q, want := range map[string]int64{
				`SELECT count(*) FROM cases`:               1,
				`SELECT count(*) FROM case_lines`:          1,
				`SELECT count(*) FROM budget_reservations`: 1,
				`SELECT count(*) FROM idempotency_keys`:    0,
			} {
				if got := count(t, db, q); got != want {
					t.Errorf("%s = %d, want %d", q, got, want)
				}
			}
			if b := budget(t, db, engTraining); b.Reserved != first {
				t.Errorf("reserved %d, want %d", b.Reserved, first)
			}
		})
	}
}

// TestBudgetRace: ten claims race for a balance that covers three.
func TestBudgetRace(t *testing.T) {
	const amount = 300_000 // the training line's 1,000,000 covers three
	tests := []struct {
		allowOver  bool
		wantWithin int
		wantOver   int // created over budget
		wantErrors int // refused with *OverBudgetError
	}{
		{false, 3, 0, 7},
		{true, 3, 7, 0},
	}
	for _, tt := range tests {
		name := "refused"
		if tt.allowOver {
			name = "routed"
		}
		t.Run(name, func(t *testing.T) {
			db := testkit.NewDB(t)
			const racers = 10
			var mu sync.Mutex
			within, over, refused := 0, 0, 0
			var wg sync.WaitGroup
			start := make(chan struct{})
			for range racers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					n := trainingClaim(db, amount)
					n.AllowOverBudget = tt.allowOver
					c, _, err := db.Store.CreateCase(testCtx(t), n)
					mu.Lock()
					defer mu.Unlock()
					var obe *store.OverBudgetError
					switch {
					case errors.As(err, &obe):
						refused++
					case err != nil:
						t.Errorf("create: %v", err)
					case c.OverBudget:
						over++
					default:
						within++
					}
				}()
			}
			close(start)
			wg.Wait()
			if within != tt.wantWithin || over != tt.wantOver || refused != tt.wantErrors {
				t.Errorf("within %d, over %d, refused %d; want %d, %d, %d",
					within, over, refused, tt.wantWithin, tt.wantOver, tt.wantErrors)
			}
			b := budget(t, db, engTraining)
			if want := int64((tt.wantWithin + tt.wantOver) * amount); b.Reserved != want {
				t.Errorf("reserved %d, want %d", b.Reserved, want)
			}
			if got := count(t, db, `SELECT count(*) FROM cases WHERE NOT over_budget`); got != int64(tt.wantWithin) {
				t.Errorf("%d cases within budget, want %d", got, tt.wantWithin)
			}
		})
	}
}

// TestBudgetMovesOnce: a reservation is released or consumed once, however often the outcome
// is recorded.
func TestBudgetMovesOnce(t *testing.T) {
	const amount = 250_000
	tests := []struct {
		name         string
		finish       func(t *testing.T, db *testkit.DB, st *chain.State) store.Record
		wantReserved int64
		wantConsumed int64
		wantState    string
		wantStatus   string
	}{
		{"reject releases", func(t *testing.T, db *testkit.DB, st *chain.State) store.Record {
			return act(t, db, st, chain.Action{Type: chain.ActReject, Actor: "li.na", Comment: "不实"})
		}, 0, 0, "released", "rejected"},
		{"withdraw releases", func(t *testing.T, db *testkit.DB, st *chain.State) store.Record {
			return act(t, db, st, chain.Action{Type: chain.ActWithdraw, Actor: "zhang.wei", Comment: "不报了"})
		}, 0, 0, "released", "withdrawn"},
		{"payment consumes", func(t *testing.T, db *testkit.DB, st *chain.State) store.Record {
			for _, who := range []string{"li.na", "sun.min", "wang.fang"} {
				act(t, db, st, chain.Action{Type: chain.ActApprove, Actor: who})
			}
			return act(t, db, st, chain.Action{Type: chain.ActPay, Actor: "wu.xia", Reference: "BANK-9", PaidAt: monday10})
		}, 0, amount, "consumed", "paid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := testkit.NewDB(t)
			other := mustCreate(t, db, salesClaim(db, 1000)) // stays reserved throughout
			c := mustCreate(t, db, salesClaim(db, amount))
			st := startChain(t, db, c)
			r := tt.finish(t, db, st)
			for i := range 3 {
				if err := db.Store.RecordOutcome(testCtx(t), r); err != nil {
					t.Fatalf("record again (%d): %v", i, err)
				}
			}
			b := budget(t, db, salesTravel)
			if b.Reserved != tt.wantReserved+other.Amount || b.Consumed != tt.wantConsumed {
				t.Errorf("budget line reserved %d consumed %d, want %d and %d",
					b.Reserved, b.Consumed, tt.wantReserved+other.Amount, tt.wantConsumed)
			}
			if got := count(t, db, `SELECT count(*) FROM budget_reservations WHERE case_id = $1 AND state = $2`, c.ID, tt.wantState); got != 1 {
				t.Errorf("reservation not %s", tt.wantState)
			}
			got := mustCase(t, db, c.ID)
			if got.Status != tt.wantStatus || got.ClosedAt == nil || len(got.Assignees) != 0 || got.Deadline != nil {
				t.Errorf("case status %s closed %v assignees %v deadline %v; want %s, closed, nobody holding it",
					got.Status, got.ClosedAt, got.Assignees, got.Deadline, tt.wantStatus)
			}
		})
	}
}

// TestPaymentRecorded: the payment's reference and time are kept with the case.
func TestPaymentRecorded(t *testing.T) {
	db := testkit.NewDB(t)
	c := mustCreate(t, db, salesClaim(db, 1000))
	st := startChain(t, db, c)
	for _, who := range []string{"liu.yang", "zhou.jie", "wang.fang"} {
		act(t, db, st, chain.Action{Type: chain.ActApprove, Actor: who})
	}
	if got := mustCase(t, db, c.ID); got.Status != "awaiting_payment" || got.PaidReference != nil || got.ClosedAt != nil {
		t.Fatalf("before payment: status %s reference %v closed %v", got.Status, got.PaidReference, got.ClosedAt)
	}
	paidAt := monday10.Add(-time.Hour)
	r := act(t, db, st, chain.Action{Type: chain.ActPay, Actor: "wu.xia", Reference: "ICBC-1", PaidAt: paidAt})
	check := func(when string) {
		t.Helper()
		got := mustCase(t, db, c.ID)
		if got.Status != "paid" || got.PaidReference == nil || *got.PaidReference != "ICBC-1" ||
			got.PaidAt == nil || !got.PaidAt.Equal(paidAt) || got.ClosedAt == nil {
			t.Errorf("%s: status %s reference %v paid at %v closed %v; want paid ICBC-1 at %v",
				when, got.Status, got.PaidReference, got.PaidAt, got.ClosedAt, paidAt)
		}
	}
	check("after payment")
	// A later write of the same snapshot without the payment (a retried snapshot) keeps it.
	r.Outcome = chain.Outcome{}
	if err := db.Store.RecordOutcome(testCtx(t), r); err != nil {
		t.Fatal(err)
	}
	check("after a rewrite")
}
