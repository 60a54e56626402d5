package workflows

import (
	"go.temporal.io/sdk/workflow"

	"signoff/activities"
)

// outbox sends a case's or a problem's e-mail and webhook notifications, which Record wrote to
// the outbox table, by the Deliver activity in the background, and counts the deliveries still
// running. Deliver sends whatever is pending for the ID, so a second one overlapping the first
// is harmless.
type outbox struct {
	id      string // the case or problem
	what    string // "case" or "problem", for the log
	running int
}

func (o *outbox) deliver(ctx workflow.Context) {
	o.running++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { o.running-- }()
		err := workflow.ExecuteActivity(deliverOpts(ctx), acts.Deliver, activities.DeliverInput{CaseID: o.id}).Get(ctx, nil)
		if err != nil {
			workflow.GetLogger(ctx).Warn("notification delivery failed", o.what, o.id, "error", err)
		}
	})
}
