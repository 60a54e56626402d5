package gateway

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// with returns a copy of a claim body with one line's fields changed (line < 0: none).
func with(body map[string]any, line int, change map[string]any) map[string]any {
	b, _ := json.Marshal(body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	if line < 0 {
		for k, v := range change {
			out[k] = v
		}
		return out
	}
	l := out["lines"].([]any)[line].(map[string]any)
	for k, v := range change {
		l[k] = v
	}
	return out
}

func without(body map[string]any, field string) map[string]any {
	out := with(body, -1, nil)
	delete(out, field)
	return out
}

func manyLines(n int) []any {
	lines := make([]any, n)
	for i := range lines {
		lines[i] = map[string]any{"description": "明细", "amount": "1.00"}
	}
	return lines
}

// TestSubmissionRefusesBadInput: every malformed or invalid submission is refused with its
// status and code, names the bad fields, and writes nothing.
func TestSubmissionRefusesBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	valid := claimBody("120.50")
	validJSON, _ := json.Marshal(valid)
	tests := []struct {
		name   string
		call   call
		status int
		code   string
		fields []string // details keys that must be present
	}{
		{name: "malformed JSON", call: call{Raw: []byte(`{"purpose": `)}, status: 400, code: "malformed_json"},
		{name: "not JSON at all", call: call{Raw: []byte(`purpose=x`)}, status: 400, code: "malformed_json"},
		{name: "empty body", call: call{Raw: []byte{}}, status: 400, code: "malformed_json"},
		{name: "trailing garbage", call: call{Raw: append(validJSON, []byte(" xyz")...)}, status: 400, code: "malformed_json"},
		{name: "two JSON values", call: call{Raw: append(validJSON, []byte(` {}`)...)}, status: 400, code: "malformed_json"},
		{name: "unknown field", call: call{Body: with(valid, -1, map[string]any{"colour": "red"})}, status: 400, code: "unknown_field", fields: []string{"field"}},
		{name: "unknown line field", call: call{Body: with(valid, 0, map[string]any{"note": "x"})}, status: 400, code: "unknown_field", fields: []string{"field"}},
		{name: "wrong JSON type", call: call{Body: with(valid, -1, map[string]any{"purpose": 5})}, status: 422, code: "invalid_input", fields: []string{"purpose"}},
		{name: "missing purpose", call: call{Body: without(valid, "purpose")}, status: 422, code: "invalid_input", fields: []string{"purpose"}},
		{name: "blank purpose", call: call{Body: with(valid, -1, map[string]any{"purpose": "   "})}, status: 422, code: "invalid_input", fields: []string{"purpose"}},
		{name: "purpose too long", call: call{Body: with(valid, -1, map[string]any{"purpose": strings.Repeat("用", 501)})}, status: 422, code: "invalid_input", fields: []string{"purpose"}},
		{name: "title too long", call: call{Body: with(valid, -1, map[string]any{"title": strings.Repeat("t", 201)})}, status: 422, code: "invalid_input", fields: []string{"title"}},
		{name: "zero amount", call: call{Body: with(valid, 0, map[string]any{"amount": "0.00"})}, status: 422, code: "invalid_input", fields: []string{"lines[0].amount"}},
		{name: "negative amount string", call: call{Body: with(valid, 0, map[string]any{"amount": "-5.00"})}, status: 422, code: "invalid_input", fields: []string{"lines[0].amount"}},
		{name: "negative amount number", call: call{Raw: []byte(`{"purpose":"p","category":"travel","budget_line_id":"2026-sales-travel","lines":[{"description":"d","amount":-5}]}`)}, status: 422, code: "invalid_input", fields: []string{"lines[0].amount"}},
		{name: "three decimals", call: call{Body: with(valid, 0, map[string]any{"amount": "1.234"})}, status: 422, code: "invalid_input", fields: []string{"lines[0].amount"}},
		{name: "three decimals as number", call: call{Raw: []byte(`{"purpose":"p","category":"travel","budget_line_id":"2026-sales-travel","lines":[{"description":"d","amount":1.234}]}`)}, status: 422, code: "invalid_input", fields: []string{"lines[0].amount"}},
		{name: "exponent number overflows", call: call{Raw: []byte(`{"purpose":"p","category":"travel","budget_line_id":"2026-sales-travel","lines":[{"description":"d","amount":1e30}]}`)}, status: 422, code: "invalid_input", fields: []string{"lines[0].amount"}},
		{name: "exponent string", call: call{Body: with(valid, 0, map[string]any{"amount": "1e30"})}, status: 422, code: "invalid_input", fields: []string{"lines[0].amount"}},
		{name: "twenty digits", call: call{Body: with(valid, 0, map[string]any{"amount": "99999999999999999999"})}, status: 422, code: "invalid_input", fields: []string{"lines[0].amount"}},
		{name: "twenty digits as number", call: call{Raw: []byte(`{"purpose":"p","category":"travel","budget_line_id":"2026-sales-travel","lines":[{"description":"d","amount":99999999999999999999}]}`)}, status: 422, code: "invalid_input", fields: []string{"lines[0].amount"}},
		{name: "amount not a number", call: call{Body: with(valid, 0, map[string]any{"amount": true})}, status: 422, code: "invalid_input", fields: []string{"lines[0].amount"}},
		{name: "amount missing", call: call{Raw: []byte(`{"purpose":"p","category":"travel","budget_line_id":"2026-sales-travel","lines":[{"description":"d"}]}`)}, status: 422, code: "invalid_input", fields: []string{"lines[0].amount"}},
		{name: "total over the maximum", call: call{Body: with(valid, -1, map[string]any{"lines": []any{
			map[string]any{"description": "a", "amount": "999999999999.99"}, map[string]any{"description": "b", "amount": "999999999999.99"}}})},
			status: 422, code: "invalid_input", fields: []string{"lines"}},
		{name: "bad date", call: call{Body: with(valid, 0, map[string]any{"spent_on": "2026-02-30"})}, status: 422, code: "invalid_input", fields: []string{"lines[0].spent_on"}},
		{name: "missing description", call: call{Body: with(valid, 0, map[string]any{"description": " "})}, status: 422, code: "invalid_input", fields: []string{"lines[0].description"}},
		{name: "invoice number too long", call: call{Body: with(valid, 0, map[string]any{"invoice_no": strings.Repeat("9", 65)})}, status: 422, code: "invalid_input", fields: []string{"lines[0].invoice_no"}},
		{name: "unknown category", call: call{Body: with(valid, -1, map[string]any{"category": "yacht"})}, status: 422, code: "invalid_input", fields: []string{"category"}},
		{name: "unknown budget line", call: call{Body: with(valid, -1, map[string]any{"budget_line_id": "2026-moon"})}, status: 422, code: "invalid_input", fields: []string{"budget_line_id"}},
		{name: "another department's budget line", call: call{Body: with(valid, -1, map[string]any{"budget_line_id": "2026-eng-travel"})}, status: 422, code: "invalid_input", fields: []string{"budget_line_id"}},
		{name: "budget line of another category", call: call{Body: with(valid, -1, map[string]any{"category": "training"})}, status: 422, code: "invalid_input", fields: []string{"budget_line_id"}},
		{name: "no lines", call: call{Body: with(valid, -1, map[string]any{"lines": []any{}})}, status: 422, code: "invalid_input", fields: []string{"lines"}},
		{name: "too many lines", call: call{Body: with(valid, -1, map[string]any{"lines": manyLines(101)})}, status: 422, code: "invalid_input", fields: []string{"lines"}},
		{name: "every problem at once", call: call{Body: with(without(with(valid, 0, map[string]any{"amount": "1.234", "description": ""}), "purpose"), -1, map[string]any{"category": "yacht"})},
			status: 422, code: "invalid_input", fields: []string{"purpose", "category", "lines[0].amount", "lines[0].description"}},
		{name: "oversized body", call: call{Body: with(valid, -1, map[string]any{"purpose": strings.Repeat("x", testMaxBody)})}, status: 413, code: "body_too_large"},
		{name: "wrong content type", call: call{Raw: validJSON, ContentType: "text/plain"}, status: 415, code: "unsupported_media_type"},
		{name: "idempotency key too long", call: call{Body: valid, Headers: map[string]string{"Idempotency-Key": strings.Repeat("k", 201)}}, status: 422, code: "invalid_input", fields: []string{"Idempotency-Key"}},
		{name: "no token", call: call{Body: valid, User: "-"}, status: 401, code: "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.call
			c.Method, c.Path, c.Broken = http.MethodPost, "/api/v1/expenses", true
			switch c.User {
			case "":
				c.User = "zhang.wei"
			case "-":
				c.User = ""
			}
			before := h.written()
			r := h.do(c)
			if r.Status != tt.status || r.code() != tt.code {
				t.Fatalf("got %d %s, want %d %s: %s", r.Status, r.code(), tt.status, tt.code, r.Raw)
			}
			for _, f := range tt.fields {
				if _, ok := r.details()[f]; !ok {
					t.Errorf("details lack %q: %v", f, r.details())
				}
			}
			if after := h.written(); after != before {
				t.Errorf("refused request wrote: %+v → %+v", before, after)
			}
		})
	}
}

func TestSubmitIsIdempotent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	before := h.written()
	key := map[string]string{"Idempotency-Key": "trip-2026-11-02"}
	body := claimBody("800.00", "400.50")

	first := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses", User: "zhang.wei", Body: body, Headers: key}), http.StatusCreated, "")
	id := first.str("id")
	if !strings.HasPrefix(id, "EXP-2026-") || first.str("amount") != "1200.50" || first.str("status") != "in_progress" {
		t.Fatalf("new case: %s", first.Raw)
	}
	if first.str("title") != "差旅费：客户拜访差旅" {
		t.Errorf("default title %q", first.str("title"))
	}
	if got := first.Header.Get("Location"); got != "/api/v1/cases/"+id {
		t.Errorf("Location %q", got)
	}
	if h := first.ids("holders"); !slices.Equal(h, []string{"li.na", "liu.yang"}) {
		t.Errorf("holders %v, want the sales witnesses", h)
	}
	if got := first.str("temporal_url"); got != "http://temporal-ui.test/namespaces/default/workflows/"+id {
		t.Errorf("temporal_url %q", got)
	}

	// The same request again, with its amounts written differently: the same case, 200.
	again := with(body, 0, map[string]any{"amount": 800})
	second := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses", User: "zhang.wei", Body: again, Headers: key}), http.StatusOK, "")
	if second.str("id") != id {
		t.Fatalf("repeat made %s, want %s", second.str("id"), id)
	}
	after := h.written()
	if after.Cases != before.Cases+1 || after.Lines != before.Lines+2 || after.Reserved != before.Reserved+120050 {
		t.Fatalf("two requests with one key wrote %+v → %+v, want one case", before, after)
	}

	// The same key for another claim is refused and writes nothing.
	other := h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses", User: "zhang.wei", Body: claimBody("1.00"), Headers: key})
	h.must(other, http.StatusUnprocessableEntity, "idempotency_key_reused")
	if w := h.written(); w != after {
		t.Fatalf("a reused key wrote: %+v → %+v", after, w)
	}
	// Another user's same key is theirs alone.
	liu := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses", User: "li.na", Body: body, Headers: key}), http.StatusCreated, "")
	if liu.str("id") == id {
		t.Fatal("two users' keys collided")
	}
}

func TestRoutePreview(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	before := h.written()
	preview := func(user string, body map[string]any) reply {
		return h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses/route-preview", User: user, Body: body}), http.StatusOK, "")
	}
	stepKeys := func(r reply) []string {
		var keys []string
		steps, _ := r.Body["steps"].([]any)
		for _, s := range steps {
			keys = append(keys, s.(map[string]any)["key"].(string))
		}
		return keys
	}
	band := func(r reply) map[string]any { b, _ := r.Body["band"].(map[string]any); return b }

	// The 5,000.00 threshold: the boundary belongs to the lower band.
	at := preview("zhang.wei", claimBody("5000.00"))
	if got, want := stepKeys(at), []string{"witness", "review", "approval.department_head", "payment"}; !slices.Equal(got, want) {
		t.Errorf("5000.00: steps %v, want %v", got, want)
	}
	if b := band(at); b["up_to"] != "5000.00" || b["above"] != "0.00" || !strings.Contains(b["reason"].(string), "(0.00, 5,000.00]") {
		t.Errorf("5000.00: band %v", b)
	}
	above := preview("zhang.wei", claimBody("4000.00", "1000.01"))
	if got, want := stepKeys(above), []string{"witness", "review", "approval.department_head", "approval.finance_director", "payment"}; !slices.Equal(got, want) {
		t.Errorf("5000.01: steps %v, want %v", got, want)
	}
	if b := band(above); b["above"] != "5000.00" || b["up_to"] != "50000.00" || !strings.Contains(b["reason"].(string), "(5,000.00, 50,000.00]") {
		t.Errorf("5000.01: band %v", b)
	}
	if above.str("total") != "5000.01" || above.Body["over_budget"] != false {
		t.Errorf("5000.01: %s", above.Raw)
	}
	steps, _ := above.Body["steps"].([]any)
	fd := steps[3].(map[string]any)
	if a, _ := fd["assignees"].([]any); len(a) != 1 || a[0].(map[string]any)["id"] != "qian.li" || fd["sla"] != "4h" {
		t.Errorf("finance director step: %v", fd)
	}
	top := preview("zhang.wei", claimBody("50000.01"))
	if levels, _ := band(top)["levels"].([]any); len(levels) != 3 || levels[2] != "general_manager" || band(top)["up_to"] != nil {
		t.Errorf("50000.01: band %v", band(top))
	}

	// Beyond the budget line's balance, the demo policy routes to the over-budget step.
	over := preview("xu.jing", map[string]any{"purpose": "培训", "category": "training", "budget_line_id": "2026-eng-training",
		"lines": []any{map[string]any{"description": "课程", "amount": 12000}}})
	if over.Body["over_budget"] != true || !slices.Contains(stepKeys(over), "over_budget") || over.str("remaining") != "10000.00" {
		t.Errorf("over budget: %s", over.Raw)
	}

	// A preview is validated like a submission.
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses/route-preview", User: "zhang.wei",
		Body: with(claimBody("1.00"), -1, map[string]any{"category": "yacht"})}), http.StatusUnprocessableEntity, "invalid_input")

	if after := h.written(); after != before {
		t.Errorf("previews wrote: %+v → %+v", before, after)
	}
}
