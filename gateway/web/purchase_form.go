package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"signoff/gateway/door"
	"signoff/service"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/chain"
	"signoff/i18n"
	"signoff/policy"
	"signoff/procure"
	"signoff/store"
)

// The purchase request form (采购申请), for a new request and for a returned request's revision.
// It works like the claim form: without JavaScript, buttons add and remove item lines and
// preview the route by posting the form back; with it (app.js, the same script as the claim
// form), lines change in place and the preview follows the typing. The preview also runs the
// procurement rules (supplier admitted and qualified on the day, strategic and key materials,
// the plan), so a refusal shows before the contract is filled in. Nothing typed is lost on an
// error, and the contract document stays uploaded.

// procurementPages mounts the purchase request form and the order pages.
func (s *server) procurementPages(r chi.Router) {
	r.Get("/purchases/new", s.newPurchasePage)
	r.Post("/purchases/new", s.newPurchaseSubmit)
	r.Post("/purchases/preview", s.purchasePreviewFragment)
	r.Get("/orders", s.ordersPage)
	r.Get("/orders/{id}", s.orderPage)
	r.Post("/orders/{id}/deliveries", s.deliverySubmit)
	r.Post("/orders/{id}/invoice", s.invoiceSubmit)
	r.Post("/orders/{id}/returns/{task}", s.returnSubmit)
}

// purchaseForm is the purchase request form as shown.
type purchaseForm struct {
	formState
	Action     string
	Resubmit   *caseSummary // the returned request being revised, or nil for a new one
	Revision   int          // resubmit: the case revision the form was made from
	Title      string
	Purpose    string
	Category   string
	BudgetLine string
	SupplierID string
	PlanID     string
	Delivery   string // the delivery date, YYYY-MM-DD
	Items      []formItem
	ContractNo string
	Payment    string // payment terms
	Shipping   string // delivery terms
	Warranty   string
	Contract   *store.Attachment // the contract document uploaded with this form, not yet on a case
	Existing   *store.Attachment // resubmit: the contract document on the case, kept unless replaced
	CC         []string
	Comment    string // resubmit: a note to the signers
	Total      policy.Money
	// The route preview: the route, or why there is none yet, and what the procurement rules
	// refuse.
	Preview     *routePreview
	PreviewNote string
	Refusals    []string
	// The pickers.
	Categories  []policy.Category // goods first
	BudgetLines []budgetOption
	Suppliers   []supplierView
	Plans       []store.Plan
	Materials   []procure.Material
	People      []userRef
	MaxUpload   string
}

// formItem is one item line as typed.
type formItem struct {
	MaterialID   string
	Spec         string
	Quantity     string
	UnitPrice    string
	Manufacturer string
}

// Err returns the problem of a field, or "".
func (f *purchaseForm) Err(field string) string { return f.Errors[field] }

// ContractErr is the problem of the contract document: a refused upload, or none given.
func (f *purchaseForm) ContractErr() string {
	if e := f.Errors["attachments"]; e != "" {
		return e
	}
	return f.Errors["contract.attachment_id"]
}

// HasCC reports whether the form copies the request to a person.
func (f *purchaseForm) HasCC(id string) bool { return slices.Contains(f.CC, id) }

// Plan is the chosen plan, or nil.
func (f *purchaseForm) Plan() *store.Plan {
	for i := range f.Plans {
		if f.Plans[i].ID == f.PlanID {
			return &f.Plans[i]
		}
	}
	return nil
}

// MaterialName names a material of the catalogue, or shows its ID.
func (f *purchaseForm) MaterialName(id string) string {
	for _, m := range f.Materials {
		if m.ID == id {
			return m.Name
		}
	}
	return id
}

// itemData is one item line of the form for the "item" template.
type itemData struct {
	P *page
	F *purchaseForm
	I int // its index; -1 for the row JavaScript copies
	L formItem
}

// Item is the form's i-th item line.
func (p *page) Item(i int, it formItem) itemData {
	f, _ := p.Data.(*purchaseForm)
	return itemData{P: p, F: f, I: i, L: it}
}

// BlankItem is the empty line the form's template row starts from.
func (p *page) BlankItem() formItem { return formItem{} }

// ID names one input of the line, unique on the page; app.js renames "line-new-" copies.
func (d itemData) ID(field string) string {
	if d.I < 0 {
		return "line-new-" + field
	}
	return fmt.Sprintf("line-%d-%s", d.I, field)
}

// Err is the problem of one of the line's fields.
func (d itemData) Err(field string) string {
	if d.F == nil || d.I < 0 {
		return ""
	}
	return d.F.Errors[fmt.Sprintf("items[%d].%s", d.I, field)]
}

// readPurchaseForm reads the posted fields; item fields come as parallel lists.
func readPurchaseForm(r *http.Request) purchaseForm {
	v := r.PostForm
	f := purchaseForm{formState: formState{Key: v.Get("key")}, Title: v.Get("title"), Purpose: v.Get("purpose"), Category: v.Get("category"),
		BudgetLine: v.Get("budget_line_id"), SupplierID: v.Get("supplier_id"), PlanID: v.Get("plan_id"),
		Delivery: v.Get("delivery_date"), ContractNo: v.Get("contract_no"), Payment: v.Get("payment_terms"),
		Shipping: v.Get("delivery_terms"), Warranty: v.Get("warranty"), Comment: v.Get("comment"), CC: v["cc"]}
	f.Revision, _ = strconv.Atoi(v.Get("revision"))
	materials, specs, quantities, prices, makers := v["item_material_id"], v["item_spec"], v["item_quantity"],
		v["item_unit_price"], v["item_manufacturer"]
	n := max(len(materials), len(specs), len(quantities), len(prices), len(makers))
	for i := range min(n, maxItems+1) {
		f.Items = append(f.Items, formItem{MaterialID: at(materials, i), Spec: at(specs, i), Quantity: at(quantities, i),
			UnitPrice: at(prices, i), Manufacturer: at(makers, i)})
	}
	if len(f.Key) > door.MaxIdempotencyKey {
		f.Key = ""
	}
	return f
}

// typed is a number as typed into the form: absent when left blank, thousands separators dropped.
func typed(s string) amountText {
	t := strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if t == "" {
		return amountText{}
	}
	return amountText{text: t, present: true, valid: true}
}

// input is the request the form describes; blank lines are left out.
func (f *purchaseForm) input() purchaseInput {
	in := purchaseInput{headerInput: headerInput{Title: f.Title, Purpose: f.Purpose, Category: f.Category,
		BudgetLineID: f.BudgetLine, CC: f.CC}, SupplierID: f.SupplierID, PlanID: f.PlanID, DeliveryDate: f.Delivery,
		Contract: contractInput{No: f.ContractNo, PaymentTerms: f.Payment, DeliveryTerms: f.Shipping, Warranty: f.Warranty}}
	if f.Contract != nil {
		in.Contract.AttachmentID = f.Contract.ID
	}
	for _, it := range f.Items {
		if it == (formItem{}) {
			continue
		}
		in.Items = append(in.Items, itemInput{MaterialID: it.MaterialID, Spec: it.Spec, Quantity: typed(it.Quantity),
			UnitPrice: typed(it.UnitPrice), Manufacturer: it.Manufacturer})
	}
	return in
}

// dropBlankItems removes the lines left entirely empty, keeping one to type in, so that error
// paths (items[i]) match the lines shown.
func (f *purchaseForm) dropBlankItems() {
	items := slices.DeleteFunc(slices.Clone(f.Items), func(it formItem) bool { return it == (formItem{}) })
	if len(items) == 0 {
		items = []formItem{{}}
	}
	f.Items = items
}

// total adds up the lines whose quantity and price parse; the others are reported on submission.
func (f *purchaseForm) total() policy.Money {
	var sum policy.Money
	for _, it := range f.Items {
		q, p := parseQuantity(typed(it.Quantity))
		if p.Key != "" {
			continue
		}
		price, p := parseAmount(typed(it.UnitPrice))
		if p.Key != "" || int64(price) > int64(policy.MaxMoney)/q {
			continue
		}
		if sum += policy.Money(q * int64(price)); sum > policy.MaxMoney {
			return policy.MaxMoney
		}
	}
	return sum
}

// preparePurchase fills in what the form shows besides what was typed: the pickers, the total
// and the route preview. exceptCase is the request being revised, whose own quantities do not
// count against its plan.
func (s *server) preparePurchase(ctx context.Context, lang i18n.Lang, u store.User, f *purchaseForm, exceptCase string) error {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return service.Internal(fmt.Errorf("purchase form: %w", err))
	}
	lines, err := s.store.BudgetLines(ctx, u.DepartmentID)
	if err != nil {
		return fmt.Errorf("purchase form: %w", err)
	}
	f.Categories = slices.Clone(doc.Categories)
	slices.SortStableFunc(f.Categories, func(a, b policy.Category) int {
		switch {
		case a.Goods == b.Goods:
			return 0
		case a.Goods:
			return -1
		}
		return 1
	})
	f.BudgetLines = f.BudgetLines[:0]
	for _, b := range lines {
		o := budgetOption{ID: b.ID, Name: b.Name, Remaining: policy.Money(b.Remaining)}
		if pl, ok := doc.BudgetLine(b.ID); ok {
			o.Category = pl.Category
		}
		f.BudgetLines = append(f.BudgetLines, o)
	}
	suppliers, err := s.store.Suppliers(ctx, store.SupplierFilter{})
	if err != nil {
		return fmt.Errorf("purchase form: %w", err)
	}
	clock := s.certificateClock(ctx)
	f.Suppliers = f.Suppliers[:0]
	for _, sp := range suppliers {
		f.Suppliers = append(f.Suppliers, clock.view(sp))
	}
	if f.Plans, err = s.store.Plans(ctx, u.DepartmentID); err != nil {
		return fmt.Errorf("purchase form: %w", err)
	}
	if f.Materials, err = s.store.Materials(ctx); err != nil {
		return fmt.Errorf("purchase form: %w", err)
	}
	f.MaxUpload = fmt.Sprintf("%d MB", s.cfg.MaxUploadBytes>>20)
	if len(f.Items) == 0 {
		f.Items = []formItem{{}}
	}
	f.Total = f.total()
	s.fillPurchasePreview(ctx, lang, doc, u, f, exceptCase)
	return nil
}

// fillPurchasePreview works out the route once the form has a category, a budget line and an
// amount, and runs the procurement rules once it names a supplier, a plan and items.
func (s *server) fillPurchasePreview(ctx context.Context, lang i18n.Lang, doc *policy.Document, u store.User, f *purchaseForm, exceptCase string) {
	f.Preview, f.PreviewNote, f.Refusals = nil, "", nil
	for _, k := range sortedFields(s.purchaseRules(ctx, doc, u, f, exceptCase)) {
		f.Refusals = append(f.Refusals, i18n.T(lang, "ui.purchase.refusal", k.label(lang), k.p.In(lang)))
	}
	_, catOK := doc.Category(f.Category)
	line, lineOK := doc.BudgetLine(f.BudgetLine)
	switch {
	case !catOK || !lineOK || f.Total <= 0:
		f.PreviewNote = "ui.purchase.preview_incomplete"
		return
	case line.Department != u.DepartmentID || (line.Category != "" && line.Category != f.Category):
		f.PreviewNote = "ui.preview.line_mismatch"
		return
	}
	p, err := s.preview(ctx, doc, u, policy.KindProcurement, f.Category, f.BudgetLine, f.Total)
	var over *store.OverBudgetError
	switch {
	case errors.As(err, &over):
		f.PreviewNote = "ui.purchase.over_budget"
	case err != nil:
		f.PreviewNote = "ui.preview.no_route"
	default:
		f.Preview = &p
	}
}

// purchaseRules runs the procurement rules on what the form names so far, as a submission would:
// nothing when the supplier, the plan or an item line is not yet one the rules can judge.
func (s *server) purchaseRules(ctx context.Context, doc *policy.Document, u store.User, f *purchaseForm, exceptCase string) service.FieldErrors {
	in := f.input()
	if _, ok := doc.Category(in.Category); !ok || in.SupplierID == "" || in.PlanID == "" || len(in.Items) == 0 {
		return nil
	}
	facts, err := s.purchaseFacts(ctx, strings.TrimSpace(in.SupplierID))
	if err != nil || facts.supplier.ID == "" {
		return nil
	}
	plans, err := s.store.Plans(ctx, u.DepartmentID)
	if err != nil || !slices.ContainsFunc(plans, func(p store.Plan) bool { return p.ID == strings.TrimSpace(in.PlanID) }) {
		return nil
	}
	day, err := s.today(doc)
	if err != nil {
		return nil
	}
	p := purchase{header: header{Category: strings.TrimSpace(in.Category)}}
	p.SupplierID, p.PlanID, p.RequestedOn = facts.supplier.ID, strings.TrimSpace(in.PlanID), day
	for _, it := range in.Items {
		item, problems := validateItem(it, facts.materials)
		if len(problems) > 0 {
			return nil
		}
		p.Items = append(p.Items, item)
	}
	plan, err := s.store.PlanLines(ctx, p.PlanID, materialIDs(p.Items), exceptCase)
	if err != nil {
		return nil
	}
	var refused *service.RefusedError
	if errors.As(checkPurchase(doc.Procurement, p, facts, plan, ""), &refused) {
		return refused.Fields
	}
	return nil
}

// fieldText is one field's problem.
type fieldText struct {
	field string
	p     service.Problem
}

// label names the field for a list of problems: 供应商, 第 2 行 数量.
func (k fieldText) label(lang i18n.Lang) string {
	if m := itemField.FindStringSubmatch(k.field); m != nil {
		n, _ := strconv.Atoi(m[1])
		return i18n.T(lang, "ui.purchase.item_n", n+1) + " " + i18n.T(lang, "ui.purchase.item."+m[2])
	}
	if key := "ui.purchase.field." + strings.ReplaceAll(k.field, ".", "_"); i18n.Has(lang, key) {
		return i18n.T(lang, key)
	}
	return k.field
}

var itemField = regexp.MustCompile(`^items\[(\d+)\]\.([a-z_]+)$`)

// sortedFields lists problems in the order of their fields.
func sortedFields(bad service.FieldErrors) []fieldText {
	out := make([]fieldText, 0, len(bad))
	for k, p := range bad {
		out = append(out, fieldText{field: k, p: p})
	}
	slices.SortFunc(out, func(a, b fieldText) int { return cmp.Compare(a.field, b.field) })
	return out
}

// acceptPurchaseForm reads a posted purchase form: its fields, the contract document it carries
// (stored at once, so a form sent back with errors keeps it) or the one it kept from an earlier
// post.
func (s *server) acceptPurchaseForm(ctx context.Context, r *http.Request, u store.User) (purchaseForm, service.FieldErrors, error) {
	f := readPurchaseForm(r)
	bad := service.FieldErrors{}
	kept, err := s.store.UnlinkedAttachments(ctx, u.ID, distinct(r.PostForm["contract_attachment"]))
	if err != nil {
		return f, nil, fmt.Errorf("purchase form: %w", err)
	}
	fresh, err := s.saveUploads(ctx, r, u, 0, bad)
	if err != nil {
		return f, nil, err
	}
	switch {
	case len(fresh) > 0: // a new document replaces the one kept
		f.Contract = &fresh[len(fresh)-1]
	case len(kept) > 0:
		f.Contract = &kept[0]
	}
	return f, bad, nil
}

// editPurchaseForm applies a non-submitting intent; it reports false for a submission.
func editPurchaseForm(f *purchaseForm, intent string, line int) bool {
	switch intent {
	case "add_line":
		if len(f.Items) < maxItems {
			f.Items = append(f.Items, formItem{})
		}
	case "remove_line":
		if line >= 0 && line < len(f.Items) {
			f.Items = slices.Delete(f.Items, line, line+1)
		}
	case "preview":
		f.dropBlankItems()
	default:
		return false
	}
	return true
}

// showPurchaseForm renders the form page with a status.
func (s *server) showPurchaseForm(w http.ResponseWriter, r *http.Request, status int, titleKey string, f *purchaseForm) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	u := door.User(r.Context())
	except := ""
	if f.Resubmit != nil {
		except = f.Resubmit.ID
	}
	if err := s.preparePurchase(ctx, langOf(r), u, f, except); err != nil {
		s.errorPage(w, r, err)
		return
	}
	p := s.newPage(r, titleKey)
	f.People = p.PeopleExcept(u.ID)
	p.Data = f
	s.render(w, r, status, "purchase_form", p)
}

// purchaseFailed puts a failed submission's problems on the form and shows it again.
func (s *server) purchaseFailed(w http.ResponseWriter, r *http.Request, titleKey string, f *purchaseForm, err error) {
	e := s.explain(r, langOf(r), err)
	f.refused(e)
	s.showPurchaseForm(w, r, e.Status, titleKey, f)
}

// newPurchasePage shows an empty purchase request form.
func (s *server) newPurchasePage(w http.ResponseWriter, r *http.Request) {
	f := &purchaseForm{Action: "/purchases/new", formState: formState{Key: newKey()}, Items: []formItem{{}, {}}}
	s.showPurchaseForm(w, r, http.StatusOK, "ui.purchase.title", f)
}

// newPurchaseSubmit files the request, or shows the form again with what needs fixing.
func (s *server) newPurchaseSubmit(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	f, bad, err := s.acceptPurchaseForm(ctx, r, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	f.Action = "/purchases/new"
	s.postPurchaseForm(w, r, u, &f, bad, "ui.purchase.title", "", func(in purchaseInput) (string, error) {
		c, _, err := s.submitPurchase(ctx, u, in, f.Key)
		return "/cases/" + c.ID + "?done=submit", err
	})
}

// postPurchaseForm answers a post of the purchase form, new or revised, as postClaimForm does
// for claims: editing and previewing show the form again; a submission goes to send, and
// whatever is wrong brings the form back with every problem at once.
func (s *server) postPurchaseForm(w http.ResponseWriter, r *http.Request, u store.User, f *purchaseForm, bad service.FieldErrors,
	titleKey, exceptCase string, send func(purchaseInput) (string, error)) {
	lang := langOf(r)
	if f.Key == "" {
		f.Key = newKey()
	}
	if intent, line := formIntent(r); editPurchaseForm(f, intent, line) {
		if intent == "preview" {
			// The preview shows the rules' refusals next to their fields too.
			if _, doc, err := s.policies.Latest(r.Context()); err == nil {
				for k, p := range s.purchaseRules(r.Context(), doc, u, f, exceptCase) {
					bad.Add(k, p.Key, p.Args...)
				}
			}
		}
		if len(bad) > 0 {
			f.Errors = bad.In(lang)
		}
		s.showPurchaseForm(w, r, http.StatusOK, titleKey, f)
		return
	}
	f.dropBlankItems()
	if len(bad) > 0 {
		s.purchaseFailed(w, r, titleKey, f, s.withPurchaseProblems(r.Context(), u, f, exceptCase, bad))
		return
	}
	next, err := send(f.input())
	if err != nil {
		var refused *service.RefusedError
		var invalid *service.ValidationError
		if !errors.As(err, &refused) && errors.As(err, &invalid) {
			// The form's mistakes come before the rules; show the rules' refusals as well.
			err = s.withPurchaseProblems(r.Context(), u, f, exceptCase, invalid.Fields)
		}
		s.purchaseFailed(w, r, titleKey, f, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// withPurchaseProblems adds what is wrong with the request itself, and what the procurement
// rules refuse, to the problems already found, so that the form shows every mistake at once.
func (s *server) withPurchaseProblems(ctx context.Context, u store.User, f *purchaseForm, exceptCase string, bad service.FieldErrors) error {
	out := service.FieldErrors{}
	for k, p := range bad {
		out[k] = p
	}
	if _, doc, err := s.policies.Latest(ctx); err == nil {
		in := f.input()
		if in.Contract.AttachmentID == "" && f.Existing != nil {
			in.Contract.AttachmentID = f.Existing.ID
		}
		var invalid *service.ValidationError
		if _, _, err := s.validPurchase(ctx, doc, u, in, ""); errors.As(err, &invalid) {
			for k, p := range invalid.Fields {
				out.Add(k, p.Key, p.Args...)
			}
		}
		for k, p := range s.purchaseRules(ctx, doc, u, f, exceptCase) {
			out.Add(k, p.Key, p.Args...)
		}
	}
	return out.Err()
}

// purchasePreviewFragment answers the form's live route preview: the preview block alone. A
// revision names its case, whose own quantities do not count against the plan.
func (s *server) purchasePreviewFragment(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	f := readPurchaseForm(r)
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		s.errorPage(w, r, service.Internal(err))
		return
	}
	except := ""
	if id := r.URL.Query().Get("case"); id != "" {
		if v, err := s.visibleCase(ctx, u, id); err == nil && v.Case.SubmitterID == u.ID {
			except = id
		}
	}
	f.Total = f.total()
	s.fillPurchasePreview(ctx, langOf(r), doc, u, &f, except)
	p := s.newPage(r, "ui.purchase.title")
	p.Data = &f
	s.renderFragment(w, r, "purchase_form", "route_preview", p)
}

// purchaseResubmitForm starts the revision form of a purchase request the reader may resubmit
// now.
func (s *server) purchaseResubmitForm(ctx context.Context, u store.User, v store.CaseView) (*purchaseForm, error) {
	c := v.Case
	if c.State == nil || c.State.Validate(chain.Action{Type: chain.ActResubmit, Actor: u.ID, Revision: c.Revision}, s.now()) != nil {
		return nil, &door.Error{Status: http.StatusConflict, Code: string(chain.CodeNotAllowedNow),
			Message: "Only a purchase request returned to you can be revised and resubmitted."}
	}
	p, err := s.store.Purchase(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("revise purchase %s: %w", c.ID, err)
	}
	names := nameBook{}
	for id, name := range v.Names {
		names[id] = store.User{ID: id, Name: name}
	}
	sum := summaryOf(c, names)
	f := &purchaseForm{Action: "/cases/" + c.ID + "/resubmit", Resubmit: &sum}
	for i := range v.Attachments {
		if v.Attachments[i].ID == p.ContractAttachmentID {
			f.Existing = &v.Attachments[i]
		}
	}
	return f, nil
}

// purchaseResubmitPage shows a returned purchase request in the form, prefilled, for its
// requester to revise and send again.
func (s *server) purchaseResubmitPage(w http.ResponseWriter, r *http.Request, u store.User, v store.CaseView) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	f, err := s.purchaseResubmitForm(ctx, u, v)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p, err := s.store.Purchase(ctx, v.Case.ID)
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("revise purchase %s: %w", v.Case.ID, err))
		return
	}
	c := v.Case
	f.Key, f.Revision = newKey(), c.Revision
	f.Title, f.Purpose, f.Category, f.BudgetLine = c.Title, c.Purpose, c.Category, c.BudgetLineID
	f.SupplierID, f.PlanID, f.Delivery = p.SupplierID, p.PlanID, p.DeliveryDate.Format(time.DateOnly)
	f.ContractNo, f.Payment, f.Shipping, f.Warranty = p.ContractNo, p.ContractTerms.PaymentTerms,
		p.ContractTerms.DeliveryTerms, p.ContractTerms.Warranty
	for _, it := range p.Items {
		f.Items = append(f.Items, formItem{MaterialID: it.MaterialID, Spec: it.Spec, Quantity: strconv.FormatInt(it.Quantity, 10),
			UnitPrice: it.UnitPrice.Plain(), Manufacturer: it.Manufacturer})
	}
	s.showPurchaseForm(w, r, http.StatusOK, "ui.resubmit.title", f)
}

// purchaseResubmitSubmit sends a revised purchase request back into its chain. Its contract
// document stays unless a new one is uploaded.
func (s *server) purchaseResubmitSubmit(w http.ResponseWriter, r *http.Request, u store.User, v store.CaseView) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	base, err := s.purchaseResubmitForm(ctx, u, v)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	f, bad, err := s.acceptPurchaseForm(ctx, r, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	c := v.Case
	f.Action, f.Resubmit, f.Existing, f.CC, f.BudgetLine = base.Action, base.Resubmit, base.Existing, nil, c.BudgetLineID
	s.postPurchaseForm(w, r, u, &f, bad, "ui.resubmit.title", c.ID, func(in purchaseInput) (string, error) {
		rev := f.Revision
		req := actionRequest{Revision: &rev, Comment: f.Comment, Request: &in}
		if _, err := s.perform(ctx, u, c.ID, chain.ActResubmit, req, f.Key); err != nil {
			return "", stripFieldPrefix(err, "request.")
		}
		return "/cases/" + c.ID + "?done=resubmit", nil
	})
}

// stripFieldPrefix files a revision's problems ("request.supplier_id") under the form's fields,
// keeping whether the form or the rules refused it.
func stripFieldPrefix(err error, prefix string) error {
	var refused *service.RefusedError
	var invalid *service.ValidationError
	var fields service.FieldErrors
	switch {
	case errors.As(err, &refused):
		fields = refused.Fields
	case errors.As(err, &invalid):
		fields = invalid.Fields
	default:
		return err
	}
	out := service.FieldErrors{}
	for k, p := range fields {
		out[strings.TrimPrefix(k, prefix)] = p
	}
	if refused != nil {
		return &service.RefusedError{Fields: out}
	}
	return out.Err()
}
