package gateway

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"signoff/service"
)

// The order page (receiving, the invoice, settling a return) and the supplier forms (create,
// edit, admit or suspend, certificate) mark which fields are required. These tests hold every
// mark against what the operation's check demands (service.DeliveryDemands and the others, each
// asked of the check itself, which the service tests pin): each field the form sends is one the
// check reads, it is marked required exactly when the check demands it, and every field the check
// reads has a control. A receiving row's quantity is the exception by design: a row left without
// one is not part of the delivery, so it is never marked, though the check demands it of a line
// that is sent.

// formWithAction is the first form posting to action.
func formWithAction(doc *html.Node, action string) *html.Node {
	var out *html.Node
	walk(doc, func(n *html.Node) {
		if a, _ := attr(n, "action"); n.Data == "form" && a == action && out == nil {
			out = n
		}
	})
	return out
}

// controlNames lists the names of a form's controls a person fills in (formControls), first
// of each name; checkboxes are choices, never asked.
func controlNames(form *html.Node) []string {
	var names []string
	seen := map[string]bool{}
	for _, n := range formControls(form) {
		name, _ := attr(n, "name")
		if typ, _ := attr(n, "type"); typ == "checkbox" || seen[name] {
			continue
		}
		seen[name] = true
		names = append(names, name)
	}
	return names
}

// checkDemands holds one form against its check's demands: field maps a control's name to the
// path the check names its problems by, and except lists fields never marked, whatever the check
// says (with the reason in the test's doc comment).
func checkDemands(t *testing.T, where string, doc, form *html.Node, demands service.Demands, field func(string) string, except ...string) {
	t.Helper()
	if form == nil {
		t.Errorf("%s: no form", where)
		return
	}
	sent := map[string]bool{}
	for _, name := range controlNames(form) {
		f := field(name)
		sent[f] = true
		demanded, known := demands[f]
		if !known {
			t.Errorf("%s: the form sends %s (%s), which the check does not read", where, name, f)
			continue
		}
		for _, e := range except {
			if e == f {
				demanded = false
			}
		}
		if marked := markedRequired(doc, controlNamed(form, name)); marked != demanded {
			t.Errorf("%s: %s marked required = %v, the check demands it: %v", where, name, marked, demanded)
		}
	}
	for f := range demands {
		if !sent[f] {
			t.Errorf("%s: the check reads %s and the form has no control for it", where, f)
		}
	}
}

func sameName(name string) string { return name }

// TestProcurementFormsMarkWhatTheChecksDemand walks an order from its first delivery (with a
// refused line, for a return task) to its invoice, and the supplier pages, holding every form
// against its check.
func TestProcurementFormsMarkWhatTheChecksDemand(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedProcurement()
	_, order := orderedPurchase(h)

	keeper := h.browser()
	keeper.signIn("he.ping")
	op := keeper.get("/orders/" + order)
	if op.Status != http.StatusOK {
		t.Fatalf("the keeper's order page: %d", op.Status)
	}
	receiveField := func(name string) string {
		if rest, ok := strings.CutPrefix(name, "line_"); ok {
			return "lines[0]." + rest
		}
		return name
	}
	checkDemands(t, "receiving form", op.Doc, byID(op.Doc, "receive-form"), service.DeliveryDemands(), receiveField,
		"lines[0].quantity")
	if !service.DeliveryDemands().Line("quantity") {
		t.Error("a delivered line's quantity is not demanded: the receiving rows' exception has no reason left")
	}

	// A refused monitor line makes a return task, which the buyer settles on the page.
	lines := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "he.ping"}), http.StatusOK, "").Body["lines"].([]any)
	spec := lines[0].(map[string]any)["spec"]
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/orders/" + order + "/deliveries", User: "he.ping",
		Body: map[string]any{"note_no": "SH-1", "lines": []any{
			map[string]any{"line_no": 1, "quantity": "2", "note_quantity": "2", "spec": spec, "unit_price": "8000.00",
				"supplier_id": "SUP-HUAXIN", "manufacturer": "华信电子", "batch": "B1"},
			map[string]any{"line_no": 2, "quantity": "4", "note_quantity": "4", "spec": "24寸", "unit_price": "1500.00",
				"supplier_id": "SUP-HUAXIN", "manufacturer": "华信电子", "batch": "B1"}}}}), http.StatusCreated, "")
	buyer := h.browser()
	buyer.signIn(theBuyer)
	bp := buyer.get("/orders/" + order)
	var resolve *html.Node
	walk(bp.Doc, func(n *html.Node) {
		if c, _ := attr(n, "class"); n.Data == "form" && c == "resolve-form" && resolve == nil {
			resolve = n
		}
	})
	checkDemands(t, "resolve form", bp.Doc, resolve, service.ReturnDemands(), sameName)
	invoiceField := map[string]string{"invoice_no": "invoice_no", "invoiced_on": "invoiced_on",
		"inv_quantity": "lines[0].quantity", "inv_amount": "lines[0].amount"}
	checkDemands(t, "invoice form", bp.Doc, byID(bp.Doc, "invoice-form"), service.InvoiceDemands(),
		func(name string) string { return invoiceField[name] })

	// The supplier forms.
	create := buyer.get("/suppliers/new")
	checkDemands(t, "create form", create.Doc, byID(create.Doc, "supplier-form"), service.SupplierDemands(), sameName)
	admitted := buyer.get("/suppliers/SUP-HUAXIN")
	checkDemands(t, "edit form", admitted.Doc, formWithAction(admitted.Doc, "/suppliers/SUP-HUAXIN"),
		service.SupplierChangeDemands(), sameName)
	checkDemands(t, "suspend form", admitted.Doc, formWithAction(admitted.Doc, "/suppliers/SUP-HUAXIN/status"),
		service.SupplierStatusDemands("suspended"), sameName)
	suspended := buyer.get("/suppliers/SUP-YUANDA")
	checkDemands(t, "admit form", suspended.Doc, formWithAction(suspended.Doc, "/suppliers/SUP-YUANDA/status"),
		service.SupplierStatusDemands("admitted"), sameName)
	if service.SupplierStatusDemands("suspended").Required("reason") == service.SupplierStatusDemands("admitted").Required("reason") {
		t.Error("suspending and admitting demand the same of the reason: the status forms check nothing")
	}
	certField := func(name string) string {
		if name == "file" {
			return "attachment_id"
		}
		return name
	}
	checkDemands(t, "certificate form", admitted.Doc, formWithAction(admitted.Doc, "/suppliers/SUP-HUAXIN/certificates"),
		service.CertificateDemands(), certField)
}
