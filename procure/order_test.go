package procure

import (
	"testing"

	"signoff/policy"
)

func twoLineOrder() *OrderState {
	return &OrderState{OrderID: "PO-1", Status: OrderOrdered, Lines: []OrderLine{
		{LineNo: 1, Quantity: 10, UnitPrice: 100},
		{LineNo: 2, Quantity: 5, UnitPrice: 200},
	}}
}

func accept(line int, q int64) Verdict { return Verdict{LineNo: line, Accepted: true, Quantity: q} }

// Partial deliveries add up to the order; a refused receipt gives its quantities back.
func TestOrderPartialReceiptsSumToTheOrder(t *testing.T) {
	o := twoLineOrder()
	tol := policy.Tolerance{}
	o.Pend("GR-1", "PO-1-D1", []Verdict{accept(1, 4), {LineNo: 2, Accepted: false}})
	if o.Lines[0].Pending != 4 || o.Lines[0].Remaining() != 6 {
		t.Fatalf("after the first receipt: %+v", o.Lines[0])
	}
	o.Pend("GR-2", "PO-1-D2", []Verdict{accept(1, 6), accept(2, 5)})
	if o.FullyReceived(tol) {
		t.Fatal("fully received while receipts wait for their seals")
	}
	if _, ok := o.Settle("GR-1", true); !ok {
		t.Fatal("GR-1 was not open")
	}
	if _, ok := o.Settle("GR-1", true); ok {
		t.Fatal("GR-1 settled twice")
	}
	o.Settle("GR-2", false) // refused: 6 and 5 may come again
	if o.Lines[0].Accepted != 4 || o.Lines[0].Pending != 0 || o.Lines[1].Remaining() != 5 {
		t.Fatalf("after a sealed and a refused receipt: %+v", o.Lines)
	}
	o.Pend("GR-3", "PO-1-D3", []Verdict{accept(1, 6), accept(2, 5)})
	o.Settle("GR-3", true)
	if !o.FullyReceived(tol) || o.Lines[0].Accepted != 10 || o.Lines[1].Accepted != 5 {
		t.Errorf("three partial deliveries should complete the order: %+v", o.Lines)
	}
	if o.Total() != 2000 {
		t.Errorf("total = %s, want 20.00", o.Total())
	}
}

// With a quantity tolerance, an order received just short of the ordered quantity counts as
// received; one unit more short does not.
func TestOrderFullyReceivedWithinTolerance(t *testing.T) {
	tol := policy.Tolerance{QuantityBP: 1000} // 10 %: one of ten
	for _, tc := range []struct {
		accepted int64
		want     bool
	}{{10, true}, {9, true}, {8, false}} {
		o := twoLineOrder()
		o.Lines[0].Accepted, o.Lines[1].Accepted = tc.accepted, 5
		if got := o.FullyReceived(tol); got != tc.want {
			t.Errorf("accepted %d of 10: fully received = %v, want %v", tc.accepted, got, tc.want)
		}
	}
}

func TestInvoiceProblems(t *testing.T) {
	o := twoLineOrder()
	if p := o.InvoiceProblems(nil); len(p) != 1 || p[0].Key != "lines_empty" {
		t.Errorf("empty invoice: %v", p)
	}
	p := o.InvoiceProblems([]InvoiceLine{{LineNo: 1, Quantity: 10, Amount: 1000}, {LineNo: 1, Quantity: 1, Amount: 1},
		{LineNo: 9, Quantity: 1, Amount: 1}, {LineNo: 2, Quantity: -1, Amount: 0}})
	keys := map[string]string{}
	for _, x := range p {
		keys[x.Field] = x.Key
	}
	want := map[string]string{"lines[1].line_no": "line_twice", "lines[2].line_no": "unknown_order_line",
		"lines[3].quantity": "negative", "lines[3].amount": "amount_positive"}
	for f, k := range want {
		if keys[f] != k {
			t.Errorf("%s: got %q, want %q (all: %v)", f, keys[f], k, keys)
		}
	}
	if len(p) != len(want) {
		t.Errorf("problems = %v, want exactly %v", p, want)
	}
	if !o.Invoiceable() || !o.Receivable() {
		t.Error("an ordered order takes deliveries and an invoice")
	}
	o.Status = OrderSettling
	if o.Invoiceable() || o.Receivable() {
		t.Error("an order being paid takes neither")
	}
}
