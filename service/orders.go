package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"signoff/i18n"
	"signoff/policy"
	"signoff/procure"
	"signoff/store"
)

// Purchase orders (采购订单): who may see one, the list, and an order as both doors show it, from
// the request's first seal to its payment. Seeing every order is the policy's capability
// orders.see_all; anyone else sees the orders of the purchase requests they may see, by the
// same rule as the case (VisibleCase), so that an order never shows what its request hides.
// What a reader may do to an order (receive, invoice, settle returns) is the policy's
// capability and the order's state (procure), asked in orderPermissions.

// OrderStatuses are the statuses an order may have, which the list may be filtered by.
var OrderStatuses = []string{procure.OrderOrdered, procure.OrderReceived, procure.OrderSettling, procure.OrderPaid}

// maxOrders bounds the order list.
const maxOrders = 200

// VisibleOrder reads an order u may see. An order u may not see is ErrNotFound, as its case
// would be.
func (s *Service) VisibleOrder(ctx context.Context, u store.User, id string) (store.Order, error) {
	o, _, err := s.visibleOrder(ctx, u, id)
	return o, err
}

// visibleOrder reads an order u may see, with what u may do today.
func (s *Service) visibleOrder(ctx context.Context, u store.User, id string) (store.Order, Grants, error) {
	g, err := s.GrantsToday(ctx, u)
	if err != nil {
		return store.Order{}, Grants{}, err
	}
	o, err := s.orderSeenWith(ctx, u, g, id)
	return o, g, err
}

// orderSeenWith reads an order u, holding grants, may see: every order with orders.see_all,
// else the order of a purchase request u may see.
func (s *Service) orderSeenWith(ctx context.Context, u store.User, g Grants, id string) (store.Order, error) {
	o, err := s.store.Order(ctx, id)
	if err != nil {
		return store.Order{}, err
	}
	if g.Has(policy.CapOrdersSeeAll) {
		return o, nil
	}
	if _, err := s.VisibleCase(ctx, u, o.CaseID); err != nil {
		return store.Order{}, err
	}
	return o, nil
}

// OrderList is the purchase orders a list shows, newest first.
type OrderList struct {
	Items []store.OrderSummary `json:"items"`
}

// Orders lists the purchase orders of a status ("" for all), newest first, for someone the
// policy lets see every order.
func (s *Service) Orders(ctx context.Context, u store.User, status string) (OrderList, error) {
	if err := s.Require(ctx, u, policy.CapOrdersSeeAll); err != nil {
		return OrderList{}, err
	}
	if status != "" && !slices.Contains(OrderStatuses, status) {
		return OrderList{}, FieldErrors{"status": {Key: "one_of", Args: []any{OrderStatuses}}}.Err()
	}
	list, err := s.store.Orders(ctx, status, maxOrders)
	if err != nil {
		return OrderList{}, fmt.Errorf("list orders: %w", err)
	}
	if list == nil {
		list = []store.OrderSummary{}
	}
	return OrderList{Items: list}, nil
}

// OrderPermissions is what a reader may do to an order now.
type OrderPermissions struct {
	Receive        bool // register a delivery: orders.receive, while the order takes deliveries
	Invoice        bool // register the invoice: orders.invoice, before the payment opens
	ResolveReturns bool // settle return tasks: orders.resolve_returns
}

// orderPermissions asks the policy (what the grants hold) and the order's rules (whether it
// takes a delivery or an invoice now).
func orderPermissions(g Grants, st procure.OrderState) OrderPermissions {
	return OrderPermissions{
		Receive:        g.Has(policy.CapOrdersReceive) && st.Receivable(),
		Invoice:        g.Has(policy.CapOrdersInvoice) && st.Invoiceable(),
		ResolveReturns: g.Has(policy.CapOrdersResolveReturns),
	}
}

// OrderView is a purchase order as clients see it: lines with what was received, deliveries
// with each line's verdict, return tasks, the invoice, the match and the payment.
type OrderView struct {
	ID          string                `json:"id"`
	CaseID      string                `json:"case_id"`
	Supplier    SupplierRef           `json:"supplier"`
	Status      string                `json:"status"`
	Amount      policy.Money          `json:"amount"`
	IssuedAt    time.Time             `json:"issued_at"`
	ClosedAt    *time.Time            `json:"closed_at"`
	Lines       []OrderLineView       `json:"lines"`
	Deliveries  []DeliveryView        `json:"deliveries"`
	Returns     []ReturnView          `json:"return_tasks"`
	InvoiceNo   string                `json:"invoice_no"`
	Invoice     []procure.InvoiceLine `json:"invoice"`
	Match       *procure.MatchResult  `json:"match"`
	MatchIssues map[string]string     `json:"match_problems"`
	Settlement  string                `json:"settlement"`
	TemporalURL string                `json:"temporal_url"`
	// Timeline is every seal of the request, its receipts and its payments, in time order.
	Timeline []TimelineEntry `json:"timeline"`
}

// TimelineEntry is one seal of an order's timeline, with the case it is on.
type TimelineEntry struct {
	CaseID string `json:"case_id"`
	Kind   string `json:"kind"`
	SealView
}

// OrderLineView is an order line with its material named and what is left to deliver.
type OrderLineView struct {
	procure.OrderLine
	MaterialName string `json:"material_name"`
	Remaining    int64  `json:"remaining"`
}

// DeliveryView is a registered delivery with the keeper's verdict on each line.
type DeliveryView struct {
	ID          string             `json:"id"`
	ReceiptID   string             `json:"receipt_id"`
	DeliveredOn string             `json:"delivered_on"`
	NoteNo      string             `json:"note_no"`
	InvoiceNo   string             `json:"invoice_no"`
	Outcome     string             `json:"outcome"`
	Lines       []DeliveryLineView `json:"lines"`
	By          UserRef            `json:"registered_by"`
	At          time.Time          `json:"registered_at"`
}

// DeliveryLineView is a delivered line, accepted or refused with its reasons by field.
type DeliveryLineView struct {
	procure.DeliveryLine
	Accepted bool              `json:"accepted"`
	Problems map[string]string `json:"problems"`
}

// ReturnView is a return task with its reasons said.
type ReturnView struct {
	ID         int64     `json:"id"`
	DeliveryID string    `json:"delivery_id"`
	LineNo     int       `json:"line_no"`
	Quantity   int64     `json:"quantity"`
	Reasons    []string  `json:"reasons"`
	Status     string    `json:"status"`
	Resolution string    `json:"resolution"`
	CreatedAt  time.Time `json:"created_at"`
}

// Order reads an order u may see, said in lang.
func (s *Service) Order(ctx context.Context, u store.User, id string, lang i18n.Lang) (OrderView, error) {
	o, err := s.VisibleOrder(ctx, u, id)
	if err != nil {
		return OrderView{}, fmt.Errorf("order %s: %w", id, err)
	}
	return s.OrderViewOf(ctx, o, lang)
}

// OrderPage is an order's page: the order and what its reader may do to it now.
type OrderPage struct {
	OrderView
	May OrderPermissions
}

// OrderPage reads an order u may see for its page, said in lang.
func (s *Service) OrderPage(ctx context.Context, u store.User, id string, lang i18n.Lang) (OrderPage, error) {
	o, g, err := s.visibleOrder(ctx, u, id)
	if err != nil {
		return OrderPage{}, fmt.Errorf("order page %s: %w", id, err)
	}
	v, err := s.OrderViewOf(ctx, o, lang)
	if err != nil {
		return OrderPage{}, err
	}
	return OrderPage{OrderView: v, May: orderPermissions(g, o.State)}, nil
}

// OrderViewOf reads everything an order's view shows, in lang.
func (s *Service) OrderViewOf(ctx context.Context, o store.Order, lang i18n.Lang) (OrderView, error) {
	v := OrderView{ID: o.ID, CaseID: o.CaseID, Status: o.State.Status, Amount: policy.Money(o.Amount),
		IssuedAt: o.IssuedAt, ClosedAt: o.ClosedAt, InvoiceNo: o.State.InvoiceNo, Invoice: o.State.Invoice,
		Match: o.State.Match, MatchIssues: map[string]string{}, Settlement: o.State.Settlement,
		TemporalURL: s.WorkflowURL(o.ID), Lines: []OrderLineView{}, Deliveries: []DeliveryView{}, Returns: []ReturnView{}}
	if v.Invoice == nil {
		v.Invoice = []procure.InvoiceLine{}
	}
	v.Supplier = SupplierRef{ID: o.SupplierID, Name: o.SupplierID}
	if sup, err := s.store.Supplier(ctx, o.SupplierID); err == nil {
		v.Supplier = supplierRefOf(sup)
	}
	materials, err := s.materialsByID(ctx)
	if err != nil {
		return OrderView{}, fmt.Errorf("order %s: %w", o.ID, err)
	}
	for _, l := range o.State.Lines {
		v.Lines = append(v.Lines, OrderLineView{OrderLine: l, MaterialName: materials[l.MaterialID].Name, Remaining: l.Remaining()})
	}
	if m := o.State.Match; m != nil {
		for _, p := range m.Problems {
			v.MatchIssues[p.Field] = storedProblem(p).In(lang)
		}
		for _, lm := range m.Lines {
			for _, p := range lm.Problems {
				v.MatchIssues[p.Field] = storedProblem(p).In(lang)
			}
		}
	}
	deliveries, err := s.store.Deliveries(ctx, o.ID)
	if err != nil {
		return OrderView{}, err
	}
	timeline, err := s.store.PurchaseTimeline(ctx, o.CaseID)
	if err != nil {
		return OrderView{}, err
	}
	people := registrants(deliveries)
	for _, e := range timeline {
		for _, id := range []string{e.Actor, e.OnBehalfOf} {
			if id != "" && !slices.Contains(people, id) {
				people = append(people, id)
			}
		}
	}
	names, err := s.names(ctx, people)
	if err != nil {
		return OrderView{}, err
	}
	for _, d := range deliveries {
		dv := DeliveryView{ID: d.ID, ReceiptID: d.ReceiptID, DeliveredOn: d.DeliveredOn.Format(time.DateOnly),
			NoteNo: d.NoteNo, InvoiceNo: d.InvoiceNo, Outcome: d.Outcome, By: names.ref(d.RegisteredBy), At: d.RegisteredAt}
		for _, l := range d.Lines {
			lv := DeliveryLineView{DeliveryLine: l.DeliveryLine, Accepted: l.Verdict.Accepted, Problems: map[string]string{}}
			for _, p := range l.Verdict.Problems {
				lv.Problems[p.Field] = storedProblem(p).In(lang)
			}
			dv.Lines = append(dv.Lines, lv)
		}
		v.Deliveries = append(v.Deliveries, dv)
	}
	v.Timeline = make([]TimelineEntry, 0, len(timeline))
	for _, e := range timeline {
		v.Timeline = append(v.Timeline, TimelineEntry{CaseID: e.CaseID, Kind: e.Kind, SealView: SealView{
			Seq: e.Seq, StepKey: e.StepKey, Role: string(e.Role), Actor: names.ref(e.Actor),
			OnBehalfOf: names.optRef(e.OnBehalfOf), Decision: string(e.Decision), Comment: e.Comment,
			Target: e.Target, At: e.At, PolicyVersion: e.PolicyVersion}})
	}
	tasks, err := s.store.ReturnTasks(ctx, o.ID)
	if err != nil {
		return OrderView{}, err
	}
	for _, t := range tasks {
		rv := ReturnView{ID: t.ID, DeliveryID: t.DeliveryID, LineNo: t.LineNo, Quantity: t.Quantity,
			Status: t.Status, Resolution: t.Resolution, CreatedAt: t.CreatedAt, Reasons: []string{}}
		for _, p := range t.Reasons {
			rv.Reasons = append(rv.Reasons, storedProblem(p).In(lang))
		}
		v.Returns = append(v.Returns, rv)
	}
	return v, nil
}

func registrants(ds []store.Delivery) []string {
	var ids []string
	for _, d := range ds {
		if !slices.Contains(ids, d.RegisteredBy) {
			ids = append(ids, d.RegisteredBy)
		}
	}
	return ids
}

// storedProblem is a problem procure found, as it came back from Postgres or a workflow's
// payload: the whole numbers of its arguments decoded as float64 are integers again, so that
// "%d" prints them.
func storedProblem(p procure.Problem) Problem {
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		if f, ok := a.(float64); ok && f == float64(int64(f)) {
			args[i] = int64(f)
			continue
		}
		args[i] = a
	}
	return Problem{Key: p.Key, Args: args}
}

// problemsErr reports the problems procure found as field errors, prefixed.
func problemsErr(problems []procure.Problem, prefix string) error {
	bad := FieldErrors{}
	for _, p := range problems {
		bad.Add(prefix+p.Field, p.Key, p.Args...)
	}
	return bad.Err()
}
