package procure

import (
	"errors"
	"strings"
	"testing"
	"time"

	"signoff/policy"
)

// TestValidateRefusals: each event that does not fit the order is refused with its code, and
// Apply then leaves the order as it was.
func TestValidateRefusals(t *testing.T) {
	received := receivedInFull
	for _, tc := range []struct {
		name  string
		from  []any
		event any // an Event, or a func(Order) Event
		code  Code
		want  string // in the message
	}{
		{"a delivery without an actor", nil, func(o Order) Event { d := delivered(o, "", accept(1, 1)); d.Actor = ""; return d },
			CodeInvalidAction, "no actor"},
		{"a delivery to a received order", received, next("", accept(1, 1)), CodeNotAllowedNow, "takes no more deliveries"},
		{"a delivery to an order being paid", settling, next("", accept(1, 1)), CodeNotAllowedNow, "is settling"},
		{"a delivery out of turn", nil, Delivered{Actor: "he.ping", DeliveryID: "PO-1-D2", Batch: 2, Verdicts: []Verdict{accept(1, 1)}},
			CodeInvalidAction, "not order PO-1's next, PO-1-D1"},
		{"a delivery numbered apart from its batch", nil, Delivered{Actor: "he.ping", DeliveryID: "PO-1-D1", Batch: 2, Verdicts: []Verdict{accept(1, 1)}},
			CodeInvalidAction, "not order PO-1's next"},
		{"a delivery without lines", nil, next(""), CodeInvalidAction, "has no lines"},
		{"a verdict on a line not ordered", nil, next("GR-1", accept(3, 1)), CodeInvalidAction, "line 3, which is not on the order"},
		{"a line judged twice", nil, next("GR-1", accept(1, 1), refused(1)), CodeInvalidAction, "judges line 1 twice"},
		{"nothing accepted of an accepted line", nil, next("GR-1", accept(1, 0)), CodeInvalidAction, "accepts 0 of line 1"},
		{"more accepted than remains, counting what waits", []any{next("GR-1", accept(1, 7))}, next("GR-2", accept(1, 4)),
			CodeInvalidAction, "of which 3 remain"},
		{"a refused line counted accepted", nil, next("", Verdict{LineNo: 1, Quantity: 2}), CodeInvalidAction, "refuses line 1 yet counts 2"},
		{"a receipt for a delivery refused whole", nil, next("GR-1", refused(1)), CodeInvalidAction, "accepts no line"},
		{"a receipt opened twice", []any{next("GR-1", accept(1, 1))}, next("GR-1", accept(1, 1)), CodeInvalidAction, "already open"},
		{"seals on a receipt the order does not wait for", []any{next("GR-1", accept(1, 1))}, ReceiptSealed{"GR-2"},
			CodeNotAllowedNow, "waits for no receipt GR-2"},
		{"a receipt sealed twice", []any{next("GR-1", accept(1, 1)), ReceiptSealed{"GR-1"}}, ReceiptSealed{"GR-1"},
			CodeNotAllowedNow, "waits for no receipt GR-1"},
		{"a refusal of a receipt the order does not wait for", nil, ReceiptRefused{"GR-1"}, CodeNotAllowedNow, "waits for no receipt"},
		{"an invoice without who registers it", nil, InvoiceRegistered{InvoiceNo: "FP-1", Lines: exactInvoice("").Lines},
			CodeInvalidAction, "needs its number"},
		{"an invoice without its number", nil, invoice("", exactInvoice("").Lines...), CodeInvalidAction, "needs its number"},
		{"an invoice without lines", nil, invoice("FP-1"), CodeInvalidAction, "lines lines_empty"},
		{"an invoice for a line not ordered", nil, invoice("FP-1", InvoiceLine{LineNo: 7, Quantity: 1, Amount: 1}),
			CodeInvalidAction, "lines[0].line_no unknown_order_line"},
		{"an invoice while the payment is open", settling, exactInvoice("FP-2"), CodeNotAllowedNow, "can no longer change"},
		{"a payment opened before everything is received and sealed", []any{next("GR-1", accept(1, 10), accept(2, 5)), exactInvoice("FP-1")},
			SettlementOpened{"PAY-1"}, CodeNotAllowedNow, "is ordered without an invoice to pay"},
		{"a payment opened without an invoice", received, SettlementOpened{"PAY-1"}, CodeNotAllowedNow, "without an invoice"},
		{"a payment opened twice", settling, SettlementOpened{"PAY-2"}, CodeNotAllowedNow, "is settling"},
		{"a payment opened without its number", append(append([]any{}, received...), exactInvoice("FP-1")), SettlementOpened{},
			CodeInvalidAction, "needs its number"},
		{"a payment made before one is opened", append(append([]any{}, received...), exactInvoice("FP-1")), PaymentMade{"PAY-1"},
			CodeNotAllowedNow, "waits for no payment"},
		{"a payment of another case", settling, PaymentMade{"PAY-9"}, CodeInvalidAction, "not order PO-1's, PAY-1"},
		{"a payment refused twice", append(append([]any{}, settling...), PaymentRefused{"PAY-1"}), PaymentRefused{"PAY-1"},
			CodeNotAllowedNow, "waits for no payment"},
		{"a payment refused of another case", settling, PaymentRefused{"PAY-9"}, CodeInvalidAction, "not order PO-1's"},
		{"an event the order does not know", nil, strangeEvent{}, CodeInvalidAction, "unknown order event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := history(t, policy.Tolerance{}, tc.from...)
			ev, ok := tc.event.(Event)
			if !ok {
				ev = tc.event.(func(Order) Event)(o)
			}
			assertRefused(t, o, ev, tc.code, tc.want)
		})
	}
}

type strangeEvent struct{}

func (strangeEvent) orderEvent() {}

// A paid order is closed: every event is refused as such.
func TestClosedOrderRefusesEverything(t *testing.T) {
	o := history(t, policy.Tolerance{}, paid()...)
	if !o.State.Closed() || o.State.Receivable() || o.State.Invoiceable() {
		t.Fatalf("paid order: closed %v, receivable %v, invoiceable %v", o.State.Closed(), o.State.Receivable(), o.State.Invoiceable())
	}
	for _, ev := range []Event{delivered(o, "GR-2", accept(1, 1)), ReceiptSealed{"GR-1"}, ReceiptRefused{"GR-1"},
		exactInvoice("FP-2"), SettlementOpened{"PAY-2"}, PaymentMade{"PAY-1"}, PaymentRefused{"PAY-1"}} {
		assertRefused(t, o, ev, CodeCaseClosed, "PO-1 is paid and closed")
	}
	if _, err := o.Receive(Delivery{Actor: "he.ping", Lines: []DeliveryLine{{LineNo: 1, Quantity: 1}}}); codeOf(err) != CodeCaseClosed {
		t.Errorf("Receive on a paid order: %v, want %s", err, CodeCaseClosed)
	}
}

func assertRefused(t *testing.T, o Order, ev Event, code Code, want string) {
	t.Helper()
	err := o.Validate(ev)
	var r *Refusal
	if !errors.As(err, &r) {
		t.Fatalf("Validate(%+v) = %v, want a refusal %s", ev, err, code)
	}
	if r.Code != code || !strings.Contains(r.Message, want) {
		t.Errorf("Validate(%T) = %s %q, want %s containing %q", ev, r.Code, r.Message, code, want)
	}
	before := snapshot(t, o)
	got, out := o.Apply(ev)
	if snapshot(t, got) != before || out != (Outcome{}) {
		t.Errorf("Apply of a refused %T changed the order or asked %+v", ev, out)
	}
}

func codeOf(err error) Code {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Code
	}
	return ""
}

// Receive judges a delivery against the order as it stands: the next number, a verdict per
// line, no receipt yet; refused before inspection when the order takes no delivery, and with
// the form's problems when the form does not fit.
func TestReceive(t *testing.T) {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	line := func(no int, q int64, spec string, price policy.Money) DeliveryLine {
		return DeliveryLine{LineNo: no, Quantity: q, NoteQuantity: q, Spec: spec, UnitPrice: price, SupplierID: "SUP-1",
			Manufacturer: "M", Batch: "B1"}
	}
	o := history(t, policy.Tolerance{}, next("GR-1", accept(1, 4)))
	ev, err := o.Receive(Delivery{Actor: "he.ping", Day: day, Lines: []DeliveryLine{line(1, 6, "A", 100), line(2, 5, "wrong", 200)}})
	if err != nil {
		t.Fatal(err)
	}
	if ev.DeliveryID != "PO-1-D2" || ev.Batch != 2 || ev.ReceiptID != "" || ev.Actor != "he.ping" {
		t.Errorf("event %+v, want PO-1-D2 (batch 2) by he.ping without a receipt yet", ev)
	}
	if len(ev.Verdicts) != 2 || !ev.Verdicts[0].Accepted || ev.Verdicts[0].Quantity != 6 || ev.Verdicts[1].Accepted {
		t.Errorf("verdicts %+v, want the 6 remaining of line 1 accepted and line 2 refused", ev.Verdicts)
	}
	ev.ReceiptID = "GR-2"
	if err := o.Validate(ev); err != nil {
		t.Errorf("the received delivery with its receipt is refused: %v", err)
	}
	// One more than remains is refused as a line, not as the delivery.
	if ev, err := o.Receive(Delivery{Actor: "he.ping", Day: day, Lines: []DeliveryLine{line(1, 7, "A", 100)}}); err != nil ||
		ev.Verdicts[0].Accepted || ev.Verdicts[0].Problems[0].Key != "over_delivery" {
		t.Errorf("over-delivery: %+v, %v; want the line refused for it", ev, err)
	}

	_, err = o.Receive(Delivery{Actor: "he.ping", Day: day, Lines: []DeliveryLine{line(9, 1, "A", 100)}})
	var r *Refusal
	if !errors.As(err, &r) || r.Code != CodeInvalidAction || len(r.Problems) != 1 || r.Problems[0].Key != "unknown_order_line" {
		t.Errorf("a line not ordered: %v (%+v), want invalid_action with its problem", err, r)
	}
	if _, err := o.Receive(Delivery{Day: day, Lines: []DeliveryLine{line(1, 1, "A", 100)}}); codeOf(err) != CodeInvalidAction {
		t.Errorf("no actor: %v, want %s", err, CodeInvalidAction)
	}
	done := history(t, policy.Tolerance{}, receivedInFull...)
	// The status is refused before the form: a received order takes no delivery at all.
	if _, err := done.Receive(Delivery{Actor: "he.ping", Day: day, Lines: []DeliveryLine{line(9, 1, "A", 100)}}); codeOf(err) != CodeNotAllowedNow {
		t.Errorf("a delivery to a received order: %v, want %s", err, CodeNotAllowedNow)
	}
}
