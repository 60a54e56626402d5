package workflows_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"signoff/activities"
	"signoff/chain"
	"signoff/demo"
	"signoff/policy"
	"signoff/procure"
	"signoff/store"
	"signoff/testkit"
	"signoff/worker"
	"signoff/workflows"
)

// issuedOrder writes an approved purchase request of two laptops and issues its order.
func issuedOrder(t *testing.T, db *testkit.DB) store.Order {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := demo.SeedProcurement(ctx, db.Store); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	pr, _, err := db.Store.CreateCase(ctx, store.NewCase{
		Prefix: "PR", Year: 2026, Kind: string(policy.KindProcurement), Title: "笔记本电脑", Purpose: "研发",
		Category: "equipment", DepartmentID: "engineering", BudgetLineID: "2026-eng-equipment", Amount: 1_600_000,
		Currency: "CNY", SubmitterID: "huang.lei", PolicyVersion: db.Version,
		Purchase: &store.Purchase{SupplierID: "SUP-HUAXIN", PlanID: "PLAN-2026-ENG", DeliveryDate: day, RequestedOn: day,
			ContractNo: "HT-1", Items: []procure.Item{{MaterialID: "MAT-LAPTOP", Spec: "14寸", Quantity: 2, Unit: "台", UnitPrice: 800_000}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.Store.IssueOrder(ctx, pr.ID, 2026, day)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// An order with many deliveries does not keep one history: after ContinueAfter deliveries, with
// no receipt waiting for seals, the run continues as new carrying the order's state.
func TestOrderContinuesAsNewAfterManyDeliveries(t *testing.T) {
	db := testkit.NewDB(t)
	o := issuedOrder(t, db)
	acts, err := activities.New(db.Store, db.Policies, activities.Channels{PublicURL: "http://signoff.test"})
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC))
	worker.Register(env, acts)

	// Two deliveries of the wrong spec: each is refused whole and becomes a return task.
	var answers []error
	for i := range 2 {
		env.RegisterDelayedCallback(func() {
			req := workflows.DeliverRequest{Actor: "he.ping", Day: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC),
				NoteNo: fmt.Sprintf("SH-%d", i+1), Lines: []procure.DeliveryLine{{LineNo: 1, Quantity: 1, NoteQuantity: 1,
					Spec: "15寸", UnitPrice: 800_000, SupplierID: "SUP-HUAXIN", Manufacturer: "华信电子", Batch: "B"}},
				Rules: policy.Demo().Procurement}
			env.UpdateWorkflow(workflows.UpdateDeliver, fmt.Sprintf("d%d", i), &testsuite.TestUpdateCallback{
				OnAccept:   func() {},
				OnReject:   func(err error) { answers = append(answers, err) },
				OnComplete: func(_ interface{}, err error) { answers = append(answers, err) },
			}, req)
		}, time.Duration(i+1)*time.Minute)
	}
	env.ExecuteWorkflow(workflows.PurchaseOrder, workflows.OrderInput{State: o.State, Submitter: "huang.lei",
		Department: "engineering", Amount: o.Amount, ContinueAfter: 2})

	if len(answers) != 2 || answers[0] != nil || answers[1] != nil {
		t.Fatalf("delivery answers = %v, want two accepted", answers)
	}
	var can *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow ended with %v, want continue-as-new", err)
	}
	stored, err := db.Store.Order(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.State.Deliveries != 2 || stored.State.Lines[0].Accepted != 0 || stored.State.Status != procure.OrderOrdered {
		t.Errorf("stored order = %+v, want two deliveries, nothing accepted, still ordered", stored.State)
	}
	tasks, err := db.Store.ReturnTasks(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 2 || tasks[0].Reasons[0].Key != "spec_differs" {
		t.Errorf("return tasks = %+v, want one per refused delivery, for the spec", tasks)
	}
}

var recordOrderHistory = flag.Bool("record-order-history", false, "write the dev-server order's histories to testdata/order/")

// TestPurchaseOrderOnDevServer runs one order on a real Temporal dev server and real Postgres
// through every transition: a receipt refused at the accountant's seal (its laptop may come
// again), a delivery refused whole, continue-as-new after two deliveries, an invoice registered
// before the goods, the last receipt sealed (received, matched, the payment opened), the payment
// refused (the order waits for a corrected invoice), the corrected invoice and the payment. With
// -record-order-history it writes both runs' histories for TestReplayPurchaseOrderHistories.
func TestPurchaseOrderOnDevServer(t *testing.T) {
	s := testkit.NewStack(t, activities.Channels{PublicURL: "http://signoff.test"})
	o := issuedOrder(t, s.DB)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	run, err := s.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: o.ID, TaskQueue: s.TaskQueue,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE},
		workflows.PurchaseOrderWorkflow, workflows.OrderInput{State: o.State, Tolerance: policy.Demo().Procurement.Tolerance,
			Submitter: "huang.lei", Department: "engineering", Amount: o.Amount, ContinueAfter: 2})
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.Store.BudgetLine(ctx, "2026-eng-equipment")
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	laptops := func(note string, n int64, spec string) workflows.DeliverRequest {
		return workflows.DeliverRequest{Actor: "he.ping", Day: today, DeliveredOn: today, NoteNo: note,
			Lines: []procure.DeliveryLine{{LineNo: 1, Quantity: n, NoteQuantity: n, Spec: spec, UnitPrice: 800_000,
				SupplierID: "SUP-HUAXIN", Manufacturer: "华信电子", Batch: "B-" + note}},
			Rules: policy.Demo().Procurement}
	}
	invoice := workflows.InvoiceRequest{Actor: "sun.min", InvoiceNo: "FP-1", InvoicedOn: today,
		Lines: []procure.InvoiceLine{{LineNo: 1, Quantity: 2, Amount: 1_600_000}}}

	// One laptop, refused at the accountant's seal: the laptop may come again.
	var d workflows.DeliverResult
	orderUpdate(ctx, t, s.Client, o.ID, workflows.UpdateDeliver, laptops("SH-1", 1, "14寸"), &d)
	if d.ReceiptID == "" {
		t.Fatalf("delivery %+v opened no receipt", d)
	}
	decide(ctx, t, s.Client, d.ReceiptID, chain.ActApprove, chain.ActReject)
	waitOrder(ctx, t, s.DB, o.ID, "the refused receipt gives its laptop back", func(st procure.OrderState) bool {
		return len(st.Open) == 0 && st.Lines[0].Pending == 0 && st.Lines[0].Accepted == 0
	})
	// The wrong spec: refused whole, no receipt; two deliveries, nothing open: continue as new.
	orderUpdate(ctx, t, s.Client, o.ID, workflows.UpdateDeliver, laptops("SH-2", 2, "15寸"), &d)
	if d.ReceiptID != "" || d.Verdicts[0].Accepted {
		t.Fatalf("delivery of the wrong spec = %+v, want refused without a receipt", d)
	}
	second := waitNextRun(ctx, t, s.Client, o.ID, run.GetRunID())

	// The invoice before the goods waits for them.
	var st procure.OrderState
	orderUpdate(ctx, t, s.Client, o.ID, workflows.UpdateInvoice, invoice, &st)
	if st.Status != procure.OrderOrdered || st.Settlement != "" || st.Deliveries != 2 {
		t.Fatalf("after the early invoice: %+v, want still ordered, two deliveries, no payment", st)
	}
	orderUpdate(ctx, t, s.Client, o.ID, workflows.UpdateDeliver, laptops("SH-3", 2, "14寸"), &d)
	if d.DeliveryID != o.ID+"-D3" {
		t.Errorf("third delivery numbered %s, want %s-D3", d.DeliveryID, o.ID)
	}
	decide(ctx, t, s.Client, d.ReceiptID, chain.ActApprove, chain.ActApprove)
	st = waitOrder(ctx, t, s.DB, o.ID, "received, matched and with the payment", func(st procure.OrderState) bool {
		return st.Settlement != ""
	})
	if st.Status != procure.OrderSettling || st.Match == nil || !st.Match.Matched || st.Lines[0].Accepted != 2 {
		t.Fatalf("after the last seal: %+v, want settling on a matched invoice with both laptops", st)
	}
	firstPayment := st.Settlement
	decide(ctx, t, s.Client, firstPayment, chain.ActReject)
	st = waitOrder(ctx, t, s.DB, o.ID, "back to received without its invoice", func(st procure.OrderState) bool {
		return st.Status == procure.OrderReceived
	})
	if st.Invoice != nil || st.InvoiceNo != "" || st.Settlement != "" {
		t.Fatalf("after the refused payment: %+v, want the invoice and the payment cleared", st)
	}
	invoice.InvoiceNo = "FP-2"
	orderUpdate(ctx, t, s.Client, o.ID, workflows.UpdateInvoice, invoice, &st)
	st = waitOrder(ctx, t, s.DB, o.ID, "a second payment", func(st procure.OrderState) bool {
		return st.Settlement != "" && st.Settlement != firstPayment
	})
	decide(ctx, t, s.Client, st.Settlement, chain.ActPay)
	var res workflows.OrderResult
	if err := s.Client.GetWorkflow(ctx, o.ID, "").Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != procure.OrderPaid {
		t.Fatalf("order ended %+v, want paid", res)
	}
	line, err := s.Store.BudgetLine(ctx, "2026-eng-equipment")
	if err != nil {
		t.Fatal(err)
	}
	if paid := line.Consumed - before.Consumed; paid != 1_600_000 {
		t.Errorf("budget consumed %d more, want the 16000.00 paid", paid)
	}
	if *recordOrderHistory {
		final := s.Client.GetWorkflow(ctx, o.ID, "").GetRunID()
		writeRunHistory(t, ctx, s.Client, o.ID, run.GetRunID(), filepath.Join("testdata", "order", "v0_run1_refused_receipt.json"))
		if final != second {
			t.Fatalf("the order continued as new again (%s, then %s)", second, final)
		}
		writeRunHistory(t, ctx, s.Client, o.ID, second, filepath.Join("testdata", "order", "v0_run2_refused_payment_paid.json"))
	}
}

// TestReplayPurchaseOrderHistories replays the committed order histories against today's
// PurchaseOrder: a change to its commands that running orders would not survive fails here.
func TestReplayPurchaseOrderHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "order", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed order histories in testdata/order (%v)", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := sdkworker.NewWorkflowReplayer()
			r.RegisterWorkflowWithOptions(workflows.PurchaseOrder, workflow.RegisterOptions{Name: workflows.PurchaseOrderWorkflow})
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatalf("replay %s: %v", f, err)
			}
		})
	}
}

// orderUpdate sends an update to the order and fails the test unless it succeeds.
func orderUpdate(ctx context.Context, t *testing.T, c client.Client, id, name string, arg, out any) {
	t.Helper()
	opts, err := testkit.SignedUpdate(id, name, arg)
	if err != nil {
		t.Fatal(err)
	}
	h, err := c.UpdateWorkflow(ctx, opts)
	if err == nil {
		err = h.Get(ctx, out)
	}
	if err != nil {
		t.Fatalf("%s on %s: %v", name, id, err)
	}
}

// decide waits until a receipt or payment case is routed and has each action taken, in turn, by
// the first holder of its current step; a reject gives its reason.
func decide(ctx context.Context, t *testing.T, c client.Client, caseID string, actions ...chain.ActionType) {
	t.Helper()
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: caseID, UpdateName: workflows.UpdateSubmit,
		UpdateID: caseID + "/submit", WaitForStage: client.WorkflowUpdateStageCompleted})
	var v workflows.View
	if err == nil {
		err = h.Get(ctx, &v)
	}
	if err != nil {
		t.Fatalf("await routing of %s: %v", caseID, err)
	}
	for _, typ := range actions {
		if len(v.Holders) == 0 {
			t.Fatalf("%s: nobody holds %s at %s", typ, caseID, v.Step)
		}
		a := chain.Action{Type: typ, Actor: v.Holders[0], Revision: v.Revision}
		switch typ {
		case chain.ActReject:
			a.Comment = "不符合"
		case chain.ActPay:
			a.Reference, a.PaidAt = "BANK-"+caseID, time.Now().UTC().Truncate(time.Second)
		}
		if v, err = update(ctx, c, caseID, a); err != nil {
			t.Fatalf("%s on %s by %s: %v", typ, caseID, a.Actor, err)
		}
	}
}

// waitOrder polls the stored order until cond holds, for at most 30 seconds.
func waitOrder(ctx context.Context, t *testing.T, db *testkit.DB, id, what string, cond func(procure.OrderState) bool) procure.OrderState {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		o, err := db.Store.Order(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if cond(o.State) {
			return o.State
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s never became %s: %+v", id, what, o.State)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitNextRun waits, for at most 30 seconds, until the workflow has continued as new from run
// and returns the new run's ID.
func waitNextRun(ctx context.Context, t *testing.T, c client.Client, id, run string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		d, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			t.Fatal(err)
		}
		info := d.GetWorkflowExecutionInfo()
		if next := info.GetExecution().GetRunId(); next != run && info.GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return next
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s never continued as new from run %s", id, run)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// writeRunHistory writes one run's history as JSON.
func writeRunHistory(t *testing.T, ctx context.Context, c client.Client, id, run, file string) {
	t.Helper()
	it := c.GetWorkflowHistory(ctx, id, run, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	hist := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		hist.Events = append(hist.Events, ev)
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(hist)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d events)", file, len(hist.Events))
}
