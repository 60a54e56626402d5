package procure

import (
	"testing"

	"signoff/policy"
)

func twoLineOrder() OrderState {
	return OrderState{OrderID: "PO-1", CaseID: "PR-1", SupplierID: "SUP-1", Status: OrderOrdered, Lines: []OrderLine{
		{LineNo: 1, Quantity: 10, UnitPrice: 100, Spec: "A"},
		{LineNo: 2, Quantity: 5, UnitPrice: 200, Spec: "B"},
	}}
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
	o := twoLineOrder()
	o.Lines[0].Accepted, o.Lines[1].Accepted = 10, 5
	o.Open = []OpenReceipt{{ReceiptID: "GR-9"}}
	if o.FullyReceived(policy.Tolerance{}) {
		t.Error("fully received while a receipt waits for its seals")
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
}

// Receivable and Invoiceable, which the pages and the gateway ask, answer as Validate does.
func TestReceivableAndInvoiceableByStatus(t *testing.T) {
	for _, tc := range []struct {
		status                 string
		receivable, invoiceble bool
	}{
		{OrderOrdered, true, true},
		{OrderReceived, false, true},
		{OrderSettling, false, false},
		{OrderPaid, false, false},
	} {
		o := twoLineOrder()
		o.Status = tc.status
		if o.Receivable() != tc.receivable || o.Invoiceable() != tc.invoiceble {
			t.Errorf("%s: receivable %v, invoiceable %v; want %v, %v", tc.status, o.Receivable(), o.Invoiceable(), tc.receivable, tc.invoiceble)
		}
		m := Order{State: o}
		id, batch := o.NextDelivery()
		delivered := m.Validate(Delivered{Actor: "k", DeliveryID: id, Batch: batch, Verdicts: []Verdict{accept(1, 1)}}) == nil
		invoiced := m.Validate(InvoiceRegistered{Actor: "a", InvoiceNo: "FP", Lines: []InvoiceLine{{LineNo: 1, Quantity: 1, Amount: 1}}}) == nil
		if delivered != tc.receivable || invoiced != tc.invoiceble {
			t.Errorf("%s: Validate takes a delivery %v, an invoice %v; the predicates say %v, %v", tc.status, delivered, invoiced, tc.receivable, tc.invoiceble)
		}
	}
}

func TestNextDeliveryCountsOverTheOrdersLife(t *testing.T) {
	o := twoLineOrder()
	o.Deliveries = 20 // carried over continue-as-new
	if id, batch := o.NextDelivery(); id != "PO-1-D21" || batch != 21 {
		t.Errorf("next delivery = %s (%d), want PO-1-D21 (21)", id, batch)
	}
}
