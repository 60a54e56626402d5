package workflows_test

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"signoff/activities"
	"signoff/demo"
	"signoff/problem"
	"signoff/store"
	"signoff/testkit"
	"signoff/worker"
	"signoff/workflows"
)

// TestProblemClimbsTheEscalationLadder: a problem published on a Friday afternoon with 16 working
// hours (due across the weekend) is reminded 4 working hours before its due time, escalated to
// the center's director just after it and to the department's leader 8 working hours later;
// solved and verified late, it is closed and counted as not on time.
func TestProblemClimbsTheEscalationLadder(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := context.Background()
	if err := demo.SeedRegistry(ctx, db.Store); err != nil {
		t.Fatal(err)
	}
	id, err := db.Store.CreateProblem(ctx, store.NewProblem{Year: 2026, Title: "总装扭矩超差", Description: "XH-7 第三批",
		Severity: "high", RaisedBy: "xu.jing", PolicyVersion: db.Version})
	if err != nil {
		t.Fatal(err)
	}
	acts, err := activities.New(db.Store, db.Policies, activities.Channels{PublicURL: "http://signoff.test"})
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	start := time.Date(2026, 3, 6, 14, 0, 0, 0, shanghai) // Friday 14:00
	env.SetStartTime(start)
	env.SetTestTimeout(2 * time.Minute)
	worker.Register(env, acts)

	center := problem.Actor{ID: "liu.yang", Center: true}
	rep := problem.Actor{ID: "huang.lei", Departments: []string{"engineering"}}
	var errs []error
	send := func(after time.Duration, a problem.Action) {
		env.RegisterDelayedCallback(func() {
			v, qerr := env.QueryWorkflow(workflows.QueryProblem)
			if qerr == nil {
				var st problem.State
				if qerr = v.Get(&st); qerr == nil {
					a.Revision = st.Revision
				}
			}
			env.UpdateWorkflow(string(a.Type), string(a.Type)+a.Actor.ID, &testsuite.TestUpdateCallback{
				OnAccept:   func() {},
				OnReject:   func(err error) { errs = append(errs, err) },
				OnComplete: func(_ interface{}, err error) { errs = append(errs, err) },
			}, a)
		}, after)
	}
	send(time.Minute, problem.Action{Type: problem.ActPublish, Actor: center,
		Assignments: []problem.Assignment{{Department: "engineering", Representatives: []string{"huang.lei"}}}})
	// Due 16 working hours after Friday 14:01: 3h59 on Friday, 8h on Monday, 4h01 on Tuesday, so
	// Tuesday 14:01. Solved the next Thursday, verified the Friday after: late.
	send(6*24*time.Hour, problem.Action{Type: problem.ActSolve, Actor: rep, Comment: "更换扭矩扳手并复检"})
	send(7*24*time.Hour, problem.Action{Type: problem.ActVerify, Actor: problem.Actor{ID: "xu.jing"}, Comment: "复检合格"})
	env.ExecuteWorkflow(workflows.Problem, workflows.ProblemInput{ProblemID: id, Raiser: "xu.jing", Severity: "high",
		PolicyVersion: db.Version})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	for _, err := range errs {
		if err != nil {
			t.Errorf("action refused: %v", err)
		}
	}
	seals, err := db.Store.ProblemSeals(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range seals {
		got = append(got, s.Decision)
	}
	want := []string{"raised", "published", "reminded", "escalated", "escalated", "solved", "verified"}
	if !slices.Equal(got, want) {
		t.Fatalf("seals %v, want %v", got, want)
	}
	wantAt := map[int]time.Time{
		2: time.Date(2026, 3, 10, 9, 1, 0, 0, shanghai),  // reminder: 4 working hours before Tue 14:01
		3: time.Date(2026, 3, 10, 14, 1, 1, 0, shanghai), // director: just after the due time
		4: time.Date(2026, 3, 11, 14, 1, 0, 0, shanghai), // leader: 8 working hours later, Wednesday
	}
	for i, at := range wantAt {
		if !seals[i].At.Equal(at) {
			t.Errorf("%s at %s, want %s", seals[i].Decision, seals[i].At.In(shanghai), at)
		}
	}
	if seals[3].Target != problem.RecipientCenterDirector || seals[4].Target != problem.DepartmentLeader("engineering") {
		t.Errorf("escalation targets %q, %q", seals[3].Target, seals[4].Target)
	}
	p, err := db.Store.Problem(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != "closed" || p.Escalations != 2 || p.DueAt == nil {
		t.Fatalf("problem %+v", p)
	}
	rates, err := db.Store.CompletionRates(ctx, "department", time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai), time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai))
	if err != nil {
		t.Fatal(err)
	}
	if len(rates) != 1 || rates[0] != (store.RateRow{Key: "engineering", Due: 1, OnTime: 0}) {
		t.Errorf("rates %+v, want engineering 0 of 1", rates)
	}
	// The center's director and the engineering leader of the registry heard of it.
	notes, err := db.Store.Notifications(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	escalated := map[string]bool{}
	for _, n := range notes {
		if n.Kind == "problem_escalation" {
			escalated[n.Recipient] = true
		}
	}
	if !escalated["zheng.yu"] || !escalated["chen.gang"] {
		t.Errorf("escalation notices went to %v, want the director zheng.yu and the leader chen.gang", escalated)
	}
}
