package workflows

import (
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"signoff/actionsig"
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

// orderRun is one run of an order's workflow. Everything is touched under mu. The order's
// state changes only through po.Apply: the run asks procure whether an event may happen and
// what it leads to, and does what the outcome asks (start a child, open the payment, consume
// the budget, record).
type orderRun struct {
	in       OrderInput
	po       procure.Order
	mu       workflow.Mutex
	children int // receipt and payment workflows this run still waits for
	taken    int // deliveries registered in this run
}

// PurchaseOrder runs a purchase order (PO-…) from issue to payment: deliveries are inspected
// line by line, each accepted set becomes a receipt that the keeper and the accountant seal
// (a child workflow of its own), refused lines become return tasks; once everything is
// received and the supplier's invoice registered, the three-way match opens the payment, with
// a reviewer's exception step when it fails; paid, the request's budget is consumed.
//
// Versioning: the order's commands are still those of its first version, whose histories
// testdata/order/ holds (moving its state transitions into procure changed none). A change to
// the commands is guarded with workflow.GetVersion and adds a history there, which
// TestReplayPurchaseOrderHistories replays.
func PurchaseOrder(ctx workflow.Context, in OrderInput) (OrderResult, error) {
	o := &orderRun{in: in, po: procure.Order{State: in.State, Tolerance: in.Tolerance}, mu: workflow.NewMutex(ctx)}
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
			return o.children == 0 && (o.po.State.Closed() || o.taken >= limit)
		})
		if err != nil {
			return OrderResult{}, err
		}
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
			return OrderResult{}, err
		}
		if st := o.po.State; st.Closed() {
			return OrderResult{OrderID: st.OrderID, Status: st.Status}, nil
		}
		if o.children == 0 { // an update may have opened a receipt while we waited
			next := o.in
			next.State = o.po.State
			return OrderResult{}, workflow.NewContinueAsNewError(ctx, PurchaseOrder, next)
		}
	}
}

func (o *orderRun) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryOrder, func() (procure.OrderState, error) { return o.po.State, nil }); err != nil {
		return err
	}
	// Each Update takes the request and its actionsig.Proof, checked by SigningInterceptor
	// before the validator; the handlers never read it (see runner.register).
	err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateDeliver,
		func(ctx workflow.Context, r DeliverRequest, _ actionsig.Proof) (DeliverResult, error) {
			return o.deliver(ctx, r)
		},
		workflow.UpdateHandlerOptions{
			Validator: func(ctx workflow.Context, r DeliverRequest, _ actionsig.Proof) error { return o.validateDelivery(r) },
		})
	if err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateInvoice,
		func(ctx workflow.Context, r InvoiceRequest, _ actionsig.Proof) (procure.OrderState, error) {
			return o.invoice(ctx, r)
		},
		workflow.UpdateHandlerOptions{
			Validator: func(ctx workflow.Context, r InvoiceRequest, _ actionsig.Proof) error { return o.validateInvoice(r) },
		})
}

func (o *orderRun) validateDelivery(r DeliverRequest) error {
	_, err := o.po.Receive(delivery(r))
	return orderRefusal(err)
}

func delivery(r DeliverRequest) procure.Delivery {
	return procure.Delivery{Actor: r.Actor, Day: r.Day, Rules: r.Rules, Materials: r.Materials, Lines: r.Lines}
}

// deliver inspects a delivery against the order as it stands, writes it with its receipt and
// return tasks, and starts the receipt's workflow for the seals.
func (o *orderRun) deliver(ctx workflow.Context, r DeliverRequest) (DeliverResult, error) {
	if err := o.mu.Lock(ctx); err != nil {
		return DeliverResult{}, err
	}
	defer o.mu.Unlock()
	ev, err := o.po.Receive(delivery(r)) // another update may have gone first
	if err != nil {
		return DeliverResult{}, orderRefusal(err)
	}
	st := o.po.State
	res := DeliverResult{DeliveryID: ev.DeliveryID, Verdicts: ev.Verdicts}
	in := activities.DeliveryInput{OrderID: st.OrderID, CaseID: st.CaseID, DeliveryID: ev.DeliveryID,
		Batch: ev.Batch, Actor: r.Actor, DeliveredOn: r.DeliveredOn, NoteNo: r.NoteNo, InvoiceNo: r.InvoiceNo,
		Prices: map[int]policy.Money{}, At: workflow.Now(ctx)}
	for _, l := range st.Lines {
		in.Prices[l.LineNo] = l.UnitPrice
	}
	for i, l := range r.Lines {
		in.Lines = append(in.Lines, procure.InspectedLine{DeliveryLine: l, Verdict: ev.Verdicts[i]})
	}
	var dr activities.DeliveryResult
	if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.RegisterDelivery, in).Get(ctx, &dr); err != nil {
		return DeliverResult{}, refusalFromActivity(err)
	}
	ev.ReceiptID, res.ReceiptID = dr.ReceiptID, dr.ReceiptID
	if err := o.po.Validate(ev); err != nil { // the store answered with a receipt already open
		return DeliverResult{}, orderRefusal(err)
	}
	o.taken++
	var out procure.Outcome
	o.po, out = o.po.Apply(ev)
	if out.Receipt != "" {
		if err := o.startReceipt(ctx, out.Receipt, ev.DeliveryID); err != nil {
			return DeliverResult{}, err
		}
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
		var ev procure.Event = procure.ReceiptRefused{ReceiptID: receiptID}
		if sealed {
			ev = procure.ReceiptSealed{ReceiptID: receiptID}
		}
		o.advance(ctx, ev)
	})
	return nil
}

func (o *orderRun) validateInvoice(r InvoiceRequest) error {
	return orderRefusal(o.po.Validate(invoiceRegistered(r)))
}

func invoiceRegistered(r InvoiceRequest) procure.InvoiceRegistered {
	return procure.InvoiceRegistered{Actor: r.Actor, InvoiceNo: r.InvoiceNo, InvoicedOn: r.InvoicedOn, Lines: r.Lines}
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
	in := activities.InvoiceInput{OrderID: o.po.State.OrderID, InvoiceNo: r.InvoiceNo, InvoicedOn: r.InvoicedOn, Lines: r.Lines, Actor: r.Actor}
	if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.RecordInvoice, in).Get(ctx, nil); err != nil {
		return procure.OrderState{}, refusalFromActivity(err)
	}
	o.advance(ctx, invoiceRegistered(r))
	return o.po.State, nil
}

// advance applies a receipt's end or an invoice, under the lock, and does what the outcome
// asks: received in full and invoiced, the payment is opened. Failures of the writes are
// retried by Temporal and logged; the order stays where it was.
func (o *orderRun) advance(ctx workflow.Context, ev procure.Event) {
	if err := o.po.Validate(ev); err != nil {
		workflow.GetLogger(ctx).Error("the order refused an event", "order", o.po.State.OrderID, "error", err)
	}
	var out procure.Outcome
	o.po, out = o.po.Apply(ev)
	if out.Settle != nil {
		if err := o.settle(ctx, *out.Settle); err != nil {
			workflow.GetLogger(ctx).Error("opening the payment failed", "order", o.po.State.OrderID, "error", err)
		}
	}
	if err := o.record(ctx); err != nil {
		workflow.GetLogger(ctx).Error("recording the order failed", "order", o.po.State.OrderID, "error", err)
	}
}

// settle opens the payment case of an order received in full and invoiced, for the invoice's
// total and with the reviewer's exception step when the match failed, as a child workflow, and
// applies its end when it comes.
func (o *orderRun) settle(ctx workflow.Context, m procure.MatchResult) error {
	st := o.po.State
	o.in.Attempt++
	in := activities.SettlementInput{OrderID: st.OrderID, CaseID: st.CaseID, Attempt: o.in.Attempt,
		Amount: m.InvoiceTotal, Mismatch: !m.Matched, At: workflow.Now(ctx)}
	var sr activities.SettlementResult
	if err := workflow.ExecuteActivity(orderOpts(ctx), acts.OpenSettlement, in).Get(ctx, &sr); err != nil {
		return err
	}
	opened := procure.SettlementOpened{CaseID: sr.CaseID}
	if err := o.po.Validate(opened); err != nil {
		return fmt.Errorf("open the payment of %s: %w", st.OrderID, err)
	}
	var out procure.Outcome
	o.po, out = o.po.Apply(opened)
	fut, err := o.startChild(ctx, SettlementWorkflow, CaseInput{CaseID: out.Payment, Kind: policy.KindSettlement,
		Submitter: o.in.Submitter, AutoPay: o.in.AutoPay})
	if err != nil {
		return err
	}
	o.children++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { o.children-- }()
		var res CaseResult
		err := fut.Get(ctx, &res)
		if err := o.mu.Lock(ctx); err != nil {
			return
		}
		defer o.mu.Unlock()
		// A payment refused (an invoice the reviewer would not accept) leaves the order waiting
		// for a corrected invoice.
		var ev procure.Event = procure.PaymentRefused{CaseID: out.Payment}
		if err == nil && res.Status == string(chain.StatusPaid) {
			ev = procure.PaymentMade{CaseID: out.Payment}
		}
		if err := o.po.Validate(ev); err != nil {
			workflow.GetLogger(ctx).Error("the order refused its payment's end", "order", o.po.State.OrderID, "error", err)
		}
		next, paid := o.po.Apply(ev)
		if paid.Consume {
			in := activities.ConsumeInput{CaseID: next.State.CaseID, Paid: paid.Paid}
			if err := workflow.ExecuteActivity(orderOpts(ctx), acts.ConsumePurchase, in).Get(ctx, nil); err != nil {
				workflow.GetLogger(ctx).Error("consuming the budget failed", "order", next.State.OrderID, "error", err)
				return
			}
		}
		o.po = next
		if err := o.record(ctx); err != nil {
			workflow.GetLogger(ctx).Error("recording the order failed", "order", o.po.State.OrderID, "error", err)
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
		Memo:                  map[string]any{"order": o.po.State.OrderID},
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
		activities.RecordOrderInput{State: o.po.State}).Get(ctx, nil); err != nil {
		return err
	}
	return o.publish(ctx)
}

// publish shows the order to operators in the Temporal UI.
func (o *orderRun) publish(ctx workflow.Context) error {
	return workflow.UpsertTypedSearchAttributes(ctx,
		AttrKind.ValueSet("purchase_order"),
		AttrStatus.ValueSet(o.po.State.Status),
		AttrDepartment.ValueSet(o.in.Department),
		AttrAmount.ValueSet(o.in.Amount),
	)
}

// orderRefusal turns the order's refusal into the typed error the gateway maps by its code.
func orderRefusal(err error) error {
	var r *procure.Refusal
	if errors.As(err, &r) {
		return temporal.NewNonRetryableApplicationError(r.Message, string(r.Code), nil)
	}
	return err
}

func orderOpts(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
		},
	})
}
