package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"signoff/i18n"
	"signoff/policy"
	"signoff/procure"
	"signoff/service"
	"signoff/store"
)

// The purchase request form (采购申请), for a new request and for a returned request's revision:
// the shared header (web_filing.go), the supplier, plan and delivery, the item lines and the
// contract with its document. Its preview also runs the procurement rules (supplier admitted
// and qualified on the day, strategic and key materials, the plan), so that a refusal shows
// before the contract is filled in; the total is worked out with the preview.

// procurementPages mounts the purchase request form and the order pages.
func (s *server) procurementPages(r chi.Router) {
	s.filingPages(r, "/purchases", "ui.purchase.title", func(action string) filing { return newPurchaseForm(action) })
	r.Get("/orders", s.ordersPage)
	r.Get("/orders/{id}", s.orderPage)
	r.Post("/orders/{id}/deliveries", s.deliverySubmit)
	r.Post("/orders/{id}/invoice", s.invoiceSubmit)
	r.Post("/orders/{id}/returns/{task}", s.returnSubmit)
}

// purchaseText labels the purchase form's shared parts.
var purchaseText = filingText{Heading: "ui.purchase.heading", Purpose: "ui.purchase.purpose",
	PurposeHint: "ui.purchase.purpose_hint", Category: "ui.purchase.category", Goods: "ui.purchase.goods",
	PreviewIncomplete: "ui.purchase.preview_incomplete", PreviewOverBudget: "ui.purchase.over_budget",
	PreviewPath: "/purchases/preview", Class: "purchase-form", TotalInPreview: true}

// purchaseForm is the purchase request form as shown.
type purchaseForm struct {
	filingForm
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
	// The pickers besides the header's.
	Suppliers []service.SupplierView
	Plans     []store.Plan
	Materials []procure.Material
}

// formItem is one item line as typed.
type formItem struct {
	MaterialID   string
	Spec         string
	Quantity     string
	UnitPrice    string
	Manufacturer string
}

// newPurchaseForm is an empty purchase request form posting to action.
func newPurchaseForm(action string) *purchaseForm {
	return &purchaseForm{filingForm: filingForm{Text: purchaseText, required: service.PurchaseRequired(), Action: action}}
}

// ContractErr is the problem of the contract document: a refused upload, or none given.
func (f *purchaseForm) ContractErr() string {
	if e := f.Errors["attachments"]; e != "" {
		return e
	}
	return f.Errors["contract.attachment_id"]
}

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

func (f *purchaseForm) page() string      { return "purchase_form" }
func (f *purchaseForm) kind() policy.Kind { return policy.KindProcurement }
func (f *purchaseForm) rows() rowEditor {
	return formRows[formItem]{rows: &f.Items, max: service.MaxItems}
}
func (f *purchaseForm) draftTotal() policy.Money { return f.input().DraftTotal() }

// read takes the posted fields; item fields come as parallel lists.
func (f *purchaseForm) read(r *http.Request) {
	v := r.PostForm
	f.filingForm.read(v)
	f.SupplierID, f.PlanID, f.Delivery = v.Get("supplier_id"), v.Get("plan_id"), v.Get("delivery_date")
	f.ContractNo, f.Payment, f.Shipping, f.Warranty = v.Get("contract_no"), v.Get("payment_terms"),
		v.Get("delivery_terms"), v.Get("warranty")
	f.Items = readRows(v, service.MaxItems, []string{"item_material_id", "item_spec", "item_quantity", "item_unit_price", "item_manufacturer"},
		func(get func(string) string) formItem {
			return formItem{MaterialID: get("item_material_id"), Spec: get("item_spec"), Quantity: get("item_quantity"),
				UnitPrice: get("item_unit_price"), Manufacturer: get("item_manufacturer")}
		})
}

// input is the request the form describes; blank lines are left out.
func (f *purchaseForm) input() service.PurchaseInput {
	in := service.PurchaseInput{HeaderInput: f.headerInput(), SupplierID: f.SupplierID, PlanID: f.PlanID,
		DeliveryDate: f.Delivery, Contract: service.ContractInput{No: f.ContractNo, PaymentTerms: f.Payment,
			DeliveryTerms: f.Shipping, Warranty: f.Warranty}}
	if f.Contract != nil {
		in.Contract.AttachmentID = f.Contract.ID
	}
	for _, it := range f.Items {
		if it == (formItem{}) {
			continue
		}
		in.Items = append(in.Items, service.ItemInput{MaterialID: it.MaterialID, Spec: it.Spec,
			Quantity: service.TypedAmount(it.Quantity), UnitPrice: service.TypedAmount(it.UnitPrice), Manufacturer: it.Manufacturer})
	}
	return in
}

// accept reads a posted purchase form with its contract document: uploaded now (replacing the
// one kept) or kept from an earlier post.
func (f *purchaseForm) accept(ctx context.Context, s *server, r *http.Request, u store.User, bad service.FieldErrors) error {
	f.read(r)
	kept, err := s.svc.KeptUploads(ctx, u, r.PostForm["contract_attachment"])
	if err != nil {
		return err
	}
	fresh, err := s.saveUploads(ctx, r, u, 0, bad)
	if err != nil {
		return err
	}
	switch {
	case len(fresh) > 0: // a new document replaces the one kept
		f.Contract = &fresh[len(fresh)-1]
	case len(kept) > 0:
		f.Contract = &kept[0]
	}
	return nil
}

// pickers lists goods categories first, and the suppliers, the department's plans and the
// materials.
func (f *purchaseForm) pickers(ctx context.Context, s *server, u store.User) error {
	slices.SortStableFunc(f.Categories, func(a, b service.CategoryView) int {
		switch {
		case a.Goods == b.Goods:
			return 0
		case a.Goods:
			return -1
		}
		return 1
	})
	choices, err := s.svc.PurchaseChoicesFor(ctx, u)
	if err != nil {
		return fmt.Errorf("purchase form: %w", err)
	}
	f.Suppliers, f.Plans, f.Materials = choices.Suppliers, choices.Plans, choices.Materials
	return nil
}

// problems is what the validator and the procurement rules find wrong with the request; a
// revision keeps its contract document unless it replaces it.
func (f *purchaseForm) problems(ctx context.Context, s *server, u store.User) service.FieldErrors {
	in := f.input()
	if in.Contract.AttachmentID == "" && f.Existing != nil {
		in.Contract.AttachmentID = f.Existing.ID
	}
	out := service.FieldErrors{}
	for _, bad := range []service.FieldErrors{s.svc.PurchaseProblems(ctx, u, in), f.refusals(ctx, s, u)} {
		for k, p := range bad {
			out.Add(k, p.Key, p.Args...)
		}
	}
	return out
}

func (f *purchaseForm) refusals(ctx context.Context, s *server, u store.User) service.FieldErrors {
	return s.svc.PurchaseRefusals(ctx, u, f.input(), f.exceptCase())
}

// fill prefills the request's supply, items and contract from the returned case.
func (f *purchaseForm) fill(ctx context.Context, s *server, v store.CaseView) error {
	p, err := s.svc.PurchaseView(ctx, v.Case.ID)
	if err != nil {
		return fmt.Errorf("revise purchase %s: %w", v.Case.ID, err)
	}
	f.SupplierID, f.PlanID, f.Delivery = p.Supplier.ID, p.PlanID, p.DeliveryDate
	f.ContractNo, f.Payment, f.Shipping, f.Warranty = p.Contract.No, p.Contract.PaymentTerms,
		p.Contract.DeliveryTerms, p.Contract.Warranty
	for _, it := range p.Items {
		f.Items = append(f.Items, formItem{MaterialID: it.MaterialID, Spec: it.Spec, Quantity: strconv.FormatInt(it.Quantity, 10),
			UnitPrice: it.UnitPrice.Plain(), Manufacturer: it.Manufacturer})
	}
	return nil
}

func (f *purchaseForm) resubmission() (service.ActionInput, string) {
	in := f.input()
	return service.ActionInput{Request: &in}, "request."
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
func (d itemData) ID(field string) string { return rowInputID(d.I, field) }

// Err is the problem of one of the line's fields.
func (d itemData) Err(field string) string {
	if d.F == nil || d.I < 0 {
		return ""
	}
	return d.F.Err(linePath("items", d.I, field))
}

// Required reports whether every item needs the field.
func (d itemData) Required(field string) bool {
	return d.F != nil && d.F.Required("items[]."+field)
}

// refusalTexts lists what the rules refuse of a draft, in the order of the fields, each with
// the field named: 供应商：…, 第 2 行 数量：….
func refusalTexts(lang i18n.Lang, bad service.FieldErrors) []string {
	var out []string
	for _, k := range sortedFields(bad) {
		out = append(out, i18n.T(lang, "ui.purchase.refusal", k.label(lang), k.p.In(lang)))
	}
	return out
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

func (f *purchaseForm) file(ctx context.Context, s *server, u store.User) (store.Case, error) {
	c, _, err := s.svc.SubmitPurchase(ctx, u, f.input(), f.Key)
	return c, err
}
