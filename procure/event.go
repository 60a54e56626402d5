package procure

import (
	"fmt"
	"time"

	"signoff/policy"
)

// Event is something that happens to a purchase order. Validate says whether it may happen
// now; Apply carries it out. The order's workflow makes each one from an Update (a delivery,
// an invoice) or from the end of a case it opened (a receipt's seals, a payment).
type Event interface{ orderEvent() }

// Delivered is a delivery registered with the keeper's verdict on each of its lines.
// ReceiptID is the receipt case the store opened for the accepted lines, to be sealed by the
// keeper and the accountant; "" when no line was accepted (or the accepted ones are worth
// nothing, so there is nothing to seal and nothing waits).
type Delivered struct {
	Actor      string
	DeliveryID string // the order's next delivery, as NextDelivery numbers it
	Batch      int    // its number among the order's deliveries, from 1
	ReceiptID  string
	Verdicts   []Verdict // one per delivered line, as Inspect judged them
}

// ReceiptSealed: the receipt has both seals; its quantities are accepted (入库).
type ReceiptSealed struct{ ReceiptID string }

// ReceiptRefused: the receipt was refused or withdrawn, or its workflow failed; its quantities
// may be delivered again.
type ReceiptRefused struct{ ReceiptID string }

// InvoiceRegistered is the supplier's invoice for the order, or a corrected one after a refused
// payment.
type InvoiceRegistered struct {
	Actor      string
	InvoiceNo  string
	InvoicedOn time.Time
	Lines      []InvoiceLine
}

// SettlementOpened: the payment case (PAY-…) of an order received in full and invoiced was
// opened, as the outcome's Settle asked.
type SettlementOpened struct{ CaseID string }

// PaymentMade: the cashier paid the order's payment case. The order closes.
type PaymentMade struct{ CaseID string }

// PaymentRefused: the payment case ended unpaid (a reviewer would not accept the invoice). The
// order waits for a corrected invoice.
type PaymentRefused struct{ CaseID string }

func (Delivered) orderEvent()         {}
func (ReceiptSealed) orderEvent()     {}
func (ReceiptRefused) orderEvent()    {}
func (InvoiceRegistered) orderEvent() {}
func (SettlementOpened) orderEvent()  {}
func (PaymentMade) orderEvent()       {}
func (PaymentRefused) orderEvent()    {}

// Delivery is a delivery as the keeper registers it, with the facts its inspection needs.
type Delivery struct {
	Actor     string
	Day       time.Time // the receiving day, midnight UTC
	Rules     policy.Procurement
	Materials map[string]Material // by ID, for the order's lines
	Lines     []DeliveryLine
}

// Receive inspects a delivery against the order as it stands (验收) and returns the event that
// registers it, with the next delivery number and each line's verdict but no receipt yet: the
// store numbers the receipt of the accepted lines, and the workflow sets ReceiptID before it
// applies the event. It is refused when the order takes no delivery now, or when the delivery's
// form does not fit the order (its Problems say where).
func (o Order) Receive(d Delivery) (Delivered, error) {
	if err := o.State.refuseDelivery(d.Actor); err != nil {
		return Delivered{}, err
	}
	verdicts, bad := Inspect(d.Rules, InspectFacts{Day: d.Day, SupplierID: o.State.SupplierID,
		Materials: d.Materials, Order: o.State.Lines, Lines: d.Lines})
	if len(bad) > 0 {
		return Delivered{}, &Refusal{Code: CodeInvalidAction, Problems: bad,
			Message: fmt.Sprintf("the delivery does not fit order %s: %s %s", o.State.OrderID, bad[0].Field, bad[0].Key)}
	}
	id, batch := o.State.NextDelivery()
	ev := Delivered{Actor: d.Actor, DeliveryID: id, Batch: batch, Verdicts: verdicts}
	return ev, o.Validate(ev)
}
