package gateway

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"signoff/chain"
)

// The case page offers a form for each action its reader may take and marks which parts of it
// are required (the reason, the return step, the colleague, the position, the bank reference,
// the time paid). These tests hold every form, of every kind of case, against the validator the
// case's workflow runs on each Update (chain.State.Validate): for each action, the well-formed
// example the chain tries (State.Example) is sent to Validate without each part, and the page
// must mark the part required exactly when Validate refuses it so, and have a field for every
// part Validate demands. A delegate's forms are checked for each person they stand in for, and a
// resubmission's form (the claim or purchase form) for its comment.

// caseParts are the parts of an action a case page's form may carry: the form field and how to
// drop it from an action.
var caseParts = []struct {
	name string
	drop func(*chain.Action)
}{
	{"comment", func(a *chain.Action) { a.Comment = "" }},
	{"to_step", func(a *chain.Action) { a.ToStep = "" }},
	{"target", func(a *chain.Action) { a.Target = "" }},
	{"position", func(a *chain.Action) { a.Position = "" }},
	{"reference", func(a *chain.Action) { a.Reference = "" }},
	{"paid_at", func(a *chain.Action) { a.PaidAt = time.Time{} }},
}

// checkCaseForm holds one rendered action form against the validator: each part the validator
// demands has a field, and a field is marked required exactly when the validator refuses the
// action without it.
func checkCaseForm(t *testing.T, where string, doc, form *html.Node, st *chain.State, ex chain.Action, now time.Time) {
	t.Helper()
	for _, part := range caseParts {
		without := ex
		part.drop(&without)
		err := st.Validate(without, now)
		var refusal *chain.Refusal
		if err != nil && !errors.As(err, &refusal) {
			t.Fatalf("%s %s without %s: %v", where, ex.Type, part.name, err)
		}
		demanded := err != nil
		control := controlNamed(form, part.name)
		if control == nil {
			if demanded {
				t.Errorf("%s %s: the validator demands %s (%v) and the form has no field for it", where, ex.Type, part.name, err)
			}
			continue
		}
		if marked := markedRequired(doc, control); marked != demanded {
			t.Errorf("%s %s: %s marked required = %v, but Validate without it says %v", where, ex.Type, part.name, marked, err)
		}
	}
}

// caseFormsChecker reads a case's state and a reader's delegations as the service does.
type caseFormsChecker struct {
	t        *testing.T
	h        *harness
	browsers map[string]*webClient
	checked  map[chain.ActionType]bool // actions whose form was checked at least once
}

func newCaseFormsChecker(t *testing.T, h *harness) *caseFormsChecker {
	return &caseFormsChecker{t: t, h: h, browsers: map[string]*webClient{}, checked: map[chain.ActionType]bool{}}
}

// browser is user's browser, signed in.
func (c *caseFormsChecker) browser(user string) *webClient {
	w, ok := c.browsers[user]
	if !ok {
		w = c.h.browser()
		w.signIn(user)
		c.browsers[user] = w
	}
	return w
}

// state is the case's chain and whom user stands in for now.
func (c *caseFormsChecker) state(id, user string) (*chain.State, []string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := c.h.stack.Store.Case(ctx, id)
	if err != nil {
		c.t.Fatal(err)
	}
	if cs.State == nil {
		c.t.Fatalf("%s is not routed", id)
	}
	delegators, err := c.h.stack.Store.Delegators(ctx, user, time.Now())
	if err != nil {
		c.t.Fatal(err)
	}
	return cs.State, delegators
}

// casePage checks the case page of id as each user sees it: a form for every action the
// validator accepts from them (in their own name, and for each person they stand in for, the
// actions taken on the step), none for another, each marked as the validator demands.
func (c *caseFormsChecker) casePage(id string, users ...string) {
	c.t.Helper()
	for _, user := range users {
		w := c.browser(user)
		page := w.get("/cases/" + id)
		if page.Status != http.StatusOK {
			c.t.Fatalf("%s's page of %s: %d", user, id, page.Status)
		}
		st, delegators := c.state(id, user)
		now := time.Now()
		for _, who := range append([]string{""}, delegators...) {
			where := user + "'s page of " + id + ":"
			if who != "" {
				where = user + "'s page of " + id + " for " + who + ":"
			}
			for _, typ := range chain.Actions {
				ex := st.Example(typ, user, who, now)
				allowed := st.Validate(ex, now) == nil && (who == "" || typ.OnStep())
				formID := "act-" + string(typ) + "-form"
				switch {
				case typ == chain.ActResubmit:
					formID = "act-edit-resubmit"
				case who != "":
					formID = "act-" + strings.NewReplacer(".", "_", " ", "_").Replace(who) + "-" + string(typ) + "-form"
				}
				form := byID(page.Doc, formID)
				switch {
				case allowed && form == nil:
					c.t.Errorf("%s %s may %s, and the page has no form for it", where, user, typ)
				case !allowed && form != nil:
					c.t.Errorf("%s %s may not %s, and the page offers it", where, user, typ)
				case allowed && typ == chain.ActResubmit:
					c.resubmitForm(w, where, st, ex, now)
				case allowed:
					checkCaseForm(c.t, where, page.Doc, form, st, ex, now)
					c.checked[typ] = true
				}
			}
		}
	}
}

// resubmitForm checks the correction form a resubmission is sent from.
func (c *caseFormsChecker) resubmitForm(w *webClient, where string, st *chain.State, ex chain.Action, now time.Time) {
	c.t.Helper()
	page := w.get("/cases/" + st.CaseID + "/resubmit")
	if page.Status != http.StatusOK {
		c.t.Fatalf("%s the resubmission form: %d", where, page.Status)
	}
	var form *html.Node
	walk(page.Doc, func(n *html.Node) {
		if a, _ := attr(n, "action"); n.Data == "form" && a == "/cases/"+st.CaseID+"/resubmit" && form == nil {
			form = n
		}
	})
	if form == nil {
		c.t.Fatalf("%s the resubmission page has no form posting the resubmission", where)
	}
	checkCaseForm(c.t, where+" the resubmission form:", page.Doc, form, st, ex, now)
	c.checked[chain.ActResubmit] = true
}

// covered fails unless every action's form was checked.
func (c *caseFormsChecker) covered(want ...chain.ActionType) {
	c.t.Helper()
	for _, typ := range want {
		if !c.checked[typ] {
			c.t.Errorf("no %s form was checked", typ)
		}
	}
}

// TestExpenseFormsMarkWhatTheValidatorDemands walks expense claims through their chain and, at
// each step, holds every form its readers see against the validator: the witness and her
// delegate, the reviewers, the approver, the cashier, the submitter and a reviewer whose turn has not come.
func TestExpenseFormsMarkWhatTheValidatorDemands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := newCaseFormsChecker(t, h)
	now := time.Now().UTC()
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/delegations", User: "li.na", Body: map[string]any{
		"delegate_id": "zheng.yu", "valid_from": now.Add(-time.Minute).Format(time.RFC3339),
		"valid_to": now.Add(24 * time.Hour).Format(time.RFC3339)}}), http.StatusCreated, "")

	id := h.submit("zhang.wei", claimBody("1234.50")).str("id")
	c.casePage(id, "li.na", "zheng.yu", "zhang.wei", "sun.min")
	r := h.approveAll(id, "li.na")
	c.casePage(id, "sun.min", "zhou.jie", "li.na", "zhang.wei")
	for r.str("status") != "awaiting_payment" {
		holder := r.ids("assignees")[0]
		c.casePage(id, holder)
		r = h.approveAll(id, holder)
	}
	c.casePage(id, "wu.xia", "zhang.wei")

	// Returned: the submitter corrects, withdraws or comments.
	back := h.submit("zhang.wei", claimBody("88.00"))
	h.must(h.act("li.na", back.str("id"), "return", map[string]any{"revision": back.num("revision"), "comment": "请补充发票"}),
		http.StatusOK, "")
	c.casePage(back.str("id"), "zhang.wei", "li.na")

	c.covered(chain.Actions...)
}

// TestProcurementFormsMarkWhatTheValidatorDemands does the same for a purchase request (review,
// approval, the countersign whose refusal returns it, its revision), the receipt of its delivery
// and the payment of its invoice.
func TestProcurementFormsMarkWhatTheValidatorDemands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedProcurement()
	c := newCaseFormsChecker(t, h)
	contract := h.uploaded("huang.lei", "合同.pdf", []byte(minimalPDF))
	body := purchaseBody(contract, item("MAT-LAPTOP", "2", "8000.00"), item("MAT-MONITOR", "4", "1500.00"))
	pr := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/purchase-requests", User: "huang.lei", Body: body}), http.StatusCreated, "")
	id := pr.str("id")
	c.casePage(id, "sun.min", "huang.lei")
	r := h.approveAll(id, "sun.min")
	for r.str("current_step") != "countersign" {
		holder := r.ids("assignees")[0]
		c.casePage(id, holder)
		r = h.approveAll(id, holder)
	}
	c.casePage(id, "lin.feng", "ma.lan", "huang.lei")

	// A countersigner's refusal returns the request to its requester to revise.
	r = h.must(h.act("ma.lan", id, "reject", map[string]any{"revision": r.num("revision"), "comment": "缺少违约责任条款"}), http.StatusOK, "")
	if r.str("status") != "returned" {
		t.Fatalf("after a countersigner's refusal: %s", r.str("status"))
	}
	c.casePage(id, "huang.lei", "ma.lan")
	revised := with(body, -1, nil)
	delete(revised["contract"].(map[string]any), "attachment_id")
	r = h.must(h.act("huang.lei", id, "resubmit", map[string]any{"revision": r.num("revision"), "request": revised}), http.StatusOK, "")
	h.approveAll(id, r.ids("holders")...)
	order := purchaseOf(h.eventually(call{Method: http.MethodGet, Path: "/api/v1/cases/" + id, User: "huang.lei"},
		func(r reply) bool { return purchaseOf(r)["order_id"] != "" }))["order_id"].(string)

	// The delivery's receipt, sealed by the keeper, waits for an accountant.
	o := h.eventually(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "he.ping"},
		func(r reply) bool { return r.str("status") == "ordered" })
	var lines []any
	for _, l := range o.Body["lines"].([]any) {
		lm := l.(map[string]any)
		qty := itoa(int(lm["quantity"].(float64)))
		lines = append(lines, map[string]any{"line_no": lm["line_no"], "quantity": qty, "note_quantity": qty,
			"spec": lm["spec"], "unit_price": lm["unit_price"], "supplier_id": "SUP-HUAXIN", "manufacturer": "华信电子", "batch": "B2026-11"})
	}
	d := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/orders/" + order + "/deliveries", User: "he.ping",
		Body: map[string]any{"note_no": "SH-001", "invoice_no": "FP-001", "seal": true, "lines": lines}}), http.StatusCreated, "")
	receipt := d.str("receipt_id")
	c.casePage(receipt, "zhou.jie", "sun.min", "he.ping")
	h.approveAll(receipt, "zhou.jie")

	// The invoice opens the payment, which the cashier records.
	h.eventually(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "guo.hua"},
		func(r reply) bool { return r.str("status") == "received" })
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/orders/" + order + "/invoice", User: "guo.hua",
		Body: map[string]any{"invoice_no": "FP-2026-7788", "invoiced_on": time.Now().Format(time.DateOnly), "lines": []any{
			map[string]any{"line_no": 1, "quantity": "2", "amount": "16000.00"},
			map[string]any{"line_no": 2, "quantity": "4", "amount": "6000.00"}}}}), http.StatusOK, "")
	pay := h.eventually(call{Method: http.MethodGet, Path: "/api/v1/orders/" + order, User: "guo.hua"},
		func(r reply) bool { return r.str("settlement") != "" }).str("settlement")
	h.eventually(call{Method: http.MethodGet, Path: "/api/v1/cases/" + pay, User: "wu.xia"},
		func(r reply) bool { return r.str("status") != "submitted" })
	c.casePage(pay, "wu.xia")

	c.covered(chain.ActApprove, chain.ActPay, chain.ActReject, chain.ActReturn, chain.ActAddSigner,
		chain.ActResubmit, chain.ActWithdraw, chain.ActComment, chain.ActNudge)
}
