package workflows_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/converter"

	"signoff/activities"
	"signoff/archive"
	"signoff/chain"
	"signoff/store"
	"signoff/testkit"
	"signoff/workflows"
)

// TestArchiveAtCloseOnceAcrossAWorkerRestart closes a case on a worker that dies right after its
// archive was written, before it could report so: the package is in Postgres, Temporal does not
// know. A new worker retries the activity, which finds the package kept and writes nothing; the
// case ends with exactly one package, which verifies, and archiving it again writes nothing.
func TestArchiveAtCloseOnceAcrossAWorkerRestart(t *testing.T) {
	s := testkit.NewStack(t, activities.Channels{PublicURL: "http://signoff.test"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s.Worker.Stop()
	wrote := make(chan bool, 1)
	dies := func(ctx context.Context, id string) (bool, error) {
		written, err := s.Service.ArchiveCase(ctx, id)
		if err != nil {
			return written, err
		}
		select {
		case wrote <- written:
		default:
		}
		return written, errors.New("the worker died before reporting the archive")
	}
	first := s.StartWorker(t, activities.WithArchiver(dies))

	r := newDevServer(t, s, ctx)
	cs := r.createCase(t, store.NewCase{
		Prefix: "EXP", Year: time.Now().Year(), Kind: "expense", Title: "差旅费报销", Purpose: "客户拜访",
		Category: "travel", DepartmentID: "sales", BudgetLineID: "2026-sales-travel", Amount: 50000,
		Currency: "CNY", SubmitterID: "zhang.wei", Lines: []store.Line{{Description: "高铁", Amount: 50000}},
	})
	r.startCase(t, cs, workflows.ExpenseWorkflow, workflows.RunLimits{})
	r.act(t, cs.ID, chain.Action{Type: chain.ActWithdraw, Actor: "zhang.wei", Comment: "不报了"})
	select {
	case written := <-wrote:
		if !written {
			t.Fatal("the first attempt found a package already kept")
		}
	case <-ctx.Done():
		t.Fatal("the case was never archived")
	}
	first.Stop()

	// Between the workers: one package kept, and the workflow still waiting for its archive.
	desc, err := s.Client.DescribeWorkflowExecution(ctx, cs.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("with the worker stopped the workflow is %s, want running", st)
	}
	kept := archivesOf(t, ctx, s, cs.ID)

	s.StartWorker(t)
	var res workflows.CaseResult
	if err := s.Client.GetWorkflow(ctx, cs.ID, "").Get(ctx, &res); err != nil {
		t.Fatalf("case after the restart: %v", err)
	}
	if res.Status != string(chain.StatusWithdrawn) {
		t.Fatalf("case ended %+v, want withdrawn", res)
	}
	// The retry ran on the new worker and found the package kept.
	retried := archiveActivity(t, r, cs.ID)
	if retried.attempt < 2 || retried.result.Written {
		t.Fatalf("archive activity completed on attempt %d writing %v; want a retry that wrote nothing", retried.attempt, retried.result.Written)
	}
	after := archivesOf(t, ctx, s, cs.ID)
	if !bytes.Equal(after.Package, kept.Package) {
		t.Fatal("the kept package changed across the restart")
	}
	m, err := archive.Verify(after.Package)
	if err != nil {
		t.Fatalf("the kept package does not verify: %v", err)
	}
	if m.CaseID != cs.ID || !m.ClosedAt.Equal(after.ClosedAt) {
		t.Fatalf("package of %s closed %v, want %s closed %v", m.CaseID, m.ClosedAt, cs.ID, after.ClosedAt)
	}
	if written, err := s.Service.ArchiveCase(ctx, cs.ID); err != nil || written {
		t.Fatalf("archive again = %v, %v; want nothing written", written, err)
	}
	if again := archivesOf(t, ctx, s, cs.ID); !bytes.Equal(again.Package, kept.Package) {
		t.Fatal("archiving again changed the package")
	}
}

// archivesOf is the one package case_archives keeps of a case, failing unless there is exactly one.
func archivesOf(t *testing.T, ctx context.Context, s *testkit.Stack, id string) store.Archive {
	t.Helper()
	all, err := s.Store.Archives(ctx, time.Time{}, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var of []store.Archive
	for _, a := range all {
		if a.CaseID == id {
			of = append(of, a)
		}
	}
	if len(of) != 1 {
		t.Fatalf("%d packages of %s kept, want exactly one", len(of), id)
	}
	return of[0]
}

// archiveRun is how the ArchiveCase activity of a workflow ended.
type archiveRun struct {
	attempt int32
	result  activities.ArchiveResult
}

// archiveActivity reads the one ArchiveCase activity from the workflow's history.
func archiveActivity(t *testing.T, r *devServer, id string) archiveRun {
	t.Helper()
	var scheduled []int64
	var run archiveRun
	for _, ev := range r.history(t, id, "").Events {
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == "ArchiveCase" {
			scheduled = append(scheduled, ev.GetEventId())
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && len(scheduled) > 0 && a.GetScheduledEventId() == scheduled[0] {
			run.attempt = a.GetAttempt()
		}
		if a := ev.GetActivityTaskCompletedEventAttributes(); a != nil && len(scheduled) > 0 && a.GetScheduledEventId() == scheduled[0] {
			if err := converter.GetDefaultDataConverter().FromPayloads(a.GetResult(), &run.result); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(scheduled) != 1 {
		t.Fatalf("%d ArchiveCase activities scheduled, want one", len(scheduled))
	}
	return run
}
