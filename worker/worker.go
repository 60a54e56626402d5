// Package worker hosts Signoff's workflows and activities on a Temporal task queue. Workers are
// stateless: run as many as the load needs, each with the same registrations.
package worker

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"signoff/actionsig"
	"signoff/activities"
	"signoff/workflows"
)

// Options bound a worker's concurrency and hold the keys human actions are verified with.
type Options struct {
	MaxConcurrentActivities    int
	MaxConcurrentWorkflowTasks int
	// SigningKeys verify the proof every human action carries (config actions.signing_keys);
	// required, so no worker accepts an unsigned action.
	SigningKeys *actionsig.Keyring
}

// New returns a worker with every Signoff workflow and activity registered. Start it with Run
// or Start.
func New(c client.Client, taskQueue string, acts *activities.Activities, o Options) (sdkworker.Worker, error) {
	if c == nil || acts == nil || taskQueue == "" {
		return nil, errors.New("worker: client, activities and task queue are required")
	}
	signing, err := workflows.SigningInterceptor(o.SigningKeys)
	if err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	w := sdkworker.New(c, taskQueue, sdkworker.Options{
		MaxConcurrentActivityExecutionSize:      o.MaxConcurrentActivities,
		MaxConcurrentLocalActivityExecutionSize: o.MaxConcurrentActivities,
		MaxConcurrentWorkflowTaskExecutionSize:  o.MaxConcurrentWorkflowTasks,
		// Every human action is a workflow task someone waits for: more pollers than the SDK's
		// two, so a burst of submissions does not queue behind them.
		MaxConcurrentWorkflowTaskPollers: 4,
		Interceptors:                     []interceptor.WorkerInterceptor{signing},
	})
	Register(w, acts)
	return w, nil
}

// Register adds Signoff's workflows and activities to a worker or a test environment.
func Register(r interface {
	RegisterWorkflowWithOptions(any, workflow.RegisterOptions)
	RegisterActivity(any)
}, acts *activities.Activities) {
	r.RegisterWorkflowWithOptions(workflows.Expense, workflow.RegisterOptions{Name: workflows.ExpenseWorkflow})
	r.RegisterWorkflowWithOptions(workflows.Procurement, workflow.RegisterOptions{Name: workflows.ProcurementWorkflow})
	r.RegisterWorkflowWithOptions(workflows.PurchaseOrder, workflow.RegisterOptions{Name: workflows.PurchaseOrderWorkflow})
	r.RegisterWorkflowWithOptions(workflows.Receipt, workflow.RegisterOptions{Name: workflows.ReceiptWorkflow})
	r.RegisterWorkflowWithOptions(workflows.Settlement, workflow.RegisterOptions{Name: workflows.SettlementWorkflow})
	r.RegisterWorkflowWithOptions(workflows.Problem, workflow.RegisterOptions{Name: workflows.ProblemWorkflow})
	r.RegisterWorkflowWithOptions(workflows.Reconcile, workflow.RegisterOptions{Name: workflows.ReconcileWorkflow})
	r.RegisterWorkflowWithOptions(workflows.LedgerHeads, workflow.RegisterOptions{Name: workflows.LedgerHeadsWorkflow})
	r.RegisterActivity(acts)
}
