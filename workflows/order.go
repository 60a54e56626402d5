package workflows

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"signoff/activities"
	"signoff/chain"
	"signoff/policy"
	"signoff/procure"
)

// OrderInput starts (or continues) a purchase order's workflow.
type OrderInput struct {
	State      procure.OrderState `json:"state"`
	Tolerance  policy.Tolerance   `json:"tolerance"`
	Submitter  string             `json:"submitter"`
	Department string             `json:"department"`
	Amount     int64              `json:"amount"`
	AutoPay    bool               `json:"auto_pay,omitempty"`
	// ContinueAfter is how many deliveries one run takes before it continues as new, so an
	// order with many partial deliveries never grows one history without bound (0: 20).
	ContinueAfter int `json:"continue_after,omitempty"`
	// Attempt counts the payment cases opened; a refused payment opens another for a corrected
	// invoice.
	Attempt int `json:"attempt,omitempty"`
}

// OrderResult is how an order ended.
type OrderResult struct {
	OrderID string `json:"order_id"`
	Status  string `json:"status"`
}

// DeliverRequest is a delivery the keeper registers: what was counted and what the papers say,
// line by line, with the facts the inspection needs (the gateway loads them).
type DeliverRequest struct {
	Actor       string                      `json:"actor"`
	Day         time.Time                   `json:"day"` // the receiving day, midnight UTC
	DeliveredOn time.Time                   `json:"delivered_on"`
	NoteNo      string                      `json:"note_no"`
	InvoiceNo   string                      `json:"invoice_no"`
	Lines       []procure.DeliveryLine      `json:"lines"`
	Materials   map[string]procure.Material `json:"materials"`
	Rules       policy.Procurement          `json:"rules"`
}

// DeliverResult is the inspection's outcome: each line's verdict and the receipt of the
// accepted ones ("" when every line was refused).
type DeliverResult struct {
	DeliveryID string            `json:"delivery_id"`
	ReceiptID  string            `json:"receipt_id"`
	Verdicts   []procure.Verdict `json:"verdicts"`
}

// InvoiceRequest registers the supplier's invoice for the order.
type InvoiceRequest struct {
	Actor      string                `json:"actor"`
	InvoiceNo  string                `json:"invoice_no"`
	InvoicedOn time.Time             `json:"invoiced_on"`
	Lines      []procure.InvoiceLine `json:"lines"`
}

// Order workflow names.
const (
	UpdateDeliver = "deliver"
	UpdateInvoice = "invoice"
	QueryOrder    = "order"
)

const defaultContinueAfter = 20

// orderRun is one run of an order's workflow. Everything is touched under mu.
type orderRun struct {
	in       OrderInput
	st       procure.OrderState
	mu       workflow.Mutex
	children int // receipt and payment workflows this run still waits for
	taken    int // deliveries registered in this run
}

// PurchaseOrder runs a purchase order (PO-…) from issue to payment: deliveries are inspected
// line by line, each accepted set becomes a receipt that the keeper and the accountant seal
// (a child workflow of its own), refused lines become return tasks; once everything is
// received and the supplier's invoice registered, the three-way match opens the payment, with
// a reviewer's exception step when it fails; paid, the request's budget is consumed.
func PurchaseOrder(ctx workflow.Context, in OrderInput) (OrderResult, error) {
	o := &orderRun{in: in, st: in.State, mu: workflow.NewMutex(ctx)}
	if err := o.registerHandlers(ctx); err != nil {
		return OrderResult{}, err
	}
	if err := o.publish(ctx); err != nil {
		return OrderResult{}, err
	}
	limit := in.ContinueAfter
	if limit <= 0 {
		limit = defaultContinueAfter
	}
	for {
		// A child's watcher records its outcome before it counts the child done.
		err := workflow.Await(ctx, func() bool {
			return o.children == 0 && (o.st.Status == procure.OrderPaid || o.taken >= limit)
		})
		if err != nil {
			return OrderResult{}, err
		}
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
			return OrderResult{}, err
		}
		if o.st.Status == procure.OrderPaid {
			return OrderResult{OrderID: o.st.OrderID, Status: o.st.Status}, nil
		}
		if o.children == 0 { // an update may have opened a receipt while we waited
			next := o.in
			next.State = o.st
			return OrderResult{}, workflow.NewContinueAsNewError(ctx, PurchaseOrder, next)
		}
	}
}

func (o *orderRun) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryOrder, func() (procure.OrderState, error) { return o.st, nil }); err != nil {
		return err
	}
	err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateDeliver, o.deliver, workflow.UpdateHandlerOptions{
		Validator: func(ctx workflow.Context, r DeliverRequest) error { return o.validateDelivery(r) },
	})
	if err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateInvoice, o.invoice, workflow.UpdateHandlerOptions{
		Validator: func(ctx workflow.Context, r InvoiceRequest) error { return o.validateInvoice(r) },
	})
}

func (o *orderRun) validateDelivery(r DeliverRequest) error {
	switch {
	case r.Actor == "":
		return orderRefusal(chain.CodeInvalidAction, "no actor")
	case !o.st.Receivable():
		return orderRefusal(chain.CodeNotAllowedNow, fmt.Sprintf("order %s is %s and takes no more deliveries", o.st.OrderID, o.st.Status))
	}
	if _, bad := procure.Inspect(r.Rules, o.inspectFacts(r)); len(bad) > 0 {
		return orderRefusal(chain.CodeInvalidAction, fmt.Sprintf("the delivery does not fit order %s: %s %s", o.st.OrderID, bad[0].Field, bad[0].Key))
	}
	return nil
}

func (o *orderRun) inspectFacts(r DeliverRequest) procure.InspectFacts {
	return procure.InspectFacts{Day: r.Day, SupplierID: o.st.SupplierID, Materials: r.Materials, Order: o.st.Lines, Lines: r.Lines}
}

// deliver inspects a delivery against the order as it stands, writes it with its receipt and
// return tasks, and starts the receipt's workflow for the seals.
func (o *orderRun) deliver(ctx workflow.Context, r DeliverRequest) (DeliverResult, error) {
	if err := o.mu.Lock(ctx); err != nil {
		return DeliverResult{}, err
	}
	defer o.mu.Unlock()
	if err := o.validateDelivery(r); err != nil { // another update may have gone first
		return DeliverResult{}, err
	}
	verdicts, _ := procure.Inspect(r.Rules, o.inspectFacts(r))
	batch := o.st.Deliveries + 1
	res := DeliverResult{DeliveryID: fmt.Sprintf("%s-D%d", o.st.OrderID, batch), Verdicts: verdicts}
	in := activities.DeliveryInput{OrderID: o.st.OrderID, CaseID: o.st.CaseID, DeliveryID: res.DeliveryID,
		Batch: batch, Actor: r.Actor, DeliveredOn: r.DeliveredOn, NoteNo: r.NoteNo, InvoiceNo: r.InvoiceNo,
		Prices: map[int]policy.Money{}, At: workflow.Now(ctx)}
	for _, l := range o.st.Lines {
		in.Prices[l.LineNo] = l.UnitPrice
	}
	for i, l := range r.Lines {
		in.Lines = append(in.Lines, procure.InspectedLine{DeliveryLine: l, Verdict: verdicts[i]})
	}
	var dr activities.DeliveryResult
	if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.RegisterDelivery, in).Get(ctx, &dr); err != nil {
		return DeliverResult{}, refusalFromActivity(err)
	}
	res.ReceiptID = dr.ReceiptID
	o.st.Deliveries = batch
	o.taken++
	if dr.ReceiptID != "" {
		o.st.Pend(dr.ReceiptID, res.DeliveryID, verdicts)
		if err := o.startReceipt(ctx, dr.ReceiptID, res.DeliveryID); err != nil {
			return DeliverResult{}, err
		}
	} else {
		o.st.Seq++
	}
	return res, o.record(ctx)
}

// startReceipt starts the receipt's workflow as a child and, in the background, settles the
// delivery when its seals are complete or it is refused.
func (o *orderRun) startReceipt(ctx workflow.Context, receiptID, deliveryID string) error {
	fut, err := o.startChild(ctx, ReceiptWorkflow, CaseInput{CaseID: receiptID, Kind: policy.KindReceipt, Submitter: o.in.Submitter})
	if err != nil {
		return err
	}
	o.children++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { o.children-- }()
		var res CaseResult
		err := fut.Get(ctx, &res)
		sealed := err == nil && res.Status == string(chain.StatusApproved)
		if err != nil {
			res.Status = "failed"
			workflow.GetLogger(ctx).Error("receipt workflow failed", "receipt", receiptID, "error", err)
		}
		if err := o.mu.Lock(ctx); err != nil {
			return
		}
		defer o.mu.Unlock()
		in := activities.SettleDeliveryInput{DeliveryID: deliveryID, Sealed: sealed, Status: res.Status}
		if err := workflow.ExecuteActivity(orderOpts(ctx), acts.SettleDelivery, in).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("settle delivery failed", "delivery", deliveryID, "error", err)
		}
		o.st.Settle(receiptID, sealed)
		o.advance(ctx)
	})
	return nil
}

func (o *orderRun) validateInvoice(r InvoiceRequest) error {
	switch {
	case r.Actor == "" || r.InvoiceNo == "":
		return orderRefusal(chain.CodeInvalidAction, "an invoice needs its number and who registers it")
	case !o.st.Invoiceable():
		return orderRefusal(chain.CodeNotAllowedNow, fmt.Sprintf("order %s is %s: its invoice can no longer change", o.st.OrderID, o.st.Status))
	}
	if bad := o.st.InvoiceProblems(r.Lines); len(bad) > 0 {
		return orderRefusal(chain.CodeInvalidAction, fmt.Sprintf("the invoice does not fit order %s: %s %s", o.st.OrderID, bad[0].Field, bad[0].Key))
	}
	return nil
}

// invoice registers the supplier's invoice; with everything received, the match follows.
func (o *orderRun) invoice(ctx workflow.Context, r InvoiceRequest) (procure.OrderState, error) {
	if err := o.mu.Lock(ctx); err != nil {
		return procure.OrderState{}, err
	}
	defer o.mu.Unlock()
	if err := o.validateInvoice(r); err != nil {
		return procure.OrderState{}, err
	}
	in := activities.InvoiceInput{OrderID: o.st.OrderID, InvoiceNo: r.InvoiceNo, InvoicedOn: r.InvoicedOn, Lines: r.Lines, Actor: r.Actor}
	if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.RecordInvoice, in).Get(ctx, nil); err != nil {
		return procure.OrderState{}, refusalFromActivity(err)
	}
	o.st.InvoiceNo, o.st.InvoicedOn, o.st.Invoice = r.InvoiceNo, r.InvoicedOn, r.Lines
	o.st.Seq++
	o.advance(ctx)
	return o.st, nil
}

// advance moves the order on after a change, under the lock: fully received → received; received
// and invoiced → matched and the payment opened. Failures of the writes are retried by Temporal
// and logged; the order stays where it was.
func (o *orderRun) advance(ctx workflow.Context) {
	if o.st.Status == procure.OrderOrdered && o.st.FullyReceived(o.in.Tolerance) {
		o.st.Status = procure.OrderReceived
		o.st.Seq++
	}
	if o.st.Status == procure.OrderReceived && o.st.Invoice != nil {
		if err := o.settle(ctx); err != nil {
			workflow.GetLogger(ctx).Error("opening the payment failed", "order", o.st.OrderID, "error", err)
		}
	}
	if err := o.record(ctx); err != nil {
		workflow.GetLogger(ctx).Error("recording the order failed", "order", o.st.OrderID, "error", err)
	}
}

// settle runs the three-way match and opens the payment case, as a child workflow.
func (o *orderRun) settle(ctx workflow.Context) error {
	m := procure.Match(o.in.Tolerance, procure.MatchFacts{Order: o.st.Lines, Invoice: o.st.Invoice})
	o.in.Attempt++
	in := activities.SettlementInput{OrderID: o.st.OrderID, CaseID: o.st.CaseID, Attempt: o.in.Attempt,
		Amount: m.InvoiceTotal, Mismatch: !m.Matched, At: workflow.Now(ctx)}
	var sr activities.SettlementResult
	if err := workflow.ExecuteActivity(orderOpts(ctx), acts.OpenSettlement, in).Get(ctx, &sr); err != nil {
		return err
	}
	o.st.Match, o.st.Settlement, o.st.Status = &m, sr.CaseID, procure.OrderSettling
	o.st.Seq++
	fut, err := o.startChild(ctx, SettlementWorkflow, CaseInput{CaseID: sr.CaseID, Kind: policy.KindSettlement,
		Submitter: o.in.Submitter, AutoPay: o.in.AutoPay})
	if err != nil {
		return err
	}
	o.children++
	paid := m.InvoiceTotal
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { o.children-- }()
		var res CaseResult
		err := fut.Get(ctx, &res)
		if err := o.mu.Lock(ctx); err != nil {
			return
		}
		defer o.mu.Unlock()
		if err == nil && res.Status == string(chain.StatusPaid) {
			in := activities.ConsumeInput{CaseID: o.st.CaseID, Paid: paid}
			if err := workflow.ExecuteActivity(orderOpts(ctx), acts.ConsumePurchase, in).Get(ctx, nil); err != nil {
				workflow.GetLogger(ctx).Error("consuming the budget failed", "order", o.st.OrderID, "error", err)
				return
			}
			o.st.Status = procure.OrderPaid
		} else {
			// The payment was refused (an invoice the reviewer would not accept): the order waits
			// for a corrected invoice.
			o.st.Status, o.st.Invoice, o.st.InvoiceNo, o.st.Settlement = procure.OrderReceived, nil, "", ""
		}
		o.st.Seq++
		if err := o.record(ctx); err != nil {
			workflow.GetLogger(ctx).Error("recording the order failed", "order", o.st.OrderID, "error", err)
		}
	})
	return nil
}

// startChild starts a receipt's or a payment's case workflow and waits until it runs. It lives
// on if the order's run continues as new (it never does with children open) or ends.
func (o *orderRun) startChild(ctx workflow.Context, workflowType string, in CaseInput) (workflow.ChildWorkflowFuture, error) {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            in.CaseID,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		Memo:                  map[string]any{"order": o.st.OrderID},
		TypedSearchAttributes: StartSearchAttributes(in.Kind, o.in.Department, 0, policy.Route{}),
	})
	fut := workflow.ExecuteChildWorkflow(cctx, workflowType, in)
	if err := fut.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		return nil, fmt.Errorf("start %s %s: %w", workflowType, in.CaseID, err)
	}
	return fut, nil
}

// record writes the order's snapshot and shows its status to operators.
func (o *orderRun) record(ctx workflow.Context) error {
	if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.RecordOrder,
		activities.RecordOrderInput{State: o.st}).Get(ctx, nil); err != nil {
		return err
	}
	return o.publish(ctx)
}

// publish shows the order to operators in the Temporal UI.
func (o *orderRun) publish(ctx workflow.Context) error {
	return workflow.UpsertTypedSearchAttributes(ctx,
		AttrKind.ValueSet("purchase_order"),
		AttrStatus.ValueSet(o.st.Status),
		AttrDepartment.ValueSet(o.in.Department),
		AttrAmount.ValueSet(o.in.Amount),
	)
}

func orderRefusal(code chain.Code, msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, RefusalType(code), nil)
}

func orderOpts(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
		},
	})
}
