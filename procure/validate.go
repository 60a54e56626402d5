package procure

import (
	"slices"
)

// Validate decides whether the event may happen to the order now. It reads the order and
// never changes it, so a Temporal update validator can call it: a refused event never enters
// history. Every refusal is a *Refusal.
func (o Order) Validate(ev Event) error {
	s := o.State
	switch ev := ev.(type) {
	case Delivered:
		if err := s.refuseDelivery(ev.Actor); err != nil {
			return err
		}
		return s.refuseVerdicts(ev)
	case ReceiptSealed:
		return s.refuseSeals(ev.ReceiptID)
	case ReceiptRefused:
		return s.refuseSeals(ev.ReceiptID)
	case InvoiceRegistered:
		if ev.Actor == "" || ev.InvoiceNo == "" {
			return refuse(CodeInvalidAction, "an invoice needs its number and who registers it")
		}
		if err := s.refuseInvoice(); err != nil {
			return err
		}
		if bad := s.InvoiceProblems(ev.Lines); len(bad) > 0 {
			r := refuse(CodeInvalidAction, "the invoice does not fit order %s: %s %s", s.OrderID, bad[0].Field, bad[0].Key)
			r.Problems = bad
			return r
		}
		return nil
	case SettlementOpened:
		switch {
		case s.Closed():
			return closed(s)
		case s.Status != OrderReceived || s.Invoice == nil:
			return refuse(CodeNotAllowedNow, "order %s is %s without an invoice to pay", s.OrderID, s.Status)
		case ev.CaseID == "":
			return refuse(CodeInvalidAction, "a payment case needs its number")
		}
		return nil
	case PaymentMade:
		return s.refusePayment(ev.CaseID)
	case PaymentRefused:
		return s.refusePayment(ev.CaseID)
	default:
		return refuse(CodeInvalidAction, "unknown order event %T", ev)
	}
}

// refuseDelivery says why the actor may not register a delivery now, or nil.
func (o OrderState) refuseDelivery(actor string) error {
	if actor == "" {
		return refuse(CodeInvalidAction, "no actor")
	}
	return o.refuseDeliveries()
}

// refuseDeliveries says why the order takes no delivery now, or nil: only an order still
// waiting for goods does.
func (o OrderState) refuseDeliveries() error {
	switch {
	case o.Closed():
		return closed(o)
	case o.Status != OrderOrdered:
		return refuse(CodeNotAllowedNow, "order %s is %s and takes no more deliveries", o.OrderID, o.Status)
	}
	return nil
}

// refuseVerdicts checks a delivery's number and verdicts against the order: the next number,
// one verdict per order line at most, an accepted quantity above zero and within what remains,
// a refused line accepting nothing, and a receipt only for accepted lines and only once.
func (o OrderState) refuseVerdicts(ev Delivered) error {
	if id, batch := o.NextDelivery(); ev.DeliveryID != id || ev.Batch != batch {
		return refuse(CodeInvalidAction, "delivery %s (batch %d) is not order %s's next, %s", ev.DeliveryID, ev.Batch, o.OrderID, id)
	}
	if len(ev.Verdicts) == 0 {
		return refuse(CodeInvalidAction, "delivery %s has no lines", ev.DeliveryID)
	}
	seen := map[int]bool{}
	accepted := false
	for _, v := range ev.Verdicts {
		l := o.line(v.LineNo)
		switch {
		case l == nil:
			return refuse(CodeInvalidAction, "delivery %s names line %d, which is not on the order", ev.DeliveryID, v.LineNo)
		case seen[v.LineNo]:
			return refuse(CodeInvalidAction, "delivery %s judges line %d twice", ev.DeliveryID, v.LineNo)
		case v.Accepted && v.Quantity <= 0:
			return refuse(CodeInvalidAction, "delivery %s accepts %d of line %d", ev.DeliveryID, v.Quantity, v.LineNo)
		case v.Accepted && v.Quantity > l.Remaining():
			return refuse(CodeInvalidAction, "delivery %s accepts %d of line %d, of which %d remain", ev.DeliveryID, v.Quantity, v.LineNo, l.Remaining())
		case !v.Accepted && v.Quantity != 0:
			return refuse(CodeInvalidAction, "delivery %s refuses line %d yet counts %d accepted", ev.DeliveryID, v.LineNo, v.Quantity)
		}
		seen[v.LineNo] = true
		accepted = accepted || v.Accepted
	}
	switch {
	case ev.ReceiptID != "" && !accepted:
		return refuse(CodeInvalidAction, "receipt %s for delivery %s, which accepts no line", ev.ReceiptID, ev.DeliveryID)
	case ev.ReceiptID != "" && o.open(ev.ReceiptID) >= 0:
		return refuse(CodeInvalidAction, "receipt %s is already open on order %s", ev.ReceiptID, o.OrderID)
	}
	return nil
}

// refuseSeals says why a receipt's end does not concern the order, or nil.
func (o OrderState) refuseSeals(receiptID string) error {
	switch {
	case o.Closed():
		return closed(o)
	case o.open(receiptID) < 0:
		return refuse(CodeNotAllowedNow, "order %s waits for no receipt %s", o.OrderID, receiptID)
	}
	return nil
}

// refuseInvoice says why the order's invoice may not be registered now, or nil: it may until
// its payment is opened, and again after the payment is refused.
func (o OrderState) refuseInvoice() error {
	switch {
	case o.Closed():
		return closed(o)
	case o.Status != OrderOrdered && o.Status != OrderReceived:
		return refuse(CodeNotAllowedNow, "order %s is %s: its invoice can no longer change", o.OrderID, o.Status)
	}
	return nil
}

// refusePayment says why a payment case's end does not concern the order, or nil.
func (o OrderState) refusePayment(caseID string) error {
	switch {
	case o.Closed():
		return closed(o)
	case o.Status != OrderSettling:
		return refuse(CodeNotAllowedNow, "order %s is %s and waits for no payment", o.OrderID, o.Status)
	case caseID != o.Settlement:
		return refuse(CodeInvalidAction, "payment %s is not order %s's, %s", caseID, o.OrderID, o.Settlement)
	}
	return nil
}

func closed(s OrderState) error {
	return refuse(CodeCaseClosed, "order %s is paid and closed", s.OrderID)
}

// open is the index of the open receipt, or -1.
func (o OrderState) open(receiptID string) int {
	return slices.IndexFunc(o.Open, func(r OpenReceipt) bool { return r.ReceiptID == receiptID })
}
