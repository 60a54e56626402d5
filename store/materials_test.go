package store_test

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"signoff/demo"
	"signoff/procure"
	"signoff/store"
	"signoff/testkit"
)

// seedDemo writes the demo's procurement master data.
func seedDemo(t *testing.T, db *testkit.DB) {
	t.Helper()
	if err := demo.SeedProcurement(testCtx(t), db.Store); err != nil {
		t.Fatalf("seed procurement demo: %v", err)
	}
}

// purchaseAgainst records a minimal purchase request: a case in the given status buying
// quantities (by material) against a plan.
func purchaseAgainst(t *testing.T, db *testkit.DB, plan, status string, quantities map[string]int64) string {
	t.Helper()
	c := mustCreate(t, db, salesClaim(db, 1000))
	exec(t, db, `UPDATE cases SET status = $2 WHERE id = $1`, c.ID, status)
	exec(t, db, `INSERT INTO purchase_requests (case_id, supplier_id, plan_id, delivery_date, requested_on, contract_no)
		VALUES ($1, 'SUP-HUAXIN', $2, '2026-12-01', '2026-11-02', 'HT-1')`, c.ID, plan)
	line := 0
	for _, m := range slices.Sorted(maps.Keys(quantities)) {
		line++
		exec(t, db, `INSERT INTO purchase_items (case_id, line_no, material_id, spec, quantity, unit, unit_price)
			VALUES ($1, $2, $3, 'spec', $4, '台', 100)`, c.ID, line, m, quantities[m])
	}
	return c.ID
}

// TestMaterials: every material by ID; one by ID, or ErrNotFound.
func TestMaterials(t *testing.T) {
	db := testkit.NewDB(t)
	seedDemo(t, db)
	list, err := db.Store.Materials(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range list {
		ids = append(ids, m.ID)
	}
	if want := []string{"MAT-LAPTOP", "MAT-MONITOR", "MAT-PAPER", "MAT-SERVO", "MAT-TONER"}; !slices.Equal(ids, want) {
		t.Errorf("materials = %v, want %v", ids, want)
	}
	servo, err := db.Store.Material(testCtx(t), "MAT-SERVO")
	if err != nil {
		t.Fatal(err)
	}
	if servo.Name != "伺服电机" || servo.Category != "equipment" || !servo.Strategic || !servo.Key || servo.ExpiryTracked || servo.Unit != "台" {
		t.Errorf("servo = %+v", servo)
	}
	if toner, err := db.Store.Material(testCtx(t), "MAT-TONER"); err != nil || !toner.ExpiryTracked || toner.Category != "office" {
		t.Errorf("toner = %+v, %v", toner, err)
	}
	if _, err := db.Store.Material(testCtx(t), "MAT-NONE"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown material: err = %v", err)
	}
}

// TestPlanLines: what a plan line has committed is the sum over the requests against that plan
// that are not rejected or withdrawn; stock is what is on hand, 0 when none is recorded.
func TestPlanLines(t *testing.T) {
	db := testkit.NewDB(t)
	seedDemo(t, db)
	live := purchaseAgainst(t, db, "PLAN-2026-ENG", "in_progress", map[string]int64{"MAT-LAPTOP": 3, "MAT-PAPER": 20})
	purchaseAgainst(t, db, "PLAN-2026-ENG", "approved", map[string]int64{"MAT-LAPTOP": 4})
	purchaseAgainst(t, db, "PLAN-2026-ENG", "returned", map[string]int64{"MAT-LAPTOP": 1})
	purchaseAgainst(t, db, "PLAN-2026-ENG", "rejected", map[string]int64{"MAT-LAPTOP": 100, "MAT-PAPER": 100})
	purchaseAgainst(t, db, "PLAN-2026-ENG", "withdrawn", map[string]int64{"MAT-LAPTOP": 50})
	purchaseAgainst(t, db, "PLAN-2026-WH", "in_progress", map[string]int64{"MAT-LAPTOP": 2})

	lines, err := db.Store.PlanLines(testCtx(t), "PLAN-2026-ENG", []string{"MAT-LAPTOP", "MAT-PAPER", "MAT-MONITOR", "MAT-NONE", "MAT-LAPTOP"}, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]procure.PlanLine{
		"MAT-LAPTOP":  {PlanID: "PLAN-2026-ENG", MaterialID: "MAT-LAPTOP", Planned: 20, Committed: 8, Stock: 2},
		"MAT-PAPER":   {PlanID: "PLAN-2026-ENG", MaterialID: "MAT-PAPER", Planned: 200, Committed: 20, Stock: 50},
		"MAT-MONITOR": {PlanID: "PLAN-2026-ENG", MaterialID: "MAT-MONITOR", Planned: 30, Committed: 0, Stock: 0},
	}
	if len(lines) != len(want) {
		t.Errorf("lines = %v, want %v", lines, want)
	}
	for id, w := range want {
		if lines[id] != w {
			t.Errorf("%s = %+v, want %+v", id, lines[id], w)
		}
	}
	// A request being revised does not count against itself.
	revised, err := db.Store.PlanLines(testCtx(t), "PLAN-2026-ENG", []string{"MAT-LAPTOP"}, live)
	if err != nil || revised["MAT-LAPTOP"].Committed != 5 {
		t.Errorf("laptop line without %s = %+v, %v; want 5 committed", live, revised["MAT-LAPTOP"], err)
	}
	wh, err := db.Store.PlanLines(testCtx(t), "PLAN-2026-WH", []string{"MAT-LAPTOP", "MAT-SERVO"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(wh) != 1 || wh["MAT-LAPTOP"].Committed != 2 || wh["MAT-LAPTOP"].Planned != 5 {
		t.Errorf("warehouse lines = %+v", wh)
	}
	if none, err := db.Store.PlanLines(testCtx(t), "PLAN-NONE", []string{"MAT-LAPTOP"}, ""); err != nil || len(none) != 0 {
		t.Errorf("unknown plan: %v, %v", none, err)
	}
}

// TestPlans: a department's plans with every line, or every plan.
func TestPlans(t *testing.T) {
	db := testkit.NewDB(t)
	seedDemo(t, db)
	purchaseAgainst(t, db, "PLAN-2026-ENG", "in_progress", map[string]int64{"MAT-SERVO": 4})
	eng, err := db.Store.Plans(testCtx(t), "engineering")
	if err != nil {
		t.Fatal(err)
	}
	if len(eng) != 1 || eng[0].ID != "PLAN-2026-ENG" || eng[0].Name != "研发部2026年度采购计划" || eng[0].Year != 2026 ||
		eng[0].DepartmentID != "engineering" {
		t.Fatalf("engineering plans = %+v", eng)
	}
	var got []string
	for _, l := range eng[0].Lines {
		got = append(got, l.MaterialID)
	}
	if want := []string{"MAT-LAPTOP", "MAT-MONITOR", "MAT-PAPER", "MAT-SERVO", "MAT-TONER"}; !slices.Equal(got, want) {
		t.Errorf("lines = %v, want %v", got, want)
	}
	if servo := eng[0].Lines[3]; servo.Planned != 10 || servo.Committed != 4 || servo.Stock != 0 {
		t.Errorf("servo line = %+v", servo)
	}
	all, err := db.Store.Plans(testCtx(t), "")
	if err != nil || len(all) != 2 {
		t.Errorf("all plans = %d, %v", len(all), err)
	}
	if sales, err := db.Store.Plans(testCtx(t), "sales"); err != nil || len(sales) != 0 {
		t.Errorf("sales plans = %+v, %v", sales, err)
	}
}

// TestUpsertMasterData: materials, plans and stock are written as given; again, nothing
// changes; a plan's lines become exactly those given.
func TestUpsertMasterData(t *testing.T) {
	db := testkit.NewDB(t)
	pen := procure.Material{ID: "MAT-PEN", Name: "签字笔", Spec: "0.5mm 黑", Unit: "支", Category: "office", ExpiryTracked: true}
	chair := procure.Material{ID: "MAT-CHAIR", Name: "办公椅", Spec: "人体工学", Unit: "把", Category: "equipment"}
	plan := store.Plan{ID: "PLAN-T", Name: "测试计划", DepartmentID: "sales", Year: 2026,
		Lines: []procure.PlanLine{{MaterialID: "MAT-PEN", Planned: 100}, {MaterialID: "MAT-CHAIR", Planned: 4}}}
	for range 2 {
		for _, m := range []procure.Material{pen, chair} {
			if err := db.Store.UpsertMaterial(testCtx(t), m); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Store.UpsertPlan(testCtx(t), plan); err != nil {
			t.Fatal(err)
		}
		if err := db.Store.SetStock(testCtx(t), "MAT-PEN", 30); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := db.Store.Material(testCtx(t), "MAT-PEN"); err != nil || got != pen {
		t.Errorf("pen = %+v, %v", got, err)
	}
	lines, err := db.Store.PlanLines(testCtx(t), "PLAN-T", []string{"MAT-PEN", "MAT-CHAIR"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if lines["MAT-PEN"].Planned != 100 || lines["MAT-PEN"].Stock != 30 || lines["MAT-CHAIR"].Planned != 4 {
		t.Errorf("lines = %+v", lines)
	}

	pen.Name = "中性笔"
	plan.Lines = []procure.PlanLine{{MaterialID: "MAT-PEN", Planned: 150}}
	if err := db.Store.UpsertMaterial(testCtx(t), pen); err != nil {
		t.Fatal(err)
	}
	if err := db.Store.UpsertPlan(testCtx(t), plan); err != nil {
		t.Fatal(err)
	}
	if err := db.Store.SetStock(testCtx(t), "MAT-PEN", 0); err != nil {
		t.Fatal(err)
	}
	plans, err := db.Store.Plans(testCtx(t), "sales")
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 1 || len(plans[0].Lines) != 1 || plans[0].Lines[0].Planned != 150 || plans[0].Lines[0].Stock != 0 {
		t.Errorf("plans after the change = %+v", plans)
	}
	if got, _ := db.Store.Material(testCtx(t), "MAT-PEN"); got.Name != "中性笔" {
		t.Errorf("pen renamed to %q", got.Name)
	}
	if err := db.Store.SetStock(testCtx(t), "MAT-NONE", 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("stock of an unknown material: err = %v", err)
	}
	if err := db.Store.UpsertPlan(testCtx(t), store.Plan{ID: "PLAN-X", Name: "x", DepartmentID: "sales", Year: 2026,
		Lines: []procure.PlanLine{{MaterialID: "MAT-NONE", Planned: 1}}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a plan line of an unknown material: err = %v", err)
	}
}

// TestOpenStock: an opening balance is written for a material with no stock recorded, and
// leaves alone stock already recorded (even 0, which received goods may have moved to).
func TestOpenStock(t *testing.T) {
	db := testkit.NewDB(t)
	seedDemo(t, db)
	if err := db.Store.SetStock(testCtx(t), "MAT-MONITOR", 0); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		material string
		onHand   int64
		opened   bool
		want     int64
	}{
		{"MAT-SERVO", 4, true, 4},
		{"MAT-SERVO", 9, false, 4},
		{"MAT-MONITOR", 3, false, 0},
	} {
		opened, err := db.Store.OpenStock(testCtx(t), tt.material, tt.onHand)
		if err != nil || opened != tt.opened {
			t.Errorf("open %s at %d = %v, %v; want %v", tt.material, tt.onHand, opened, err, tt.opened)
		}
		lines, err := db.Store.PlanLines(testCtx(t), "PLAN-2026-ENG", []string{tt.material}, "")
		if err != nil || lines[tt.material].Stock != tt.want {
			t.Errorf("stock of %s = %+v, %v; want %d", tt.material, lines[tt.material], err, tt.want)
		}
	}
	if _, err := db.Store.OpenStock(testCtx(t), "MAT-NONE", 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown material: err = %v", err)
	}
}
