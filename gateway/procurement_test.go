package gateway

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/demo"
)

// seedProcurement loads the demo suppliers, materials, plans and stock.
func (h *harness) seedProcurement() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := demo.SeedProcurement(ctx, h.stack.Store); err != nil {
		h.t.Fatal(err)
	}
}

// purchaseBody is a valid purchase request of huang.lei (engineering) from the strategic
// manufacturer 华信电子 against the engineering plan, unless changed.
func purchaseBody(contract string, items ...map[string]any) map[string]any {
	return map[string]any{
		"purpose": "研发测试平台扩容", "category": "equipment", "budget_line_id": "2026-eng-equipment",
		"supplier_id": "SUP-HUAXIN", "plan_id": "PLAN-2026-ENG",
		"delivery_date": time.Now().AddDate(0, 0, 30).Format(time.DateOnly),
		"items":         items,
		"contract": map[string]any{"no": "HT-2026-088", "payment_terms": "验收合格后30日内付款",
			"delivery_terms": "送货上门", "warranty": "三年", "attachment_id": contract},
	}
}

func item(material, quantity, price string) map[string]any {
	return map[string]any{"material_id": material, "quantity": quantity, "unit_price": price}
}

// approveAll has each user approve the case in turn at its current revision.
func (h *harness) approveAll(id string, users ...string) reply {
	h.t.Helper()
	var r reply
	for _, u := range users {
		rev := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/cases/" + id, User: u}), http.StatusOK, "").num("revision")
		r = h.must(h.act(u, id, "approve", map[string]any{"revision": rev}), http.StatusOK, "")
	}
	return r
}

// eventually polls until cond holds for the reply of the call, or fails after 20 s.
func (h *harness) eventually(c call, cond func(reply) bool) reply {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := h.must(h.do(c), http.StatusOK, "")
		if cond(r) {
			return r
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s %s never reached the expected state: %s", c.Method, c.Path, r.Raw)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func purchaseOf(r reply) map[string]any { p, _ := r.Body["purchase"].(map[string]any); return p }

// TestPurchaseRequestRefusals: each rule refuses the request with its reason under its field,
// and a refused request writes nothing.
func TestPurchaseRequestRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedProcurement()
	contract := h.uploaded("huang.lei", "合同.pdf", []byte(minimalPDF))
	valid := purchaseBody(contract, item("MAT-LAPTOP", "2", "8000.00"))
	change := func(field string, v any) map[string]any {
		b := with(valid, -1, nil)
		b[field] = v
		return b
	}
	before := h.written()
	tests := []struct {
		name, field, code string
		body              map[string]any
		broken            bool // breaks the API description on purpose
	}{
		{"suspended supplier", "supplier_id", "request_refused", change("supplier_id", "SUP-YUANDA"), false},
		{"certificate expired before the day", "supplier_id", "request_refused", change("supplier_id", "SUP-CHENGXIN"), false},
		{"strategic material from a non-strategic supplier", "items[0].material_id", "request_refused",
			with(change("supplier_id", "SUP-JINGGONG"), -1, map[string]any{"items": []any{item("MAT-SERVO", "1", "3000.00")}}), false},
		// The laptop plan line is 20 with 2 in stock: 18 may be bought, not 19.
		{"beyond plan minus stock", "items[0].quantity", "request_refused", change("items", []any{item("MAT-LAPTOP", "19", "8000.00")}), false},
		{"another department's plan", "plan_id", "invalid_input", change("plan_id", "PLAN-2026-WH"), false},
		{"no contract document", "contract.attachment_id", "invalid_input",
			change("contract", map[string]any{"no": "HT-1", "payment_terms": "月结"}), false},
		{"unknown supplier", "supplier_id", "invalid_input", change("supplier_id", "SUP-NOBODY"), false},
		{"fractional quantity", "items[0].quantity", "invalid_input", change("items", []any{item("MAT-LAPTOP", "1.5", "8000.00")}), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/purchase-requests", User: "huang.lei", Body: tc.body, Broken: tc.broken}),
				http.StatusUnprocessableEntity, tc.code)
			if _, ok := r.details()[tc.field]; !ok {
				t.Errorf("details %v do not name %s", r.details(), tc.field)
			}
		})
	}
	if after := h.written(); after != before {
		t.Errorf("refused requests wrote %+v, before %+v", after, before)
	}
	// Exactly what the plan has left passes the checks (the preview writes nothing).
	r := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/purchase-requests/route-preview", User: "huang.lei",
		Body: change("items", []any{item("MAT-LAPTOP", "18", "8000.00")})}), http.StatusOK, "")
	if steps, _ := r.Body["steps"].([]any); len(steps) != 5 { // review, 3 approval levels, countersign
		t.Errorf("preview of 144,000.00 has %d steps, want 5: %s", len(steps), r.Raw)
	}
}

// TestPurchaseRequestThroughPayment drives one purchase through HTTP against the real workflows:
// request → review → approval → countersign with a refusal, a revision that the reviewer, the
// approvers and the countersign sign again →
// order → a partial delivery with a refused line and its return task → the receipt's two seals
// → the rest delivered → invoice within tolerance → payment → the budget consumed.
func TestPurchaseRequestThroughPayment(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedProcurement()
	contract := h.uploaded("huang.lei", "合同.pdf", []byte(minimalPDF))
	body := purchaseBody(contract, item("MAT-LAPTOP", "3", "8000.00"), item("MAT-MONITOR", "4", "1500.00"))
	pr := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/purchase-requests", User: "huang.lei", Body: body}), http.StatusCreated, "")
	id := pr.str("id")
	if p := purchaseOf(pr); p == nil || p["total"] != "30000.00" {
		t.Fatalf("purchase part = %v, want a total of 30000.00", p)
	}

	// Review and approval by amount, then the countersign.
	h.approveAll(id, "sun.min", "chen.gang", "qian.li")
	c := h.approveAll(id, "lin.feng")
	if c.str("status") != "in_progress" || c.str("current_step") != "countersign" {
		t.Fatalf("after one countersigner: %s at %s", c.str("status"), c.str("current_step"))
	}
	rev := c.num("revision")
	c = h.must(h.act("ma.lan", id, "reject", map[string]any{"revision": rev, "comment": "缺少违约责任条款"}), http.StatusOK, "")
	if c.str("status") != "returned" {
		t.Fatalf("a countersigner's refusal: status %s, want returned", c.str("status"))
	}
	revised := with(body, -1, nil)
	revised["contract"].(map[string]any)["payment_terms"] = "验收合格后30日内付款，逾期按日万分之五支付违约金"
	delete(revised["contract"].(map[string]any), "attachment_id") // keep the contract document
	c = h.must(h.act("huang.lei", id, "resubmit", map[string]any{"revision": c.num("revision"), "request": revised}), http.StatusOK, "")
	// The revised terms change what the reviewer and the approvers sealed: they sign again
	// first, then all four countersigners.
	if c.str("current_step") != "review" {
		t.Fatalf("after the revision: at %s, want the review re-opened", c.str("current_step"))
	}
	c = h.approveAll(id, "sun.min", "chen.gang", "qian.li")
	if c.str("current_step") != "countersign" || len(c.ids("holders")) != 4 {
		t.Fatalf("after the revision: at %s held by %v, want all four countersigners again", c.str("current_step"), c.ids("holders"))
	}
	if got := purchaseOf(c)["contract"].(map[string]any)["payment_terms"]; got != revised["contract"].(map[string]any)["payment_terms"] {
		t.Errorf("payment terms = %v, want the revision", got)
	}
	h.approveAll(id, "lin.feng", "ma.lan", "qian.li", "chen.gang")
	c = h.eventually(call{Method: http.MethodGet, Path: "/api/v1/cases/" + id, User: "huang.lei"},
		func(r reply) bool { return purchaseOf(r)["order_id"] != "" })
	if c.str("status") != "approved" {
		t.Fatalf("status %s, want approved", c.str("status"))
	}
	order := purchaseOf(c)["order_id"].(string)

	// First delivery: two laptops accepted, the monitors refused for their spec.
	good := func(line int, qty, spec, price, supplier string) map[string]any {
		return map[string]any{"line_no": line, "quantity": qty, "note_quantity": qty, "spec": spec, "unit_price": price,
			"supplier_id": supplier, "manufacturer": "华信电子", "batch": "B2026-11"}
	}
	o := h.eventually(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "he.ping"},
		func(r reply) bool { return r.str("status") == "ordered" })
	lines := o.Body["lines"].([]any)
	spec1, spec2 := lines[0].(map[string]any)["spec"].(string), lines[1].(map[string]any)["spec"].(string)
	d := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/orders/" + order + "/deliveries", User: "he.ping",
		Body: map[string]any{"note_no": "SH-001", "invoice_no": "FP-001", "seal": true, "lines": []any{
			good(1, "2", spec1, "8000.00", "SUP-HUAXIN"), good(2, "4", "24寸", "1500.00", "SUP-HUAXIN")}}}), http.StatusCreated, "")
	verdicts := d.Body["lines"].([]any)
	if !verdicts[0].(map[string]any)["accepted"].(bool) || verdicts[1].(map[string]any)["accepted"].(bool) {
		t.Fatalf("verdicts = %v, want line 1 accepted and line 2 refused", verdicts)
	}
	if _, ok := verdicts[1].(map[string]any)["problems"].(map[string]any)["lines[1].spec"]; !ok {
		t.Errorf("line 2 refused without its spec reason: %v", verdicts[1])
	}
	receipt := d.str("receipt_id")
	r := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/cases/" + receipt, User: "he.ping"}), http.StatusOK, "")
	if !slices.Contains(r.ids("holders"), "sun.min") || slices.Contains(r.ids("holders"), "huang.lei") {
		t.Errorf("receipt held by %v, want the accountants and never the requester", r.ids("holders"))
	}
	if r.str("current_step") != "accountant" {
		t.Fatalf("receipt %s at %q after the keeper's seal, want the accountant's", receipt, r.str("current_step"))
	}
	// Joint seals: neither the requester nor the keeper may put the accountant's seal.
	rev = r.num("revision")
	h.must(h.act("huang.lei", receipt, "approve", map[string]any{"revision": rev}), http.StatusForbidden, "")
	h.must(h.act("he.ping", receipt, "approve", map[string]any{"revision": rev}), http.StatusForbidden, "")
	h.approveAll(receipt, "zhou.jie")
	o = h.eventually(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "guo.hua"},
		func(r reply) bool { return lineNum(r, 0, "accepted") == 2 })
	tasks := o.Body["return_tasks"].([]any)
	if len(tasks) != 1 || tasks[0].(map[string]any)["line_no"].(float64) != 2 {
		t.Fatalf("return tasks = %v, want one for line 2", tasks)
	}
	task := int(tasks[0].(map[string]any)["id"].(float64))
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/return-tasks/" + itoa(task) + "/resolve", User: "he.ping",
		Body: map[string]any{"resolution": "exchanged"}}), http.StatusForbidden, "capability_required")
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/return-tasks/" + itoa(task) + "/resolve", User: "guo.hua",
		Body: map[string]any{"resolution": "exchanged", "comment": "供应商换货"}}), http.StatusOK, "")

	// Too many laptops for what is left is refused as a line, not the delivery.
	d = h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/orders/" + order + "/deliveries", User: "he.ping",
		Body: map[string]any{"note_no": "SH-002", "seal": true, "lines": []any{
			good(1, "1", spec1, "8000.00", "SUP-HUAXIN"), good(2, "4", spec2, "1500.00", "SUP-HUAXIN")}}}), http.StatusCreated, "")
	h.approveAll(d.str("receipt_id"), "sun.min")
	o = h.eventually(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "guo.hua"},
		func(r reply) bool { return r.str("status") == "received" })
	if lineNum(o, 0, "accepted") != 3 || lineNum(o, 1, "accepted") != 4 {
		t.Fatalf("accepted %v, want the order in full from two partial deliveries", o.Body["lines"])
	}
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/orders/" + order + "/deliveries", User: "he.ping",
		Body: map[string]any{"note_no": "SH-003", "lines": []any{good(1, "1", spec1, "8000.00", "SUP-HUAXIN")}}}),
		http.StatusConflict, "not_allowed_now")

	// The invoice is 100.00 over the value received, within max(50.00, 0.5 % of 30,000.00).
	o = h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/orders/" + order + "/invoice", User: "guo.hua",
		Body: map[string]any{"invoice_no": "FP-2026-7788", "invoiced_on": time.Now().Format(time.DateOnly), "lines": []any{
			map[string]any{"line_no": 1, "quantity": "3", "amount": "24000.00"},
			map[string]any{"line_no": 2, "quantity": "4", "amount": "6100.00"}}}}), http.StatusOK, "")
	o = h.eventually(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "guo.hua"},
		func(r reply) bool { return r.str("settlement") != "" })
	if m, _ := o.Body["match"].(map[string]any); m == nil || m["matched"] != true {
		t.Fatalf("match = %v, want matched within tolerance", o.Body["match"])
	}
	pay := o.str("settlement")
	p := h.eventually(call{Method: http.MethodGet, Path: "/api/v1/cases/" + pay, User: "wu.xia"},
		func(r reply) bool { return r.str("status") != "submitted" })
	if p.str("current_step") != "payment" {
		t.Fatalf("payment case at %q, want payment (no exception step when matched)", p.str("current_step"))
	}
	h.must(h.act("wu.xia", pay, "pay", map[string]any{"revision": p.num("revision"), "reference": "BANK-PO-1",
		"paid_at": time.Now().Format(time.RFC3339)}), http.StatusOK, "")
	h.eventually(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "guo.hua"},
		func(r reply) bool { return r.str("status") == "paid" })

	// The request's reservation became the 30,100.00 paid; stock grew by what was received.
	var consumed, reserved, laptops int64
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, h.stack.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	err = conn.QueryRow(ctx, `SELECT consumed, reserved, (SELECT on_hand FROM stock WHERE material_id = 'MAT-LAPTOP')
		FROM budget_lines WHERE id = '2026-eng-equipment'`).Scan(&consumed, &reserved, &laptops)
	if err != nil {
		t.Fatal(err)
	}
	if consumed != 3_010_000 || reserved != 0 || laptops != 2+3 {
		t.Errorf("consumed %d, reserved %d, laptops in stock %d; want 3010000, 0, 5", consumed, reserved, laptops)
	}
}

// TestInvoiceBeyondToleranceNeedsReview: an invoice one step beyond the tolerance opens the
// payment with the reviewer's exception step first.
func TestInvoiceBeyondToleranceNeedsReview(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedProcurement()
	contract := h.uploaded("huang.lei", "合同.pdf", []byte(minimalPDF))
	pr := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/purchase-requests", User: "huang.lei",
		Body: purchaseBody(contract, item("MAT-LAPTOP", "1", "4000.00"))}), http.StatusCreated, "")
	id := pr.str("id")
	h.approveAll(id, "zhou.jie", "chen.gang", "lin.feng", "ma.lan", "qian.li", "chen.gang")
	c := h.eventually(call{Method: http.MethodGet, Path: "/api/v1/cases/" + id, User: "huang.lei"},
		func(r reply) bool { return purchaseOf(r)["order_id"] != "" })
	order := purchaseOf(c)["order_id"].(string)
	o := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "he.ping"}), http.StatusOK, "")
	spec := o.Body["lines"].([]any)[0].(map[string]any)["spec"]
	d := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/orders/" + order + "/deliveries", User: "he.ping",
		Body: map[string]any{"note_no": "SH-9", "seal": true, "lines": []any{map[string]any{"line_no": 1, "quantity": "1",
			"note_quantity": "1", "spec": spec, "unit_price": "4000.00", "supplier_id": "SUP-HUAXIN",
			"manufacturer": "华信电子", "batch": "B1"}}}}), http.StatusCreated, "")
	h.approveAll(d.str("receipt_id"), "sun.min")
	// Tolerance of 4,000.00 is the absolute 50.00; 50.01 over is beyond it.
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/orders/" + order + "/invoice", User: "sun.min",
		Body: map[string]any{"invoice_no": "FP-9", "invoiced_on": time.Now().Format(time.DateOnly), "lines": []any{
			map[string]any{"line_no": 1, "quantity": "1", "amount": "4050.01"}}}}), http.StatusOK, "")
	o = h.eventually(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "guo.hua"},
		func(r reply) bool { return r.str("settlement") != "" })
	if m := o.Body["match"].(map[string]any); m["matched"] != false {
		t.Fatalf("match = %v, want a mismatch", m)
	}
	if _, ok := o.Body["match_problems"].(map[string]any)["invoice_total"]; !ok {
		t.Errorf("match problems %v do not name the invoice total", o.Body["match_problems"])
	}
	p := h.eventually(call{Method: http.MethodGet, Path: "/api/v1/cases/" + o.str("settlement"), User: "zhou.jie"},
		func(r reply) bool { return r.str("status") != "submitted" })
	if p.str("current_step") != "exception" || !slices.Contains(p.ids("holders"), "zhou.jie") {
		t.Fatalf("payment case at %q held by %v, want the reviewer's exception step", p.str("current_step"), p.ids("holders"))
	}
}

func lineNum(r reply, i int, field string) int {
	lines, _ := r.Body["lines"].([]any)
	if i >= len(lines) {
		return -1
	}
	v, _ := lines[i].(map[string]any)[field].(float64)
	return int(v)
}

func itoa(n int) string { return strconv.Itoa(n) }
