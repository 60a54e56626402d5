package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/client"

	"signoff/chain"
	"signoff/i18n"
	"signoff/policy"
	"signoff/procure"
	"signoff/store"
	"signoff/workflows"
)

// Receiving (验收入库): the keeper registers what arrived on an order, line by line against the
// order and the papers. Here the delivery is checked for form and for lines the order does not
// have (procure.Inspect's malformed lines); the order's workflow inspects each line
// (procure.Order.Receive, run again as its Update validator), writes the delivery, its receipt
// and its return tasks. Who may register a delivery is the policy's capability orders.receive.

// Limits of a delivery as typed.
const (
	maxNoteNo        = 64 // a delivery note's number
	maxInvoiceNo     = 64
	MaxDeliveryLines = 100 // rows of one delivery, which the receiving form offers at most
	maxLineText      = 200 // spec, supplier, manufacturer, batch
)

// receiptSealComment is the comment of the keeper's seal put on a receipt at once, in the
// organisation's language: the seal keeps it as written.
var receiptSealComment = i18n.T(i18n.Default, "system.receipt.sealed")

// DeliveryInput is a delivery as the keeper types it.
type DeliveryInput struct {
	DeliveredOn string              `json:"delivered_on"` // YYYY-MM-DD, today when blank
	NoteNo      string              `json:"note_no"`      // the delivery note's number
	InvoiceNo   string              `json:"invoice_no"`   // the invoice that came with the goods
	Lines       []DeliveryLineInput `json:"lines"`
	// Seal: the keeper registering the delivery puts the keeper's seal on its receipt at once.
	Seal bool `json:"seal"`
}

// DeliveryLineInput is what the keeper found for one order line.
type DeliveryLineInput struct {
	LineNo       int        `json:"line_no"`
	Quantity     AmountText `json:"quantity"`
	NoteQuantity AmountText `json:"note_quantity"`
	Spec         string     `json:"spec"`
	UnitPrice    AmountText `json:"unit_price"`
	SupplierID   string     `json:"supplier_id"`
	Manufacturer string     `json:"manufacturer"`
	Batch        string     `json:"batch"`
	Expiry       string     `json:"expiry"` // YYYY-MM-DD, optional
}

// Receive registers a delivery on an order for u, with the keeper's seal on its receipt at once
// when asked. key, if any, makes a retry the same delivery. When the delivery is registered but
// the seal then fails, the result names the delivery and the error says why it is unsealed.
func (s *Service) Receive(ctx context.Context, u store.User, orderID string, in DeliveryInput, key string) (workflows.DeliverResult, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return workflows.DeliverResult{}, Internal(fmt.Errorf("receive %s: %w", orderID, err))
	}
	day, err := s.Today(doc)
	if err != nil {
		return workflows.DeliverResult{}, err
	}
	g, err := s.GrantsOn(ctx, u, day)
	if err != nil {
		return workflows.DeliverResult{}, err
	}
	if err := g.Require(policy.CapOrdersReceive); err != nil {
		return workflows.DeliverResult{}, err
	}
	o, err := s.orderSeenWith(ctx, u, g, orderID)
	if err != nil {
		return workflows.DeliverResult{}, fmt.Errorf("receive %s: %w", orderID, err)
	}
	req, bad := checkDelivery(in, u.ID, day)
	if err := bad.Err(); err != nil {
		return workflows.DeliverResult{}, err
	}
	if req.Materials, err = s.materialsByID(ctx); err != nil {
		return workflows.DeliverResult{}, fmt.Errorf("receive %s: %w", o.ID, err)
	}
	req.Rules = doc.Procurement
	if !o.State.Receivable() {
		return workflows.DeliverResult{}, &Error{Kind: KindConflict, Code: string(chain.CodeNotAllowedNow),
			Message: fmt.Sprintf("Order %s is %s and takes no more deliveries.", o.ID, o.State.Status)}
	}
	if _, malformed := procure.Inspect(req.Rules, procure.InspectFacts{Day: day, SupplierID: o.SupplierID,
		Materials: req.Materials, Order: o.State.Lines, Lines: req.Lines}); len(malformed) > 0 {
		return workflows.DeliverResult{}, problemsErr(malformed, "")
	}
	var res workflows.DeliverResult
	if err := s.orderUpdate(ctx, o.ID, workflows.UpdateDeliver, req, u.ID, key, &res); err != nil {
		return workflows.DeliverResult{}, fmt.Errorf("receive %s: %w", o.ID, err)
	}
	if res.ReceiptID == "" || !in.Seal {
		return res, nil
	}
	if err := s.sealReceipt(ctx, u, res.ReceiptID); err != nil {
		return res, fmt.Errorf("receive %s: %w", o.ID, err)
	}
	return res, nil
}

// sealReceipt puts u's seal on a receipt just made, when its chain waits for u: the receipt's
// own workflow routes it first, which is waited for.
func (s *Service) sealReceipt(ctx context.Context, u store.User, receiptID string) error {
	if err := s.awaitRouted(ctx, receiptID); err != nil {
		return err
	}
	c, err := s.store.Case(ctx, receiptID)
	if err != nil {
		return fmt.Errorf("seal receipt %s: %w", receiptID, err)
	}
	if c.State == nil {
		return nil
	}
	if cur := c.State.CurrentStep(); cur == nil || !slices.Contains(cur.Assignees, u.ID) {
		return nil
	}
	rev := c.State.Revision
	if _, err := s.Act(ctx, u, c.ID, chain.ActApprove, ActionInput{Revision: &rev, Comment: receiptSealComment}, ""); err != nil {
		return fmt.Errorf("seal receipt %s: %w", c.ID, err)
	}
	return nil
}

// checkDelivery checks the form of a delivery received on day and builds the order workflow's
// request, actor registering it. Every problem is reported at once.
func checkDelivery(in DeliveryInput, actor string, day time.Time) (workflows.DeliverRequest, FieldErrors) {
	bad := FieldErrors{}
	req := workflows.DeliverRequest{Actor: actor, Day: day, NoteNo: strings.TrimSpace(in.NoteNo),
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
	checkPlain(bad, "note_no", req.NoteNo)
	checkPlain(bad, "invoice_no", req.InvoiceNo)
	switch n := utf8.RuneCountInString(req.NoteNo); {
	case n == 0:
		bad.Add("note_no", "required")
	case n > maxNoteNo:
		bad.Add("note_no", "too_long", maxNoteNo)
	}
	if utf8.RuneCountInString(req.InvoiceNo) > maxInvoiceNo {
		bad.Add("invoice_no", "too_long", maxInvoiceNo)
	}
	if n := len(in.Lines); n > MaxDeliveryLines {
		bad.Add("lines", "items_too_many", MaxDeliveryLines)
	}
	for i, l := range in.Lines {
		field := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
		dl := procure.DeliveryLine{LineNo: l.LineNo, Spec: strings.TrimSpace(l.Spec),
			SupplierID: strings.TrimSpace(l.SupplierID), Manufacturer: strings.TrimSpace(l.Manufacturer),
			Batch: strings.TrimSpace(l.Batch)}
		var p Problem
		if dl.Quantity, p = ParseQuantity(l.Quantity); p.Key != "" {
			bad.Add(field("quantity"), p.Key, p.Args...)
		}
		if dl.NoteQuantity, p = ParseQuantity(l.NoteQuantity); p.Key != "" {
			bad.Add(field("note_quantity"), p.Key, p.Args...)
		}
		if dl.UnitPrice, p = ParseAmount(l.UnitPrice); p.Key != "" {
			bad.Add(field("unit_price"), p.Key, p.Args...)
		}
		for name, v := range map[string]string{"spec": dl.Spec, "supplier_id": dl.SupplierID,
			"manufacturer": dl.Manufacturer, "batch": dl.Batch} {
			checkPlain(bad, field(name), v)
			if utf8.RuneCountInString(v) > maxLineText {
				bad.Add(field(name), "too_long", maxLineText)
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
	return req, bad
}

// deliveryFields are the fields a delivery's check reads, its lines' as those of the first.
var deliveryFields = []string{"delivered_on", "note_no", "invoice_no", "lines[0].quantity", "lines[0].note_quantity",
	"lines[0].spec", "lines[0].unit_price", "lines[0].supplier_id", "lines[0].manufacturer", "lines[0].batch",
	"lines[0].expiry"}

// DeliveryDemands are the fields of a delivery its check demands: what the receiving form marks
// required.
var DeliveryDemands = sync.OnceValue(func() Demands {
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	return demandsOf(deliveryFields, func(field string) FieldErrors {
		in := deliveryExample()
		blankDeliveryField(&in, field)
		_, bad := checkDelivery(in, "example.actor", day)
		return bad
	})
})

// deliveryExample is a well-formed delivery of one line, received on 2026-01-02.
func deliveryExample() DeliveryInput {
	return DeliveryInput{DeliveredOn: "2026-01-02", NoteNo: "SH-1", InvoiceNo: "FP-1", Lines: []DeliveryLineInput{{
		LineNo: 1, Quantity: TypedAmount("1"), NoteQuantity: TypedAmount("1"), Spec: "spec", UnitPrice: TypedAmount("1.00"),
		SupplierID: "SUP-1", Manufacturer: "maker", Batch: "B1", Expiry: "2027-01-01"}}}
}

// blankDeliveryField leaves one field of deliveryFields blank.
func blankDeliveryField(in *DeliveryInput, field string) {
	l := &in.Lines[0]
	switch field {
	case "delivered_on":
		in.DeliveredOn = ""
	case "note_no":
		in.NoteNo = ""
	case "invoice_no":
		in.InvoiceNo = ""
	case "lines[0].quantity":
		l.Quantity = AmountText{}
	case "lines[0].note_quantity":
		l.NoteQuantity = AmountText{}
	case "lines[0].spec":
		l.Spec = ""
	case "lines[0].unit_price":
		l.UnitPrice = AmountText{}
	case "lines[0].supplier_id":
		l.SupplierID = ""
	case "lines[0].manufacturer":
		l.Manufacturer = ""
	case "lines[0].batch":
		l.Batch = ""
	case "lines[0].expiry":
		l.Expiry = ""
	default:
		panic("blankDeliveryField: unknown field " + field)
	}
}

// DeliveryResult is a registered delivery's verdicts as the API answers them.
type DeliveryResult struct {
	DeliveryID string        `json:"delivery_id"`
	ReceiptID  string        `json:"receipt_id"`
	Lines      []VerdictView `json:"lines"`
}

// VerdictView is the keeper's verdict on one line, its reasons by field.
type VerdictView struct {
	LineNo   int               `json:"line_no"`
	Accepted bool              `json:"accepted"`
	Quantity int64             `json:"quantity"`
	Problems map[string]string `json:"problems"`
}

// DeliveryResultOf says a delivery's verdicts in lang.
func DeliveryResultOf(res workflows.DeliverResult, lang i18n.Lang) DeliveryResult {
	out := DeliveryResult{DeliveryID: res.DeliveryID, ReceiptID: res.ReceiptID, Lines: []VerdictView{}}
	for _, v := range res.Verdicts {
		vv := VerdictView{LineNo: v.LineNo, Accepted: v.Accepted, Quantity: v.Quantity, Problems: map[string]string{}}
		for _, p := range v.Problems {
			vv.Problems[p.Field] = storedProblem(p).In(lang)
		}
		out.Lines = append(out.Lines, vv)
	}
	return out
}

// orderUpdate sends an update to an order's workflow and waits for its result. An idempotency
// key becomes the update ID, so a retried request is answered with the first outcome.
func (s *Service) orderUpdate(ctx context.Context, orderID, name string, arg any, actor, key string, out any) error {
	var updateID string
	if key != "" {
		updateID = actor + "/" + name + "/" + key
	}
	opts, err := s.actionUpdate(orderID, name, updateID, arg)
	if err != nil {
		return err
	}
	h, err := s.temporal.UpdateWorkflow(ctx, opts)
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	return h.Get(ctx, out)
}

// awaitRouted waits until a case's workflow has routed and recorded it.
func (s *Service) awaitRouted(ctx context.Context, caseID string) error {
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: caseID,
		UpdateName: workflows.UpdateSubmit, UpdateID: caseID + "/submit", WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return fmt.Errorf("await routing of %s: %w", caseID, err)
	}
	var v workflows.View
	return h.Get(ctx, &v)
}

// ReceiptSection is a receipt's (GR-…) delivery as its case page shows it: each delivered line
// with the keeper's verdict.
type ReceiptSection struct {
	OrderID     string
	DeliveryID  string
	NoteNo      string
	InvoiceNo   string
	DeliveredOn string
	Outcome     string
	Lines       []ReceiptLine
}

// ReceiptLine is a delivered line of a receipt, its material named, its reasons said.
type ReceiptLine struct {
	procure.DeliveryLine
	Material string
	Unit     string
	Accepted bool
	Reasons  []string
}

// ReceiptSectionOf reads the delivery a receipt case was made from, said in lang; nil when the
// case is no receipt of a delivery.
func (s *Service) ReceiptSectionOf(ctx context.Context, c store.Case, lang i18n.Lang) (*ReceiptSection, error) {
	if policy.Kind(c.Kind) != policy.KindReceipt {
		return nil, nil
	}
	d, err := s.store.DeliveryOfReceipt(ctx, c.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	o, err := s.store.Order(ctx, d.OrderID)
	if err != nil {
		return nil, err
	}
	materials, err := s.materialsByID(ctx)
	if err != nil {
		return nil, err
	}
	sec := &ReceiptSection{OrderID: d.OrderID, DeliveryID: d.ID, NoteNo: d.NoteNo, InvoiceNo: d.InvoiceNo,
		DeliveredOn: d.DeliveredOn.Format(time.DateOnly), Outcome: d.Outcome}
	for _, l := range d.Lines {
		rl := ReceiptLine{DeliveryLine: l.DeliveryLine, Accepted: l.Verdict.Accepted}
		for _, ol := range o.State.Lines {
			if ol.LineNo == l.LineNo {
				rl.Material, rl.Unit = materials[ol.MaterialID].Name, ol.Unit
			}
		}
		for _, p := range l.Verdict.Problems {
			rl.Reasons = append(rl.Reasons, storedProblem(p).In(lang))
		}
		sec.Lines = append(sec.Lines, rl)
	}
	return sec, nil
}
