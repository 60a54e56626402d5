package activities_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"signoff/activities"
	"signoff/testkit"
	"signoff/workflows"
)

// TestStartStaleCasesStartsEachWorkflowOnce: a claim the gateway wrote but never started is
// started on the test binary's Temporal dev server; the retry (or the next run, while the case
// still waits) starts nothing new: the same run goes on. A second stale claim gets its own.
// No worker polls the task queue, so the started workflows wait as started and the claims stay
// stale, which is exactly the retry's situation.
func TestStartStaleCasesStartsEachWorkflowOnce(t *testing.T) {
	db := testkit.NewDB(t)
	c := testkit.Temporal(t)
	tq := fmt.Sprintf("signoff-activities-test-%d", db.Number)
	acts, env := actEnv(t, db, inAppOnly, activities.WithCaseStarter(c, workflows.StartCase(tq, false)))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	runOf := func(id string) string {
		t.Helper()
		d, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			t.Fatalf("describe %s: %v", id, err)
		}
		return d.GetWorkflowExecutionInfo().GetExecution().GetRunId()
	}
	reconcile := func() (activities.ReconcileResult, error) {
		return run[activities.ReconcileResult](t, env, acts.StartStaleCases, activities.ReconcileInput{OlderThan: 0})
	}

	a := claim(t, db, "zhang.wei", "sales", 50_000)
	t.Cleanup(func() { _ = c.TerminateWorkflow(context.Background(), a.ID, "", "test over") })
	before := snapshot(t, db)
	res, err := reconcile()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Started, []string{a.ID}) {
		t.Fatalf("started %v, want %s", res.Started, a.ID)
	}
	first := runOf(a.ID)
	// The retry finds the run and leaves it going: no second run, nothing written.
	if res, err := reconcile(); err != nil || !slices.Equal(res.Started, []string{a.ID}) {
		t.Errorf("retry: started %v, %v; want %s again", res.Started, err, a.ID)
	}
	if again := runOf(a.ID); again != first {
		t.Errorf("%s run %s after the retry, want still %s", a.ID, again, first)
	}
	if got := before.writes(snapshot(t, db)); len(got) != 0 {
		t.Errorf("starting workflows wrote %v", got)
	}

	b := claim(t, db, "zhang.wei", "sales", 20_000)
	t.Cleanup(func() { _ = c.TerminateWorkflow(context.Background(), b.ID, "", "test over") })
	res = once(t, db, "start stale cases again", reconcile, writes{})
	if want := []string{a.ID, b.ID}; !slices.Equal(res.Started, want) {
		t.Errorf("started %v, want %v", res.Started, want)
	}
	if got := runOf(a.ID); got != first {
		t.Errorf("%s restarted: run %s, want %s", a.ID, got, first)
	}
	if rb := runOf(b.ID); rb == "" || rb == first {
		t.Errorf("%s run %q, want its own", b.ID, rb)
	}
	d, err := c.DescribeWorkflowExecution(ctx, b.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if typ := d.GetWorkflowExecutionInfo().GetType().GetName(); typ != workflows.ExpenseWorkflow {
		t.Errorf("%s runs %s, want %s", b.ID, typ, workflows.ExpenseWorkflow)
	}
}

// TestStartStaleCasesRefusesWithoutTemporal: a worker built without a Temporal client cannot
// start anything; it says so once, non-retryably, instead of failing forever.
func TestStartStaleCasesRefusesWithoutTemporal(t *testing.T) {
	db := testkit.NewDB(t)
	acts, env := actEnv(t, db, inAppOnly)
	claim(t, db, "zhang.wei", "sales", 50_000)
	refused(t, db, "start stale cases", func() error {
		_, err := run[activities.ReconcileResult](t, env, acts.StartStaleCases, activities.ReconcileInput{})
		return err
	}, "misconfigured")
}
