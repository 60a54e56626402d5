package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"signoff/service"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"go.temporal.io/sdk/client"

	"signoff/chain"
	"signoff/i18n"
	"signoff/policy"
	"signoff/procure"
	"signoff/store"
	"signoff/workflows"
)

// Who works on orders: keepers receive, buyers chase suppliers and returns, accountants and
// buyers register invoices.
const (
	roleKeeper     = "keeper"
	roleAccountant = "accountant"
)

// orderRoles may see every order, as the finance roles may see every case.
var orderRoles = []string{roleKeeper, roleBuyer, roleAccountant}

func holdsAny(u store.User, roles ...string) bool {
	return slices.ContainsFunc(u.Roles, func(r string) bool { return slices.Contains(roles, r) })
}

// deliveryInput is a delivery as the keeper types it.
type deliveryInput struct {
	DeliveredOn string              `json:"delivered_on"` // YYYY-MM-DD
	NoteNo      string              `json:"note_no"`      // the delivery note's number
	InvoiceNo   string              `json:"invoice_no"`   // the invoice that came with the goods
	Lines       []deliveryLineInput `json:"lines"`
	// Seal: the keeper registering the delivery puts the keeper's seal on its receipt at once.
	Seal bool `json:"seal"`
}

type deliveryLineInput struct {
	LineNo       int        `json:"line_no"`
	Quantity     amountText `json:"quantity"`
	NoteQuantity amountText `json:"note_quantity"`
	Spec         string     `json:"spec"`
	UnitPrice    amountText `json:"unit_price"`
	SupplierID   string     `json:"supplier_id"`
	Manufacturer string     `json:"manufacturer"`
	Batch        string     `json:"batch"`
	Expiry       string     `json:"expiry"` // YYYY-MM-DD, optional
}

// invoiceInput is the supplier's invoice for an order.
type invoiceInput struct {
	InvoiceNo  string             `json:"invoice_no"`
	InvoicedOn string             `json:"invoiced_on"`
	Lines      []invoiceLineInput `json:"lines"`
}

type invoiceLineInput struct {
	LineNo   int        `json:"line_no"`
	Quantity amountText `json:"quantity"`
	Amount   amountText `json:"amount"`
}

// visibleOrder loads an order the caller may see: the order roles see all; others see the
// orders of purchase requests they may see. An order the caller may not see is not found.
func (s *server) visibleOrder(ctx context.Context, u store.User, id string) (store.Order, error) {
	o, err := s.store.Order(ctx, id)
	if err != nil {
		return store.Order{}, err
	}
	if holdsAny(u, orderRoles...) || hasFinanceRole(u) {
		return o, nil
	}
	if _, err := s.visibleCase(ctx, u, o.CaseID); err != nil {
		return store.Order{}, err
	}
	return o, nil
}

// receive registers a delivery on an order: the keeper's inspection, line by line, by the
// order's workflow. Accepted lines form a receipt that the keeper (at once, with seal) and an
// accountant seal; refused lines become return tasks.
func (s *server) receive(ctx context.Context, u store.User, orderID string, in deliveryInput, key string) (workflows.DeliverResult, error) {
	if !holdsAny(u, roleKeeper, roleBuyer) {
		return workflows.DeliverResult{}, &apiError{Status: http.StatusForbidden, Code: "forbidden",
			Message: "Only a keeper or a buyer may register a delivery."}
	}
	o, err := s.visibleOrder(ctx, u, orderID)
	if err != nil {
		return workflows.DeliverResult{}, fmt.Errorf("receive %s: %w", orderID, err)
	}
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return workflows.DeliverResult{}, service.Internal(err)
	}
	day, err := s.today(doc)
	if err != nil {
		return workflows.DeliverResult{}, err
	}
	req, err := deliveryRequest(in, u, day)
	if err != nil {
		return workflows.DeliverResult{}, err
	}
	facts, err := s.purchaseFacts(ctx, "")
	if err != nil {
		return workflows.DeliverResult{}, err
	}
	req.Materials, req.Rules = facts.materials, doc.Procurement
	if !o.State.Receivable() {
		return workflows.DeliverResult{}, &apiError{Status: http.StatusConflict, Code: string(chain.CodeNotAllowedNow),
			Message: fmt.Sprintf("Order %s is %s and takes no more deliveries.", o.ID, o.State.Status)}
	}
	if _, bad := procure.Inspect(req.Rules, procure.InspectFacts{Day: day, SupplierID: o.SupplierID,
		Materials: req.Materials, Order: o.State.Lines, Lines: req.Lines}); len(bad) > 0 {
		return workflows.DeliverResult{}, problemsErr(bad, "")
	}
	var res workflows.DeliverResult
	if err := s.orderUpdate(ctx, o.ID, workflows.UpdateDeliver, req, u.ID, key, &res); err != nil {
		return workflows.DeliverResult{}, fmt.Errorf("receive %s: %w", o.ID, err)
	}
	if res.ReceiptID == "" || !in.Seal {
		return res, nil
	}
	// The receipt's own workflow routes it; wait for that, then seal it as its keeper.
	if err := s.awaitRouted(ctx, res.ReceiptID); err != nil {
		return res, fmt.Errorf("receive %s: %w", o.ID, err)
	}
	c, err := s.store.Case(ctx, res.ReceiptID)
	if err != nil {
		return res, fmt.Errorf("receive %s: %w", o.ID, err)
	}
	if cur := c.State.CurrentStep(); cur != nil && slices.Contains(cur.Assignees, u.ID) {
		rev := c.State.Revision
		if _, err := s.perform(ctx, u, c.ID, chain.ActApprove, actionRequest{Revision: &rev, Comment: "验收合格"}, ""); err != nil {
			return res, fmt.Errorf("seal receipt %s: %w", c.ID, err)
		}
	}
	return res, nil
}

// deliveryRequest checks the form of a delivery and builds the order workflow's request.
func deliveryRequest(in deliveryInput, u store.User, day time.Time) (workflows.DeliverRequest, error) {
	bad := service.FieldErrors{}
	req := workflows.DeliverRequest{Actor: u.ID, Day: day, NoteNo: strings.TrimSpace(in.NoteNo),
		InvoiceNo: strings.TrimSpace(in.InvoiceNo)}
	switch d, err := time.Parse(time.DateOnly, strings.TrimSpace(in.DeliveredOn)); {
	case strings.TrimSpace(in.DeliveredOn) == "":
		req.DeliveredOn = day
	case err != nil:
		bad.Add("delivered_on", "date")
	case d.After(day):
		bad.Add("delivered_on", "date_future")
	default:
		req.DeliveredOn = d
	}
	switch n := utf8.RuneCountInString(req.NoteNo); {
	case n == 0:
		bad.Add("note_no", "required")
	case n > maxContractNo:
		bad.Add("note_no", "too_long", maxContractNo)
	}
	if utf8.RuneCountInString(req.InvoiceNo) > maxInvoiceNo {
		bad.Add("invoice_no", "too_long", maxInvoiceNo)
	}
	if n := len(in.Lines); n > maxItems {
		bad.Add("lines", "items_too_many", maxItems)
	}
	for i, l := range in.Lines {
		field := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
		dl := procure.DeliveryLine{LineNo: l.LineNo, Spec: strings.TrimSpace(l.Spec),
			SupplierID: strings.TrimSpace(l.SupplierID), Manufacturer: strings.TrimSpace(l.Manufacturer),
			Batch: strings.TrimSpace(l.Batch)}
		var p service.Problem
		if dl.Quantity, p = parseQuantity(l.Quantity); p.Key != "" {
			bad.Add(field("quantity"), p.Key, p.Args...)
		}
		if dl.NoteQuantity, p = parseQuantity(l.NoteQuantity); p.Key != "" {
			bad.Add(field("note_quantity"), p.Key, p.Args...)
		}
		if dl.UnitPrice, p = parseAmount(l.UnitPrice); p.Key != "" {
			bad.Add(field("unit_price"), p.Key, p.Args...)
		}
		for name, v := range map[string]string{"spec": dl.Spec, "supplier_id": dl.SupplierID,
			"manufacturer": dl.Manufacturer, "batch": dl.Batch} {
			if utf8.RuneCountInString(v) > maxSpec {
				bad.Add(field(name), "too_long", maxSpec)
			}
		}
		if e := strings.TrimSpace(l.Expiry); e != "" {
			d, err := time.Parse(time.DateOnly, e)
			if err != nil {
				bad.Add(field("expiry"), "date")
			} else {
				dl.Expiry = &d
			}
		}
		req.Lines = append(req.Lines, dl)
	}
	return req, bad.Err()
}

// registerInvoice registers the supplier's invoice on an order; with everything received, the
// order's workflow matches it and opens the payment.
func (s *server) registerInvoice(ctx context.Context, u store.User, orderID string, in invoiceInput, key string) (store.Order, error) {
	if !holdsAny(u, roleBuyer, roleAccountant) {
		return store.Order{}, &apiError{Status: http.StatusForbidden, Code: "forbidden",
			Message: "Only a buyer or an accountant may register an invoice."}
	}
	o, err := s.visibleOrder(ctx, u, orderID)
	if err != nil {
		return store.Order{}, fmt.Errorf("invoice %s: %w", orderID, err)
	}
	bad := service.FieldErrors{}
	req := workflows.InvoiceRequest{Actor: u.ID, InvoiceNo: strings.TrimSpace(in.InvoiceNo)}
	switch n := utf8.RuneCountInString(req.InvoiceNo); {
	case n == 0:
		bad.Add("invoice_no", "required")
	case n > maxInvoiceNo:
		bad.Add("invoice_no", "too_long", maxInvoiceNo)
	}
	switch d, err := time.Parse(time.DateOnly, strings.TrimSpace(in.InvoicedOn)); {
	case strings.TrimSpace(in.InvoicedOn) == "":
		bad.Add("invoiced_on", "required")
	case err != nil:
		bad.Add("invoiced_on", "date")
	default:
		req.InvoicedOn = d
	}
	for i, l := range in.Lines {
		field := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
		il := procure.InvoiceLine{LineNo: l.LineNo}
		var p service.Problem
		if l.Quantity.present && strings.TrimSpace(l.Quantity.text) == "0" {
			il.Quantity = 0
		} else if il.Quantity, p = parseQuantity(l.Quantity); p.Key != "" {
			bad.Add(field("quantity"), p.Key, p.Args...)
		}
		if il.Amount, p = parseAmount(l.Amount); p.Key != "" {
			bad.Add(field("amount"), p.Key, p.Args...)
		}
		req.Lines = append(req.Lines, il)
	}
	if err := bad.Err(); err != nil {
		return store.Order{}, err
	}
	if problems := o.State.InvoiceProblems(req.Lines); len(problems) > 0 {
		return store.Order{}, problemsErr(problems, "")
	}
	if !o.State.Invoiceable() {
		return store.Order{}, &apiError{Status: http.StatusConflict, Code: string(chain.CodeNotAllowedNow),
			Message: fmt.Sprintf("Order %s is %s: its invoice can no longer change.", o.ID, o.State.Status)}
	}
	var st procure.OrderState
	if err := s.orderUpdate(ctx, o.ID, workflows.UpdateInvoice, req, u.ID, key, &st); err != nil {
		return store.Order{}, fmt.Errorf("invoice %s: %w", o.ID, err)
	}
	return s.store.Order(ctx, o.ID)
}

// problemsErr reports the problems procure found as field errors, prefixed.
func problemsErr(problems []procure.Problem, prefix string) error {
	bad := service.FieldErrors{}
	for _, p := range problems {
		bad.Add(prefix+p.Field, p.Key, p.Args...)
	}
	return bad.Err()
}

// orderUpdate sends an update to an order's workflow and waits for its result. An
// Idempotency-Key becomes the update ID, so a retried request is answered with the first
// outcome.
func (s *server) orderUpdate(ctx context.Context, orderID, name string, arg any, actor, key string, out any) error {
	opts := client.UpdateWorkflowOptions{WorkflowID: orderID, UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted}
	if key != "" {
		opts.UpdateID = actor + "/" + name + "/" + key
	}
	h, err := s.temporal.UpdateWorkflow(ctx, opts)
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	return h.Get(ctx, out)
}

// awaitRouted waits until a case's workflow has routed and recorded it.
func (s *server) awaitRouted(ctx context.Context, caseID string) error {
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: caseID,
		UpdateName: workflows.UpdateSubmit, UpdateID: caseID + "/submit", WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return fmt.Errorf("await routing of %s: %w", caseID, err)
	}
	var v workflows.View
	return h.Get(ctx, &v)
}

// returnResolution is how a buyer settled refused goods with the supplier.
type returnResolution struct {
	Resolution string `json:"resolution"` // returned, exchanged, credited
	Comment    string `json:"comment"`
}

var resolutions = []string{"returned", "exchanged", "credited"}

// resolveReturn closes a return task.
func (s *server) resolveReturn(ctx context.Context, u store.User, id string, in returnResolution) (store.ReturnTask, error) {
	if !holdsAny(u, roleBuyer) {
		return store.ReturnTask{}, &apiError{Status: http.StatusForbidden, Code: "forbidden",
			Message: "Only a buyer may settle a return with the supplier."}
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return store.ReturnTask{}, errNotFound
	}
	res := strings.TrimSpace(in.Resolution)
	if !slices.Contains(resolutions, res) {
		return store.ReturnTask{}, service.FieldErrors{"resolution": {Key: "one_of", Args: []any{resolutions}}}.Err()
	}
	if utf8.RuneCountInString(in.Comment) > chain.MaxCommentLen {
		return store.ReturnTask{}, service.FieldErrors{"comment": {Key: "too_long", Args: []any{chain.MaxCommentLen}}}.Err()
	}
	text := res
	if c := strings.TrimSpace(in.Comment); c != "" {
		text += ": " + c
	}
	t, err := s.store.ResolveReturnTask(ctx, n, u.ID, text)
	if errors.Is(err, store.ErrConflict) {
		return store.ReturnTask{}, &apiError{Status: http.StatusConflict, Code: "already_done",
			Message: fmt.Sprintf("Return task %d is already settled.", n)}
	}
	return t, err
}

// orderView is a purchase order as clients see it: lines with what was received, deliveries
// with each line's verdict, return tasks, the invoice, the match and the payment.
type orderView struct {
	ID          string                `json:"id"`
	CaseID      string                `json:"case_id"`
	Supplier    supplierRef           `json:"supplier"`
	Status      string                `json:"status"`
	Amount      policy.Money          `json:"amount"`
	IssuedAt    time.Time             `json:"issued_at"`
	ClosedAt    *time.Time            `json:"closed_at"`
	Lines       []orderLineView       `json:"lines"`
	Deliveries  []deliveryView        `json:"deliveries"`
	Returns     []returnView          `json:"return_tasks"`
	InvoiceNo   string                `json:"invoice_no"`
	Invoice     []procure.InvoiceLine `json:"invoice"`
	Match       *procure.MatchResult  `json:"match"`
	MatchIssues map[string]string     `json:"match_problems"`
	Settlement  string                `json:"settlement"`
	TemporalURL string                `json:"temporal_url"`
	// Timeline is every seal of the request, its receipts and its payments, in time order.
	Timeline []timelineEntry `json:"timeline"`
}

type timelineEntry struct {
	CaseID string `json:"case_id"`
	Kind   string `json:"kind"`
	sealView
}

type orderLineView struct {
	procure.OrderLine
	MaterialName string `json:"material_name"`
	Remaining    int64  `json:"remaining"`
}

type deliveryView struct {
	ID          string             `json:"id"`
	ReceiptID   string             `json:"receipt_id"`
	DeliveredOn string             `json:"delivered_on"`
	NoteNo      string             `json:"note_no"`
	InvoiceNo   string             `json:"invoice_no"`
	Outcome     string             `json:"outcome"`
	Lines       []deliveryLineView `json:"lines"`
	By          userRef            `json:"registered_by"`
	At          time.Time          `json:"registered_at"`
}

type deliveryLineView struct {
	procure.DeliveryLine
	Accepted bool              `json:"accepted"`
	Problems map[string]string `json:"problems"`
}

type returnView struct {
	ID         int64     `json:"id"`
	DeliveryID string    `json:"delivery_id"`
	LineNo     int       `json:"line_no"`
	Quantity   int64     `json:"quantity"`
	Reasons    []string  `json:"reasons"`
	Status     string    `json:"status"`
	Resolution string    `json:"resolution"`
	CreatedAt  time.Time `json:"created_at"`
}

// orderViewOf reads everything an order page shows, in lang.
func (s *server) orderViewOf(ctx context.Context, o store.Order, lang i18n.Lang) (orderView, error) {
	v := orderView{ID: o.ID, CaseID: o.CaseID, Status: o.State.Status, Amount: policy.Money(o.Amount),
		IssuedAt: o.IssuedAt, ClosedAt: o.ClosedAt, InvoiceNo: o.State.InvoiceNo, Invoice: o.State.Invoice,
		Match: o.State.Match, MatchIssues: map[string]string{}, Settlement: o.State.Settlement,
		TemporalURL: s.temporalURL(o.ID), Lines: []orderLineView{}, Deliveries: []deliveryView{}, Returns: []returnView{}}
	if v.Invoice == nil {
		v.Invoice = []procure.InvoiceLine{}
	}
	v.Supplier = supplierRef{ID: o.SupplierID, Name: o.SupplierID}
	if sup, err := s.store.Supplier(ctx, o.SupplierID); err == nil {
		v.Supplier = supplierRef{ID: sup.ID, Name: sup.Name, Grade: sup.Grade, Strategic: sup.Strategic, Status: sup.Status}
	}
	facts, err := s.purchaseFacts(ctx, "")
	if err != nil {
		return orderView{}, err
	}
	for _, l := range o.State.Lines {
		v.Lines = append(v.Lines, orderLineView{OrderLine: l, MaterialName: facts.materials[l.MaterialID].Name, Remaining: l.Remaining()})
	}
	if m := o.State.Match; m != nil {
		for _, p := range m.Problems {
			v.MatchIssues[p.Field] = service.Problem{Key: p.Key, Args: wholeArgs(p.Args)}.In(lang)
		}
		for _, lm := range m.Lines {
			for _, p := range lm.Problems {
				v.MatchIssues[p.Field] = service.Problem{Key: p.Key, Args: wholeArgs(p.Args)}.In(lang)
			}
		}
	}
	deliveries, err := s.store.Deliveries(ctx, o.ID)
	if err != nil {
		return orderView{}, err
	}
	timeline, err := s.store.PurchaseTimeline(ctx, o.CaseID)
	if err != nil {
		return orderView{}, err
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
		return orderView{}, err
	}
	for _, d := range deliveries {
		dv := deliveryView{ID: d.ID, ReceiptID: d.ReceiptID, DeliveredOn: d.DeliveredOn.Format(time.DateOnly),
			NoteNo: d.NoteNo, InvoiceNo: d.InvoiceNo, Outcome: d.Outcome, By: names.ref(d.RegisteredBy), At: d.RegisteredAt}
		for _, l := range d.Lines {
			lv := deliveryLineView{DeliveryLine: l.DeliveryLine, Accepted: l.Verdict.Accepted, Problems: map[string]string{}}
			for _, p := range l.Verdict.Problems {
				lv.Problems[p.Field] = service.Problem{Key: p.Key, Args: wholeArgs(p.Args)}.In(lang)
			}
			dv.Lines = append(dv.Lines, lv)
		}
		v.Deliveries = append(v.Deliveries, dv)
	}
	v.Timeline = make([]timelineEntry, 0, len(timeline))
	for _, e := range timeline {
		v.Timeline = append(v.Timeline, timelineEntry{CaseID: e.CaseID, Kind: e.Kind, sealView: sealView{
			Seq: e.Seq, StepKey: e.StepKey, Role: string(e.Role), Actor: names.ref(e.Actor),
			OnBehalfOf: names.optRef(e.OnBehalfOf), Decision: string(e.Decision), Comment: e.Comment,
			Target: e.Target, At: e.At, PolicyVersion: e.PolicyVersion}})
	}
	tasks, err := s.store.ReturnTasks(ctx, o.ID)
	if err != nil {
		return orderView{}, err
	}
	for _, t := range tasks {
		rv := returnView{ID: t.ID, DeliveryID: t.DeliveryID, LineNo: t.LineNo, Quantity: t.Quantity,
			Status: t.Status, Resolution: t.Resolution, CreatedAt: t.CreatedAt, Reasons: []string{}}
		for _, p := range t.Reasons {
			rv.Reasons = append(rv.Reasons, service.Problem{Key: p.Key, Args: wholeArgs(p.Args)}.In(lang))
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

// wholeArgs turns the whole numbers a stored problem's arguments came back as (JSON numbers
// decode as float64) into integers again, so "%d" prints them.
func wholeArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if f, ok := a.(float64); ok && f == float64(int64(f)) {
			out[i] = int64(f)
			continue
		}
		out[i] = a
	}
	return out
}

// API handlers.

// listOrders lists purchase orders for the people who work on them.
func (s *server) listOrders(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	if !holdsAny(u, orderRoles...) && !hasFinanceRole(u) {
		s.fail(w, r, &apiError{Status: http.StatusForbidden, Code: "forbidden",
			Message: "Only keepers, buyers, accountants and the finance roles see the list of orders."})
		return
	}
	status := r.URL.Query().Get("status")
	if status != "" && !slices.Contains(orderStatuses, status) {
		s.fail(w, r, service.FieldErrors{"status": {Key: "one_of", Args: []any{orderStatuses}}}.Err())
		return
	}
	list, err := s.store.Orders(r.Context(), status, 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if list == nil {
		list = []store.OrderSummary{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
}

var orderStatuses = []string{procure.OrderOrdered, procure.OrderReceived, procure.OrderSettling, procure.OrderPaid}

func (s *server) getOrder(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	o, err := s.visibleOrder(r.Context(), u, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.orderViewOf(r.Context(), o, i18n.EN)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *server) postDelivery(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	key, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in deliveryInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	res, err := s.receive(ctx, u, chi.URLParam(r, "id"), in, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := deliveryResultView{DeliveryID: res.DeliveryID, ReceiptID: res.ReceiptID, Lines: []verdictView{}}
	for _, v := range res.Verdicts {
		vv := verdictView{LineNo: v.LineNo, Accepted: v.Accepted, Quantity: v.Quantity, Problems: map[string]string{}}
		for _, p := range v.Problems {
			vv.Problems[p.Field] = service.Problem{Key: p.Key, Args: p.Args}.In(i18n.EN)
		}
		out.Lines = append(out.Lines, vv)
	}
	writeJSON(w, http.StatusCreated, out)
}

type deliveryResultView struct {
	DeliveryID string        `json:"delivery_id"`
	ReceiptID  string        `json:"receipt_id"`
	Lines      []verdictView `json:"lines"`
}

type verdictView struct {
	LineNo   int               `json:"line_no"`
	Accepted bool              `json:"accepted"`
	Quantity int64             `json:"quantity"`
	Problems map[string]string `json:"problems"`
}

func (s *server) postInvoice(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	key, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in invoiceInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	o, err := s.registerInvoice(ctx, u, chi.URLParam(r, "id"), in, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.orderViewOf(ctx, o, i18n.EN)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *server) postReturnResolution(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	var in returnResolution
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.resolveReturn(r.Context(), u, chi.URLParam(r, "id"), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// procurementAPI registers the purchase request, order and return endpoints.
func (s *server) procurementAPI(r chi.Router) {
	r.Post("/purchase-requests", s.submitPurchaseRequest)
	r.Post("/purchase-requests/route-preview", s.previewPurchaseRoute)
	r.Get("/orders", s.listOrders)
	r.Get("/orders/{id}", s.getOrder)
	r.Post("/orders/{id}/deliveries", s.postDelivery)
	r.Post("/orders/{id}/invoice", s.postInvoice)
	r.Post("/return-tasks/{id}/resolve", s.postReturnResolution)
}
