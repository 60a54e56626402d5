package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// TestFiftyConcurrentClaimsReachTheirEnds submits 50 claims at once and drives them all at once:
// most to payment, some rejected at review, some withdrawn. Every case must end where it was
// driven, with exactly its seals, and the budget must add up.
func TestFiftyConcurrentClaimsReachTheirEnds(t *testing.T) {
	a := newApp(t)
	a.login("zhang.wei", "li.na", "sun.min", "wang.fang", "wu.xia")
	const n = 50
	type outcome struct {
		id, status string
		seals      int
		err        string
	}
	results := make([]outcome, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = driveClaim(a, i)
		}()
	}
	wg.Wait()

	var paid int64
	for i, r := range results {
		if r.err != "" {
			t.Errorf("claim %d: %s", i, r.err)
			continue
		}
		want, wantSeals := "paid", 5
		switch i % 10 {
		case 3:
			want, wantSeals = "rejected", 3
		case 7:
			want, wantSeals = "withdrawn", 3
		default:
			paid += int64(1000 + i)
		}
		c, err := a.stack.Store.Case(context.Background(), r.id)
		if err != nil {
			t.Fatal(err)
		}
		seals, err := a.stack.Store.Seals(context.Background(), r.id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != want || len(seals) != wantSeals {
			t.Errorf("claim %d (%s): %s with %d seals, want %s with %d", i, r.id, c.Status, len(seals), want, wantSeals)
		}
		for j, s := range seals {
			if s.Seq != j+1 {
				t.Errorf("claim %d: seal %d has seq %d (lost or doubled)", i, j+1, s.Seq)
			}
		}
	}
	b, err := a.stack.Store.BudgetLine(context.Background(), "2026-sales-travel")
	if err != nil {
		t.Fatal(err)
	}
	if b.Consumed != paid || b.Reserved != 0 {
		t.Errorf("budget consumed %d reserved %d, want %d and 0", b.Consumed, b.Reserved, paid)
	}
}

func driveClaim(a *app, i int) (out struct {
	id, status string
	seals      int
	err        string
}) {
	amount := fmt.Sprintf("%d.%02d", (1000+i)/100, (1000+i)%100)
	r := a.do("zhang.wei", http.MethodPost, "/api/v1/expenses",
		claimBody(fmt.Sprintf("并发报销 %d", i), "travel", "2026-sales-travel", amount),
		"Idempotency-Key", fmt.Sprintf("fifty-%d", i))
	if r.status != http.StatusCreated {
		out.err = fmt.Sprintf("submit: %d %s", r.status, r.raw)
		return out
	}
	out.id = r.str("id")
	rev := r.num("revision")
	steps := []struct {
		user, action string
		extra        map[string]any
	}{{"li.na", "approve", nil}}
	switch i % 10 {
	case 3:
		steps = append(steps, struct {
			user, action string
			extra        map[string]any
		}{"sun.min", "reject", map[string]any{"comment": "发票抬头错误"}})
	case 7:
		steps = append(steps, struct {
			user, action string
			extra        map[string]any
		}{"zhang.wei", "withdraw", map[string]any{"comment": "行程取消"}})
	default:
		steps = append(steps, []struct {
			user, action string
			extra        map[string]any
		}{{"sun.min", "approve", nil}, {"wang.fang", "approve", nil}, {"wu.xia", "pay", payment(out.id)}}...)
	}
	for _, s := range steps {
		r = a.act(s.user, out.id, s.action, rev, s.extra)
		if r.status != http.StatusOK {
			out.err = fmt.Sprintf("%s %s: %d %s", s.user, s.action, r.status, r.raw)
			return out
		}
		rev = r.num("revision")
	}
	out.status = r.str("status")
	return out
}

// TestSimultaneousApprovalsOfOneStep: two witnesses approve the same any-of step at the same
// revision at the same moment; exactly one succeeds and the ledger has one approval.
func TestSimultaneousApprovalsOfOneStep(t *testing.T) {
	a := newApp(t)
	a.login("zhang.wei", "li.na", "liu.yang")
	for round := range 5 {
		c := a.must(a.do("zhang.wei", http.MethodPost, "/api/v1/expenses",
			claimBody("并发审批", "travel", "2026-sales-travel", "100.00")), 201, "submit")
		id, rev := c.str("id"), c.num("revision")
		statuses := make([]int, 2)
		codes := make([]string, 2)
		var wg sync.WaitGroup
		for k, user := range []string{"li.na", "liu.yang"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := a.act(user, id, "approve", rev, nil)
				statuses[k], codes[k] = r.status, r.str("code")
			}()
		}
		wg.Wait()
		ok := 0
		for k := range statuses {
			if statuses[k] == http.StatusOK {
				ok++
			} else if statuses[k] != http.StatusConflict && statuses[k] != http.StatusForbidden {
				t.Errorf("round %d: loser got %d %s, want 409 or 403", round, statuses[k], codes[k])
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d approvals succeeded (%v %v), want exactly 1", round, ok, statuses, codes)
		}
		seals, err := a.stack.Store.Seals(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		approvals := 0
		for _, s := range seals {
			if s.Decision == "approved" {
				approvals++
			}
		}
		if approvals != 1 {
			t.Fatalf("round %d: %d approval seals, want 1", round, approvals)
		}
	}
}

// TestSameIdempotencyKeyMakesOneCase sends the same submission with the same key from several
// goroutines at once: one case, every answer naming it.
func TestSameIdempotencyKeyMakesOneCase(t *testing.T) {
	a := newApp(t)
	a.login("zhang.wei")
	body := claimBody("幂等提交", "travel", "2026-sales-travel", "321.00")
	got := make([]response, 4)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = a.do("zhang.wei", http.MethodPost, "/api/v1/expenses", body, "Idempotency-Key", "same-key-1")
		}()
	}
	wg.Wait()
	created := 0
	for _, r := range got {
		switch r.status {
		case http.StatusCreated:
			created++
		case http.StatusOK:
		default:
			t.Fatalf("submit: %d %s", r.status, r.raw)
		}
		if r.str("id") != got[0].str("id") {
			t.Fatalf("different cases for one key: %s vs %s", r.str("id"), got[0].str("id"))
		}
	}
	if created != 1 {
		t.Errorf("%d responses said created, want 1", created)
	}
	page := a.must(a.do("zhang.wei", http.MethodGet, "/api/v1/cases?scope=submitted", nil), 200, "mine")
	if n := len(ids(page)); n != 1 {
		t.Fatalf("%d cases submitted, want 1", n)
	}
	b, err := a.stack.Store.BudgetLine(context.Background(), "2026-sales-travel")
	if err != nil {
		t.Fatal(err)
	}
	if b.Reserved != 32100 {
		t.Fatalf("reserved %d, want one reservation of 32100", b.Reserved)
	}
}

// TestRaceForTheLastOfABudget: two claims race for a balance that covers only one. At most one
// gets it; the other is routed to the over-budget step (the demo policy routes, not refuses).
func TestRaceForTheLastOfABudget(t *testing.T) {
	a := newApp(t)
	a.login("xu.jing")
	got := make([]response, 2)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = a.do("xu.jing", http.MethodPost, "/api/v1/expenses",
				claimBody(fmt.Sprintf("培训费 %d", i), "training", "2026-eng-training", "6000.00"))
		}()
	}
	wg.Wait()
	within := 0
	for _, r := range got {
		if r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.raw)
		}
		if r.body["over_budget"] == false {
			within++
		}
	}
	if within != 1 {
		t.Fatalf("%d claims got the budget, want exactly 1", within)
	}
	b, err := a.stack.Store.BudgetLine(context.Background(), "2026-eng-training")
	if err != nil {
		t.Fatal(err)
	}
	if b.Reserved != 1200000 {
		t.Fatalf("reserved %d", b.Reserved)
	}
}
