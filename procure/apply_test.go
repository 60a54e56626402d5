package procure

import (
	"slices"
	"testing"

	"signoff/policy"
)

// settleWant is what an outcome's Settle must be: none, or a match that does or does not agree.
type settleWant int

const (
	noSettle settleWant = iota
	settleMatched
	settleMismatched
)

// TestApplyTransitions applies each transition to an order brought where it applies, and
// checks the order it leaves and what it asks of the workflow.
func TestApplyTransitions(t *testing.T) {
	tenPercent := policy.Tolerance{QuantityBP: 1000}
	for _, tc := range []struct {
		name     string
		tol      policy.Tolerance
		from     []any
		event    any // an Event, or a func(Order) Event
		status   string
		accepted [2]int64
		pending  [2]int64
		open     []string
		seq      int // how far Seq moves
		receipt  string
		settle   settleWant
		payment  string
		paid     policy.Money // with Consume
		check    func(t *testing.T, s OrderState)
	}{
		{name: "a partial delivery opens a receipt whose quantities wait for the seals",
			event:  next("GR-1", accept(1, 4), refused(2)),
			status: OrderOrdered, pending: [2]int64{4, 0}, open: []string{"GR-1"}, seq: 1, receipt: "GR-1",
			check: func(t *testing.T, s OrderState) {
				if s.Deliveries != 1 || s.Lines[0].Remaining() != 6 || s.Lines[1].Remaining() != 5 {
					t.Errorf("deliveries %d, remaining %d and %d; want 1, 6 and 5", s.Deliveries, s.Lines[0].Remaining(), s.Lines[1].Remaining())
				}
				if q := s.Open[0].Quantities; len(q) != 1 || q[0] != (LineQuantity{LineNo: 1, Quantity: 4}) || s.Open[0].DeliveryID != "PO-1-D1" {
					t.Errorf("open receipt %+v, want 4 of line 1 from PO-1-D1", s.Open[0])
				}
			}},
		{name: "a delivery refused whole is counted and opens nothing",
			event:  next("", refused(1), refused(2)),
			status: OrderOrdered, seq: 1,
			check: func(t *testing.T, s OrderState) {
				if s.Deliveries != 1 || s.Open != nil {
					t.Errorf("deliveries %d, open %v; want 1 and none", s.Deliveries, s.Open)
				}
			}},
		{name: "a second delivery while the first waits counts what is pending",
			from:   []any{next("GR-1", accept(1, 4))},
			event:  next("GR-2", accept(1, 6), accept(2, 5)),
			status: OrderOrdered, pending: [2]int64{10, 5}, open: []string{"GR-1", "GR-2"}, seq: 1, receipt: "GR-2",
			check: func(t *testing.T, s OrderState) {
				if s.Deliveries != 2 || s.FullyReceived(policy.Tolerance{}) {
					t.Errorf("deliveries %d, fully received %v; want 2, not while receipts wait", s.Deliveries, s.FullyReceived(policy.Tolerance{}))
				}
			}},
		{name: "a sealed partial receipt is accepted; the order still waits",
			from:   []any{next("GR-1", accept(1, 4)), next("GR-2", accept(1, 6), accept(2, 5))},
			event:  ReceiptSealed{"GR-1"},
			status: OrderOrdered, accepted: [2]int64{4, 0}, pending: [2]int64{6, 5}, open: []string{"GR-2"}, seq: 1},
		{name: "partial deliveries sum to the order: the last seal receives it",
			from:   []any{next("GR-1", accept(1, 4)), ReceiptSealed{"GR-1"}, next("GR-2", accept(1, 6), accept(2, 5))},
			event:  ReceiptSealed{"GR-2"},
			status: OrderReceived, accepted: [2]int64{10, 5}, open: []string{}, seq: 2},
		{name: "a refused receipt gives its quantities back",
			from:   []any{next("GR-1", accept(1, 4)), ReceiptSealed{"GR-1"}, next("GR-2", accept(1, 6), accept(2, 5))},
			event:  ReceiptRefused{"GR-2"},
			status: OrderOrdered, accepted: [2]int64{4, 0}, open: []string{}, seq: 1,
			check: func(t *testing.T, s OrderState) {
				if s.Lines[0].Remaining() != 6 || s.Lines[1].Remaining() != 5 {
					t.Errorf("remaining %d and %d, want 6 and 5 to deliver again", s.Lines[0].Remaining(), s.Lines[1].Remaining())
				}
			}},
		{name: "a refused receipt that leaves the rest within tolerance receives the order",
			tol:    tenPercent,
			from:   []any{next("GR-1", accept(1, 9), accept(2, 5)), next("GR-2", accept(1, 1)), ReceiptSealed{"GR-1"}},
			event:  ReceiptRefused{"GR-2"},
			status: OrderReceived, accepted: [2]int64{9, 5}, open: []string{}, seq: 2},
		{name: "an invoice before the goods is kept and waits for them",
			from:   []any{next("GR-1", accept(1, 4))},
			event:  exactInvoice("FP-1"),
			status: OrderOrdered, pending: [2]int64{4, 0}, open: []string{"GR-1"}, seq: 1,
			check: func(t *testing.T, s OrderState) {
				if s.InvoiceNo != "FP-1" || !s.InvoicedOn.Equal(invoicedOn) || len(s.Invoice) != 2 {
					t.Errorf("invoice %s of %s, %v; want FP-1 with two lines", s.InvoiceNo, s.InvoicedOn, s.Invoice)
				}
			}},
		{name: "the last seal of an invoiced order receives it and asks for the payment",
			from:   []any{next("GR-1", accept(1, 10), accept(2, 5)), exactInvoice("FP-1")},
			event:  ReceiptSealed{"GR-1"},
			status: OrderReceived, accepted: [2]int64{10, 5}, open: []string{}, seq: 2, settle: settleMatched},
		{name: "an invoice for a received order asks for the payment",
			from:   receivedInFull,
			event:  exactInvoice("FP-1"),
			status: OrderReceived, accepted: [2]int64{10, 5}, open: []string{}, seq: 1, settle: settleMatched},
		{name: "an invoice beyond tolerance still asks for the payment, mismatched",
			from:   receivedInFull,
			event:  invoice("FP-1", InvoiceLine{LineNo: 1, Quantity: 10, Amount: 1000}, InvoiceLine{LineNo: 2, Quantity: 5, Amount: 1001}),
			status: OrderReceived, accepted: [2]int64{10, 5}, open: []string{}, seq: 1, settle: settleMismatched},
		{name: "the payment opened: settling with the match",
			from:   append(append([]any{}, receivedInFull...), exactInvoice("FP-1")),
			event:  SettlementOpened{"PAY-1"},
			status: OrderSettling, accepted: [2]int64{10, 5}, open: []string{}, seq: 1, payment: "PAY-1",
			check: func(t *testing.T, s OrderState) {
				if s.Settlement != "PAY-1" || s.Match == nil || !s.Match.Matched || s.Match.InvoiceTotal != 2000 {
					t.Errorf("settlement %q, match %+v; want PAY-1 matched on 20.00", s.Settlement, s.Match)
				}
			}},
		{name: "paid: the order closes and the budget is consumed by the invoice's total",
			from:   settling,
			event:  PaymentMade{"PAY-1"},
			status: OrderPaid, accepted: [2]int64{10, 5}, open: []string{}, seq: 1, paid: 2000},
		{name: "a refused payment waits for a corrected invoice",
			from:   settling,
			event:  PaymentRefused{"PAY-1"},
			status: OrderReceived, accepted: [2]int64{10, 5}, open: []string{}, seq: 1,
			check: func(t *testing.T, s OrderState) {
				if s.Invoice != nil || s.InvoiceNo != "" || s.Settlement != "" || !s.Invoiceable() || s.Receivable() {
					t.Errorf("after the refusal: %+v; want the invoice and the payment cleared, an invoice welcome, no delivery", s)
				}
			}},
		{name: "the corrected invoice asks for the payment again",
			from:   append(append([]any{}, settling...), PaymentRefused{"PAY-1"}),
			event:  exactInvoice("FP-2"),
			status: OrderReceived, accepted: [2]int64{10, 5}, open: []string{}, seq: 1, settle: settleMatched},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := history(t, tc.tol, tc.from...)
			ev, ok := tc.event.(Event)
			if !ok {
				ev = tc.event.(func(Order) Event)(o)
			}
			got, out := applied(t, o, ev)
			s := got.State
			if s.Status != tc.status {
				t.Errorf("status %s, want %s", s.Status, tc.status)
			}
			for i, l := range s.Lines {
				if l.Accepted != tc.accepted[i] || l.Pending != tc.pending[i] {
					t.Errorf("line %d: accepted %d, pending %d; want %d, %d", l.LineNo, l.Accepted, l.Pending, tc.accepted[i], tc.pending[i])
				}
			}
			var open []string
			for _, r := range s.Open {
				open = append(open, r.ReceiptID)
			}
			if !slices.Equal(open, tc.open) || (tc.open == nil) != (s.Open == nil) {
				t.Errorf("open receipts %v (nil %v), want %v", open, s.Open == nil, tc.open)
			}
			if d := s.Seq - o.State.Seq; d != tc.seq {
				t.Errorf("seq moved %d, want %d", d, tc.seq)
			}
			if out.Receipt != tc.receipt || out.Payment != tc.payment || out.Consume != (tc.paid != 0) || out.Paid != tc.paid {
				t.Errorf("outcome %+v, want receipt %q, payment %q, paid %s", out, tc.receipt, tc.payment, tc.paid)
			}
			switch {
			case tc.settle == noSettle && out.Settle != nil:
				t.Errorf("asks for the payment (%+v), want not", out.Settle)
			case tc.settle != noSettle && out.Settle == nil:
				t.Error("asks for no payment, want one")
			case tc.settle != noSettle && out.Settle.Matched != (tc.settle == settleMatched):
				t.Errorf("match %+v, want matched %v", out.Settle, tc.settle == settleMatched)
			}
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}

// The match the outcome asks the payment for is the one the order keeps once it is opened.
func TestSettlementOpenedKeepsTheMatchAskedFor(t *testing.T) {
	o := history(t, policy.Tolerance{}, receivedInFull...)
	o, out := applied(t, o, invoice("FP-1", InvoiceLine{LineNo: 1, Quantity: 10, Amount: 1000}, InvoiceLine{LineNo: 2, Quantity: 4, Amount: 800}))
	if out.Settle == nil || out.Settle.Matched || out.Settle.InvoiceTotal != 1800 {
		t.Fatalf("settle = %+v, want a mismatch on 18.00", out.Settle)
	}
	got, _ := applied(t, o, SettlementOpened{"PAY-1"})
	if got.State.Match == nil || got.State.Match.InvoiceTotal != out.Settle.InvoiceTotal || got.State.Match.Matched ||
		len(got.State.Match.Lines) != len(out.Settle.Lines) || got.State.Match.Lines[1].Invoiced != 4 {
		t.Errorf("kept match %+v, asked for %+v", got.State.Match, out.Settle)
	}
	_, paid := applied(t, got, PaymentMade{"PAY-1"})
	if !paid.Consume || paid.Paid != 1800 {
		t.Errorf("paid outcome %+v, want 18.00 consumed (the invoice's total)", paid)
	}
}

// Apply refuses what Validate refuses: the order stays and nothing is asked.
func TestApplyOfARefusedEventChangesNothing(t *testing.T) {
	o := history(t, policy.Tolerance{}, next("GR-1", accept(1, 4)))
	before := snapshot(t, o)
	for _, ev := range []Event{ReceiptSealed{"GR-9"}, SettlementOpened{"PAY-1"}, PaymentMade{"PAY-1"},
		delivered(o, "", accept(1, 7))} {
		got, out := o.Apply(ev)
		if snapshot(t, got) != before || out != (Outcome{}) {
			t.Errorf("Apply(%+v) = %+v, %+v; want the order unchanged and nothing asked", ev, got.State, out)
		}
	}
}
