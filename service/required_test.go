package service

import (
	"maps"
	"slices"
	"testing"
)

// TestRequiredFields pins what the validators demand of a filing, so that a change to a
// validator that changes the forms' hints is seen here as well as on the forms.
func TestRequiredFields(t *testing.T) {
	tests := []struct {
		name string
		got  Required
		want []string
	}{
		{"claim", ClaimRequired(), []string{"budget_line_id", "category", "lines[].amount", "lines[].description", "purpose"}},
		{"purchase", PurchaseRequired(), []string{"budget_line_id", "category", "contract.attachment_id", "contract.no",
			"contract.payment_terms", "delivery_date", "items[].material_id", "items[].quantity", "items[].unit_price",
			"plan_id", "purpose", "supplier_id"}},
	}
	for _, tt := range tests {
		if got := slices.Sorted(maps.Keys(tt.got)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: required %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRowPath(t *testing.T) {
	for in, want := range map[string]string{"lines[12].amount": "lines[].amount", "purpose": "purpose", "items[0].spec": "items[].spec"} {
		if got := rowPath(in); got != want {
			t.Errorf("rowPath(%q) = %q, want %q", in, got, want)
		}
	}
}
