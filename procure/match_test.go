package procure

import (
	"reflect"
	"testing"

	"signoff/policy"
)

// matchFacts is an order received and invoiced in full: line 1 is 1,000 at 10.00 and line 2
// 50 at 200.00, 20,000.00 in all. The amount tolerance is the larger of 50.00 and 0.5% of
// 20,000.00, so 100.00; the quantity tolerance is 1%, so 10 units on line 1 and 0 on line 2.
func matchFacts() (policy.Tolerance, MatchFacts) {
	return policy.Tolerance{Amount: 5_000, AmountBP: 50, QuantityBP: 100}, MatchFacts{
		Order: []OrderLine{
			{LineNo: 1, MaterialID: "M1", Quantity: 1000, UnitPrice: 1_000, Accepted: 1000},
			{LineNo: 2, MaterialID: "M2", Quantity: 50, UnitPrice: 20_000, Accepted: 50},
		},
		Invoice: []InvoiceLine{
			{LineNo: 1, Quantity: 1000, Amount: 1_000_000},
			{LineNo: 2, Quantity: 50, Amount: 1_000_000},
		},
	}
}

func TestMatch(t *testing.T) {
	amountDiffers := func(invoice string) Problem {
		return Problem{"invoice_total", "invoice_amount_differs", []any{invoice, "20,000.00", "100.00"}}
	}
	tests := []struct {
		name  string
		edit  func(*policy.Tolerance, *MatchFacts)
		lines [][]Problem // by order line; nil for a line that matches
		order []Problem
	}{
		{"all agree", func(*policy.Tolerance, *MatchFacts) {}, nil, nil},

		// Amounts: the basis points give the larger tolerance.
		{"over-invoiced by exactly the tolerance", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Invoice[0].Amount += 10_000
		}, nil, nil},
		{"over-invoiced by one cent more", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Invoice[0].Amount += 10_001
		}, nil, []Problem{amountDiffers("20,100.01")}},
		{"under-invoiced by exactly the tolerance", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Invoice[1].Amount -= 10_000
		}, nil, nil},
		{"under-invoiced by one cent more", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Invoice[1].Amount -= 10_001
		}, nil, []Problem{amountDiffers("19,899.99")}},

		// Amounts: the absolute amount gives the larger tolerance.
		{"absolute tolerance: exactly", func(t *policy.Tolerance, f *MatchFacts) {
			t.Amount = 20_000
			f.Invoice[0].Amount += 20_000
		}, nil, nil},
		{"absolute tolerance: one cent more", func(t *policy.Tolerance, f *MatchFacts) {
			t.Amount = 20_000
			f.Invoice[0].Amount -= 20_001
		}, nil, []Problem{{"invoice_total", "invoice_amount_differs", []any{"19,799.99", "20,000.00", "200.00"}}}},

		// Quantities.
		{"received short by exactly the tolerance", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Order[0].Accepted = 990
			f.Invoice[0] = InvoiceLine{LineNo: 1, Quantity: 990, Amount: 990_000}
		}, nil, nil},
		{"received short by one more", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Order[0].Accepted = 989
			f.Invoice[0] = InvoiceLine{LineNo: 1, Quantity: 989, Amount: 989_000}
		}, [][]Problem{{{"lines[0].received", "received_differs_order", []any{int64(989), int64(1000), int64(10)}}}, nil}, nil},
		{"received over by one more", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Order[1].Accepted = 51
			f.Invoice[1] = InvoiceLine{LineNo: 2, Quantity: 51, Amount: 1_020_000}
		}, [][]Problem{nil, {{"lines[1].received", "received_differs_order", []any{int64(51), int64(50), int64(0)}}}}, nil},
		{"invoiced over received by exactly the tolerance", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Invoice[0].Quantity = 1010
		}, nil, nil},
		{"invoiced over received by one more", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Invoice[0].Quantity = 1011
		}, [][]Problem{{{"lines[0].invoiced", "invoiced_differs_received", []any{int64(1011), int64(1000), int64(10)}}}, nil}, nil},
		{"invoiced under received by exactly the tolerance", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Invoice[0].Quantity = 990
		}, nil, nil},
		{"invoiced under received by one more", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Invoice[0].Quantity = 989
		}, [][]Problem{{{"lines[0].invoiced", "invoiced_differs_received", []any{int64(989), int64(1000), int64(10)}}}, nil}, nil},
		{"tolerance rounds down", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Invoice[1].Quantity = 49 // 1% of 50 is 0
		}, [][]Problem{nil, {{"lines[1].invoiced", "invoiced_differs_received", []any{int64(49), int64(50), int64(0)}}}}, nil},
		{"an order line invoiced on two lines is summed", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Invoice = []InvoiceLine{
				{LineNo: 1, Quantity: 400, Amount: 400_000},
				{LineNo: 2, Quantity: 50, Amount: 1_000_000},
				{LineNo: 1, Quantity: 600, Amount: 600_000},
			}
		}, nil, nil},

		// Missing and unknown lines.
		{"order line missing from the invoice", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Invoice = f.Invoice[:1]
		}, [][]Problem{nil, {{"lines[1].invoiced", "invoiced_differs_received", []any{int64(0), int64(50), int64(0)}}}},
			[]Problem{amountDiffers("10,000.00")}},
		{"invoice line for no order line", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Invoice = append(f.Invoice, InvoiceLine{LineNo: 9, Quantity: 1, Amount: 10_001})
		}, nil, []Problem{
			{"invoice[2].line_no", "invoice_unknown_line", []any{9}},
			amountDiffers("20,100.01"),
		}},

		// Partial receipts.
		{"partial receipt invoiced as received", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Order[0].Accepted = 600
			f.Invoice[0] = InvoiceLine{LineNo: 1, Quantity: 600, Amount: 600_000}
		}, [][]Problem{{{"lines[0].received", "received_differs_order", []any{int64(600), int64(1000), int64(10)}}}, nil}, nil},
		{"partial receipt invoiced in full", func(_ *policy.Tolerance, f *MatchFacts) {
			f.Order[0].Accepted = 600
		}, [][]Problem{{
			{"lines[0].received", "received_differs_order", []any{int64(600), int64(1000), int64(10)}},
			{"lines[0].invoiced", "invoiced_differs_received", []any{int64(1000), int64(600), int64(10)}},
		}, nil}, []Problem{{"invoice_total", "invoice_amount_differs", []any{"20,000.00", "16,000.00", "100.00"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tol, f := matchFacts()
			tt.edit(&tol, &f)
			got := Match(tol, f)
			wantLines := tt.lines
			if wantLines == nil {
				wantLines = make([][]Problem, len(f.Order))
			}
			if len(got.Lines) != len(wantLines) {
				t.Fatalf("Match gave %d lines, want %d", len(got.Lines), len(wantLines))
			}
			for i, lm := range got.Lines {
				if !reflect.DeepEqual(lm.Problems, wantLines[i]) {
					t.Errorf("line %d problems =\n  %v\nwant\n  %v", i, lm.Problems, wantLines[i])
				}
				if lm.Matched != (wantLines[i] == nil) {
					t.Errorf("line %d Matched = %v with problems %v", i, lm.Matched, wantLines[i])
				}
			}
			if !reflect.DeepEqual(got.Problems, tt.order) {
				t.Errorf("order problems =\n  %v\nwant\n  %v", got.Problems, tt.order)
			}
			wantMatched := tt.lines == nil && tt.order == nil
			if got.Matched != wantMatched {
				t.Errorf("Matched = %v, want %v", got.Matched, wantMatched)
			}
		})
	}
}

// TestMatchFigures checks the figures a reviewer reads, not only the verdict.
func TestMatchFigures(t *testing.T) {
	tol, f := matchFacts()
	f.Order[0].Accepted = 600
	f.Invoice = []InvoiceLine{
		{LineNo: 1, Quantity: 600, Amount: 600_000},
		{LineNo: 7, Quantity: 1, Amount: 1},
	}
	want := MatchResult{
		OrderTotal:      2_000_000,
		ReceivedTotal:   1_600_000,
		InvoiceTotal:    600_001,
		AmountTolerance: 10_000,
		Lines: []LineMatch{
			{LineNo: 1, Ordered: 1000, Received: 600, Invoiced: 600, QuantityTolerance: 10,
				OrderedValue: 1_000_000, ReceivedValue: 600_000, InvoicedAmount: 600_000,
				Problems: []Problem{{"lines[0].received", "received_differs_order", []any{int64(600), int64(1000), int64(10)}}}},
			{LineNo: 2, Ordered: 50, Received: 50, Invoiced: 0, QuantityTolerance: 0,
				OrderedValue: 1_000_000, ReceivedValue: 1_000_000, InvoicedAmount: 0,
				Problems: []Problem{{"lines[1].invoiced", "invoiced_differs_received", []any{int64(0), int64(50), int64(0)}}}},
		},
		Problems: []Problem{
			{"invoice[1].line_no", "invoice_unknown_line", []any{7}},
			{"invoice_total", "invoice_amount_differs", []any{"6,000.01", "16,000.00", "100.00"}},
		},
	}
	if got := Match(tol, f); !reflect.DeepEqual(got, want) {
		t.Errorf("Match =\n  %+v\nwant\n  %+v", got, want)
	}
}
