package gateway

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"signoff/i18n"
)

// Web UI tests of procurement over real HTTP: the purchase request form without JavaScript, the
// case page of a request at its countersign and its revision, and the order page where the
// keeper receives goods. The browser test (e2e/procurement_browser_test.go) drives the same
// pages in Chromium.

// postMultipart posts a form with files (field → file name → content), as a browser posts a
// form with enctype multipart/form-data.
func (w *webClient) postMultipart(path string, form url.Values, field, filename string, content []byte) webPage {
	w.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				w.t.Fatal(err)
			}
		}
	}
	fw, err := mw.CreateFormFile(field, filename)
	if err != nil {
		w.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	if err := mw.Close(); err != nil {
		w.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, w.h.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return w.send(req)
}

// unlabelled lists the visible inputs of a page without a label.
func unlabelled(doc *html.Node) []string {
	labels := map[string]bool{}
	walk(doc, func(n *html.Node) {
		if n.Data == "label" {
			if f, ok := attr(n, "for"); ok {
				labels[f] = true
			}
		}
	})
	var out []string
	walk(doc, func(n *html.Node) {
		if !slices.Contains([]string{"input", "select", "textarea"}, n.Data) {
			return
		}
		if typ, _ := attr(n, "type"); typ == "hidden" {
			return
		}
		id, _ := attr(n, "id")
		if _, aria := attr(n, "aria-label"); !labels[id] && !aria {
			name, _ := attr(n, "name")
			out = append(out, n.Data+" "+name+" #"+id)
		}
	})
	return out
}

// cells lists the texts of a table row's cells.
func cells(row *html.Node) []string {
	var out []string
	walk(row, func(n *html.Node) {
		if n.Data == "td" || n.Data == "th" {
			out = append(out, textOf(n))
		}
	})
	return out
}

// rawKey is a catalogue key shown as such: a sentence missing from a catalogue.
var rawKey = regexp.MustCompile(`\b(ui|problem|error|role|status|decision|action)\.[a-z_]+`)

// noRawKeys fails the test when a page shows a catalogue key instead of its sentence.
func noRawKeys(t *testing.T, name string, p webPage) {
	t.Helper()
	if p.Doc == nil {
		t.Errorf("%s: not a page (%d)", name, p.Status)
		return
	}
	if k := rawKey.FindString(textOf(p.Doc)); k != "" {
		t.Errorf("%s shows the key %q instead of its sentence", name, k)
	}
}

func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, vv := range v {
		out[k] = slices.Clone(vv)
	}
	return out
}

// purchaseFormValues is huang.lei's request as typed into the form: two laptops and three
// monitors from the given supplier against the engineering plan.
func purchaseFormValues(form webPage, supplier string) url.Values {
	return url.Values{"_csrf": {inputValue(form.Doc, "_csrf")}, "key": {inputValue(form.Doc, "key")},
		"purpose": {"研发测试平台扩容"}, "category": {"equipment"}, "budget_line_id": {"2026-eng-equipment"},
		"supplier_id": {supplier}, "plan_id": {"PLAN-2026-ENG"},
		"delivery_date":    {time.Now().AddDate(0, 0, 30).Format(time.DateOnly)},
		"item_material_id": {"MAT-LAPTOP", "MAT-MONITOR"}, "item_spec": {"", ""}, "item_quantity": {"2", "3"},
		"item_unit_price": {"8000.00", "1500"}, "item_manufacturer": {"", ""},
		"contract_no": {"HT-2026-101"}, "payment_terms": {"验收合格后30日内付款"}, "delivery_terms": {"送货上门"},
		"warranty": {"三年"}}
}

// TestWebPurchaseRequest: the form lists suppliers, plans and materials; a supplier whose
// licence expired is refused next to its field with everything typed and the contract kept; the
// preview shows the countersign; a valid request reaches its case page, whose countersign panel
// follows the department heads; a refusal there returns it, and the requester revises it in the
// same form, keeping the contract document.
func TestWebPurchaseRequest(t *testing.T) {
	h := newHarness(t)
	h.seedProcurement()
	w := h.browser()
	w.signIn("huang.lei")

	form := w.get("/purchases/new")
	if form.Status != http.StatusOK {
		t.Fatalf("purchase form: %d", form.Status)
	}
	for _, want := range []string{`value="SUP-HUAXIN"`, "华信电子", "【战略】", `value="MAT-LAPTOP"`, "14英寸 i7/32G/1T · 台",
		`value="PLAN-2026-ENG"`, `href="/purchases/new"`} {
		if !strings.Contains(form.Body, want) {
			t.Errorf("the purchase form lacks %q", want)
		}
	}
	if byID(form.Doc, "supplier_id") == nil || !strings.Contains(textOf(byID(form.Doc, "supplier_id")), "远大贸易（SUP-YUANDA）· C 级 · ⚠ 暂停合作") {
		t.Errorf("the suspended supplier is not marked: %q", textOf(byID(form.Doc, "supplier_id")))
	}
	if strings.Contains(form.Body, `value="PLAN-2026-WH"`) {
		t.Error("the form offers another department's plan")
	}
	var categories []string
	walk(byID(form.Doc, "category"), func(n *html.Node) {
		if v, _ := attr(n, "value"); n.Data == "option" && v != "" {
			categories = append(categories, v)
		}
	})
	if len(categories) < 3 || !slices.Contains([]string{"office", "equipment"}, categories[0]) || !slices.Contains([]string{"office", "equipment"}, categories[1]) {
		t.Errorf("categories %v, want the goods categories first", categories)
	}
	if bad := unlabelled(form.Doc); len(bad) > 0 {
		t.Errorf("unlabelled inputs on the purchase form: %v", bad)
	}
	noRawKeys(t, "purchase form", form)

	// Without JavaScript: a line is added by posting the form back.
	base := purchaseFormValues(form, "SUP-CHENGXIN")
	add := clone(base)
	add.Set("intent", "add_line")
	if p := w.post("/purchases/new", add); strings.Count(p.Body, `name="item_quantity"`) != 4 { // 3 lines + the template row
		t.Errorf("add a line: %d, %d quantity inputs", p.Status, strings.Count(p.Body, `name="item_quantity"`))
	}

	// 诚信商贸's business licence expired on 2026-10-31: refused next to the supplier, with the
	// items as typed and the uploaded contract kept on the form.
	p := w.postMultipart("/purchases/new", base, "files", "合同.pdf", []byte(minimalPDF))
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("an expired supplier: %d, want 422", p.Status)
	}
	if got := textOf(byID(p.Doc, "supplier_id-error")); !strings.Contains(got, "business_license") || !strings.Contains(got, "已过期") {
		t.Errorf("supplier error = %q, want the expired licence", got)
	}
	if got := textOf(byID(p.Doc, "preview-refusals")); !strings.Contains(got, "已过期") {
		t.Errorf("the preview does not list the refusal: %q", got)
	}
	if !strings.Contains(p.Body, `<option value="MAT-MONITOR" selected>`) || !strings.Contains(p.Body, `value="1500"`) ||
		inputValue(p.Doc, "item_quantity") != "2" || inputValue(p.Doc, "contract_no") != "HT-2026-101" ||
		inputValue(p.Doc, "key") != base.Get("key") {
		t.Error("typed input was lost on a refusal")
	}
	contract := inputValue(p.Doc, "contract_attachment")
	if contract == "" {
		t.Fatal("the uploaded contract document was not kept on the form")
	}
	if list := h.do(call{Method: "GET", Path: "/api/v1/cases?scope=submitted", User: "huang.lei"}); len(list.ids("items")) != 0 {
		t.Fatalf("a refused form wrote a case: %s", list.Raw)
	}

	// The preview button shows every step, its signers and why, the countersign included.
	good := clone(base)
	good.Set("supplier_id", "SUP-HUAXIN")
	good.Set("contract_attachment", contract)
	preview := clone(good)
	preview.Set("intent", "preview")
	p = w.post("/purchases/new", preview)
	route := textOf(byID(p.Doc, "route-steps"))
	for _, want := range []string{"孙敏", "陈刚", "合同会签", "林峰", "马兰", "钱丽", "会签人", "（全部）"} {
		if !strings.Contains(route, want) {
			t.Errorf("route preview %q lacks %s", route, want)
		}
	}
	if got := textOf(byID(p.Doc, "purchase-total")); got != "¥20,500.00" {
		t.Errorf("total = %q, want ¥20,500.00", got)
	}
	if byID(p.Doc, "preview-refusals") != nil || byID(p.Doc, "supplier_id-error") != nil {
		t.Error("the preview refuses an admitted strategic supplier")
	}

	// The rules on items show next to the item: a strategic material from a supplier that is
	// not strategic, and more laptops than the plan has left (20 planned, 2 in stock).
	items := clone(preview)
	items.Set("supplier_id", "SUP-JINGGONG")
	items["item_material_id"] = []string{"MAT-SERVO", "MAT-LAPTOP"}
	items["item_quantity"] = []string{"1", "19"}
	items["item_unit_price"] = []string{"3000.00", "8000.00"}
	p = w.post("/purchases/new", items)
	var itemRows []string
	walk(byID(p.Doc, "lines"), func(n *html.Node) {
		if cls, _ := attr(n, "class"); n.Data == "li" && strings.Contains(cls, "item-line") {
			itemRows = append(itemRows, textOf(n))
		}
	})
	if len(itemRows) != 2 || !strings.Contains(itemRows[0], "战略物料") || !strings.Contains(itemRows[1], "计划可用仅 18") {
		t.Errorf("item rows = %q, want the strategic refusal on line 1 and the plan's on line 2", itemRows)
	}

	good.Set("intent", "submit")
	p = w.post("/purchases/new", good)
	loc := p.Header.Get("Location")
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases/PR-") {
		t.Fatalf("submit: %d → %q: %s", p.Status, loc, p.Body)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/cases/"), "?done=submit")
	page := w.get(loc)
	info := textOf(byID(page.Doc, "purchase-info"))
	for _, want := range []string{"华信电子", "战略", "PLAN-2026-ENG", "HT-2026-101", "验收合格后30日内付款", "笔记本电脑", "¥20,500.00"} {
		if !strings.Contains(info, want) {
			t.Errorf("采购信息 = %q, lacks %s", info, want)
		}
	}
	if byID(page.Doc, "contract-link") == nil {
		t.Error("the case page does not link the contract document")
	}

	// Review and approval, then the countersign page for a department head.
	h.approveAll(id, "sun.min", "chen.gang", "qian.li")
	lin := h.browser()
	lin.signIn("lin.feng")
	cs := lin.get("/cases/" + id)
	panel := textOf(byID(cs.Doc, "countersign"))
	for _, want := range []string{"林峰", "马兰", "钱丽", "陈刚", "待会签"} {
		if !strings.Contains(panel, want) {
			t.Errorf("countersign panel = %q, lacks %s", panel, want)
		}
	}
	noRawKeys(t, "countersign page", cs)
	if got := textOf(byID(cs.Doc, "act-reject-open")); got != i18n.T(i18n.ZH, "ui.case.reject_returns") {
		t.Errorf("the countersign's reject button reads %q", got)
	}
	if p := lin.post("/cases/"+id+"/actions/approve", url.Values{"_csrf": {inputValue(cs.Doc, "_csrf")},
		"revision": {inputValue(cs.Doc, "revision")}, "key": {"cs-1"}, "comment": {"法务无异议"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("lin.feng agrees: %d %s", p.Status, p.Body)
	}
	ma := h.browser()
	ma.signIn("ma.lan")
	cs = ma.get("/cases/" + id)
	agreed := byID(cs.Doc, "countersign")
	var rows []string
	walk(agreed, func(n *html.Node) {
		if n.Data == "li" {
			rows = append(rows, textOf(n))
		}
	})
	if len(rows) != 4 || !slices.ContainsFunc(rows, func(r string) bool { return strings.Contains(r, "林峰") && strings.Contains(r, "已同意") }) {
		t.Errorf("countersign rows = %q, want 林峰 agreed among four", rows)
	}
	p = ma.post("/cases/"+id+"/actions/reject", url.Values{"_csrf": {inputValue(cs.Doc, "_csrf")},
		"revision": {inputValue(cs.Doc, "revision")}, "key": {"cs-2"}, "comment": {"缺少违约责任条款"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("ma.lan refuses: %d", p.Status)
	}

	// The requester revises the returned request in the same form, prefilled.
	if got := textOf(byID(w.get("/cases/"+id).Doc, "case-status")); got != "已退回" {
		t.Fatalf("after a countersigner's refusal the status is %q", got)
	}
	re := w.get("/cases/" + id + "/resubmit")
	if re.Status != http.StatusOK || inputValue(re.Doc, "contract_no") != "HT-2026-101" || inputValue(re.Doc, "item_quantity") != "2" ||
		!strings.Contains(re.Body, `<option value="MAT-MONITOR" selected>`) || byID(re.Doc, "contract-existing") == nil {
		t.Fatalf("the revision form (%d) is not prefilled from the request", re.Status)
	}
	if bad := unlabelled(re.Doc); len(bad) > 0 {
		t.Errorf("unlabelled inputs on the revision form: %v", bad)
	}
	revise := url.Values{"_csrf": {inputValue(re.Doc, "_csrf")}, "key": {inputValue(re.Doc, "key")},
		"revision": {inputValue(re.Doc, "revision")}, "comment": {"已补充违约责任"}}
	for _, name := range []string{"purpose", "category", "budget_line_id", "supplier_id", "plan_id", "delivery_date", "contract_no", "warranty"} {
		revise.Set(name, good.Get(name))
	}
	for _, name := range []string{"item_material_id", "item_spec", "item_quantity", "item_unit_price", "item_manufacturer"} {
		revise[name] = good[name]
	}
	revise.Set("payment_terms", "验收合格后30日内付款，逾期按日万分之五支付违约金")
	p = w.post("/cases/"+id+"/resubmit", revise)
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/cases/"+id+"?done=resubmit" {
		t.Fatalf("resubmit: %d %q: %s", p.Status, p.Header.Get("Location"), p.Body)
	}
	c := h.must(h.do(call{Method: "GET", Path: "/api/v1/cases/" + id, User: "huang.lei"}), http.StatusOK, "")
	pc := purchaseOf(c)["contract"].(map[string]any)
	// The revised terms re-open the review and approvals their seals attested.
	if c.str("current_step") != "review" || pc["attachment_id"] != contract || !strings.Contains(pc["payment_terms"].(string), "违约金") {
		t.Errorf("after the revision: at %s, contract %v", c.str("current_step"), pc)
	}
}

// orderedPurchase files huang.lei's request for two laptops and four monitors through the API,
// has everyone sign it and returns the order it became.
func orderedPurchase(h *harness) (caseID, orderID string) {
	h.t.Helper()
	contract := h.uploaded("huang.lei", "合同.pdf", []byte(minimalPDF))
	pr := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/purchase-requests", User: "huang.lei",
		Body: purchaseBody(contract, item("MAT-LAPTOP", "2", "8000.00"), item("MAT-MONITOR", "4", "1500.00"))}), http.StatusCreated, "")
	id := pr.str("id")
	h.approveAll(id, "sun.min", "chen.gang", "qian.li", "lin.feng", "ma.lan", "qian.li", "chen.gang")
	c := h.eventually(call{Method: http.MethodGet, Path: "/api/v1/cases/" + id, User: "huang.lei"},
		func(r reply) bool { return purchaseOf(r)["order_id"] != "" })
	return id, purchaseOf(c)["order_id"].(string)
}

// TestWebOrderPage: the keeper receives a delivery through the order page's form, a wrong spec
// is refused with its reason; others see the order without the form and may not post it; the
// receipt's case page shows its lines; the buyer settles the return and registers the invoice.
func TestWebOrderPage(t *testing.T) {
	h := newHarness(t)
	h.seedProcurement()
	caseID, order := orderedPurchase(h)

	requester := h.browser()
	requester.signIn("huang.lei")
	rp := requester.get("/cases/" + caseID)
	if href, _ := attr(byID(rp.Doc, "order-link"), "href"); href != "/orders/"+order {
		t.Errorf("the request's case page links %q, want the order", href)
	}
	op := requester.get("/orders/" + order)
	if op.Status != http.StatusOK || byID(op.Doc, "receive-form") != nil || byID(op.Doc, "order-lines") == nil {
		t.Fatalf("the requester's order page: %d, receiving form shown: %v", op.Status, byID(op.Doc, "receive-form") != nil)
	}
	if p := requester.post("/orders/"+order+"/deliveries", url.Values{"_csrf": {inputValue(op.Doc, "_csrf")},
		"note_no": {"SH-X"}, "line_no": {"1"}, "line_quantity": {"1"}}); p.Status != http.StatusForbidden {
		t.Errorf("a requester registering a delivery: %d, want 403", p.Status)
	}
	if p := requester.get("/orders"); p.Status != http.StatusForbidden {
		t.Errorf("the order list for a requester: %d, want 403", p.Status)
	}
	if strings.Contains(op.Body, `href="/orders"`) {
		t.Error("the requester's navigation offers the order list")
	}

	keeper := h.browser()
	keeper.signIn("he.ping")
	list := keeper.get("/orders?status=ordered")
	if list.Status != http.StatusOK || !strings.Contains(textOf(byID(list.Doc, "order-list")), order) {
		t.Fatalf("the keeper's order list (%d) lacks %s", list.Status, order)
	}
	op = keeper.get("/orders/" + order)
	if byID(op.Doc, "receive-form") == nil {
		t.Fatal("the keeper has no receiving form")
	}
	if bad := unlabelled(op.Doc); len(bad) > 0 {
		t.Errorf("unlabelled inputs on the order page: %v", bad)
	}
	if inputValue(op.Doc, "line_supplier_id") != "SUP-HUAXIN" || inputValue(op.Doc, "line_unit_price") != "8000.00" {
		t.Errorf("the receiving rows are not prefilled: supplier %q, price %q", inputValue(op.Doc, "line_supplier_id"), inputValue(op.Doc, "line_unit_price"))
	}
	spec := inputValue(op.Doc, "line_spec")
	form := url.Values{"_csrf": {inputValue(op.Doc, "_csrf")}, "key": {inputValue(op.Doc, "key")}, "note_no": {"SH-001"},
		"invoice_no": {"FP-001"}, "delivered_on": {inputValue(op.Doc, "delivered_on")}, "seal": {"true"},
		"line_no": {"1", "2"}, "line_material": {"笔记本电脑", "显示器"}, "line_unit": {"台", "台"}, "line_remaining": {"2", "4"},
		"line_quantity": {"2", "4"}, "line_note_quantity": {"2", "4"}, "line_spec": {spec, "24寸"},
		"line_unit_price": {"8000.00", "1500.00"}, "line_supplier_id": {"SUP-HUAXIN", "SUP-HUAXIN"},
		"line_manufacturer": {"华信电子", "华信电子"}, "line_batch": {"B2026-11", "B2026-12"}, "line_expiry": {"", ""}}

	// A form mistake comes back next to its field with the rows as typed.
	bad := clone(form)
	bad.Set("note_no", "")
	p := keeper.post("/orders/"+order+"/deliveries", bad)
	if p.Status != http.StatusUnprocessableEntity || textOf(byID(p.Doc, "note_no-error")) == "" ||
		inputValue(p.Doc, "line_batch") != "B2026-11" || !strings.Contains(p.Body, `value="24寸"`) {
		t.Fatalf("a delivery without its note number: %d", p.Status)
	}

	p = keeper.post("/orders/"+order+"/deliveries", form)
	loc := p.Header.Get("Location")
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/orders/"+order+"?delivery=") {
		t.Fatalf("register the delivery: %d %q: %s", p.Status, loc, p.Body)
	}
	op = keeper.get(loc)
	flash := textOf(byID(op.Doc, "flash"))
	for _, want := range []string{"SH-001", "1 行合格，1 行拒收", "第 2 行（显示器）拒收", "24寸", "GR-"} {
		if !strings.Contains(flash, want) {
			t.Errorf("flash = %q, lacks %s", flash, want)
		}
	}
	if byID(op.Doc, "returns") == nil {
		t.Error("the refused line opened no return task on the page")
	}
	if got := textOf(byID(op.Doc, "deliveries")); !strings.Contains(got, "规格") || !strings.Contains(got, "拒收") {
		t.Errorf("deliveries = %q, want the refused line with its reason", got)
	}
	// Only the refused line may still be delivered.
	if n := strings.Count(op.Body, `name="line_quantity"`); n != 1 {
		t.Errorf("%d receiving rows after the laptops were accepted, want 1", n)
	}

	d := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "he.ping"}), http.StatusOK, "")
	receipt := d.Body["deliveries"].([]any)[0].(map[string]any)["receipt_id"].(string)
	acct := h.browser()
	acct.signIn("zhou.jie")
	gr := acct.get("/cases/" + receipt)
	lines := textOf(byID(gr.Doc, "receipt-info"))
	for _, want := range []string{order, "SH-001", "B2026-11", "笔记本电脑", "合格"} {
		if !strings.Contains(lines, want) {
			t.Errorf("验收明细 = %q, lacks %s", lines, want)
		}
	}
	if p := acct.post("/cases/"+receipt+"/actions/approve", url.Values{"_csrf": {inputValue(gr.Doc, "_csrf")},
		"revision": {inputValue(gr.Doc, "revision")}, "key": {"gr-1"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("the accountant seals the receipt: %d %s", p.Status, p.Body)
	}
	h.eventually(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "he.ping"},
		func(r reply) bool { return lineNum(r, 0, "accepted") == 2 })
	acctOrder := acct.get("/orders/" + order)
	if got := cells(byID(acctOrder.Doc, "order-line-1")); len(got) != 8 || got[4] != "2 台" || got[5] != "2" || got[6] != "0" || got[7] != "0" {
		t.Errorf("line 1 after the seals = %q, want 2 ordered, 2 accepted, none pending or left", got)
	}
	if tl := textOf(byID(acctOrder.Doc, "order-timeline")); !strings.Contains(tl, "周杰") || !strings.Contains(tl, receipt) || !strings.Contains(tl, "会签人") {
		t.Errorf("order timeline = %q, want the request's and the receipt's seals", tl)
	}

	// The buyer settles the return and registers the invoice.
	buyer := h.browser()
	buyer.signIn("guo.hua")
	bp := buyer.get("/orders/" + order)
	tasks := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "guo.hua"}), http.StatusOK, "").Body["return_tasks"].([]any)
	task := itoa(int(tasks[0].(map[string]any)["id"].(float64)))
	if byID(bp.Doc, "return-"+task+"-form") == nil || byID(op.Doc, "return-"+task+"-form") != nil {
		t.Error("the resolve form is not the buyer's alone")
	}
	p = buyer.post("/orders/"+order+"/returns/"+task, url.Values{"_csrf": {inputValue(bp.Doc, "_csrf")},
		"resolution": {"exchanged"}, "comment": {"供应商换货"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("resolve the return: %d %s", p.Status, p.Body)
	}
	bp = buyer.get(p.Header.Get("Location"))
	if got := textOf(byID(bp.Doc, "return-"+task)); !strings.Contains(got, "已处理") || !strings.Contains(got, "换货：供应商换货") {
		t.Errorf("the settled return = %q", got)
	}

	// The exchanged monitors arrive: only their row is left on the form.
	op = keeper.get("/orders/" + order)
	second := url.Values{"_csrf": {inputValue(op.Doc, "_csrf")}, "key": {inputValue(op.Doc, "key")}, "note_no": {"SH-002"},
		"seal": {"true"}, "line_no": {"2"}, "line_material": {"显示器"}, "line_unit": {"台"}, "line_remaining": {"4"},
		"line_quantity": {"4"}, "line_note_quantity": {"4"}, "line_spec": {inputValue(op.Doc, "line_spec")},
		"line_unit_price": {inputValue(op.Doc, "line_unit_price")}, "line_supplier_id": {"SUP-HUAXIN"},
		"line_manufacturer": {"华信电子"}, "line_batch": {"B2026-13"}, "line_expiry": {""}}
	if p := keeper.post("/orders/"+order+"/deliveries", second); p.Status != http.StatusSeeOther {
		t.Fatalf("the second delivery: %d %s", p.Status, p.Body)
	}
	d = h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "he.ping"}), http.StatusOK, "")
	h.approveAll(d.Body["deliveries"].([]any)[1].(map[string]any)["receipt_id"].(string), "sun.min")
	h.eventually(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "guo.hua"},
		func(r reply) bool { return r.str("status") == "received" })
	if byID(keeper.get("/orders/"+order).Doc, "receive-form") != nil {
		t.Error("a received order still offers the receiving form")
	}

	// An invoice 200.00 over the value received, beyond max(50.00, 0.5 % of 22,000.00): the
	// payment opens with the mismatch, which its case page names.
	bp = buyer.get("/orders/" + order)
	if inputValue(bp.Doc, "inv_quantity") != "2" || inputValue(bp.Doc, "inv_amount") != "16000.00" {
		t.Errorf("the invoice form is not prefilled with what was received: %q %q", inputValue(bp.Doc, "inv_quantity"), inputValue(bp.Doc, "inv_amount"))
	}
	inv := url.Values{"_csrf": {inputValue(bp.Doc, "_csrf")}, "key": {"inv-1"}, "invoice_no": {"FP-2026-1"},
		"invoiced_on": {time.Now().Format(time.DateOnly)}, "inv_line_no": {"1", "2"}, "inv_material": {"", ""},
		"inv_quantity": {"2", "4"}, "inv_amount": {"16000.00", "abc"}}
	p = buyer.post("/orders/"+order+"/invoice", inv)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `value="abc"`) || byID(p.Doc, "invoice-error") == nil {
		t.Fatalf("an invoice with a bad amount: %d", p.Status)
	}
	inv.Set("_csrf", inputValue(p.Doc, "_csrf"))
	inv["inv_amount"] = []string{"16000.00", "6200.00"}
	if p := buyer.post("/orders/"+order+"/invoice", inv); p.Status != http.StatusSeeOther {
		t.Fatalf("register the invoice: %d %s", p.Status, p.Body)
	}
	o := h.eventually(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "guo.hua"},
		func(r reply) bool { return r.str("settlement") != "" })
	bp = buyer.get("/orders/" + order)
	if got := textOf(byID(bp.Doc, "invoice-registered")); !strings.Contains(got, "FP-2026-1") {
		t.Errorf("invoice = %q", got)
	}
	if got := textOf(byID(bp.Doc, "match")); !strings.Contains(got, "不匹配") || !strings.Contains(got, "22,200.00") || !strings.Contains(got, o.str("settlement")) {
		t.Errorf("match = %q, want the mismatch and the payment", got)
	}
	noRawKeys(t, "order page", bp)
	noRawKeys(t, "receipt page", acct.get("/cases/"+receipt))
	noRawKeys(t, "order list", keeper.get("/orders"))
	// In English too.
	if p := buyer.get("/lang?to=en&next=/orders/" + order); p.Status != http.StatusSeeOther {
		t.Fatalf("switch to English: %d", p.Status)
	}
	en := buyer.get("/orders/" + order)
	noRawKeys(t, "order page in English", en)
	if got := textOf(byID(en.Doc, "match")); !strings.Contains(got, "Mismatch") {
		t.Errorf("English match = %q", got)
	}
	noRawKeys(t, "purchase form in English", buyer.get("/purchases/new"))
	pay := acct.get("/cases/" + o.str("settlement"))
	noRawKeys(t, "payment page", pay)
	if got := textOf(byID(pay.Doc, "settlement-info")); !strings.Contains(got, order) || !strings.Contains(got, "22,200.00") {
		t.Errorf("付款依据 = %q, want the order and the mismatch", got)
	}
}
