package workflows_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"signoff/activities"
	"signoff/chain"
	"signoff/store"
	"signoff/testkit"
	"signoff/worker"
	"signoff/workflows"
)

// TestReplayCommittedHistories replays every committed history against today's workflow code:
// a change that would break running workflows fails here (see "Versioning" in README.md). The
// histories are written by TestRecordHistories.
func TestReplayCommittedHistories(t *testing.T) {
	replayer := sdkworker.NewWorkflowReplayer()
	worker.Register(replayRegistry{replayer}, nil)
	for _, f := range committedHistories(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if err := replayer.ReplayWorkflowHistory(nil, readHistory(t, f)); err != nil {
				t.Fatalf("replay %s: %v", f, err)
			}
		})
	}
}

// TestEveryWorkflowTypeHasACommittedHistory: a workflow type without one could change
// incompatibly unnoticed.
func TestEveryWorkflowTypeHasACommittedHistory(t *testing.T) {
	covered := map[string]bool{}
	for _, f := range committedHistories(t) {
		covered[readHistory(t, f).Events[0].GetWorkflowExecutionStartedEventAttributes().GetWorkflowType().GetName()] = true
	}
	for _, wt := range []string{workflows.ExpenseWorkflow, workflows.ProcurementWorkflow, workflows.PurchaseOrderWorkflow,
		workflows.ReceiptWorkflow, workflows.SettlementWorkflow, workflows.ProblemWorkflow, workflows.ReconcileWorkflow,
		workflows.LedgerHeadsWorkflow} {
		if !covered[wt] {
			t.Errorf("no committed history of the %s workflow", wt)
		}
	}
}

func committedHistories(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed histories in testdata (%v)", err)
	}
	return files
}

// replayRegistry lets worker.Register fill a replayer: one list of what the worker runs.
// Replays never run activities.
type replayRegistry struct{ sdkworker.WorkflowReplayer }

func (replayRegistry) RegisterActivity(any) {}

func readHistory(t *testing.T, file string) *historypb.History {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	hist := &historypb.History{}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(b, hist); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(hist.Events) == 0 {
		t.Fatalf("%s holds no events", file)
	}
	return hist
}

// TestExpenseOnDevServer drives one claim through the whole chain on a real Temporal dev server
// and real Postgres, the way the gateway does: update-with-start, then one Update per action.
func TestExpenseOnDevServer(t *testing.T) {
	s := testkit.NewStack(t, activities.Channels{PublicURL: "http://signoff.test"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cs, _, err := s.Store.CreateCase(ctx, store.NewCase{
		Prefix: "EXP", Year: 2026, Kind: "expense", Title: "差旅费报销", Purpose: "客户拜访",
		Category: "travel", DepartmentID: "sales", BudgetLineID: "2026-sales-travel", Amount: 120000,
		Currency: "CNY", SubmitterID: "zhang.wei", PolicyVersion: s.Version,
		Lines: []store.Line{{Description: "机票", Amount: 120000}},
	})
	if err != nil {
		t.Fatal(err)
	}
	start := s.Client.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID: cs.ID, TaskQueue: s.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		Memo:                     map[string]any{"title": cs.Title},
	}, workflows.ExpenseWorkflow, workflows.CaseInput{CaseID: cs.ID, Kind: "expense", Submitter: "zhang.wei"})
	h, err := s.Client.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName: workflows.UpdateSubmit, UpdateID: cs.ID + "/submit", WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		t.Fatalf("update with start: %v", err)
	}
	var v workflows.View
	if err := h.Get(ctx, &v); err != nil {
		t.Fatalf("submit: %v", err)
	}
	steps := []chain.Action{
		{Type: chain.ActComment, Actor: "zhang.wei", Comment: "发票已上传"},
		{Type: chain.ActApprove, Actor: "li.na"},
		{Type: chain.ActApprove, Actor: "sun.min"},
		{Type: chain.ActApprove, Actor: "wang.fang"},
		{Type: chain.ActPay, Actor: "wu.xia", Reference: "BANK-1", PaidAt: time.Date(2026, 11, 18, 8, 0, 0, 0, time.UTC)},
	}
	// A refused action must come back typed and leave nothing behind.
	if _, err := update(ctx, s.Client, cs.ID, chain.Action{Type: chain.ActApprove, Actor: "sun.min", Revision: v.Revision}); codeOf(err) != chain.CodeWrongOrder {
		t.Fatalf("reviewer before witness: %v", err)
	}
	for _, a := range steps {
		a.Revision = v.Revision
		v, err = update(ctx, s.Client, cs.ID, a)
		if err != nil {
			t.Fatalf("%s by %s: %v", a.Type, a.Actor, err)
		}
		// Read-your-writes: the read model already shows the action when the update returns.
		c, err := s.Store.Case(ctx, cs.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Revision != v.Revision || c.Status != string(v.Status) {
			t.Fatalf("after %s: read model at revision %d/%s, update says %d/%s", a.Type, c.Revision, c.Status, v.Revision, v.Status)
		}
	}
	var res workflows.CaseResult
	if err := s.Client.GetWorkflow(ctx, cs.ID, "").Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != string(chain.StatusPaid) || res.Seals != 6 {
		t.Fatalf("result %+v, want paid with 6 seals", res)
	}
}

func update(ctx context.Context, c client.Client, id string, a chain.Action) (workflows.View, error) {
	opts, err := testkit.SignedUpdate(id, workflows.UpdateName(a.Type), a)
	if err != nil {
		return workflows.View{}, err
	}
	h, err := c.UpdateWorkflow(ctx, opts)
	if err != nil {
		return workflows.View{}, err
	}
	var v workflows.View
	err = h.Get(ctx, &v)
	var app *temporal.ApplicationError
	if err != nil && !errors.As(err, &app) {
		return v, err
	}
	return v, err
}
