package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"signoff/policy"
)

// CaseStarter starts a case's workflow. The workflows package provides it (it knows the
// workflow types and start options); activities only decide which cases need it.
type CaseStarter func(ctx context.Context, c client.Client, start StaleCase) error

// StaleCase is a written case whose workflow was never started.
type StaleCase struct {
	CaseID     string
	Kind       policy.Kind
	Title      string
	Submitter  string
	Department string
	Amount     int64
	Route      policy.Route // empty when the policy cannot route it: the workflow closes it
}

// WithCaseStarter lets StartStaleCases start workflows through c.
func WithCaseStarter(c client.Client, start CaseStarter) Option {
	return func(a *Activities) { a.temporal, a.startCase = c, start }
}

// ReconcileInput says how old a submitted case must be before it is taken for abandoned by the
// gateway.
type ReconcileInput struct {
	OlderThan time.Duration `json:"older_than"`
}

// ReconcileResult names the cases whose workflows were started.
type ReconcileResult struct {
	Started        []string `json:"started"`
	UploadsDeleted int64    `json:"uploads_deleted,omitempty"`
}

// StartStaleCases starts the workflows of submitted cases nobody started. Starting is
// idempotent (the workflow ID is the case's number), so a case the gateway did start meanwhile
// is left as it is.
func (a *Activities) StartStaleCases(ctx context.Context, in ReconcileInput) (ReconcileResult, error) {
	if a.temporal == nil || a.startCase == nil {
		return ReconcileResult{}, temporal.NewNonRetryableApplicationError("reconcile: no Temporal client configured", "misconfigured", nil)
	}
	stale, err := a.store.StaleSubmissions(ctx, time.Now().Add(-in.OlderThan), 100)
	if err != nil {
		return ReconcileResult{}, fmt.Errorf("reconcile: %w", err)
	}
	var res ReconcileResult
	for _, c := range stale {
		doc, err := a.policies.Version(ctx, c.PolicyVersion)
		if err != nil {
			return res, fmt.Errorf("reconcile %s: %w", c.ID, err)
		}
		route, _ := doc.Route(policy.Facts{Kind: policy.Kind(c.Kind), Category: c.Category,
			Amount: policy.Money(c.Amount), Submitter: c.SubmitterID, Department: c.DepartmentID, OverBudget: c.OverBudget})
		err = a.startCase(ctx, a.temporal, StaleCase{CaseID: c.ID, Kind: policy.Kind(c.Kind), Title: c.Title,
			Submitter: c.SubmitterID, Department: c.DepartmentID, Amount: c.Amount, Route: route})
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if err != nil && !errors.As(err, &started) {
			return res, fmt.Errorf("reconcile %s: %w", c.ID, err)
		}
		res.Started = append(res.Started, c.ID)
	}
	return res, nil
}
