package procure

import (
	"fmt"
	"slices"
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
func (o *OrderState) Total() policy.Money {
	var t policy.Money
	for _, l := range o.Lines {
		t += policy.Money(l.Quantity * int64(l.UnitPrice))
	}
	return t
}

// Pend records a receipt of a delivery's accepted lines: their quantities wait for the seals.
func (o *OrderState) Pend(receiptID, deliveryID string, verdicts []Verdict) {
	r := OpenReceipt{ReceiptID: receiptID, DeliveryID: deliveryID}
	for _, v := range verdicts {
		if v.Accepted {
			r.Quantities = append(r.Quantities, LineQuantity{LineNo: v.LineNo, Quantity: v.Quantity})
			o.line(v.LineNo).Pending += v.Quantity
		}
	}
	o.Open = append(o.Open, r)
	o.Seq++
}

// Settle closes an open receipt: sealed, its quantities are accepted; refused or withdrawn,
// they may be delivered again. It reports the receipt's quantities, or false if it was not open.
func (o *OrderState) Settle(receiptID string, sealed bool) ([]LineQuantity, bool) {
	i := slices.IndexFunc(o.Open, func(r OpenReceipt) bool { return r.ReceiptID == receiptID })
	if i < 0 {
		return nil, false
	}
	r := o.Open[i]
	o.Open = slices.Delete(o.Open, i, i+1)
	for _, q := range r.Quantities {
		l := o.line(q.LineNo)
		l.Pending -= q.Quantity
		if sealed {
			l.Accepted += q.Quantity
		}
	}
	o.Seq++
	return r.Quantities, true
}

// FullyReceived reports whether nothing waits for seals and every line has been accepted in
// full, within the quantity tolerance.
func (o *OrderState) FullyReceived(t policy.Tolerance) bool {
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
func (o *OrderState) InvoiceProblems(lines []InvoiceLine) []Problem {
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

// Invoiceable reports whether an invoice may be registered now: before settlement starts.
func (o *OrderState) Invoiceable() bool {
	return o.Status == OrderOrdered || o.Status == OrderReceived
}

// Receivable reports whether deliveries may be registered now.
func (o *OrderState) Receivable() bool { return o.Status == OrderOrdered }

func (o *OrderState) line(no int) *OrderLine {
	for i := range o.Lines {
		if o.Lines[i].LineNo == no {
			return &o.Lines[i]
		}
	}
	return nil
}
