package store_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/chain"
	"signoff/policy"
	"signoff/store"
	"signoff/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// Demo budget lines and their totals in minor units (policy/demo.yaml).
const (
	salesTravel      = "2026-sales-travel" // 200,000.00
	engTraining      = "2026-eng-training" // 10,000.00
	salesTravelTotal = 20_000_000
	engTrainingTotal = 1_000_000
)

// testCtx bounds every database call of a test.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// salesClaim is a travel claim by zhang.wei against the sales travel line.
func salesClaim(db *testkit.DB, amount int64) store.NewCase {
	return store.NewCase{
		Prefix: "EXP", Year: time.Now().Year(), Kind: "expense",
		Title: "北京出差", Purpose: "拜访客户", Category: "travel",
		DepartmentID: "sales", BudgetLineID: salesTravel, Amount: amount, Currency: "CNY",
		SubmitterID: "zhang.wei", PolicyVersion: db.Version,
		Lines:           []store.Line{{Description: "机票", Amount: amount, InvoiceNo: "INV-1"}},
		AllowOverBudget: true,
	}
}

// trainingClaim is a training claim by huang.lei against the small engineering training line.
func trainingClaim(db *testkit.DB, amount int64) store.NewCase {
	return store.NewCase{
		Prefix: "EXP", Year: time.Now().Year(), Kind: "expense",
		Title: "培训", Purpose: "Go 培训", Category: "training",
		DepartmentID: "engineering", BudgetLineID: engTraining, Amount: amount, Currency: "CNY",
		SubmitterID: "huang.lei", PolicyVersion: db.Version,
		Lines: []store.Line{{Description: "课程费", Amount: amount}},
	}
}

func mustCreate(t *testing.T, db *testkit.DB, n store.NewCase) store.Case {
	t.Helper()
	c, created, err := db.Store.CreateCase(testCtx(t), n)
	if err != nil {
		t.Fatalf("create case: %v", err)
	}
	if !created {
		t.Fatalf("create case %s: created = false", c.ID)
	}
	return c
}

// count runs a counting query directly against the test database.
func count(t *testing.T, db *testkit.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
		if err := conn.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	})
	return n
}

// exec runs test setup SQL directly against the test database.
func exec(t *testing.T, db *testkit.DB, q string, args ...any) {
	t.Helper()
	withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	})
}

func withConn(t *testing.T, db *testkit.DB, fn func(context.Context, *pgx.Conn)) {
	t.Helper()
	ctx := testCtx(t)
	conn, err := pgx.Connect(ctx, db.URL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	fn(ctx, conn)
}

func budget(t *testing.T, db *testkit.DB, line string) store.BudgetLine {
	t.Helper()
	b, err := db.Store.BudgetLine(testCtx(t), line)
	if err != nil {
		t.Fatalf("budget line: %v", err)
	}
	return b
}

// monday10 is a working Monday morning in the demo calendar's zone, as UTC.
var monday10 = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

// startChain builds the chain of a stored case from the demo policy and records its submission.
func startChain(t *testing.T, db *testkit.DB, c store.Case) *chain.State {
	t.Helper()
	st := newChain(t, c)
	record(t, db, st, st.Submitted(monday10))
	return st
}

// newChain builds the chain of a stored case from the demo policy, submitted at monday10.
func newChain(t *testing.T, c store.Case) *chain.State {
	t.Helper()
	doc := policy.Demo()
	u, ok := doc.User(c.SubmitterID)
	if !ok {
		t.Fatalf("unknown submitter %s", c.SubmitterID)
	}
	r, err := doc.Route(policy.Facts{Kind: policy.Kind(c.Kind), Category: c.Category, Amount: policy.Money(c.Amount),
		Submitter: c.SubmitterID, Department: u.Department, OverBudget: c.OverBudget})
	if err != nil {
		t.Fatalf("route %s: %v", c.ID, err)
	}
	return chain.New(c.ID, c.SubmitterID, c.PolicyVersion, chain.RulesOf(doc), r, monday10)
}

// act validates and applies an action to st and records the outcome; it returns the record.
func act(t *testing.T, db *testkit.DB, st *chain.State, a chain.Action) store.Record {
	t.Helper()
	a.Revision = st.Revision
	if err := st.Validate(a, monday10); err != nil {
		t.Fatalf("%s by %s refused: %v", a.Type, a.Actor, err)
	}
	out := st.Apply(a, monday10)
	return record(t, db, st, out)
}

func record(t *testing.T, db *testkit.DB, st *chain.State, out chain.Outcome) store.Record {
	t.Helper()
	r := store.Record{State: st.Clone(), Outcome: out}
	if err := db.Store.RecordOutcome(testCtx(t), r); err != nil {
		t.Fatalf("record %s: %v", st.CaseID, err)
	}
	return r
}

func mustCase(t *testing.T, db *testkit.DB, id string) store.Case {
	t.Helper()
	c, err := db.Store.Case(testCtx(t), id)
	if err != nil {
		t.Fatalf("case %s: %v", id, err)
	}
	return c
}

func caseNumber(db *testkit.DB, n int64) string {
	return fmt.Sprintf("EXP-%d-%06d", time.Now().Year(), db.Number+n)
}
