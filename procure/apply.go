package procure

import (
	"slices"

	"signoff/policy"
)

// Order is a purchase order's state machine: the order as it stands, and the tolerance of the
// policy version its request was approved under, which decides when the order is received in
// full and whether its invoice matches. The workflow holds one and asks it everything.
type Order struct {
	State     OrderState
	Tolerance policy.Tolerance
}

// Outcome is what an applied event asks of the order's workflow, besides recording the order.
type Outcome struct {
	// Receipt is the receipt case opened for a delivery's accepted lines: start its workflow
	// and, when it ends, apply ReceiptSealed or ReceiptRefused.
	Receipt string
	// Settle is the three-way match of an order received in full and invoiced: open its payment
	// case for the invoice's total (with the reviewer's exception step when it does not match)
	// and apply SettlementOpened.
	Settle *MatchResult
	// Payment is the payment case opened: start its workflow and, when it ends, apply
	// PaymentMade or PaymentRefused.
	Payment string
	// Consume: the order is paid, and the request's budget reservation becomes Paid spent.
	Consume bool
	Paid    policy.Money
}

// Apply carries out an event and returns the order it leaves and what the workflow must do
// about it. It is pure and deterministic: the order it is called on stays as it was, and an
// event that Validate refuses changes nothing and asks nothing. Every event moves Seq on by
// one, and by one more when it completes the order's receipt, so a stored snapshot only moves
// forward.
func (o Order) Apply(ev Event) (Order, Outcome) {
	if o.Validate(ev) != nil {
		return o, Outcome{}
	}
	next := Order{State: o.State.clone(), Tolerance: o.Tolerance}
	s := &next.State
	var out Outcome
	switch ev := ev.(type) {
	case Delivered:
		s.Deliveries = ev.Batch
		if ev.ReceiptID != "" {
			s.pend(ev)
			out.Receipt = ev.ReceiptID
		}
		s.Seq++
	case ReceiptSealed:
		s.settle(ev.ReceiptID, true)
		s.Seq++
		out = s.advance(o.Tolerance)
	case ReceiptRefused:
		s.settle(ev.ReceiptID, false)
		s.Seq++
		out = s.advance(o.Tolerance)
	case InvoiceRegistered:
		s.InvoiceNo, s.InvoicedOn, s.Invoice = ev.InvoiceNo, ev.InvoicedOn, slices.Clone(ev.Lines)
		s.Seq++
		out = s.advance(o.Tolerance)
	case SettlementOpened:
		m := s.match(o.Tolerance)
		s.Match, s.Settlement, s.Status = &m, ev.CaseID, OrderSettling
		s.Seq++
		out.Payment = ev.CaseID
	case PaymentMade:
		s.Status = OrderPaid
		s.Seq++
		out.Consume = true
		if s.Match != nil { // always set while settling
			out.Paid = s.Match.InvoiceTotal
		}
	case PaymentRefused:
		// The match stays for whoever corrects the invoice to read.
		s.Status, s.Invoice, s.InvoiceNo, s.Settlement = OrderReceived, nil, "", ""
		s.Seq++
	}
	return next, out
}

// advance moves the order on after its receipts or its invoice changed: received in full and
// sealed, it is received; received and invoiced, its payment is to be opened.
func (o *OrderState) advance(t policy.Tolerance) Outcome {
	var out Outcome
	if o.Status == OrderOrdered && o.FullyReceived(t) {
		o.Status = OrderReceived
		o.Seq++
	}
	if o.Status == OrderReceived && o.Invoice != nil {
		m := o.match(t)
		out.Settle = &m
	}
	return out
}

func (o *OrderState) match(t policy.Tolerance) MatchResult {
	return Match(t, MatchFacts{Order: o.Lines, Invoice: o.Invoice})
}

// pend opens the receipt of a delivery's accepted lines: their quantities wait for the seals.
func (o *OrderState) pend(ev Delivered) {
	r := OpenReceipt{ReceiptID: ev.ReceiptID, DeliveryID: ev.DeliveryID}
	for _, v := range ev.Verdicts {
		if v.Accepted {
			r.Quantities = append(r.Quantities, LineQuantity{LineNo: v.LineNo, Quantity: v.Quantity})
			o.line(v.LineNo).Pending += v.Quantity
		}
	}
	o.Open = append(o.Open, r)
}

// settle closes an open receipt: sealed, its quantities are accepted; refused, they may be
// delivered again.
func (o *OrderState) settle(receiptID string, sealed bool) {
	i := o.open(receiptID)
	r := o.Open[i]
	o.Open = slices.Delete(o.Open, i, i+1)
	for _, q := range r.Quantities {
		l := o.line(q.LineNo)
		l.Pending -= q.Quantity
		if sealed {
			l.Accepted += q.Quantity
		}
	}
}

// clone copies everything Apply changes in place, so the order it was called on keeps its
// own. The match is replaced, never changed, and is shared.
func (o OrderState) clone() OrderState {
	c := o
	c.Lines = slices.Clone(o.Lines)
	c.Invoice = slices.Clone(o.Invoice)
	c.Open = make([]OpenReceipt, len(o.Open))
	for i, r := range o.Open {
		r.Quantities = slices.Clone(r.Quantities)
		c.Open[i] = r
	}
	if o.Open == nil {
		c.Open = nil
	}
	return c
}
