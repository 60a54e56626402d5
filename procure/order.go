package procure

import (
	"fmt"
	"time"

	"signoff/policy"
)

// Order statuses.
const (
	OrderOrdered  = "ordered"  // issued; deliveries may come
	OrderReceived = "received" // everything ordered is received and sealed; waiting for the invoice
	OrderSettling = "settling" // matched and with the payment case
	OrderPaid     = "paid"     // paid: the request's budget consumed, the order closed
)

// OrderState is everything a purchase order (PO-…) knows: its lines with what was accepted and
// what waits for seals, its open receipts, its invoice and the match. It is the order
// workflow's state and the snapshot stored with the order; its methods are pure.
type OrderState struct {
	OrderID    string        `json:"order_id"`
	CaseID     string        `json:"case_id"` // the purchase request
	SupplierID string        `json:"supplier_id"`
	Status     string        `json:"status"`
	Lines      []OrderLine   `json:"lines"`
	Open       []OpenReceipt `json:"open"`       // receipts waiting for their seals
	Deliveries int           `json:"deliveries"` // registered over the order's life
	InvoiceNo  string        `json:"invoice_no,omitempty"`
	InvoicedOn time.Time     `json:"invoiced_on,omitzero"`
	Invoice    []InvoiceLine `json:"invoice,omitempty"`
	Match      *MatchResult  `json:"match,omitempty"`
	Settlement string        `json:"settlement,omitempty"` // the payment case, once opened
	Seq        int           `json:"seq"`                  // bumped by every change; the snapshot only moves forward
}

// OpenReceipt is a receipt waiting for the keeper's and the accountant's seals, with the
// quantities it would accept per order line.
type OpenReceipt struct {
	ReceiptID  string         `json:"receipt_id"`
	DeliveryID string         `json:"delivery_id"`
	Quantities []LineQuantity `json:"quantities"`
}

// LineQuantity is a quantity of one order line.
type LineQuantity struct {
	LineNo   int   `json:"line_no"`
	Quantity int64 `json:"quantity"`
}

// Total is the order's value.
func (o OrderState) Total() policy.Money {
	var t policy.Money
	for _, l := range o.Lines {
		t += policy.Money(l.Quantity * int64(l.UnitPrice))
	}
	return t
}

// NextDelivery numbers the order's next delivery: PO-…-D<n>, n counting from 1 over the
// order's life.
func (o OrderState) NextDelivery() (id string, batch int) {
	batch = o.Deliveries + 1
	return fmt.Sprintf("%s-D%d", o.OrderID, batch), batch
}

// FullyReceived reports whether nothing waits for seals and every line has been accepted in
// full, within the quantity tolerance.
func (o OrderState) FullyReceived(t policy.Tolerance) bool {
	if len(o.Open) > 0 {
		return false
	}
	for _, l := range o.Lines {
		if l.Accepted < l.Quantity-t.QuantityFor(l.Quantity) {
			return false
		}
	}
	return true
}

// InvoiceProblems checks the form of an invoice for the order: at least one line, each for an
// order line, once, with a quantity not negative and an amount above zero.
func (o OrderState) InvoiceProblems(lines []InvoiceLine) []Problem {
	if len(lines) == 0 {
		return []Problem{{Field: "lines", Key: "lines_empty"}}
	}
	var out []Problem
	seen := map[int]bool{}
	for i, l := range lines {
		field := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
		switch {
		case o.line(l.LineNo) == nil:
			out = append(out, Problem{field("line_no"), "unknown_order_line", []any{l.LineNo}})
		case seen[l.LineNo]:
			out = append(out, Problem{field("line_no"), "line_twice", []any{l.LineNo}})
		}
		seen[l.LineNo] = true
		if l.Quantity < 0 {
			out = append(out, Problem{Field: field("quantity"), Key: "negative"})
		}
		if l.Amount <= 0 {
			out = append(out, Problem{Field: field("amount"), Key: "amount_positive"})
		}
	}
	return out
}

// Invoiceable reports whether an invoice may be registered now, as Validate decides it: before
// the payment is opened, or after it was refused.
func (o OrderState) Invoiceable() bool { return o.refuseInvoice() == nil }

// Receivable reports whether deliveries may be registered now, as Validate decides it.
func (o OrderState) Receivable() bool { return o.refuseDeliveries() == nil }

// Closed reports whether the order is paid: it takes nothing more.
func (o OrderState) Closed() bool { return o.Status == OrderPaid }

// line is the order line numbered no, in the order's own Lines, or nil.
func (o OrderState) line(no int) *OrderLine {
	for i := range o.Lines {
		if o.Lines[i].LineNo == no {
			return &o.Lines[i]
		}
	}
	return nil
}
