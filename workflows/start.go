package workflows

import (
	"context"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"signoff/activities"
	"signoff/policy"
)

// CaseStart is what starting a case's workflow needs.
type CaseStart struct {
	CaseID     string
	Kind       policy.Kind
	Title      string
	Submitter  string
	Department string
	Amount     int64
	Route      policy.Route // as checked at submission, for the operators' first view
	AutoPay    bool
}

// StartOptions are the options every case is started with: the business number as workflow
// ID, "use existing" on conflict and "reject duplicate" on reuse, so that a retried start never
// makes a second case; the title as memo; the search attributes from the route.
func StartOptions(c CaseStart, taskQueue string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       c.CaseID,
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		Memo:                     map[string]any{"title": c.Title},
		TypedSearchAttributes:    StartSearchAttributes(c.Kind, c.Department, c.Amount, c.Route),
	}
}

// Input is the workflow input of a case start.
func (c CaseStart) Input() CaseInput {
	return CaseInput{CaseID: c.CaseID, Kind: c.Kind, Submitter: c.Submitter, AutoPay: c.AutoPay}
}

// StartCase starts a case's workflow without waiting for it (the reconciler's way; the
// gateway uses update-with-start to wait for the route). It is idempotent.
func StartCase(taskQueue string, autoPay bool) activities.CaseStarter {
	return func(ctx context.Context, c client.Client, s activities.StaleCase) error {
		cs := CaseStart{CaseID: s.CaseID, Kind: s.Kind, Title: s.Title, Submitter: s.Submitter,
			Department: s.Department, Amount: s.Amount, Route: s.Route, AutoPay: autoPay}
		_, err := c.ExecuteWorkflow(ctx, StartOptions(cs, taskQueue), WorkflowFor(s.Kind), cs.Input())
		return err
	}
}

// WorkflowFor names the workflow type that runs a kind of case.
func WorkflowFor(kind policy.Kind) string {
	switch kind {
	case policy.KindProcurement:
		return ProcurementWorkflow
	case policy.KindReceipt:
		return ReceiptWorkflow
	case policy.KindSettlement:
		return SettlementWorkflow
	default:
		return ExpenseWorkflow
	}
}
