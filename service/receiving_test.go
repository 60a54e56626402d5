package service

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestCheckDelivery: the form of a delivery, every problem at once under its field.
func TestCheckDelivery(t *testing.T) {
	today := day("2026-01-02")
	change := func(f func(*DeliveryInput)) DeliveryInput { in := deliveryExample(); f(&in); return in }
	tests := []struct {
		name string
		in   DeliveryInput
		want map[string]string // field → problem key
	}{
		{"the example", deliveryExample(), nil},
		{"delivered in the future", change(func(in *DeliveryInput) { in.DeliveredOn = "2026-01-03" }), map[string]string{"delivered_on": "date_future"}},
		{"not a day", change(func(in *DeliveryInput) { in.DeliveredOn = "2.1.2026" }), map[string]string{"delivered_on": "date"}},
		{"no note, a fractional count, a bad price and expiry", change(func(in *DeliveryInput) {
			in.NoteNo = " "
			in.Lines[0].Quantity = TypedAmount("1.5")
			in.Lines[0].UnitPrice = TypedAmount("1.005")
			in.Lines[0].Expiry = "soon"
		}), map[string]string{"note_no": "required", "lines[0].quantity": "quantity_integer",
			"lines[0].unit_price": "amount_decimals", "lines[0].expiry": "date"}},
		{"a batch too long", change(func(in *DeliveryInput) { in.Lines[0].Batch = strings.Repeat("B", maxLineText+1) }),
			map[string]string{"lines[0].batch": "too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, bad := checkDelivery(tt.in, "he.ping", today)
			if len(bad) != len(tt.want) {
				t.Fatalf("problems %v, want %v", bad, tt.want)
			}
			for f, key := range tt.want {
				if bad[f].Key != key {
					t.Errorf("%s: %q, want %q", f, bad[f].Key, key)
				}
			}
			if len(bad) == 0 && (req.Actor != "he.ping" || !req.DeliveredOn.Equal(today) || req.Lines[0].UnitPrice != 100 ||
				req.Lines[0].Expiry == nil) {
				t.Errorf("request = %+v", req)
			}
		})
	}
	// A delivery without its day is received today.
	req, _ := checkDelivery(change(func(in *DeliveryInput) { in.DeliveredOn = "" }), "he.ping", today)
	if !req.DeliveredOn.Equal(today) {
		t.Errorf("delivered on %v, want today", req.DeliveredOn)
	}
}
