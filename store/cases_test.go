package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"signoff/store"
	"signoff/testkit"
)

// TestCreateCaseNumbering: business numbers are EXP-YYYY-NNNNNN, consecutive, one counter per
// prefix and year.
func TestCreateCaseNumbering(t *testing.T) {
	db := testkit.NewDB(t)
	year := time.Now().Year()
	for i := int64(1); i <= 3; i++ {
		c := mustCreate(t, db, salesClaim(db, 1000*i))
		if want := caseNumber(db, i); c.ID != want {
			t.Errorf("case %d: ID %s, want %s", i, c.ID, want)
		}
	}
	// Another year has its own counter; one never used starts at 1.
	next := salesClaim(db, 500)
	next.Year = year + 1
	if c := mustCreate(t, db, next); c.ID != fmt.Sprintf("EXP-%d-%06d", year+1, db.Number+1) {
		t.Errorf("next year's first case: ID %s, want EXP-%d-%06d", c.ID, year+1, db.Number+1)
	}
	fresh := salesClaim(db, 500)
	fresh.Year = 2030
	if c := mustCreate(t, db, fresh); c.ID != "EXP-2030-000001" {
		t.Errorf("first case of an unseeded year: ID %s, want EXP-2030-000001", c.ID)
	}
	fresh.Prefix = "PRC"
	if c := mustCreate(t, db, fresh); c.ID != "PRC-2030-000001" {
		t.Errorf("first case of another prefix: ID %s, want PRC-2030-000001", c.ID)
	}
	if c := mustCreate(t, db, salesClaim(db, 1)); c.ID != caseNumber(db, 4) {
		t.Errorf("this year's counter after the others: ID %s, want %s", c.ID, caseNumber(db, 4))
	}
}

// TestCreateCaseWritesEverything: the case, its lines in order and its reservation.
func TestCreateCaseWritesEverything(t *testing.T) {
	db := testkit.NewDB(t)
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	n := salesClaim(db, 123456)
	n.Lines = []store.Line{
		{Description: "机票 北京", Amount: 100000, InvoiceNo: "A1", SpentOn: &day},
		{Description: "酒店", Amount: 20000, InvoiceNo: "A2"},
		{Description: "出租车", Amount: 3456},
	}
	n.AllowOverBudget = false
	c := mustCreate(t, db, n)
	want := store.Case{ID: c.ID, Kind: "expense", Title: n.Title, Purpose: n.Purpose, Category: "travel",
		DepartmentID: "sales", BudgetLineID: salesTravel, Amount: 123456, Currency: "CNY", SubmitterID: "zhang.wei",
		PolicyVersion: db.Version, Status: "submitted", Assignees: []string{}, Conditions: []string{}}
	got := c
	got.SubmittedAt, got.UpdatedAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("case = %+v\nwant %+v", got, want)
	}
	if c.SubmittedAt.IsZero() || c.State != nil {
		t.Errorf("submitted_at %v state %v: want a time and no chain state yet", c.SubmittedAt, c.State)
	}
	lines, err := db.Store.Lines(testCtx(t), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	for i, l := range lines {
		w := n.Lines[i]
		if l.No != i+1 || l.Description != w.Description || l.Amount != w.Amount || l.InvoiceNo != w.InvoiceNo {
			t.Errorf("line %d = %+v, want no %d %+v", i, l, i+1, w)
		}
	}
	if lines[0].SpentOn == nil || !lines[0].SpentOn.Equal(day) || lines[1].SpentOn != nil {
		t.Errorf("spent_on = %v, %v; want %v and none", lines[0].SpentOn, lines[1].SpentOn, day)
	}
	b := budget(t, db, salesTravel)
	if b.Reserved != 123456 || b.Consumed != 0 || b.Remaining != salesTravelTotal-123456 {
		t.Errorf("budget line = %+v, want 123456 reserved", b)
	}
	if n := count(t, db, `SELECT count(*) FROM budget_reservations WHERE case_id = $1 AND amount = 123456
		AND state = 'reserved' AND budget_line_id = $2`, c.ID, salesTravel); n != 1 {
		t.Errorf("%d matching reservations, want 1", n)
	}
}

// TestCreateCaseUnknownReferences: a claim against a line or by a user that does not exist is
// refused and writes nothing.
func TestCreateCaseUnknownReferences(t *testing.T) {
	tests := []struct {
		name   string
		change func(*store.NewCase)
	}{
		{"unknown budget line", func(n *store.NewCase) { n.BudgetLineID = "2026-nope" }},
		{"unknown submitter", func(n *store.NewCase) { n.SubmitterID = "ghost" }},
		{"unknown policy version", func(n *store.NewCase) { n.PolicyVersion = 99 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := testkit.NewDB(t)
			n := salesClaim(db, 1000)
			tt.change(&n)
			_, created, err := db.Store.CreateCase(testCtx(t), n)
			if !errors.Is(err, store.ErrNotFound) || created {
				t.Fatalf("err = %v created = %v, want ErrNotFound", err, created)
			}
			if got := count(t, db, `SELECT count(*) FROM cases`); got != 0 {
				t.Errorf("%d cases written", got)
			}
			if b := budget(t, db, salesTravel); b.Reserved != 0 {
				t.Errorf("reserved %d, want 0", b.Reserved)
			}
		})
	}
}

// TestIdempotencyKey: a retried submission with the same key returns the first case.
func TestIdempotencyKey(t *testing.T) {
	tests := []struct {
		name        string
		second      func(n store.NewCase) store.NewCase
		wantSame    bool
		wantErr     error
		wantCases   int64
		wantReserve int64
	}{
		{"same key, same request", func(n store.NewCase) store.NewCase { return n },
			true, nil, 1, 1000},
		{"same key, different request", func(n store.NewCase) store.NewCase {
			n.RequestHash, n.Amount, n.Lines[0].Amount = "hash-2", 2000, 2000
			return n
		}, false, store.ErrIdempotencyMismatch, 1, 1000},
		{"different key", func(n store.NewCase) store.NewCase { n.IdempotencyKey = "key-2"; return n },
			false, nil, 2, 2000},
		{"same key, another user", func(n store.NewCase) store.NewCase {
			n.SubmitterID, n.DepartmentID = "liu.yang", "sales"
			return n
		}, false, nil, 2, 2000},
		{"no key", func(n store.NewCase) store.NewCase { n.IdempotencyKey = ""; return n },
			false, nil, 2, 2000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := testkit.NewDB(t)
			n := salesClaim(db, 1000)
			n.IdempotencyKey, n.RequestHash = "key-1", "hash-1"
			first := mustCreate(t, db, n)
			second, created, err := db.Store.CreateCase(testCtx(t), tt.second(n))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("second create: err = %v, want %v", err, tt.wantErr)
			}
			if err == nil {
				if got := second.ID == first.ID; got != tt.wantSame || created == tt.wantSame {
					t.Errorf("second create: %s created=%v; first %s; want same=%v", second.ID, created, first.ID, tt.wantSame)
				}
			}
			if got := count(t, db, `SELECT count(*) FROM cases`); got != tt.wantCases {
				t.Errorf("%d cases, want %d", got, tt.wantCases)
			}
			if b := budget(t, db, salesTravel); b.Reserved != tt.wantReserve {
				t.Errorf("reserved %d, want %d", b.Reserved, tt.wantReserve)
			}
		})
	}
}

// TestIdempotencyKeyConcurrent: eight simultaneous retries of one submission make one case.
func TestIdempotencyKeyConcurrent(t *testing.T) {
	db := testkit.NewDB(t)
	n := salesClaim(db, 5000)
	n.IdempotencyKey, n.RequestHash = "double-click", "hash"
	const tries = 8
	type result struct {
		id      string
		created bool
		err     error
	}
	results := make([]result, tries)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c, created, err := db.Store.CreateCase(testCtx(t), n)
			results[i] = result{c.ID, created, err}
		}()
	}
	close(start)
	wg.Wait()
	ids := map[string]bool{}
	created := 0
	for i, r := range results {
		if r.err != nil {
			t.Errorf("try %d: %v", i, r.err)
			continue
		}
		ids[r.id] = true
		if r.created {
			created++
		}
	}
	if len(ids) != 1 || created != 1 {
		t.Errorf("ids %v, created %d times; want one case created once", ids, created)
	}
	if got := count(t, db, `SELECT count(*) FROM cases`); got != 1 {
		t.Errorf("%d cases, want 1", got)
	}
	if b := budget(t, db, salesTravel); b.Reserved != 5000 {
		t.Errorf("reserved %d, want 5000", b.Reserved)
	}
}
