package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"signoff/activities"
)

// LedgerHeadsWorkflow is the workflow type that writes the ledger's daily heads;
// LedgerHeadsSchedule the ID of the Temporal Schedule that runs it once a day.
const (
	LedgerHeadsWorkflow = "LedgerHeads"
	LedgerHeadsSchedule = "signoff-ledger-heads"
)

// LedgerHeads writes the daily heads of every day over and not headed yet (package ledger,
// "Daily heads"), through the day the run started. It runs on a Temporal Schedule early each
// UTC morning, after store.HeadGrace; a missed run is made up by the next, which heads every
// day since the last head.
func LedgerHeads(ctx workflow.Context) (activities.SealHeadsResult, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 5},
	})
	var res activities.SealHeadsResult
	in := activities.SealHeadsInput{Through: workflow.Now(ctx)}
	err := workflow.ExecuteActivity(ctx, acts.SealDailyHeads, in).Get(ctx, &res)
	return res, err
}
