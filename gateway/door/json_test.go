package door_test

import (
	"testing"

	"signoff/gateway/door"
	"signoff/service"
)

// TestDecodeJSONIsStrict: what the strict decoder refuses, with the status, code and field the
// client is told.
func TestDecodeJSONIsStrict(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		code       string
		field      string // details.field for a 400, the details key for a 422
	}{
		{"valid", `{"purpose":"差旅\t出差\r\n第二行","lines":[{"description":"d","amount":"1.00"}]}`, 0, "", ""},
		{"empty", `  `, 400, "malformed_json", ""},
		{"two values", `{} {}`, 400, "malformed_json", ""},
		{"truncated", `{"purpose":`, 400, "malformed_json", ""},
		{"duplicate", `{"lines":[{"amount":"1.00","amount":"99999.00"}]}`, 400, "duplicate_field", "lines[0].amount"},
		{"case variant", `{"Purpose":"p"}`, 400, "unknown_field", "Purpose"},
		{"unknown nested", `{"lines":[{},{"note":"x"}]}`, 400, "unknown_field", "lines[1].note"},
		{"NUL", `{"lines":[{"description":"a\u0000"}]}`, 422, "invalid_input", "lines[0].description"},
		{"raw NUL", "{\"purpose\":\"a\x00\"}", 400, "malformed_json", ""}, // JSON itself forbids raw control characters
		{"DEL", "{\"purpose\":\"a\x7f\"}", 422, "invalid_input", "purpose"},
		{"C1", `{"purpose":"a\u0085"}`, 422, "invalid_input", "purpose"},
		{"invalid UTF-8", "{\"purpose\":\"\xff\"}", 422, "invalid_input", "purpose"},
		{"lone surrogate", `{"purpose":"\ud800"}`, 422, "invalid_input", "purpose"},
		{"wrong type", `{"lines":[{"description":5}]}`, 422, "invalid_input", "lines[0].description"},
		{"not an object", `[]`, 422, "invalid_input", "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in service.ClaimInput
			err := door.DecodeJSONBytes([]byte(tt.body), &in)
			if tt.status == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e := door.Classify(err)
			if e.Status != tt.status || e.Code != tt.code {
				t.Fatalf("got %d %s, want %d %s (%v)", e.Status, e.Code, tt.status, tt.code, err)
			}
			switch {
			case tt.field == "":
			case tt.status == 400 && e.Details["field"] != tt.field:
				t.Errorf("details.field = %v, want %q", e.Details["field"], tt.field)
			case tt.status == 422 && e.Details[tt.field] == nil:
				t.Errorf("details = %v, want %q", e.Details, tt.field)
			}
		})
	}
}
