package service

import (
	"encoding/json"
	"testing"

	"signoff/policy"
)

// TestParseAmount reads amounts as the API sends them (a JSON string or number) and as a form
// types them, and says what is wrong with each other kind.
func TestParseAmount(t *testing.T) {
	tests := []struct {
		json string // the field's JSON, or "" for a form's text in typed
		text string
		want policy.Money
		key  string
	}{
		{json: `"120.50"`, want: 12050},
		{json: `120.5`, want: 12050},
		{json: `null`, key: "required"},
		{json: `true`, key: "amount_type"},
		{json: `"-5.00"`, key: "amount_positive"},
		{json: `-5`, key: "amount_positive"},
		{json: `"0.00"`, key: "amount_positive"},
		{json: `"1.234"`, key: "amount_decimals"},
		{json: `1e30`, key: "amount_exponent"},
		{json: `"99999999999999999999"`, key: "amount_max"},
		{json: `"abc"`, key: "amount_format"},
		{text: " 1,200.00 ", want: 120000},
		{text: "  ", key: "required"},
	}
	for _, tt := range tests {
		var a AmountText
		if tt.json != "" {
			if err := json.Unmarshal([]byte(tt.json), &a); err != nil {
				t.Fatalf("%s: %v", tt.json, err)
			}
		} else {
			a = TypedAmount(tt.text)
		}
		m, p := ParseAmount(a)
		if m != tt.want || p.Key != tt.key {
			t.Errorf("%s%q: %v %q, want %v %q", tt.json, tt.text, m, p.Key, tt.want, tt.key)
		}
	}
}

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		text string
		want int64
		key  string
	}{
		{"3", 3, ""},
		{"", 0, "required"},
		{"1.5", 0, "quantity_integer"},
		{"0", 0, "quantity_positive"},
		{"-2", 0, "quantity_positive"},
		{"1000000001", 0, "quantity_max"},
	}
	for _, tt := range tests {
		if n, p := ParseQuantity(TypedAmount(tt.text)); n != tt.want || p.Key != tt.key {
			t.Errorf("%q: %d %q, want %d %q", tt.text, n, p.Key, tt.want, tt.key)
		}
	}
}
