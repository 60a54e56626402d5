package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"signoff/activities"
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
