package bench

import (
	"go.temporal.io/sdk/workflow"
)

// baselineUpdate is the one Update the baseline workflow takes, once per chain action.
const baselineUpdate = "act"

// Baseline is the bare-SDK yardstick: a workflow that accepts a fixed number of Updates with a
// trivial validator and handler, and ends. It has no database, no policy, no timers: what
// Temporal itself costs for the same conversation.
func Baseline(ctx workflow.Context, actions int) (int, error) {
	done := 0
	err := workflow.SetUpdateHandlerWithOptions(ctx, baselineUpdate,
		func(ctx workflow.Context, n int) (int, error) {
			done++
			return done, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, n int) error { return nil }})
	if err != nil {
		return 0, err
	}
	if err := workflow.Await(ctx, func() bool { return done >= actions }); err != nil {
		return 0, err
	}
	return done, workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}
