package procure

import (
	"reflect"
	"testing"

	"signoff/policy"
)

// inspectFacts is a delivery of two lines that are both accepted. Line 1 has 100 ordered,
// 30 accepted and 20 pending, so 50 remain; line 2's material must state an expiry. The
// receiving day is 2026-03-10 and the window 180 days, so goods expiring on 2026-09-06 pass.
func inspectFacts() (policy.Procurement, InspectFacts) {
	expiry := day("2027-01-01")
	return policy.Procurement{ExpiryWindowDays: 180}, InspectFacts{
		Day:        day("2026-03-10"),
		SupplierID: "S1",
		Materials: map[string]Material{
			"M1": {ID: "M1", Name: "Syringe"},
			"M2": {ID: "M2", Name: "Stent", ExpiryTracked: true},
		},
		Order: []OrderLine{
			{LineNo: 1, MaterialID: "M1", Spec: "5ml", Quantity: 100, UnitPrice: 250, Manufacturer: "Acme Medical", Accepted: 30, Pending: 20},
			{LineNo: 2, MaterialID: "M2", Spec: "3x18mm", Quantity: 10, UnitPrice: 1_200_000},
		},
		Lines: []DeliveryLine{
			{LineNo: 1, Quantity: 50, NoteQuantity: 50, Spec: " 5ML ", UnitPrice: 250, SupplierID: "S1", Manufacturer: " acme medical", Batch: "B1"},
			{LineNo: 2, Quantity: 4, NoteQuantity: 4, Spec: "3X18MM", UnitPrice: 1_200_000, SupplierID: "S1", Manufacturer: "Beta", Batch: "B2", Expiry: &expiry},
		},
	}
}

// bothAccepted is the verdict on inspectFacts as they are.
var bothAccepted = []Verdict{{LineNo: 1, Accepted: true, Quantity: 50}, {LineNo: 2, Accepted: true, Quantity: 4}}

// refusedFirst is bothAccepted with line 1 refused for the given problems.
func refusedFirst(problems ...Problem) []Verdict {
	return []Verdict{{LineNo: 1, Problems: problems}, bothAccepted[1]}
}

// refusedSecond is bothAccepted with line 2 refused for the given problems.
func refusedSecond(problems ...Problem) []Verdict {
	return []Verdict{bothAccepted[0], {LineNo: 2, Problems: problems}}
}

func TestInspect(t *testing.T) {
	tests := []struct {
		name string
		edit func(*policy.Procurement, *InspectFacts)
		want []Verdict
	}{
		{"both accepted", func(*policy.Procurement, *InspectFacts) {}, bothAccepted},
		{"count differs from the note", func(_ *policy.Procurement, f *InspectFacts) {
			f.Lines[0].NoteQuantity = 48
		}, refusedFirst(Problem{"lines[0].quantity", "quantity_differs_note", []any{int64(50), int64(48)}})},
		{"note quantity of 0 differs", func(_ *policy.Procurement, f *InspectFacts) {
			f.Lines[0].NoteQuantity = 0
		}, refusedFirst(Problem{"lines[0].quantity", "quantity_differs_note", []any{int64(50), int64(0)}})},
		{"one more than remains after accepted and pending", func(_ *policy.Procurement, f *InspectFacts) {
			f.Lines[0].Quantity, f.Lines[0].NoteQuantity = 51, 51
		}, refusedFirst(Problem{"lines[0].quantity", "over_delivery", []any{int64(51), int64(50)}})},
		{"pending counts against what remains", func(_ *policy.Procurement, f *InspectFacts) {
			f.Order[0].Pending = 21
		}, refusedFirst(Problem{"lines[0].quantity", "over_delivery", []any{int64(50), int64(49)}})},
		{"exactly what remains without pending", func(_ *policy.Procurement, f *InspectFacts) {
			f.Order[0].Pending = 0
			f.Lines[0].Quantity, f.Lines[0].NoteQuantity = 70, 70
		}, []Verdict{{LineNo: 1, Accepted: true, Quantity: 70}, bothAccepted[1]}},
		{"nothing remains", func(_ *policy.Procurement, f *InspectFacts) {
			f.Order[1].Accepted, f.Order[1].Pending = 8, 3
		}, refusedSecond(Problem{"lines[1].quantity", "over_delivery", []any{int64(4), int64(0)}})},
		{"spec differs", func(_ *policy.Procurement, f *InspectFacts) {
			f.Lines[0].Spec = " 10ml "
		}, refusedFirst(Problem{"lines[0].spec", "spec_differs", []any{"10ml", "5ml"}})},
		{"price differs", func(_ *policy.Procurement, f *InspectFacts) {
			f.Lines[1].UnitPrice = 1_200_001
		}, refusedSecond(Problem{"lines[1].unit_price", "price_differs", []any{"12,000.01", "12,000.00"}})},
		{"supplier differs", func(_ *policy.Procurement, f *InspectFacts) {
			f.Lines[0].SupplierID = "S2"
		}, refusedFirst(Problem{"lines[0].supplier_id", "supplier_differs", []any{"S2", "S1"}})},
		{"manufacturer missing", func(_ *policy.Procurement, f *InspectFacts) {
			f.Lines[1].Manufacturer = "  "
		}, refusedSecond(Problem{"lines[1].manufacturer", "manufacturer_missing", nil})},
		{"manufacturer differs from the order's", func(_ *policy.Procurement, f *InspectFacts) {
			f.Lines[0].Manufacturer = "Acme Medica"
		}, refusedFirst(Problem{"lines[0].manufacturer", "manufacturer_differs", []any{"Acme Medica", "Acme Medical"}})},
		{"batch missing", func(_ *policy.Procurement, f *InspectFacts) {
			f.Lines[0].Batch = ""
		}, refusedFirst(Problem{"lines[0].batch", "batch_missing", nil})},
		{"expiry missing where tracked", func(_ *policy.Procurement, f *InspectFacts) {
			f.Lines[1].Expiry = nil
		}, refusedSecond(Problem{"lines[1].expiry", "expiry_missing", nil})},
		{"expiry exactly at the window", func(_ *policy.Procurement, f *InspectFacts) {
			e := day("2026-09-06")
			f.Lines[1].Expiry = &e
		}, bothAccepted},
		{"expiry one day inside the window", func(_ *policy.Procurement, f *InspectFacts) {
			e := day("2026-09-05")
			f.Lines[1].Expiry = &e
		}, refusedSecond(Problem{"lines[1].expiry", "near_expiry", []any{"2026-09-05", 180}})},
		{"already expired", func(_ *policy.Procurement, f *InspectFacts) {
			e := day("2026-03-09")
			f.Lines[1].Expiry = &e
		}, refusedSecond(Problem{"lines[1].expiry", "near_expiry", []any{"2026-03-09", 180}})},
		{"expiry checked on untracked material too", func(_ *policy.Procurement, f *InspectFacts) {
			e := day("2026-04-01")
			f.Lines[0].Expiry = &e
		}, refusedFirst(Problem{"lines[0].expiry", "near_expiry", []any{"2026-04-01", 180}})},
		{"window of zero: expiring on the day passes", func(r *policy.Procurement, f *InspectFacts) {
			r.ExpiryWindowDays = 0
			e := day("2026-03-10")
			f.Lines[1].Expiry = &e
		}, bothAccepted},
		{"every reason at once, in order", func(_ *policy.Procurement, f *InspectFacts) {
			e := day("2026-06-01")
			f.Lines[0] = DeliveryLine{LineNo: 1, Quantity: 60, NoteQuantity: 55, Spec: "10ml", UnitPrice: 260,
				SupplierID: "S9", Manufacturer: "Other", Expiry: &e}
		}, refusedFirst(
			Problem{"lines[0].quantity", "quantity_differs_note", []any{int64(60), int64(55)}},
			Problem{"lines[0].quantity", "over_delivery", []any{int64(60), int64(50)}},
			Problem{"lines[0].spec", "spec_differs", []any{"10ml", "5ml"}},
			Problem{"lines[0].unit_price", "price_differs", []any{"2.60", "2.50"}},
			Problem{"lines[0].supplier_id", "supplier_differs", []any{"S9", "S1"}},
			Problem{"lines[0].manufacturer", "manufacturer_differs", []any{"Other", "Acme Medical"}},
			Problem{"lines[0].batch", "batch_missing", nil},
			Problem{"lines[0].expiry", "near_expiry", []any{"2026-06-01", 180}},
		)},
		{"verdicts in input order", func(_ *policy.Procurement, f *InspectFacts) {
			f.Lines[0], f.Lines[1] = f.Lines[1], f.Lines[0]
			f.Lines[1].Batch = ""
		}, []Verdict{bothAccepted[1], {LineNo: 1, Problems: []Problem{{"lines[1].batch", "batch_missing", nil}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, f := inspectFacts()
			tt.edit(&rules, &f)
			got, bad := Inspect(rules, f)
			if bad != nil {
				t.Fatalf("Inspect bad = %v, want none", bad)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Inspect =\n  %v\nwant\n  %v", got, tt.want)
			}
		})
	}
}

func TestInspectMalformed(t *testing.T) {
	tests := []struct {
		name  string
		lines []DeliveryLine
		want  []Problem
	}{
		{"no lines", nil, []Problem{{"lines", "lines_empty", nil}}},
		{"not an order line", []DeliveryLine{{LineNo: 3, Quantity: 1}},
			[]Problem{{"lines[0].line_no", "unknown_order_line", []any{3}}}},
		{"an order line twice", []DeliveryLine{{LineNo: 1, Quantity: 1}, {LineNo: 2, Quantity: 1}, {LineNo: 1, Quantity: 1}},
			[]Problem{{"lines[2].line_no", "line_twice", []any{1}}}},
		{"zero quantity", []DeliveryLine{{LineNo: 1, Quantity: 0}},
			[]Problem{{"lines[0].quantity", "quantity_positive", nil}}},
		{"negative quantity", []DeliveryLine{{LineNo: 1, Quantity: -1, NoteQuantity: 0}},
			[]Problem{{"lines[0].quantity", "quantity_positive", nil}}},
		{"negative note quantity", []DeliveryLine{{LineNo: 1, Quantity: 1, NoteQuantity: -1}},
			[]Problem{{"lines[0].note_quantity", "negative", nil}}},
		{"all at once", []DeliveryLine{{LineNo: 7, Quantity: 0, NoteQuantity: -2}, {LineNo: 7, Quantity: 1}},
			[]Problem{
				{"lines[0].line_no", "unknown_order_line", []any{7}},
				{"lines[0].quantity", "quantity_positive", nil},
				{"lines[0].note_quantity", "negative", nil},
				{"lines[1].line_no", "unknown_order_line", []any{7}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, f := inspectFacts()
			f.Lines = tt.lines
			verdicts, bad := Inspect(rules, f)
			if verdicts != nil {
				t.Errorf("Inspect verdicts = %v, want nil", verdicts)
			}
			if !reflect.DeepEqual(bad, tt.want) {
				t.Errorf("Inspect bad =\n  %v\nwant\n  %v", bad, tt.want)
			}
		})
	}
}

func TestAccepted(t *testing.T) {
	verdicts := []Verdict{
		{LineNo: 1, Accepted: true, Quantity: 50},
		{LineNo: 2, Problems: []Problem{{"lines[1].batch", "batch_missing", nil}}},
		{LineNo: 3, Accepted: true, Quantity: 7},
	}
	if lines, quantity := Accepted(verdicts); lines != 2 || quantity != 57 {
		t.Errorf("Accepted = %d, %d; want 2, 57", lines, quantity)
	}
	if lines, quantity := Accepted(nil); lines != 0 || quantity != 0 {
		t.Errorf("Accepted(nil) = %d, %d; want 0, 0", lines, quantity)
	}
}
