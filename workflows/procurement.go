package workflows

import (
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"signoff/activities"
	"signoff/chain"
)

// Procurement runs a purchase request (PR-…) through its sign-off chain: review against plan
// and budget → approval levels by category and amount → the contract countersign (会签) by
// every configured department, where a refusal sends the request back to the requester. Once
// countersigned it issues the purchase order (PO-…) and starts the order's own workflow, which
// outlives it: deliveries, receipts, the match and the payment belong to the order. However it
// closed (countersigned, rejected, withdrawn), the request then keeps its archive package.
func Procurement(ctx workflow.Context, in CaseInput) (CaseResult, error) {
	w, res, err := runCase(ctx, in)
	if err != nil {
		return res, err
	}
	if w.st == nil || w.st.Status != chain.StatusApproved {
		archiveAtClose(ctx, in.CaseID)
		return res, nil
	}
	var issued activities.IssuedOrder
	err = workflow.ExecuteActivity(orderOpts(ctx), acts.IssueOrder,
		activities.IssueOrderInput{CaseID: in.CaseID, At: workflow.Now(ctx)}).Get(ctx, &issued)
	if err != nil {
		return CaseResult{}, fmt.Errorf("issue order: %w", err)
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            issued.State.OrderID,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		Memo:                  map[string]any{"request": in.CaseID},
	})
	order := workflow.ExecuteChildWorkflow(cctx, PurchaseOrderWorkflow, OrderInput{
		State: issued.State, Tolerance: issued.Tolerance, Submitter: issued.Submitter,
		Department: issued.Department, Amount: issued.Amount, AutoPay: in.AutoPay,
	})
	if err := order.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		return CaseResult{}, fmt.Errorf("start order %s: %w", issued.State.OrderID, err)
	}
	archiveAtClose(ctx, in.CaseID)
	return res, nil
}

// Receipt runs one delivery's receipt (GR-…) through the keeper's and the accountant's seals.
func Receipt(ctx workflow.Context, in CaseInput) (CaseResult, error) {
	_, res, err := runCase(ctx, in)
	return res, err
}

// Settlement runs an order's payment (PAY-…): a reviewer clears a failed three-way match, then
// the cashier pays.
func Settlement(ctx workflow.Context, in CaseInput) (CaseResult, error) {
	_, res, err := runCase(ctx, in)
	return res, err
}
