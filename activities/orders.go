package activities

import (
	"context"
	"fmt"
	"time"

	"signoff/i18n"
	"signoff/policy"
	"signoff/procure"
	"signoff/store"
)

// Business number prefixes of the cases an order opens.
const (
	ReceiptPrefix    = "GR"  // 入库单: one delivery's accepted lines
	SettlementPrefix = "PAY" // an order's payment
)

// IssueOrderInput names an approved purchase request.
type IssueOrderInput struct {
	CaseID string    `json:"case_id"`
	At     time.Time `json:"at"`
}

// IssuedOrder is the order issued for a request, with the facts its workflow keeps.
type IssuedOrder struct {
	State      procure.OrderState `json:"state"`
	Tolerance  policy.Tolerance   `json:"tolerance"` // the three-way match's, from the request's policy version
	Submitter  string             `json:"submitter"`
	Department string             `json:"department"`
	Amount     int64              `json:"amount"`
}

// IssueOrder issues the purchase order of an approved request (PO-…). Idempotent: the request
// has at most one order.
func (a *Activities) IssueOrder(ctx context.Context, in IssueOrderInput) (IssuedOrder, error) {
	c, err := a.store.Case(ctx, in.CaseID)
	if err != nil {
		return IssuedOrder{}, fmt.Errorf("issue order: %w", err)
	}
	doc, err := a.policies.Version(ctx, c.PolicyVersion)
	if err != nil {
		return IssuedOrder{}, fmt.Errorf("issue order: %w", err)
	}
	o, err := a.store.IssueOrder(ctx, in.CaseID, yearIn(doc, in.At), in.At)
	if err != nil {
		return IssuedOrder{}, err
	}
	return IssuedOrder{State: o.State, Tolerance: doc.Procurement.Tolerance, Submitter: c.SubmitterID,
		Department: c.DepartmentID, Amount: o.Amount}, nil
}

// RecordOrderInput is an order's new snapshot.
type RecordOrderInput struct {
	State procure.OrderState `json:"state"`
}

// RecordOrder writes an order's snapshot; an older one than stored is ignored.
func (a *Activities) RecordOrder(ctx context.Context, in RecordOrderInput) (struct{}, error) {
	return struct{}{}, a.store.RecordOrder(ctx, in.State)
}

// DeliveryInput is a delivery the keeper registered, judged line by line by the workflow.
type DeliveryInput struct {
	OrderID     string                  `json:"order_id"`
	CaseID      string                  `json:"case_id"` // the purchase request
	DeliveryID  string                  `json:"delivery_id"`
	Batch       int                     `json:"batch"` // the order's n-th delivery
	Actor       string                  `json:"actor"`
	DeliveredOn time.Time               `json:"delivered_on"`
	NoteNo      string                  `json:"note_no"`
	InvoiceNo   string                  `json:"invoice_no"`
	Lines       []procure.InspectedLine `json:"lines"`
	Prices      map[int]policy.Money    `json:"prices"` // unit price by order line
	At          time.Time               `json:"at"`
}

// DeliveryResult names the receipt case of the accepted lines ("" when all were refused).
type DeliveryResult struct {
	ReceiptID string `json:"receipt_id"`
}

// RegisterDelivery writes a delivery, the receipt case of its accepted lines (for the keeper's
// and the accountant's seals) and a return task for each refused line. Idempotent by the
// delivery's ID.
func (a *Activities) RegisterDelivery(ctx context.Context, in DeliveryInput) (DeliveryResult, error) {
	pr, err := a.store.Case(ctx, in.CaseID)
	if err != nil {
		return DeliveryResult{}, fmt.Errorf("register delivery: %w", err)
	}
	d := store.NewDelivery{ID: in.DeliveryID, OrderID: in.OrderID, DeliveredOn: in.DeliveredOn,
		NoteNo: in.NoteNo, InvoiceNo: in.InvoiceNo, Lines: in.Lines, Actor: in.Actor}
	var amount int64
	for _, l := range in.Lines {
		if l.Verdict.Accepted {
			amount += l.Verdict.Quantity * int64(in.Prices[l.LineNo])
		}
	}
	if amount > 0 {
		doc, err := a.policies.Version(ctx, pr.PolicyVersion)
		if err != nil {
			return DeliveryResult{}, fmt.Errorf("register delivery: %w", err)
		}
		d.Receipt = &store.NewCase{
			Prefix: ReceiptPrefix, Year: yearIn(doc, in.At), Kind: string(policy.KindReceipt),
			Title:    i18n.T(textLang, "system.receipt.title", in.OrderID, in.Batch),
			Purpose:  i18n.T(textLang, "system.receipt.purpose", in.OrderID, pr.Title, in.NoteNo),
			Category: pr.Category, DepartmentID: pr.DepartmentID, BudgetLineID: pr.BudgetLineID,
			Amount: amount, Currency: pr.Currency, SubmitterID: pr.SubmitterID, PolicyVersion: pr.PolicyVersion,
			NoReservation: true, ParentID: pr.ID,
		}
	}
	id, err := a.store.RegisterDelivery(ctx, d)
	if err != nil {
		return DeliveryResult{}, err
	}
	return DeliveryResult{ReceiptID: id}, nil
}

// SettleDeliveryInput says how a delivery's receipt ended.
type SettleDeliveryInput struct {
	DeliveryID string `json:"delivery_id"`
	Sealed     bool   `json:"sealed"`
	Status     string `json:"status"` // the receipt's final status, named in return tasks when refused
}

// SettleDelivery puts a sealed receipt's goods into stock, or opens return tasks for a refused
// one. Idempotent.
func (a *Activities) SettleDelivery(ctx context.Context, in SettleDeliveryInput) (struct{}, error) {
	reason := procure.Problem{Field: "receipt", Key: "receipt_refused", Args: []any{in.Status}}
	return struct{}{}, a.store.SettleDelivery(ctx, in.DeliveryID, in.Sealed, reason)
}

// InvoiceInput is the supplier's invoice for an order, checked by the workflow.
type InvoiceInput struct {
	OrderID    string                `json:"order_id"`
	InvoiceNo  string                `json:"invoice_no"`
	InvoicedOn time.Time             `json:"invoiced_on"`
	Lines      []procure.InvoiceLine `json:"lines"`
	Actor      string                `json:"actor"`
}

// RecordInvoice writes an order's invoice. Idempotent.
func (a *Activities) RecordInvoice(ctx context.Context, in InvoiceInput) (struct{}, error) {
	return struct{}{}, a.store.RecordInvoice(ctx, in.OrderID, in.InvoiceNo, in.InvoicedOn, in.Lines, in.Actor)
}

// SettlementInput opens an order's payment after the three-way match.
type SettlementInput struct {
	OrderID  string       `json:"order_id"`
	CaseID   string       `json:"case_id"` // the purchase request
	Attempt  int          `json:"attempt"` // a refused payment is opened again for a corrected invoice
	Amount   policy.Money `json:"amount"`  // the invoice's total
	Mismatch bool         `json:"mismatch"`
	At       time.Time    `json:"at"`
}

// SettlementResult names the payment case.
type SettlementResult struct {
	CaseID string `json:"case_id"`
}

// ConditionMatchException switches on the reviewer's exception step of a payment whose
// three-way match failed.
const ConditionMatchException = "match_exception"

// OpenSettlement writes an order's payment case (PAY-…): a reviewer clears a mismatch first,
// then the cashier pays. Idempotent by order and attempt.
func (a *Activities) OpenSettlement(ctx context.Context, in SettlementInput) (SettlementResult, error) {
	pr, err := a.store.Case(ctx, in.CaseID)
	if err != nil {
		return SettlementResult{}, fmt.Errorf("open settlement: %w", err)
	}
	doc, err := a.policies.Version(ctx, pr.PolicyVersion)
	if err != nil {
		return SettlementResult{}, fmt.Errorf("open settlement: %w", err)
	}
	var conditions []string
	purpose := i18n.T(textLang, "system.settlement.purpose_matched", in.OrderID)
	if in.Mismatch {
		conditions = []string{ConditionMatchException}
		purpose = i18n.T(textLang, "system.settlement.purpose_mismatch", in.OrderID)
	}
	key := fmt.Sprintf("system:%s/settlement/%d", in.OrderID, in.Attempt)
	id, err := a.store.OpenSettlement(ctx, store.NewCase{
		Prefix: SettlementPrefix, Year: yearIn(doc, in.At), Kind: string(policy.KindSettlement),
		Title: i18n.T(textLang, "system.settlement.title", in.OrderID), Purpose: purpose, Category: pr.Category,
		DepartmentID: pr.DepartmentID, BudgetLineID: pr.BudgetLineID, Amount: int64(in.Amount),
		Currency: pr.Currency, SubmitterID: pr.SubmitterID, PolicyVersion: pr.PolicyVersion,
		NoReservation: true, ParentID: pr.ID, Conditions: conditions,
		IdempotencyKey: key, RequestHash: key,
	})
	if err != nil {
		return SettlementResult{}, err
	}
	return SettlementResult{CaseID: id}, nil
}

// ConsumeInput is a paid order's request and the amount paid.
type ConsumeInput struct {
	CaseID string       `json:"case_id"`
	Paid   policy.Money `json:"paid"`
}

// ConsumePurchase turns the request's budget reservation into the spending paid. Idempotent.
func (a *Activities) ConsumePurchase(ctx context.Context, in ConsumeInput) (struct{}, error) {
	return struct{}{}, a.store.ConsumePurchase(ctx, in.CaseID, int64(in.Paid))
}

// yearIn is the year at t in the policy's timezone, which numbers business documents.
func yearIn(doc *policy.Document, t time.Time) int {
	if loc, err := time.LoadLocation(doc.Calendar.Timezone); err == nil {
		return t.In(loc).Year()
	}
	return t.UTC().Year()
}
