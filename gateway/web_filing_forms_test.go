package gateway

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The filing forms (a new claim, a new purchase request) mark the fields a case cannot be filed
// without. These tests hold every field of each form against the validator, as the API applies
// it to a route preview (which checks a request exactly as a submission does and writes
// nothing): a request that passes is sent again without the field, and the form must mark the
// field required exactly when the validator then refuses it there. Every control of the form
// must be one the test knows, so that a new field cannot escape the check.

// filingField is one control of a filing form: the API field it fills (a path into the request
// body: "purpose", "contract.no", "lines.0.amount") and where the validator reports it.
type filingField struct {
	control string // the control's name
	body    []string
	problem string
}

// field names a control whose body path and problem path are the same.
func field(control, path string) filingField {
	return filingField{control: control, body: strings.Split(path, "."), problem: path}
}

// row names a control of the first row of list (lines, items).
func row(control, list, name string) filingField {
	return filingField{control: control, body: []string{list, "0", name}, problem: list + "[0]." + name}
}

// withoutField is a deep copy of body without the value at path.
func withoutField(body map[string]any, path []string) map[string]any {
	out := with(body, -1, nil)
	var at any = out
	for i, key := range path {
		last := i == len(path)-1
		switch node := at.(type) {
		case map[string]any:
			if last {
				delete(node, key)
			}
			at = node[key]
		case []any:
			if key != "0" || len(node) == 0 {
				return out
			}
			at = node[0]
		}
	}
	return out
}

// present reports whether body holds a value at path.
func present(body map[string]any, path []string) bool {
	var at any = body
	for _, key := range path {
		switch node := at.(type) {
		case map[string]any:
			v, ok := node[key]
			if !ok {
				return false
			}
			at = v
		case []any:
			if key != "0" || len(node) == 0 {
				return false
			}
			at = node[0]
		default:
			return false
		}
	}
	return true
}

// formControls lists the named controls a person fills in: not the hidden ones, nor those of
// the template row app.js copies.
func formControls(form *html.Node) []*html.Node {
	var out []*html.Node
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "template" {
			return
		}
		if n.Type == html.ElementNode && (n.Data == "input" || n.Data == "select" || n.Data == "textarea") {
			if typ, _ := attr(n, "type"); typ != "hidden" {
				if _, named := attr(n, "name"); named {
					out = append(out, n)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(form)
	return out
}

// checkFilingForm holds the form at page against the validator behind previewPath, using body
// (a request it accepts, sent by user) as the example.
func checkFilingForm(t *testing.T, h *harness, user, page, previewPath string, body map[string]any, fields []filingField) {
	t.Helper()
	h.must(h.do(call{Method: http.MethodPost, Path: previewPath, User: user, Body: body}), http.StatusOK, "")
	w := h.browser()
	w.signIn(user)
	p := w.get(page)
	if p.Status != http.StatusOK {
		t.Fatalf("%s: %d", page, p.Status)
	}
	form := byID(p.Doc, "claim-form")
	if form == nil {
		t.Fatalf("%s has no form", page)
	}
	known := map[string]filingField{}
	for _, f := range fields {
		known[f.control] = f
	}
	checked := map[string]bool{}
	for _, control := range formControls(form) {
		name, _ := attr(control, "name")
		f, ok := known[name]
		if !ok {
			t.Errorf("%s: the control %q fills no field this test knows", page, name)
			continue
		}
		if checked[name] {
			continue // the later rows of a list are the first's
		}
		checked[name] = true
		if !present(body, f.body) {
			t.Fatalf("%s: the example sets no %s, so cannot be sent without it", page, strings.Join(f.body, "."))
		}
		r := h.do(call{Method: http.MethodPost, Path: previewPath, User: user, Body: withoutField(body, f.body), Broken: true})
		_, refused := r.details()[f.problem]
		if r.Status != http.StatusOK && !refused {
			t.Fatalf("%s without %s: %d %s", page, f.problem, r.Status, r.Raw)
		}
		if marked := markedRequired(p.Doc, control); marked != refused {
			t.Errorf("%s: %s marked required = %v, but without it the validator answers %d (%v)", page, name, marked, r.Status, r.details()[f.problem])
		}
	}
	for _, f := range fields {
		if !checked[f.control] {
			t.Errorf("%s has no control %q", page, f.control)
		}
	}
}

// The fields of a filing's header, as both forms take them; the files are the kind's.
var headerFields = []filingField{
	field("purpose", "purpose"), field("title", "title"), field("category", "category"),
	field("budget_line_id", "budget_line_id"), field("cc", "cc"),
}

// TestFilingFormsMarkWhatTheValidatorDemands: the claim form and the purchase request form mark
// required exactly the fields their validators refuse to do without.
func TestFilingFormsMarkWhatTheValidatorDemands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedProcurement()

	t.Run("claim", func(t *testing.T) {
		receipt := h.uploaded("zhang.wei", "发票.png", pngBytes(t, 7))
		body := with(claimBody("120.50"), -1, map[string]any{"title": "差旅", "cc": []string{"li.na"},
			"attachments": []string{receipt}})
		fields := append([]filingField{field("files", "attachments"),
			row("line_spent_on", "lines", "spent_on"), row("line_description", "lines", "description"),
			row("line_amount", "lines", "amount"), row("line_invoice_no", "lines", "invoice_no"),
		}, headerFields...)
		checkFilingForm(t, h, "zhang.wei", "/expenses/new", "/api/v1/expenses/route-preview", body, fields)
	})

	t.Run("purchase request", func(t *testing.T) {
		contract := h.uploaded("huang.lei", "合同.pdf", []byte(minimalPDF))
		laptop := item("MAT-LAPTOP", "2", "8000.00")
		laptop["spec"], laptop["manufacturer"] = "14 英寸 32G", "联想"
		body := with(purchaseBody(contract, laptop), -1, map[string]any{"title": "测试平台", "cc": []string{"sun.min"}})
		fields := append([]filingField{
			field("supplier_id", "supplier_id"), field("plan_id", "plan_id"), field("delivery_date", "delivery_date"),
			field("contract_no", "contract.no"), field("payment_terms", "contract.payment_terms"),
			field("delivery_terms", "contract.delivery_terms"), field("warranty", "contract.warranty"),
			field("files", "contract.attachment_id"),
			row("item_material_id", "items", "material_id"), row("item_spec", "items", "spec"),
			row("item_quantity", "items", "quantity"), row("item_unit_price", "items", "unit_price"),
			row("item_manufacturer", "items", "manufacturer"),
		}, headerFields...)
		checkFilingForm(t, h, "huang.lei", "/purchases/new", "/api/v1/purchase-requests/route-preview", body, fields)
	})
}
