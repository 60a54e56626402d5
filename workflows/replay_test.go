package workflows_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"signoff/activities"
	"signoff/chain"
	"signoff/store"
	"signoff/testkit"
	"signoff/workflows"
)

var recordHistory = flag.String("record-history", "", "write the dev-server run's history to this file under testdata/ (e.g. expense_v1_full_chain.json)")

// TestReplayCommittedHistories replays every committed history against today's workflow code:
// a change that would break running cases fails here (see the versioning note in doc.go).
func TestReplayCommittedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed histories in testdata (%v)", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := sdkworker.NewWorkflowReplayer()
			r.RegisterWorkflowWithOptions(workflows.Expense, workflow.RegisterOptions{Name: workflows.ExpenseWorkflow})
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatalf("replay %s: %v", f, err)
			}
		})
	}
}

// TestExpenseOnDevServer drives one claim through the whole chain on a real Temporal dev server
// and real Postgres, the way the gateway does: update-with-start, then one Update per action.
// With -record-history FILE it also writes its history for TestReplayCommittedHistories.
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
	if *recordHistory != "" {
		writeHistory(t, ctx, s.Client, cs.ID, filepath.Join("testdata", *recordHistory))
	}
}

func update(ctx context.Context, c client.Client, id string, a chain.Action) (workflows.View, error) {
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: id, UpdateName: workflows.UpdateName(a.Type), Args: []any{a},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
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

func writeHistory(t *testing.T, ctx context.Context, c client.Client, id, file string) {
	it := c.GetWorkflowHistory(ctx, id, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
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
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d events)", file, len(hist.Events))
}
