package workflows

import (
	"go.temporal.io/sdk/workflow"

	"signoff/activities"
	"signoff/chain"
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
	// Limits bound each run's history (see RunLimits); zero takes the defaults.
	Limits RunLimits `json:"limits,omitzero"`
	// Carry is the state a run continued as new starts from; nil for a new case.
	Carry *CaseCarry `json:"carry,omitempty"`
}

// CaseCarry is what one run of a case hands the next: the chain with its deadlines (the next
// run arms its alarm from them) and the route the case was submitted on (its policy version,
// title, department and amount).
type CaseCarry struct {
	State *chain.State           `json:"state"`
	Route activities.RouteResult `json:"route"`
	// Deliver: notifications were still being delivered when the last run ended; this run
	// delivers whatever they left.
	Deliver bool `json:"deliver,omitempty"`
}

// CaseResult is how a case ended.
type CaseResult struct {
	CaseID string `json:"case_id"`
	Status string `json:"status"`
	Seals  int    `json:"seals"`
}

// Expense runs an expense reimbursement through its sign-off chain: handler (the submission) →
// witness → receiver (goods only) → reviewer → approver levels by category and amount →
// cashier, until it is paid, rejected or withdrawn; then it keeps the case's archive package.
func Expense(ctx workflow.Context, in CaseInput) (CaseResult, error) {
	_, res, err := runCase(ctx, in)
	if err == nil {
		archiveAtClose(ctx, in.CaseID)
	}
	return res, err
}
