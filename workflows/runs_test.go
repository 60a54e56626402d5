package workflows_test

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// script is what a test sends a workflow, by wall-clock instant, across all of its runs.
type script struct{ events []*timedEvent }

type timedEvent struct {
	at   time.Time
	send func(env *testsuite.TestWorkflowEnvironment)
	sent bool
}

func (sc *script) add(at time.Time, send func(env *testsuite.TestWorkflowEnvironment)) {
	sc.events = append(sc.events, &timedEvent{at: at, send: send})
}

// arm registers on a run's environment, which starts at start, everything not yet sent.
func (sc *script) arm(env *testsuite.TestWorkflowEnvironment, start time.Time) {
	for _, e := range sc.events {
		if e.sent {
			continue
		}
		// An event due at the very instant the last run stopped goes a moment after this one
		// starts, once its handlers are registered.
		env.RegisterDelayedCallback(func() { e.sent = true; e.send(env) }, max(time.Millisecond, e.at.Sub(start)))
	}
}

// runChain executes a workflow in the time-skipping environment the way the server runs it:
// when a run continues as new, the next one starts in a fresh environment (newEnv) at the
// instant the last one stopped, with the input it carried. Before each run the script arms
// what that run is to receive. It returns the last run's environment and the number of runs.
func runChain[In any](t *testing.T, env *testsuite.TestWorkflowEnvironment, start time.Time,
	newEnv func(start time.Time) *testsuite.TestWorkflowEnvironment, sc *script,
	workflowType string, wf any, in In) (*testsuite.TestWorkflowEnvironment, int) {
	t.Helper()
	for runs := 1; ; runs++ {
		if runs > 50 {
			t.Fatalf("%s keeps continuing as new", workflowType)
		}
		sc.arm(env, start)
		env.ExecuteWorkflow(wf, in)
		if !env.IsWorkflowCompleted() {
			t.Fatalf("run %d of %s did not complete", runs, workflowType)
		}
		var can *workflow.ContinueAsNewError
		if !errors.As(env.GetWorkflowError(), &can) {
			return env, runs
		}
		if can.WorkflowType.Name != workflowType {
			t.Fatalf("run %d continued as %s, want %s", runs, can.WorkflowType.Name, workflowType)
		}
		var next In
		if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
			t.Fatalf("run %d: decode the input it carried: %v", runs, err)
		}
		in, start = next, env.Now()
		env = newEnv(start)
	}
}
