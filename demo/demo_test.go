package demo_test

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/demo"
	"signoff/procure"
	"signoff/store"
	"signoff/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func ymd(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// count runs a counting query directly against the test database.
func count(t *testing.T, db *testkit.DB, q string) int64 {
	t.Helper()
	ctx := testCtx(t)
	conn, err := pgx.Connect(ctx, db.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// twice runs a seed twice at once, as two gateways starting together do.
func twice(t *testing.T, seed func(context.Context, *store.Store) error, s *store.Store) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = seed(testCtx(t), s)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func supplier(t *testing.T, db *testkit.DB, id string) procure.Supplier {
	t.Helper()
	p, err := db.Store.Supplier(testCtx(t), id)
	if err != nil {
		t.Fatalf("supplier %s: %v", id, err)
	}
	return p
}

// TestSeedProcurement: the demo master data is written once, however often and however many
// at a time run it; a later run leaves changes people made, and stock moved since, alone.
func TestSeedProcurement(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	twice(t, demo.SeedProcurement, db.Store)
	grade := "A"
	if _, err := db.Store.UpdateSupplier(ctx, "guo.hua", "SUP-DEYI", 1, store.SupplierChanges{Grade: &grade}); err != nil {
		t.Fatal(err)
	}
	if err := db.Store.SetStock(ctx, "MAT-PAPER", 7); err != nil {
		t.Fatal(err)
	}
	if err := db.Store.UpsertPlan(ctx, store.Plan{ID: "PLAN-2026-WH", Name: "采购仓储部2026年度采购计划（调整）",
		DepartmentID: "warehouse", Year: 2026, Lines: []procure.PlanLine{{MaterialID: "MAT-PAPER", Planned: 600}}}); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedProcurement(ctx, db.Store); err != nil {
		t.Fatalf("seed again: %v", err)
	}
	for table, want := range map[string]int64{"suppliers": 5, "supplier_certificates": 8, "supplier_audit": 6,
		"materials": 5, "purchase_plans": 2, "plan_lines": 6, "stock": 3} {
		if n := count(t, db, `SELECT count(*) FROM `+table); n != want {
			t.Errorf("%d %s, want %d", n, table, want)
		}
	}
	if p := supplier(t, db, "SUP-DEYI"); p.Grade != "A" || p.Revision != 2 {
		t.Errorf("the seed undid a change: %+v", p)
	}
	lines, err := db.Store.PlanLines(ctx, "PLAN-2026-WH", []string{"MAT-PAPER", "MAT-TONER"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || lines["MAT-PAPER"].Planned != 600 || lines["MAT-PAPER"].Stock != 7 {
		t.Errorf("the seed undid the plan or the stock: %+v", lines)
	}
	y := supplier(t, db, "SUP-YUANDA")
	if y.Status != procure.SupplierSuspended || y.StatusReason == "" || y.Grade != "C" || y.Revision != 1 {
		t.Errorf("SUP-YUANDA = %+v", y)
	}
	c := supplier(t, db, "SUP-CHENGXIN")
	if len(c.Certificates) != 1 || !c.Certificates[0].ValidTo.Equal(ymd("2026-10-31")) {
		t.Errorf("SUP-CHENGXIN certificates = %+v", c.Certificates)
	}
	h := supplier(t, db, "SUP-HUAXIN")
	if !h.Strategic || h.Kind != procure.KindManufacturer || len(h.Certificates) != 3 {
		t.Errorf("SUP-HUAXIN = %+v", h)
	}
	if j := supplier(t, db, "SUP-JINGGONG"); j.Strategic || j.Kind != procure.KindManufacturer {
		t.Errorf("SUP-JINGGONG = %+v", j)
	}
	servo, err := db.Store.Material(ctx, "MAT-SERVO")
	if err != nil || !servo.Strategic || !servo.Key || servo.Category != "equipment" {
		t.Errorf("MAT-SERVO = %+v, %v", servo, err)
	}
}

// TestSeedRegistry: the demo registry is written once, however often and however many at a
// time run it, and keeps what people changed since.
func TestSeedRegistry(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	twice(t, demo.SeedRegistry, db.Store)
	if n := count(t, db, `SELECT count(*) FROM representatives`); n != 16 {
		t.Fatalf("%d demo posts, want 16", n)
	}
	zheng, err := db.Store.PostsOf(ctx, "zheng.yu", ymd("2026-11-02"))
	if err != nil || len(zheng) != 1 {
		t.Fatalf("zheng.yu's posts = %v, %v", zheng, err)
	}
	if _, err := db.Store.EndPost(ctx, "zhao.qiang", zheng[0].ID, ymd("2026-10-31")); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedRegistry(ctx, db.Store); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM representatives`); n != 16 {
		t.Errorf("%d posts after seeding again, want 16", n)
	}
	got, err := db.Store.CenterDirectors(ctx, ymd("2026-11-02"))
	if err != nil || len(got) != 0 {
		t.Errorf("directors after zheng.yu's post ended = %v, %v", got, err)
	}
	for day, want := range map[string][]string{"2026-06-30": {"li.na", "zhang.wei"}, "2026-07-01": {"li.na"}} {
		got, err := db.Store.Representatives(ctx, "sales", ymd(day))
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("sales' representatives on %s = %v, %v; want %v", day, got, err, want)
		}
	}
	ended, err := db.Store.Posts(ctx, store.PostFilter{UserID: "zhang.wei"})
	if err != nil || len(ended) != 1 || ended[0].EndedBy != "zhao.qiang" || ended[0].CreatedBy != "zhao.qiang" {
		t.Errorf("zhang.wei's ended post = %+v, %v; want it given and ended by the general manager", ended, err)
	}
	for dept, want := range map[string]string{"engineering": "chen.gang", "warehouse": "guo.hua", "finance": "qian.li",
		"sales": "wang.fang", "production": "ma.jun", "quality": "cao.min"} {
		got, err := db.Store.DepartmentLeaders(ctx, dept, ymd("2026-11-02"))
		if err != nil || !slices.Equal(got, []string{want}) {
			t.Errorf("leaders of %s = %v, %v", dept, got, err)
		}
	}
}
