package activities_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"signoff/activities"
	"signoff/demo"
	"signoff/policy"
	"signoff/procure"
	"signoff/store"
	"signoff/testkit"
)

const (
	engEquipment = "2026-eng-equipment"
	laptopPrice  = 800_000
)

// orderDay is when the order's activities run, a working day in 2026.
var orderDay = time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC)

// purchaseRequest writes an approved purchase request of two laptops from SUP-HUAXIN.
func purchaseRequest(t *testing.T, db *testkit.DB) store.Case {
	t.Helper()
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	pr, created, err := db.Store.CreateCase(testCtx(t), store.NewCase{
		Prefix: "PR", Year: 2026, Kind: string(policy.KindProcurement), Title: "笔记本电脑", Purpose: "研发",
		Category: "equipment", DepartmentID: "engineering", BudgetLineID: engEquipment, Amount: 2 * laptopPrice,
		Currency: "CNY", SubmitterID: "huang.lei", PolicyVersion: db.Version,
		Purchase: &store.Purchase{SupplierID: "SUP-HUAXIN", PlanID: "PLAN-2026-ENG", DeliveryDate: day, RequestedOn: day,
			ContractNo: "HT-1", Items: []procure.Item{{MaterialID: "MAT-LAPTOP", Spec: "14寸", Quantity: 2, Unit: "台", UnitPrice: laptopPrice}}},
	})
	if err != nil || !created {
		t.Fatalf("purchase request: %v (created %v)", err, created)
	}
	return pr
}

// laptop is one laptop delivered on the order's first line, accepted or refused for its spec.
func laptop(accepted bool) procure.InspectedLine {
	l := procure.InspectedLine{
		DeliveryLine: procure.DeliveryLine{LineNo: 1, Quantity: 1, NoteQuantity: 1, Spec: "14寸", UnitPrice: laptopPrice,
			SupplierID: "SUP-HUAXIN", Manufacturer: "华信电子", Batch: "B1"},
		Verdict: procure.Verdict{LineNo: 1, Accepted: true, Quantity: 1},
	}
	if !accepted {
		l.Spec = "15寸"
		l.Verdict = procure.Verdict{LineNo: 1, Problems: []procure.Problem{{Field: "spec", Key: "spec_differs"}}}
	}
	return l
}

// TestOrderActivitiesWriteOnceByKey: each side effect of a purchase order, from issuing it to
// consuming the budget, is written once by its key (the request, the snapshot's seq, the
// delivery, the invoice number, the settlement attempt); a retry writes nothing and answers the
// same, and a new key writes its own.
func TestOrderActivitiesWriteOnceByKey(t *testing.T) {
	db := testkit.NewDB(t)
	if err := demo.SeedProcurement(testCtx(t), db.Store); err != nil {
		t.Fatal(err)
	}
	acts, env := actEnv(t, db, inAppOnly)
	pr, other := purchaseRequest(t, db), purchaseRequest(t, db)
	var order activities.IssuedOrder // set by the first step, used by the rest
	delivery := func(n int, lines ...procure.InspectedLine) activities.DeliveryInput {
		return activities.DeliveryInput{OrderID: order.State.OrderID, CaseID: pr.ID,
			DeliveryID: fmt.Sprintf("%s-D%d", order.State.OrderID, n), Batch: n, Actor: "he.ping",
			DeliveredOn: orderDay, NoteNo: "SH-1", InvoiceNo: "INV-1", Lines: lines,
			Prices: map[int]policy.Money{1: laptopPrice}, At: orderDay}
	}
	settle := func(n int, sealed bool) activities.SettleDeliveryInput {
		return activities.SettleDeliveryInput{DeliveryID: delivery(n).DeliveryID, Sealed: sealed, Status: "rejected"}
	}
	invoice := func(no string) activities.InvoiceInput {
		return activities.InvoiceInput{OrderID: order.State.OrderID, InvoiceNo: no, InvoicedOn: orderDay, Actor: "he.ping",
			Lines: []procure.InvoiceLine{{LineNo: 1, Quantity: 2, Amount: 2 * laptopPrice}}}
	}
	settlement := func(attempt int) activities.SettlementInput {
		return activities.SettlementInput{OrderID: order.State.OrderID, CaseID: pr.ID, Attempt: attempt,
			Amount: 2 * laptopPrice, Mismatch: attempt > 1, At: orderDay}
	}
	var receipts, settlements []string
	steps := []struct {
		name string
		call func() (any, error)
		want writes
	}{
		{"issue the order", func() (any, error) {
			var err error
			order, err = run[activities.IssuedOrder](t, env, acts.IssueOrder, activities.IssueOrderInput{CaseID: pr.ID, At: orderDay})
			return order, err
		}, writes{"purchase_orders": 1, "case_numbers": 0}},
		{"issue the other request's order", func() (any, error) {
			return run[activities.IssuedOrder](t, env, acts.IssueOrder, activities.IssueOrderInput{CaseID: other.ID, At: orderDay})
		}, writes{"purchase_orders": 1, "case_numbers": 0}},
		{"record the order's snapshot", func() (any, error) {
			st := order.State
			st.Seq, st.Deliveries = 1, 1
			return run[struct{}](t, env, acts.RecordOrder, activities.RecordOrderInput{State: st})
		}, writes{"purchase_orders": 0}},
		{"register an accepted delivery", func() (any, error) {
			r, err := run[activities.DeliveryResult](t, env, acts.RegisterDelivery, delivery(1, laptop(true)))
			receipts = append(receipts, r.ReceiptID)
			return r, err
		}, writes{"deliveries": 1, "cases": 1, "case_numbers": 0}},
		{"register a refused delivery", func() (any, error) {
			return run[activities.DeliveryResult](t, env, acts.RegisterDelivery, delivery(2, laptop(false)))
		}, writes{"deliveries": 1, "return_tasks": 1}},
		{"settle the sealed receipt", func() (any, error) {
			return run[struct{}](t, env, acts.SettleDelivery, settle(1, true))
		}, writes{"deliveries": 0, "stock": 0}},
		{"register another accepted delivery", func() (any, error) {
			r, err := run[activities.DeliveryResult](t, env, acts.RegisterDelivery, delivery(3, laptop(true)))
			receipts = append(receipts, r.ReceiptID)
			return r, err
		}, writes{"deliveries": 1, "cases": 1, "case_numbers": 0}},
		{"settle its refused receipt", func() (any, error) {
			return run[struct{}](t, env, acts.SettleDelivery, settle(3, false))
		}, writes{"deliveries": 0, "return_tasks": 1}},
		{"record the invoice", func() (any, error) {
			return run[struct{}](t, env, acts.RecordInvoice, invoice("INV-1"))
		}, writes{"order_invoices": 1}},
		{"record a corrected invoice", func() (any, error) {
			return run[struct{}](t, env, acts.RecordInvoice, invoice("INV-2"))
		}, writes{"order_invoices": 1}},
		{"open the settlement", func() (any, error) {
			r, err := run[activities.SettlementResult](t, env, acts.OpenSettlement, settlement(1))
			settlements = append(settlements, r.CaseID)
			return r, err
		}, writes{"cases": 1, "idempotency_keys": 1, "case_numbers": 0}},
		{"open the settlement again after a refused payment", func() (any, error) {
			r, err := run[activities.SettlementResult](t, env, acts.OpenSettlement, settlement(2))
			settlements = append(settlements, r.CaseID)
			return r, err
		}, writes{"cases": 1, "idempotency_keys": 1, "case_numbers": 0}},
	}
	stockBefore := count(t, db, `SELECT on_hand FROM stock WHERE material_id = 'MAT-LAPTOP'`)
	for _, s := range steps {
		once(t, db, s.name, s.call, s.want)
	}

	if !strings.HasPrefix(order.State.OrderID, "PO-2026-") || order.Amount != 2*laptopPrice || order.Submitter != "huang.lei" {
		t.Errorf("issued order = %+v", order)
	}
	if got := count(t, db, `SELECT on_hand FROM stock WHERE material_id = 'MAT-LAPTOP'`); got != stockBefore+1 {
		t.Errorf("laptops on hand %d, want %d: the sealed receipt's one, once", got, stockBefore+1)
	}
	tasks, err := db.Store.ReturnTasks(testCtx(t), order.State.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 2 || tasks[0].Reasons[0].Key != "spec_differs" || tasks[1].Reasons[0].Key != "receipt_refused" {
		t.Errorf("return tasks = %+v, want the refused laptop and the refused receipt's", tasks)
	}
	for _, ids := range [][]string{receipts, settlements} {
		if len(ids) != 4 || ids[0] == ids[2] || ids[0] != ids[1] || ids[2] != ids[3] || ids[0] == "" {
			t.Errorf("cases %v: want two distinct cases, each answered again by its retry", ids)
		}
	}
	for i, id := range settlements {
		c := mustCase(t, db, id)
		if c.Kind != string(policy.KindSettlement) || c.ParentID != pr.ID || c.Amount != 2*laptopPrice ||
			(i >= 2) != (len(c.Conditions) == 1) {
			t.Errorf("settlement %s = %+v", id, c)
		}
	}
	// An older snapshot, retried late, is ignored.
	stale := order.State
	snap := snapshot(t, db)
	mustRun[struct{}](t, env, acts.RecordOrder, activities.RecordOrderInput{State: stale})
	if got := snap.writes(snapshot(t, db)); len(got) != 0 {
		t.Errorf("stale snapshot wrote %v", got)
	}
}

// TestConsumePurchaseOnce: the paid order's request turns its reservation into spending of
// the amount paid, once; another request consumes its own.
func TestConsumePurchaseOnce(t *testing.T) {
	db := testkit.NewDB(t)
	if err := demo.SeedProcurement(testCtx(t), db.Store); err != nil {
		t.Fatal(err)
	}
	acts, env := actEnv(t, db, inAppOnly)
	line := func() store.BudgetLine {
		b, err := db.Store.BudgetLine(testCtx(t), engEquipment)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	requests := []store.Case{purchaseRequest(t, db), purchaseRequest(t, db)}
	const paid = 2*laptopPrice - 10_000 // the invoice came in under the request
	for _, pr := range requests {
		before := line()
		once(t, db, "consume "+pr.ID, func() (struct{}, error) {
			return run[struct{}](t, env, acts.ConsumePurchase, activities.ConsumeInput{CaseID: pr.ID, Paid: paid})
		}, writes{"budget_lines": 0, "budget_reservations": 0})
		after := line()
		if after.Consumed-before.Consumed != paid || before.Reserved-after.Reserved != pr.Amount {
			t.Errorf("%s: consumed +%d, reserved -%d; want +%d and -%d", pr.ID,
				after.Consumed-before.Consumed, before.Reserved-after.Reserved, paid, pr.Amount)
		}
	}
}
