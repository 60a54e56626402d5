package service

import "testing"

// TestCheckInvoice: an invoice needs its number and day; a line may bill 0 units but never a
// negative or fractional number, nor an amount of nothing.
func TestCheckInvoice(t *testing.T) {
	line := func(q, a string) InvoiceLineInput {
		return InvoiceLineInput{LineNo: 1, Quantity: TypedAmount(q), Amount: TypedAmount(a)}
	}
	tests := []struct {
		name string
		in   InvoiceInput
		want map[string]string
	}{
		{"whole", InvoiceInput{InvoiceNo: "FP-1", InvoicedOn: "2026-01-02", Lines: []InvoiceLineInput{line("2", "10.00")}}, nil},
		{"a line of none", InvoiceInput{InvoiceNo: "FP-1", InvoicedOn: "2026-01-02", Lines: []InvoiceLineInput{line("0", "10.00")}}, nil},
		{"nothing", InvoiceInput{Lines: []InvoiceLineInput{line("-1", "")}}, map[string]string{"invoice_no": "required",
			"invoiced_on": "required", "lines[0].quantity": "quantity_positive", "lines[0].amount": "required"}},
		{"not a day", InvoiceInput{InvoiceNo: "FP-1", InvoicedOn: "tomorrow"}, map[string]string{"invoiced_on": "date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, bad := checkInvoice(tt.in, "guo.hua")
			if len(bad) != len(tt.want) {
				t.Fatalf("problems %v, want %v", bad, tt.want)
			}
			for f, key := range tt.want {
				if bad[f].Key != key {
					t.Errorf("%s: %q, want %q", f, bad[f].Key, key)
				}
			}
		})
	}
}
