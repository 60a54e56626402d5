package service

import (
	"maps"
	"testing"
)

// TestDemandsArePinned pins what each form's check demands, so that a change of a check shows
// here and on every page that marks its fields (gateway's TestProcurementFormsMarkWhatTheChecksDemand).
// The examples the demands are asked with pass their checks whole: a field is demanded because
// leaving it blank is refused, not because the example is wrong.
func TestDemandsArePinned(t *testing.T) {
	tests := []struct {
		name string
		got  Demands
		want Demands
	}{
		{"delivery", DeliveryDemands(), Demands{"delivered_on": false, "note_no": true, "invoice_no": false,
			"lines[0].quantity": true, "lines[0].note_quantity": true, "lines[0].spec": false, "lines[0].unit_price": true,
			"lines[0].supplier_id": false, "lines[0].manufacturer": false, "lines[0].batch": false, "lines[0].expiry": false}},
		{"invoice", InvoiceDemands(), Demands{"invoice_no": true, "invoiced_on": true, "lines[0].quantity": true, "lines[0].amount": true}},
		{"return", ReturnDemands(), Demands{"resolution": true, "comment": false}},
		{"new supplier", SupplierDemands(), Demands{"id": true, "name": true, "kind": true, "grade": true, "contact": false}},
		{"supplier change", SupplierChangeDemands(), Demands{"name": true, "kind": true, "grade": true, "contact": false}},
		{"suspension", SupplierStatusDemands("suspended"), Demands{"reason": true}},
		{"admission", SupplierStatusDemands("admitted"), Demands{"reason": false}},
		{"certificate", CertificateDemands(), Demands{"kind": true, "number": true, "valid_from": true, "valid_to": true, "attachment_id": false}},
	}
	for _, tt := range tests {
		if !maps.Equal(tt.got, tt.want) {
			t.Errorf("%s demands %v, want %v", tt.name, tt.got, tt.want)
		}
	}

	// The examples pass whole.
	if _, bad := checkDelivery(deliveryExample(), "example.actor", day("2026-01-02")); len(bad) > 0 {
		t.Errorf("the delivery example is refused: %v", bad)
	}
	for field := range DeliveryDemands() {
		in := deliveryExample()
		blankDeliveryField(&in, field) // knows every field it is asked about
	}
	rev := 1
	if _, bad := checkSupplierStatus(SupplierStatusInput{Status: "suspended", Reason: "r", Revision: &rev}); len(bad) > 0 {
		t.Errorf("a suspension with its reason is refused: %v", bad)
	}
}

// TestDemandsOf: a field is demanded exactly when the check finds a problem with it left blank,
// whatever the problem.
func TestDemandsOf(t *testing.T) {
	d := demandsOf([]string{"a", "b", "c"}, func(field string) FieldErrors {
		bad := FieldErrors{}
		switch field {
		case "a":
			bad.Add("a", "required")
		case "b":
			bad.Add("b", "suspend_reason")
		case "c":
			bad.Add("other", "required") // a problem elsewhere does not make c demanded
		}
		return bad
	})
	if want := (Demands{"a": true, "b": true, "c": false}); !maps.Equal(d, want) {
		t.Errorf("demands = %v, want %v", d, want)
	}
	if !d.Required("a") || d.Required("c") || d.Required("unknown") {
		t.Errorf("Required answers wrongly: %v", d)
	}
}
