package procure

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"signoff/policy"
)

func accept(line int, q int64) Verdict { return Verdict{LineNo: line, Accepted: true, Quantity: q} }

func refused(line int) Verdict {
	return Verdict{LineNo: line, Problems: []Problem{{Field: "lines[0].spec", Key: "spec_differs"}}}
}

// delivered is the order's next delivery with these verdicts and, if receipt is not "", the
// receipt of its accepted lines.
func delivered(o Order, receipt string, vs ...Verdict) Delivered {
	id, batch := o.State.NextDelivery()
	return Delivered{Actor: "he.ping", DeliveryID: id, Batch: batch, ReceiptID: receipt, Verdicts: vs}
}

var invoicedOn = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

func invoice(no string, lines ...InvoiceLine) InvoiceRegistered {
	return InvoiceRegistered{Actor: "sun.min", InvoiceNo: no, InvoicedOn: invoicedOn, Lines: lines}
}

// exactInvoice invoices the two-line order exactly as ordered.
func exactInvoice(no string) InvoiceRegistered {
	return invoice(no, InvoiceLine{LineNo: 1, Quantity: 10, Amount: 1000}, InvoiceLine{LineNo: 2, Quantity: 5, Amount: 1000})
}

// history builds an order from the two-line order by events that must all be accepted; an event
// built from the order as it stands comes as a func.
func history(t *testing.T, tol policy.Tolerance, events ...any) Order {
	t.Helper()
	o := Order{State: twoLineOrder(), Tolerance: tol}
	for i, e := range events {
		var ev Event
		switch e := e.(type) {
		case Event:
			ev = e
		case func(Order) Event:
			ev = e(o)
		default:
			t.Fatalf("history event %d: %T is no event", i, e)
		}
		if err := o.Validate(ev); err != nil {
			t.Fatalf("history event %d (%T): %v", i, ev, err)
		}
		o, _ = o.Apply(ev)
	}
	return o
}

// next defers building a delivery until the order it is for is known.
func next(receipt string, vs ...Verdict) func(Order) Event {
	return func(o Order) Event { return delivered(o, receipt, vs...) }
}

// received in full by one sealed delivery.
var receivedInFull = []any{next("GR-1", accept(1, 10), accept(2, 5)), ReceiptSealed{"GR-1"}}

// settling: received in full, invoiced exactly and with its payment PAY-1.
var settling = append(append([]any{}, receivedInFull...), exactInvoice("FP-1"), SettlementOpened{"PAY-1"})

func paid() []any { return append(append([]any{}, settling...), PaymentMade{"PAY-1"}) }

// snapshot is the order as JSON, to see that Apply left it as it was.
func snapshot(t *testing.T, o Order) string {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// applied applies an event that must be accepted, and checks that Apply is pure (the order it
// was called on is unchanged) and deterministic (a second call gives the same).
func applied(t *testing.T, o Order, ev Event) (Order, Outcome) {
	t.Helper()
	if err := o.Validate(ev); err != nil {
		t.Fatalf("%T refused: %v", ev, err)
	}
	before := snapshot(t, o)
	got, out := o.Apply(ev)
	if after := snapshot(t, o); after != before {
		t.Fatalf("Apply(%T) changed the order it was called on:\nbefore %s\nafter  %s", ev, before, after)
	}
	again, out2 := o.Apply(ev)
	if !reflect.DeepEqual(got, again) || !reflect.DeepEqual(out, out2) {
		t.Fatalf("Apply(%T) twice differs: %+v / %+v", ev, got, again)
	}
	return got, out
}
