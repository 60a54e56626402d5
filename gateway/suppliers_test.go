package gateway

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/net/html"

	"signoff/gateway/door"
	"signoff/i18n"
)

// The supplier master data over real HTTP: the API, certificate scans and the pages.

const theBuyer = "guo.hua" // the demo's buyer (采购员)

func supplierBody(id, name string) map[string]any {
	return map[string]any{"id": id, "name": name, "kind": "manufacturer", "grade": "B", "strategic": false, "contact": "张三 010-1"}
}

// supplierRows counts what the supplier endpoints write, to prove a refused request wrote
// nothing.
func supplierRows(h *harness) [3]int64 {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, h.stack.URL)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n [3]int64
	const q = `SELECT (SELECT count(*) FROM suppliers), (SELECT count(*) FROM supplier_certificates),
		(SELECT count(*) FROM supplier_audit)`
	if err := conn.QueryRow(ctx, q).Scan(&n[0], &n[1], &n[2]); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// todayPlus is a day relative to today in the demo calendar's timezone, as YYYY-MM-DD.
func todayPlus(days int) string {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return time.Now().In(loc).AddDate(0, 0, days).Format(time.DateOnly)
}

func TestSupplierAPIListAndFilter(t *testing.T) {
	h := newHarness(t)
	h.seedProcurement()
	list := func(query string) []string {
		return h.must(h.do(call{Method: "GET", Path: "/api/v1/suppliers" + query, User: "huang.lei"}), 200, "").ids("items")
	}
	if got := list(""); !slices.Equal(got, []string{"SUP-CHENGXIN", "SUP-DEYI", "SUP-HUAXIN", "SUP-JINGGONG", "SUP-YUANDA"}) {
		t.Errorf("all suppliers = %v", got)
	}
	for query, want := range map[string][]string{
		"?status=suspended":           {"SUP-YUANDA"},
		"?q=" + url.QueryEscape("华信"): {"SUP-HUAXIN"},
		"?q=jinggong":                 {"SUP-JINGGONG"},
		"?strategic=true":             {"SUP-HUAXIN"},
		"?status=admitted&strategic=false&q=" + url.QueryEscape("得一"): {"SUP-DEYI"},
	} {
		if got := list(query); !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", query, got, want)
		}
	}
	r := h.must(h.do(call{Method: "GET", Path: "/api/v1/suppliers?status=gone&strategic=maybe", User: "huang.lei", Broken: true}), 422, "invalid_input")
	if d := r.details(); d["status"] == nil || d["strategic"] == nil {
		t.Errorf("details = %v, want status and strategic", d)
	}

	huaxin := h.must(h.do(call{Method: "GET", Path: "/api/v1/suppliers/SUP-HUAXIN", User: "he.ping"}), 200, "")
	certs, _ := huaxin.Body["certificates"].([]any)
	if len(certs) != 3 || huaxin.str("kind") != "manufacturer" || huaxin.Body["strategic"] != true {
		t.Errorf("SUP-HUAXIN = %s", huaxin.Raw)
	}
	audit, _ := huaxin.Body["audit"].([]any)
	if len(audit) != 1 || audit[0].(map[string]any)["action"] != "created" {
		t.Errorf("audit = %v", audit)
	}
	h.must(h.do(call{Method: "GET", Path: "/api/v1/suppliers/SUP-NOPE", User: "he.ping"}), 404, "not_found")

	mats := h.must(h.do(call{Method: "GET", Path: "/api/v1/materials", User: "huang.lei"}), 200, "")
	if got := mats.ids("items"); !slices.Equal(got, []string{"MAT-LAPTOP", "MAT-MONITOR", "MAT-PAPER", "MAT-SERVO", "MAT-TONER"}) {
		t.Errorf("materials = %v", got)
	}
	plans := h.must(h.do(call{Method: "GET", Path: "/api/v1/plans?department=engineering", User: "huang.lei"}), 200, "")
	if got := plans.ids("items"); !slices.Equal(got, []string{"PLAN-2026-ENG"}) {
		t.Fatalf("engineering plans = %v", got)
	}
	lines, _ := plans.Body["items"].([]any)[0].(map[string]any)["lines"].([]any)
	if len(lines) != 5 {
		t.Errorf("plan lines = %v", lines)
	}
	for _, l := range lines {
		m := l.(map[string]any)
		if m["material_id"] == "MAT-LAPTOP" && (m["planned"] != 20.0 || m["stock"] != 2.0 || m["committed"] != 0.0) {
			t.Errorf("laptop line = %v", m)
		}
	}
	if got := h.must(h.do(call{Method: "GET", Path: "/api/v1/plans", User: "huang.lei"}), 200, "").ids("items"); len(got) != 2 {
		t.Errorf("all plans = %v", got)
	}
	h.must(h.do(call{Method: "GET", Path: "/api/v1/plans?department=nowhere", User: "huang.lei"}), 422, "invalid_input")
	h.must(h.do(call{Method: "GET", Path: "/api/v1/suppliers"}), 401, "unauthorized")
}

func TestSupplierAPICreate(t *testing.T) {
	h := newHarness(t)
	before := supplierRows(h)

	// Only a buyer may create, whatever the body.
	h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: "huang.lei", Body: supplierBody("SUP-NEW", "新供应商")}), 403, "capability_required")
	h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: "he.ping", Body: supplierBody("SUP-NEW", "新供应商")}), 403, "capability_required")

	// Every problem at once, and nothing written.
	bad := map[string]any{"id": "sup new", "name": "  ", "kind": "middleman", "grade": "E", "contact": strings.Repeat("x", 201)}
	r := h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: theBuyer, Body: bad, Broken: true}), 422, "invalid_input")
	for _, f := range []string{"id", "name", "kind", "grade", "contact"} {
		if r.details()[f] == nil {
			t.Errorf("no problem reported for %s: %v", f, r.details())
		}
	}
	if got := r.details()["id"]; got != i18n.T(i18n.EN, "problem.supplier_id") {
		t.Errorf("id problem = %v", got)
	}
	h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: theBuyer, Body: map[string]any{"id": "SUP-X", "nick": "x"}, Broken: true}), 400, "unknown_field")
	h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: theBuyer, Raw: []byte(`{"id": `), Broken: true}), 400, "malformed_json")
	h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: theBuyer, Body: map[string]any{"id": "SUP-X", "strategic": "yes"}, Broken: true}), 422, "invalid_input")
	if got := supplierRows(h); got != before {
		t.Fatalf("refused requests wrote: %v → %v", before, got)
	}

	r = h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: theBuyer, Body: supplierBody("SUP-NEW", " 新供应商 ")}), 201, "")
	if r.Header.Get("Location") != "/api/v1/suppliers/SUP-NEW" || r.str("name") != "新供应商" || r.num("revision") != 1 ||
		r.str("status") != "admitted" || r.str("certificate_state") != "missing" {
		t.Errorf("created = %s (Location %q)", r.Raw, r.Header.Get("Location"))
	}
	audit, _ := r.Body["audit"].([]any)
	if len(audit) != 1 || audit[0].(map[string]any)["actor"].(map[string]any)["name"] != "郭华" {
		t.Errorf("audit = %v", audit)
	}

	dupID := h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: theBuyer, Body: supplierBody("SUP-NEW", "另一家")}), 409, "duplicate")
	if dupID.details()["field"] != "id" {
		t.Errorf("duplicate ID details = %v", dupID.details())
	}
	dupName := h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: theBuyer, Body: supplierBody("SUP-NEW2", "新供应商")}), 409, "duplicate")
	if dupName.details()["field"] != "name" {
		t.Errorf("duplicate name details = %v", dupName.details())
	}
	if got := supplierRows(h); got[0] != before[0]+1 || got[2] != before[2]+1 {
		t.Errorf("rows after one creation = %v (before %v)", got, before)
	}
}

func TestSupplierAPIChangeAndStaleRevision(t *testing.T) {
	h := newHarness(t)
	h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: theBuyer, Body: supplierBody("SUP-A", "甲公司")}), 201, "")
	h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: theBuyer, Body: supplierBody("SUP-B", "乙公司")}), 201, "")
	patch := func(user, id string, body map[string]any) reply {
		return h.do(call{Method: "PATCH", Path: "/api/v1/suppliers/" + id, User: user, Body: body})
	}

	h.must(patch("huang.lei", "SUP-A", map[string]any{"revision": 1, "grade": "A"}), 403, "capability_required")
	r := h.must(patch(theBuyer, "SUP-A", map[string]any{"revision": 1, "grade": "A", "strategic": true, "name": "甲精密"}), 200, "")
	if r.num("revision") != 2 || r.str("grade") != "A" || r.Body["strategic"] != true || r.str("name") != "甲精密" || r.str("contact") != "张三 010-1" {
		t.Errorf("patched = %s", r.Raw)
	}
	before := supplierRows(h)
	stale := h.must(patch(theBuyer, "SUP-A", map[string]any{"revision": 1, "contact": "李四"}), 409, "stale_revision")
	if stale.details()["revision"] != 2.0 {
		t.Errorf("stale details = %v", stale.details())
	}
	h.must(h.do(call{Method: "PATCH", Path: "/api/v1/suppliers/SUP-A", User: theBuyer, Body: map[string]any{"grade": "C"}, Broken: true}), 422, "invalid_input")
	if r := h.must(patch(theBuyer, "SUP-A", map[string]any{"revision": 2}), 422, "invalid_input"); r.details()["body"] == nil {
		t.Errorf("an empty change: %v", r.details())
	}
	if r := h.do(call{Method: "PATCH", Path: "/api/v1/suppliers/SUP-A", User: theBuyer, Body: map[string]any{"revision": 2, "grade": "Z", "name": ""}, Broken: true}); r.Status != 422 ||
		r.details()["grade"] == nil || r.details()["name"] == nil {
		t.Errorf("bad fields: %d %s", r.Status, r.Raw)
	}
	h.must(patch(theBuyer, "SUP-A", map[string]any{"revision": 2, "name": "乙公司"}), 409, "duplicate")
	h.must(patch(theBuyer, "SUP-NOPE", map[string]any{"revision": 1, "grade": "A"}), 404, "not_found")
	if got := supplierRows(h); got != before {
		t.Errorf("refused changes wrote: %v → %v", before, got)
	}
	if a := h.must(h.do(call{Method: "GET", Path: "/api/v1/suppliers/SUP-A", User: "he.ping"}), 200, ""); a.str("contact") != "张三 010-1" || a.num("revision") != 2 {
		t.Errorf("after the stale change: %s", a.Raw)
	}

	status := func(user string, body map[string]any) reply {
		return h.do(call{Method: "POST", Path: "/api/v1/suppliers/SUP-A/status", User: user, Body: body})
	}
	if r := h.must(status(theBuyer, map[string]any{"status": "suspended", "reason": "  ", "revision": 2}), 422, "invalid_input"); r.details()["reason"] == nil {
		t.Errorf("suspend without a reason: %v", r.details())
	}
	h.must(status("huang.lei", map[string]any{"status": "suspended", "reason": "x", "revision": 2}), 403, "capability_required")
	h.must(status(theBuyer, map[string]any{"status": "suspended", "reason": "x", "revision": 1}), 409, "stale_revision")
	r = h.must(status(theBuyer, map[string]any{"status": "suspended", "reason": "交货延误三次", "revision": 2}), 200, "")
	if r.str("status") != "suspended" || r.str("status_reason") != "交货延误三次" || r.num("revision") != 3 {
		t.Errorf("suspended = %s", r.Raw)
	}
	if got := h.must(h.do(call{Method: "GET", Path: "/api/v1/suppliers?status=suspended", User: "he.ping"}), 200, "").ids("items"); !slices.Equal(got, []string{"SUP-A"}) {
		t.Errorf("suspended list = %v", got)
	}
	r = h.must(status(theBuyer, map[string]any{"status": "admitted", "revision": 3}), 200, "")
	audit, _ := r.Body["audit"].([]any)
	var actions []string
	for _, a := range audit {
		actions = append(actions, a.(map[string]any)["action"].(string))
	}
	if !slices.Equal(actions, []string{"admitted", "suspended", "updated", "created"}) {
		t.Errorf("audit actions = %v", actions)
	}
	h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers/SUP-A/status", User: theBuyer, Body: map[string]any{"status": "banned", "revision": 4}, Broken: true}), 422, "invalid_input")
}

// A certificate's scan is the buyer's own upload; once a certificate takes it, everyone signed
// in may read it, and it is not the buyer's to reuse.
func TestSupplierCertificateScan(t *testing.T) {
	h := newHarness(t)
	h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: theBuyer, Body: supplierBody("SUP-C", "丙公司")}), 201, "")
	scan := h.uploaded(theBuyer, "营业执照.pdf", []byte(minimalPDF))
	theirs := h.uploaded("huang.lei", "theirs.pdf", []byte(minimalPDF))
	h.must(h.do(call{Method: "GET", Path: "/api/v1/attachments/" + scan, User: "huang.lei"}), 404, "not_found")

	cert := func(user string, body map[string]any) reply {
		return h.do(call{Method: "POST", Path: "/api/v1/suppliers/SUP-C/certificates", User: user, Body: body})
	}
	body := map[string]any{"kind": "business_license", "number": "91110000MA00C", "valid_from": todayPlus(-400),
		"valid_to": todayPlus(10), "attachment_id": scan}
	before := supplierRows(h)
	h.must(cert("huang.lei", body), 403, "capability_required")
	bad := map[string]any{"kind": "licence", "number": "", "valid_from": "2026-13-01", "valid_to": "2026-01-01"}
	if r := h.do(call{Method: "POST", Path: "/api/v1/suppliers/SUP-C/certificates", User: theBuyer, Body: bad, Broken: true}); r.Status != 422 ||
		len(r.details()) != 3 || r.details()["kind"] == nil || r.details()["number"] == nil || r.details()["valid_from"] == nil {
		t.Errorf("bad certificate: %d %s", r.Status, r.Raw)
	}
	backwards := map[string]any{"kind": "business_license", "number": "N", "valid_from": "2026-02-01", "valid_to": "2026-01-31"}
	if r := h.must(cert(theBuyer, backwards), 422, "invalid_input"); r.details()["valid_to"] != i18n.T(i18n.EN, "problem.valid_to_before_from") {
		t.Errorf("valid_to before valid_from: %v", r.details())
	}
	someoneElses := map[string]any{"kind": "business_license", "number": "N", "valid_from": "2026-01-01", "valid_to": "2026-12-31", "attachment_id": theirs}
	if r := h.must(cert(theBuyer, someoneElses), 422, "invalid_input"); r.details()["attachment_id"] == nil {
		t.Errorf("someone else's upload: %v", r.details())
	}
	h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers/SUP-NOPE/certificates", User: theBuyer, Body: body}), 404, "not_found")
	if got := supplierRows(h); got != before {
		t.Fatalf("refused certificates wrote: %v → %v", before, got)
	}

	r := h.must(cert(theBuyer, body), 201, "")
	if r.str("attachment_id") != scan || r.str("state") != "expiring" || r.str("valid_to") != todayPlus(10) {
		t.Errorf("certificate = %s", r.Raw)
	}
	// Another signed-in user may read the scan now; an upload nobody took stays private.
	meta := h.must(h.do(call{Method: "GET", Path: "/api/v1/attachments/" + scan, User: "huang.lei"}), 200, "")
	if meta.str("filename") != "营业执照.pdf" {
		t.Errorf("scan = %s", meta.Raw)
	}
	content := h.must(h.do(call{Method: "GET", Path: "/api/v1/attachments/" + scan + "/content", User: "he.ping"}), 200, "")
	if string(content.Raw) != minimalPDF {
		t.Error("the scan's content differs")
	}
	h.must(h.do(call{Method: "GET", Path: "/api/v1/attachments/" + theirs, User: "he.ping"}), 404, "not_found")
	w := h.browser()
	w.signIn("zhang.wei")
	if p := w.get("/attachments/" + scan); p.Status != 200 || p.Body != minimalPDF {
		t.Errorf("web scan for another user: %d", p.Status)
	} else {
		// The page door's own policy must not stand in for the file's sandbox.
		checkFileHeaders(t, "web attachment", p.Header, door.Inline)
	}

	// Taken scans are not taken twice; the same number twice is a duplicate.
	again := map[string]any{"kind": "production_license", "number": "XK-1", "valid_from": todayPlus(-10), "valid_to": todayPlus(400), "attachment_id": scan}
	h.must(cert(theBuyer, again), 422, "invalid_input")
	dup := h.must(cert(theBuyer, map[string]any{"kind": "business_license", "number": "91110000MA00C", "valid_from": todayPlus(11), "valid_to": todayPlus(1000)}), 409, "duplicate")
	if dup.details()["field"] != "number" {
		t.Errorf("duplicate details = %v", dup.details())
	}

	s := h.must(h.do(call{Method: "GET", Path: "/api/v1/suppliers/SUP-C", User: "he.ping"}), 200, "")
	if s.str("certificate_state") != "expiring" {
		t.Errorf("a supplier whose only licence ends in 10 days: %s", s.str("certificate_state"))
	}
	// A renewal that is in force makes the kind valid again.
	h.must(cert(theBuyer, map[string]any{"kind": "business_license", "number": "91110000MA00D", "valid_from": todayPlus(-1), "valid_to": todayPlus(1000)}), 201, "")
	if s := h.must(h.do(call{Method: "GET", Path: "/api/v1/suppliers/SUP-C", User: "he.ping"}), 200, ""); s.str("certificate_state") != "valid" {
		t.Errorf("after the renewal: %s", s.str("certificate_state"))
	}
}

// postFiles posts a multipart form, as a browser does for a form with a file input.
func (w *webClient) postFiles(path string, parts ...filePart) webPage {
	w.t.Helper()
	body, ctype := multipartBody(w.t, parts...)
	req, _ := http.NewRequest(http.MethodPost, w.h.srv.URL+path, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", ctype)
	return w.send(req)
}

// labelled checks every visible input, select and textarea of a page has a label.
func labelled(t *testing.T, name string, p webPage) {
	t.Helper()
	labels := map[string]bool{}
	walk(p.Doc, func(n *html.Node) {
		if f, ok := attr(n, "for"); ok && n.Data == "label" {
			labels[f] = true
		}
	})
	walk(p.Doc, func(n *html.Node) {
		if !slices.Contains([]string{"input", "select", "textarea"}, n.Data) {
			return
		}
		if typ, _ := attr(n, "type"); typ == "hidden" {
			return
		}
		id, _ := attr(n, "id")
		if _, aria := attr(n, "aria-label"); !labels[id] && !aria {
			t.Errorf("%s: %s (id %q) has no label", name, n.Data, id)
		}
	})
	for _, hdr := range []string{"Content-Security-Policy", "X-Frame-Options"} {
		if p.Header.Get(hdr) == "" {
			t.Errorf("%s: no %s header", name, hdr)
		}
	}
	if strings.Contains(p.Body, "<script>") || strings.Contains(p.Body, " style=") {
		t.Errorf("%s has inline script or style", name)
	}
}

func TestSupplierWebPages(t *testing.T) {
	h := newHarness(t)
	h.seedProcurement()
	const payload = `<script>alert(1)</script>`
	h.must(h.do(call{Method: "POST", Path: "/api/v1/suppliers", User: theBuyer, Body: supplierBody("SUP-XSS", "恶意"+payload)}), 201, "")

	staff := h.browser()
	staff.signIn("huang.lei")
	list := staff.get("/suppliers")
	if list.Status != 200 || !strings.Contains(list.Body, `href="/suppliers"`) {
		t.Fatalf("list: %d", list.Status)
	}
	rows := textOf(byID(list.Doc, "supplier-list"))
	for _, name := range []string{"华信电子", "得一办公", "精工机电", "远大贸易", "诚信商贸"} {
		if !strings.Contains(rows, name) {
			t.Errorf("the list lacks %s: %q", name, rows)
		}
	}
	if strings.Contains(list.Body, payload) || !strings.Contains(list.Body, "&lt;script&gt;") {
		t.Error("a typed name is not shown as text")
	}
	if byID(list.Doc, "supplier-new") != nil {
		t.Error("a non-buyer is offered to create a supplier")
	}
	if got := textOf(byID(list.Doc, "supplier-SUP-HUAXIN")); !strings.Contains(got, "战略") || !strings.Contains(got, "准入") {
		t.Errorf("华信 row = %q", got)
	}
	suspended := staff.get("/suppliers?status=suspended&q=&strategic=")
	if got := textOf(byID(suspended.Doc, "supplier-list")); !strings.Contains(got, "远大贸易") || strings.Contains(got, "华信电子") {
		t.Errorf("suspended = %q", got)
	}
	if !strings.Contains(suspended.Body, `<option value="suspended" selected>`) {
		t.Error("the filter forgot the chosen status")
	}
	if p := staff.get("/suppliers?strategic=maybe"); p.Status != 422 || !strings.Contains(p.Body, i18n.T(i18n.ZH, "problem.bool")) {
		t.Errorf("a bad filter: %d", p.Status)
	}
	detail := staff.get("/suppliers/SUP-YUANDA")
	if detail.Status != 200 || !strings.Contains(textOf(byID(detail.Doc, "status-reason")), "抽检") || byID(detail.Doc, "edit") != nil {
		t.Errorf("a non-buyer's detail page: %d", detail.Status)
	}
	if p := staff.get("/suppliers/new"); p.Status != 403 {
		t.Errorf("a non-buyer's create page: %d", p.Status)
	}
	if p := staff.post("/suppliers/new", url.Values{"_csrf": {staff.csrf()}, "id": {"SUP-Z"}, "name": {"z"}, "kind": {"distributor"}, "grade": {"B"}}); p.Status != 403 {
		t.Errorf("a non-buyer's creation: %d", p.Status)
	}
	if p := staff.get("/suppliers/SUP-NOPE"); p.Status != 404 {
		t.Errorf("an unknown supplier: %d", p.Status)
	}

	buyer := h.browser()
	buyer.signIn(theBuyer)
	form := buyer.get("/suppliers/new")
	token := inputValue(form.Doc, "_csrf")
	labelled(t, "new", form)
	labelled(t, "list", buyer.get("/suppliers"))
	labelled(t, "detail", buyer.get("/suppliers/SUP-HUAXIN"))
	if p := buyer.post("/suppliers/new", url.Values{"id": {"SUP-Z"}, "name": {"z"}, "kind": {"distributor"}, "grade": {"B"}}); p.Status != 403 {
		t.Errorf("a creation without the CSRF token: %d", p.Status)
	}

	// Mistakes come back next to their fields with what was typed.
	p := buyer.post("/suppliers/new", url.Values{"_csrf": {token}, "id": {"sup z"}, "name": {"泽宇科技"}, "kind": {"distributor"},
		"grade": {""}, "contact": {"周 1"}, "strategic": {"true"}})
	if p.Status != 422 || textOf(byID(p.Doc, "id-error")) != i18n.T(i18n.ZH, "problem.supplier_id") || byID(p.Doc, "grade-error") == nil {
		t.Fatalf("a form with mistakes: %d", p.Status)
	}
	if inputValue(p.Doc, "id") != "sup z" || inputValue(p.Doc, "name") != "泽宇科技" || inputValue(p.Doc, "contact") != "周 1" ||
		!strings.Contains(p.Body, `<option value="distributor" selected>`) || !strings.Contains(p.Body, `value="true" checked`) {
		t.Error("typed input was lost on an error")
	}
	p = buyer.post("/suppliers/new", url.Values{"_csrf": {token}, "id": {"SUP-ZEYU"}, "name": {"华信电子"}, "kind": {"distributor"}, "grade": {"B"}})
	if p.Status != 409 || textOf(byID(p.Doc, "name-error")) != i18n.T(i18n.ZH, "problem.taken") {
		t.Errorf("a taken name: %d %q", p.Status, textOf(byID(p.Doc, "name-error")))
	}
	p = buyer.post("/suppliers/new", url.Values{"_csrf": {token}, "id": {"SUP-ZEYU"}, "name": {"泽宇科技"}, "kind": {"distributor"},
		"grade": {"B"}, "contact": {"周 1"}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/suppliers/SUP-ZEYU?done=created" {
		t.Fatalf("create: %d %q", p.Status, p.Header.Get("Location"))
	}
	page := buyer.get("/suppliers/SUP-ZEYU?done=created")
	if textOf(byID(page.Doc, "flash")) != i18n.T(i18n.ZH, "ui.supplier.done.created") || !strings.Contains(page.Body, "泽宇科技") {
		t.Errorf("the new supplier's page: %d", page.Status)
	}

	// An edit from a page someone else has since changed is refused, keeping what was typed.
	rev := inputValue(page.Doc, "revision")
	h.must(h.do(call{Method: "PATCH", Path: "/api/v1/suppliers/SUP-ZEYU", User: theBuyer, Body: map[string]any{"revision": 1, "contact": "吴 2"}}), 200, "")
	edit := url.Values{"_csrf": {token}, "revision": {rev}, "name": {"泽宇精密"}, "kind": {"manufacturer"}, "grade": {"A"}, "contact": {"周 1"}}
	p = buyer.post("/suppliers/SUP-ZEYU", edit)
	if p.Status != 409 || !strings.Contains(p.Body, i18n.T(i18n.ZH, "ui.supplier.stale")) || inputValue(p.Doc, "name") != "泽宇精密" ||
		inputValue(p.Doc, "revision") != "2" || !strings.Contains(textOf(byID(p.Doc, "supplier-details")), "吴 2") {
		t.Fatalf("a stale edit: %d, revision %q", p.Status, inputValue(p.Doc, "revision"))
	}
	edit.Set("revision", "2")
	if p = buyer.post("/suppliers/SUP-ZEYU", edit); p.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", p.Status)
	}
	page = buyer.get("/suppliers/SUP-ZEYU")
	if got := textOf(byID(page.Doc, "supplier-details")); !strings.Contains(got, "生产厂家") || !strings.Contains(got, "周 1") {
		t.Errorf("details after the edit = %q", got)
	}
	if got := textOf(byID(page.Doc, "audit")); !strings.Contains(got, "泽宇科技 → 泽宇精密") || !strings.Contains(got, "郭华") {
		t.Errorf("audit = %q", got)
	}

	// A suspension needs a reason.
	p = buyer.post("/suppliers/SUP-ZEYU/status", url.Values{"_csrf": {token}, "revision": {"3"}, "status": {"suspended"}, "reason": {" "}})
	if p.Status != 422 || textOf(byID(p.Doc, "reason-error")) != i18n.T(i18n.ZH, "problem.suspend_reason") {
		t.Fatalf("suspend without a reason: %d", p.Status)
	}
	p = buyer.post("/suppliers/SUP-ZEYU/status", url.Values{"_csrf": {token}, "revision": {"3"}, "status": {"suspended"}, "reason": {"资质待复核"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("suspend: %d", p.Status)
	}
	page = buyer.get("/suppliers/SUP-ZEYU?done=suspended")
	if textOf(byID(page.Doc, "supplier-status")) != "暂停合作" || byID(page.Doc, "supplier-admit") == nil ||
		!strings.Contains(textOf(byID(page.Doc, "audit")), "资质待复核") {
		t.Errorf("after suspending: %q", textOf(byID(page.Doc, "supplier-status")))
	}

	// A certificate with a scan: a mistake keeps the uploaded file, the fix uses it.
	cert := func(fields map[string]string, file []byte) webPage {
		parts := []filePart{{field: "_csrf", content: []byte(token)}}
		for k, v := range fields {
			parts = append(parts, filePart{field: k, content: []byte(v)})
		}
		if file != nil {
			parts = append(parts, filePart{field: "file", filename: "许可证.pdf", ctype: "application/pdf", content: file})
		}
		return buyer.postFiles("/suppliers/SUP-ZEYU/certificates", parts...)
	}
	p = cert(map[string]string{"kind": "production_license", "number": "XK-9", "valid_from": "2026-01-01", "valid_to": "2025-01-01"}, []byte(minimalPDF))
	kept := inputValue(p.Doc, "attachment")
	if p.Status != 422 || textOf(byID(p.Doc, "cert-valid_to-error")) != i18n.T(i18n.ZH, "problem.valid_to_before_from") ||
		!strings.HasPrefix(kept, "att_") || inputValue(p.Doc, "number") != "XK-9" {
		t.Fatalf("a certificate with a mistake: %d, kept %q", p.Status, kept)
	}
	p = cert(map[string]string{"kind": "production_license", "number": "XK-9", "valid_from": "2025-01-01", "valid_to": "2030-12-31", "attachment": kept}, nil)
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/suppliers/SUP-ZEYU?done=certificate" {
		t.Fatalf("add a certificate: %d", p.Status)
	}
	page = buyer.get("/suppliers/SUP-ZEYU?done=certificate")
	if !strings.Contains(page.Body, `href="/attachments/`+kept+`"`) || !strings.Contains(textOf(byID(page.Doc, "certificate-list")), "生产许可证") {
		t.Errorf("the certificate list does not link the scan %s", kept)
	}
	if p := staff.get("/attachments/" + kept); p.Status != 200 || p.Body != minimalPDF {
		t.Errorf("another user's view of the scan: %d", p.Status)
	}
	p = cert(map[string]string{"kind": "quality_certificate", "number": "Q-1", "valid_from": "2025-01-01", "valid_to": "2030-12-31"}, []byte("not a pdf"))
	if p.Status != 422 || byID(p.Doc, "cert-file-error") == nil {
		t.Errorf("a file of the wrong type: %d", p.Status)
	}
	if got := supplierRows(h); got[1] != 9 { // the seed's eight and XK-9
		t.Errorf("%d certificates", got[1])
	}
}
