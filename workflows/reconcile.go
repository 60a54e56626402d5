package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"signoff/activities"
)

// ReconcileWorkflow is the workflow type of the reconciler; ReconcileSchedule the ID of the
// Temporal Schedule that runs it every minute.
const (
	ReconcileWorkflow = "Reconcile"
	ReconcileSchedule = "signoff-reconcile"
)

// Reconcile starts the workflows of cases that were written but never started (the gateway
// stopped between committing a claim and starting its workflow, and the client never retried),
// and deletes uploads that no claim took within a day. It runs on a Temporal Schedule: Signoff
// has no scheduler of its own.
func Reconcile(ctx workflow.Context, in activities.ReconcileInput) (activities.ReconcileResult, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3},
	})
	var res activities.ReconcileResult
	if err := workflow.ExecuteActivity(ctx, acts.StartStaleCases, in).Get(ctx, &res); err != nil {
		return res, err
	}
	if workflow.GetVersion(ctx, "clean-uploads", workflow.DefaultVersion, 1) == 1 {
		if err := workflow.ExecuteActivity(ctx, acts.DeleteStaleUploads).Get(ctx, &res.UploadsDeleted); err != nil {
			return res, err
		}
	}
	return res, nil
}
