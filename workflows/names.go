package workflows

import "signoff/chain"

// Workflow type names, as operators see them in the Temporal UI.
const (
	ExpenseWorkflow       = "Expense"
	ProcurementWorkflow   = "Procurement"
	PurchaseOrderWorkflow = "PurchaseOrder"
	ReceiptWorkflow       = "Receipt"
	SettlementWorkflow    = "Settlement"
)

// Update and query names. Each chain action is an Update of the same name (chain.ActApprove is
// "approve", ...); UpdateSubmit waits until a new case is routed and recorded.
const (
	UpdateSubmit = "submit"
	QueryState   = "state"
)

// UpdateName is the Update that carries an action.
func UpdateName(t chain.ActionType) string { return string(t) }

// RefusalType is the ApplicationError type prefix of a refused action; the error's type is the
// chain refusal code (e.g. "stale_revision") so the gateway can map it without parsing text.
func RefusalType(code chain.Code) string { return string(code) }
