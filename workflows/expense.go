package workflows

import (
	"go.temporal.io/sdk/workflow"

	"signoff/policy"
)

// CaseInput starts a case's workflow. The claim itself (purpose, lines, amounts) stays in
// Postgres; the workflow reads what routing needs through an activity.
type CaseInput struct {
	CaseID    string      `json:"case_id"`
	Kind      policy.Kind `json:"kind"`
	Submitter string      `json:"submitter"`
	// AutoPay: a payment connector pays approved cases; otherwise a cashier records payment.
	AutoPay bool `json:"auto_pay,omitempty"`
}

// CaseResult is how a case ended.
type CaseResult struct {
	CaseID string `json:"case_id"`
	Status string `json:"status"`
	Seals  int    `json:"seals"`
}

// Expense runs an expense reimbursement through its sign-off chain: handler (the submission) →
// witness → receiver (goods only) → reviewer → approver levels by category and amount →
// cashier, until it is paid, rejected or withdrawn.
func Expense(ctx workflow.Context, in CaseInput) (CaseResult, error) {
	return newCaseRun(in).run(ctx)
}
