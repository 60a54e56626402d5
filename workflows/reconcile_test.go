package workflows_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"signoff/activities"
	"signoff/store"
	"signoff/testkit"
	"signoff/workflows"
)

// TestReconcileStartsCasesNobodyStarted: the gateway wrote two claims and stopped before
// starting their workflows. The reconciler (run here directly, in production by a Temporal
// Schedule) starts both: the routable one reaches its witnesses, the unroutable one is closed
// with its budget released. A second run finds nothing left.
func TestReconcileStartsCasesNobodyStarted(t *testing.T) {
	s := testkit.NewStack(t, activities.Channels{PublicURL: "http://signoff.test"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	write := func(submitter, department string) store.Case {
		c, _, err := s.Store.CreateCase(ctx, store.NewCase{
			Prefix: "EXP", Year: 2026, Kind: "expense", Title: "差旅费报销", Purpose: "客户拜访",
			Category: "travel", DepartmentID: department, BudgetLineID: "2026-sales-travel", Amount: 50000,
			Currency: "CNY", SubmitterID: submitter, PolicyVersion: s.Version,
			Lines: []store.Line{{Description: "机票", Amount: 50000}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	routable, unroutable := write("zhang.wei", "sales"), write("zhao.qiang", "general")

	reconcile := func() activities.ReconcileResult {
		run, err := s.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: "reconcile-" + time.Now().Format("150405.000000"), TaskQueue: s.TaskQueue,
		}, workflows.ReconcileWorkflow, activities.ReconcileInput{OlderThan: 0})
		if err != nil {
			t.Fatal(err)
		}
		var res activities.ReconcileResult
		if err := run.Get(ctx, &res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := reconcile()
	slices.Sort(res.Started)
	if want := []string{routable.ID, unroutable.ID}; !slices.Equal(res.Started, want) {
		t.Fatalf("started %v, want %v", res.Started, want)
	}
	for _, want := range []struct{ id, status string }{{routable.ID, "in_progress"}, {unroutable.ID, "rejected"}} {
		deadline := time.Now().Add(20 * time.Second)
		for {
			c, err := s.Store.Case(ctx, want.id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status == want.status {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s is %s, want %s", want.id, c.Status, want.status)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	b, err := s.Store.BudgetLine(ctx, "2026-sales-travel")
	if err != nil {
		t.Fatal(err)
	}
	if b.Reserved != 50000 {
		t.Errorf("reserved %d: the routable claim keeps its 50000, the closed one releases its own", b.Reserved)
	}
	if again := reconcile(); len(again.Started) != 0 {
		t.Errorf("second run started %v, want nothing", again.Started)
	}
}
