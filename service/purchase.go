package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"signoff/policy"
	"signoff/procure"
	"signoff/store"
)

// Purchase requests (采购申请): goods or services from a supplier, against a purchase plan and a
// budget line, with the contract to be countersigned. Two checks judge a request: its form
// (validatePurchase, here: what is missing or malformed) and the procurement rules
// (procure.CheckRequest: the supplier admitted and qualified on the day, the materials and the
// plan), which run on a well-formed request with the plan read under its lock when filing.

// Limits of a purchase request as typed by a person.
const (
	MaxItems       = 100
	MaxSpec        = 200
	maxUnit        = 20
	MaxContractNo  = 64
	maxTerms       = 500
	maxDeliveryAge = 3 * 365 // days ahead a delivery date may be
)

// purchasePrefix starts the business number of purchase requests: PR-2026-000123.
const purchasePrefix = "PR"

// PurchaseInput is a purchase request as a client sends it: the body of a submission and of a
// route preview, and the revision of a resubmission.
type PurchaseInput struct {
	HeaderInput
	SupplierID   string        `json:"supplier_id"`
	PlanID       string        `json:"plan_id"`
	DeliveryDate string        `json:"delivery_date"` // YYYY-MM-DD
	Items        []ItemInput   `json:"items"`
	Contract     ContractInput `json:"contract"`
}

// ItemInput is one item line of a request as sent.
type ItemInput struct {
	MaterialID   string     `json:"material_id"`
	Spec         string     `json:"spec"` // the material's if empty
	Quantity     AmountText `json:"quantity"`
	Unit         string     `json:"unit"` // the material's if empty; must be it otherwise
	UnitPrice    AmountText `json:"unit_price"`
	Manufacturer string     `json:"manufacturer"`
}

// ContractInput is the contract a request is to be signed under.
type ContractInput struct {
	No            string `json:"no"`
	PaymentTerms  string `json:"payment_terms"`
	DeliveryTerms string `json:"delivery_terms"`
	Warranty      string `json:"warranty"`
	AttachmentID  string `json:"attachment_id"` // the contract document: one of the submitter's uploads
}

// purchase is a validated purchase request, normalised.
type purchase struct {
	header
	store.Purchase
	Total policy.Money
}

// purchaseFacts is what checking a request against its supplier and plan needs, loaded once.
type purchaseFacts struct {
	supplier  procure.Supplier
	materials map[string]procure.Material
	plans     []string // the requester's department's purchase plans
}

// DraftTotal adds up the lines of a request being typed whose quantity and price parse; the
// others are reported when it is submitted.
func (in PurchaseInput) DraftTotal() policy.Money {
	var sum policy.Money
	for _, it := range in.Items {
		q, p := ParseQuantity(it.Quantity)
		if p.Key != "" {
			continue
		}
		price, p := ParseAmount(it.UnitPrice)
		if p.Key != "" || int64(price) > int64(policy.MaxMoney)/q {
			continue
		}
		if sum += policy.Money(q * int64(price)); sum > policy.MaxMoney {
			return policy.MaxMoney
		}
	}
	return sum
}

// validatePurchase checks the form of a request and reports every problem at once under its
// field's path (prefixed with prefix). The supplier, material and plan rules are
// procure.CheckRequest's, run by checkPurchase.
func validatePurchase(in PurchaseInput, doc *policy.Document, submitter store.User, facts purchaseFacts, day time.Time, prefix string) (purchase, error) {
	bad := FieldErrors{}
	field := func(name string) string { return prefix + name }
	out := purchase{header: validateHeader(in.HeaderInput, doc, submitter, prefix, bad)}
	out.SupplierID = strings.TrimSpace(in.SupplierID)
	out.PlanID = strings.TrimSpace(in.PlanID)
	out.RequestedOn = day
	switch {
	case out.SupplierID == "":
		bad.Add(field("supplier_id"), "required")
	case facts.supplier.ID == "":
		bad.Add(field("supplier_id"), "unknown_supplier", out.SupplierID)
	}
	switch {
	case out.PlanID == "":
		bad.Add(field("plan_id"), "required")
	case !slices.Contains(facts.plans, out.PlanID):
		bad.Add(field("plan_id"), "plan_department", out.PlanID)
	}
	switch d, err := time.Parse(time.DateOnly, strings.TrimSpace(in.DeliveryDate)); {
	case strings.TrimSpace(in.DeliveryDate) == "":
		bad.Add(field("delivery_date"), "required")
	case err != nil:
		bad.Add(field("delivery_date"), "date")
	case d.Before(day):
		bad.Add(field("delivery_date"), "delivery_past", day.Format(time.DateOnly))
	case d.After(day.AddDate(0, 0, maxDeliveryAge)):
		bad.Add(field("delivery_date"), "delivery_too_far")
	default:
		out.DeliveryDate = d
	}

	c := in.Contract
	out.ContractNo = strings.TrimSpace(c.No)
	out.ContractTerms = store.ContractTerms{PaymentTerms: strings.TrimSpace(c.PaymentTerms),
		DeliveryTerms: strings.TrimSpace(c.DeliveryTerms), Warranty: strings.TrimSpace(c.Warranty)}
	out.ContractAttachmentID = strings.TrimSpace(c.AttachmentID)
	checkPlain(bad, field("contract.no"), out.ContractNo)
	checkPlain(bad, field("contract.attachment_id"), out.ContractAttachmentID)
	switch n := utf8.RuneCountInString(out.ContractNo); {
	case n == 0:
		bad.Add(field("contract.no"), "required")
	case n > MaxContractNo:
		bad.Add(field("contract.no"), "too_long", MaxContractNo)
	}
	for name, v := range map[string]string{"payment_terms": out.ContractTerms.PaymentTerms,
		"delivery_terms": out.ContractTerms.DeliveryTerms, "warranty": out.ContractTerms.Warranty} {
		checkPlain(bad, field("contract."+name), v)
		if utf8.RuneCountInString(v) > maxTerms {
			bad.Add(field("contract."+name), "too_long", maxTerms)
		}
	}
	if out.ContractTerms.PaymentTerms == "" {
		bad.Add(field("contract.payment_terms"), "required")
	}
	switch {
	case out.ContractAttachmentID == "":
		bad.Add(field("contract.attachment_id"), "contract_document_required")
	case len(out.ContractAttachmentID) > MaxShortText:
		bad.Add(field("contract.attachment_id"), "attachment_unavailable", out.ContractAttachmentID)
	case !slices.Contains(out.Attachments, out.ContractAttachmentID):
		out.Attachments = append(out.Attachments, out.ContractAttachmentID)
	}

	switch n := len(in.Items); {
	case n == 0:
		bad.Add(field("items"), "items_empty")
	case n > MaxItems:
		bad.Add(field("items"), "items_too_many", MaxItems)
	default:
		for i, it := range in.Items {
			item, problems := validateItem(it, facts.materials)
			for name, p := range problems {
				bad[field(fmt.Sprintf("items[%d].%s", i, name))] = p
			}
			out.Items = append(out.Items, item)
			if len(problems) == 0 {
				if out.Total += item.Amount(); out.Total > policy.MaxMoney {
					bad.Add(field("items"), "total_too_large", policy.MaxMoney.String())
					break
				}
			}
		}
	}
	if err := bad.Err(); err != nil {
		return purchase{}, err
	}
	return out, nil
}

// validateItem checks one item's form; problems are keyed by the item's field names.
func validateItem(in ItemInput, materials map[string]procure.Material) (procure.Item, map[string]Problem) {
	problems := map[string]Problem{}
	it := procure.Item{MaterialID: strings.TrimSpace(in.MaterialID), Spec: strings.TrimSpace(in.Spec),
		Unit: strings.TrimSpace(in.Unit), Manufacturer: strings.TrimSpace(in.Manufacturer)}
	m, known := materials[it.MaterialID]
	switch {
	case it.MaterialID == "":
		problems["material_id"] = Problem{Key: "required"}
	case !known:
		problems["material_id"] = Problem{Key: "unknown_material", Args: []any{it.MaterialID}}
	}
	if it.Spec == "" {
		it.Spec = m.Spec
	}
	if it.Unit == "" {
		it.Unit = m.Unit
	}
	for name, v := range map[string]string{"spec": it.Spec, "unit": it.Unit, "manufacturer": it.Manufacturer} {
		checkPlain(FieldErrors(problems), name, v)
	}
	switch {
	case problems["spec"].Key != "":
	case utf8.RuneCountInString(it.Spec) > MaxSpec:
		problems["spec"] = Problem{Key: "too_long", Args: []any{MaxSpec}}
	case it.Spec == "" && known:
		problems["spec"] = Problem{Key: "required"}
	}
	switch {
	case problems["unit"].Key != "":
	case utf8.RuneCountInString(it.Unit) > maxUnit:
		problems["unit"] = Problem{Key: "too_long", Args: []any{maxUnit}}
	case known && it.Unit != m.Unit:
		problems["unit"] = Problem{Key: "unit_differs", Args: []any{m.Unit}}
	}
	if utf8.RuneCountInString(it.Manufacturer) > MaxSpec && problems["manufacturer"].Key == "" {
		problems["manufacturer"] = Problem{Key: "too_long", Args: []any{MaxSpec}}
	}
	q, p := ParseQuantity(in.Quantity)
	if p.Key != "" {
		problems["quantity"] = p
	}
	it.Quantity = q
	price, p := ParseAmount(in.UnitPrice)
	if p.Key != "" {
		problems["unit_price"] = p
	}
	it.UnitPrice = price
	if len(problems) == 0 && int64(price) > int64(policy.MaxMoney)/q {
		problems["quantity"] = Problem{Key: "amount_max", Args: []any{policy.MaxMoney.String()}}
	}
	return it, problems
}

// checkPurchase runs the procurement rules (supplier qualification, strategic and key
// materials, the plan) on a request with the plan lines given, and reports each refusal under
// its field.
func checkPurchase(rules policy.Procurement, p purchase, facts purchaseFacts, plan map[string]procure.PlanLine, prefix string) error {
	problems := procure.CheckRequest(rules, procure.RequestFacts{
		Day: p.RequestedOn, Supplier: facts.supplier, Category: p.Category, PlanID: p.PlanID,
		Plan: plan, Materials: facts.materials, Items: p.Items,
	})
	bad := FieldErrors{}
	for _, pr := range problems {
		if _, seen := bad[prefix+pr.Field]; !seen {
			bad.Add(prefix+pr.Field, pr.Key, pr.Args...)
		}
	}
	if err := bad.Err(); err != nil {
		return &RefusedError{Fields: bad}
	}
	return nil
}

// fingerprint identifies the request for idempotency.
func (p purchase) fingerprint() string {
	canon := struct {
		Kind   policy.Kind    `json:"kind"`
		Header header         `json:"header"`
		Buy    store.Purchase `json:"purchase"`
	}{Kind: policy.KindProcurement, Header: p.header, Buy: p.Purchase}
	canon.Header.Attachments = slices.Sorted(slices.Values(p.Attachments))
	canon.Header.CC = slices.Sorted(slices.Values(p.CC))
	canon.Buy.RequestedOn = time.Time{} // a retry on the next day is the same request
	return fingerprintOf(canon)
}

// SubmitPurchase files a purchase request for u: it validates the request, checks that the
// policy can route it, and writes it, checking supplier and plan under the plan's lock so that
// two requests cannot both take the last of a plan line; then it starts its workflow
// (filing.go). created is false when key named an earlier submission.
func (s *Service) SubmitPurchase(ctx context.Context, u store.User, in PurchaseInput, key string) (c store.Case, created bool, err error) {
	version, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return store.Case{}, false, Internal(fmt.Errorf("submit purchase: %w", err))
	}
	p, facts, err := s.validPurchase(ctx, doc, u, in, "")
	if err != nil {
		return store.Case{}, false, err
	}
	n := newCase(policy.KindProcurement, doc, version, u, p.header, p.Total)
	n.Prefix, n.Year, n.Purchase = purchasePrefix, p.RequestedOn.Year(), &p.Purchase
	n.PlanCheck = func(plan map[string]procure.PlanLine) error {
		return checkPurchase(doc.Procurement, p, facts, plan, "")
	}
	n.IdempotencyKey, n.RequestHash = key, p.fingerprint()
	return s.fileCase(ctx, doc, n)
}

// validPurchase loads the supplier, the materials and the plans a request names and validates
// its form.
func (s *Service) validPurchase(ctx context.Context, doc *policy.Document, u store.User, in PurchaseInput, prefix string) (purchase, purchaseFacts, error) {
	day, err := s.Today(doc)
	if err != nil {
		return purchase{}, purchaseFacts{}, err
	}
	facts, err := s.purchaseFacts(ctx, in.SupplierID)
	if err != nil {
		return purchase{}, purchaseFacts{}, err
	}
	plans, err := s.store.Plans(ctx, u.DepartmentID)
	if err != nil {
		return purchase{}, purchaseFacts{}, fmt.Errorf("purchase facts: %w", err)
	}
	for _, p := range plans {
		facts.plans = append(facts.plans, p.ID)
	}
	p, err := validatePurchase(in, doc, u, facts, day, prefix)
	return p, facts, err
}

// purchaseFacts loads the supplier (empty when unknown) and the materials catalogue.
func (s *Service) purchaseFacts(ctx context.Context, supplierID string) (purchaseFacts, error) {
	facts := purchaseFacts{}
	if supplierID != "" && len(supplierID) <= MaxShortText {
		sup, err := s.store.Supplier(ctx, supplierID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return purchaseFacts{}, fmt.Errorf("purchase facts: %w", err)
		default:
			facts.supplier = sup
		}
	}
	var err error
	if facts.materials, err = s.MaterialCatalogue(ctx); err != nil {
		return purchaseFacts{}, fmt.Errorf("purchase facts: %w", err)
	}
	return facts, nil
}

// MaterialCatalogue is every material, by ID.
func (s *Service) MaterialCatalogue(ctx context.Context) (map[string]procure.Material, error) {
	materials, err := s.store.Materials(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]procure.Material, len(materials))
	for _, m := range materials {
		out[m.ID] = m
	}
	return out, nil
}

func materialIDs(items []procure.Item) []string {
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.MaterialID)
	}
	return ids
}

// PurchaseProblems is what the validator finds wrong with the form of a request u is typing,
// under the current policy (the procurement rules' refusals are PurchaseRefusals).
func (s *Service) PurchaseProblems(ctx context.Context, u store.User, in PurchaseInput) FieldErrors {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return nil
	}
	_, _, err = s.validPurchase(ctx, doc, u, in, "")
	return FieldsOf(err)
}

// PurchaseRefusals runs the procurement rules on a request u is typing, as a submission would,
// so that a form shows a refusal before the contract is filled in: nothing while the supplier,
// the plan or an item line is not yet one the rules can judge. exceptCase is the request being
// revised, whose own quantities do not count against its plan.
func (s *Service) PurchaseRefusals(ctx context.Context, u store.User, in PurchaseInput, exceptCase string) FieldErrors {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return nil
	}
	category, supplierID, planID := strings.TrimSpace(in.Category), strings.TrimSpace(in.SupplierID), strings.TrimSpace(in.PlanID)
	if _, ok := doc.Category(category); !ok || supplierID == "" || planID == "" || len(in.Items) == 0 {
		return nil
	}
	facts, err := s.purchaseFacts(ctx, supplierID)
	if err != nil || facts.supplier.ID == "" {
		return nil
	}
	plans, err := s.store.Plans(ctx, u.DepartmentID)
	if err != nil || !slices.ContainsFunc(plans, func(p store.Plan) bool { return p.ID == planID }) {
		return nil
	}
	day, err := s.Today(doc)
	if err != nil {
		return nil
	}
	p := purchase{header: header{Category: category}}
	p.SupplierID, p.PlanID, p.RequestedOn = facts.supplier.ID, planID, day
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
	var refused *RefusedError
	if errors.As(checkPurchase(doc.Procurement, p, facts, plan, ""), &refused) {
		return refused.Fields
	}
	return nil
}

// purchaseEdit checks a purchase request's revision under doc, the policy version the case keeps,
// and returns it as the edit to store: the same form and rules as a submission, the plan counted without the
// request's own earlier quantities. Its budget line and copies cannot change; its contract
// document may be replaced by a new upload or kept.
func (s *Service) purchaseEdit(ctx context.Context, doc *policy.Document, u store.User, c store.Case, in PurchaseInput) (store.Edit, error) {
	const prefix = "request."
	if in.BudgetLineID == "" {
		in.BudgetLineID = c.BudgetLineID
	}
	old, err := s.store.Purchase(ctx, c.ID)
	if err != nil {
		return store.Edit{}, fmt.Errorf("revise purchase: %w", err)
	}
	if in.Contract.AttachmentID == "" {
		in.Contract.AttachmentID = old.ContractAttachmentID
	}
	p, facts, err := s.validPurchase(ctx, doc, u, in, prefix)
	if err != nil {
		return store.Edit{}, err
	}
	if err := checkCorrection(p.header, c, prefix); err != nil {
		return store.Edit{}, err
	}
	plan, err := s.store.PlanLines(ctx, p.PlanID, materialIDs(p.Items), c.ID)
	if err != nil {
		return store.Edit{}, fmt.Errorf("revise purchase: %w", err)
	}
	if err := checkPurchase(doc.Procurement, p, facts, plan, prefix); err != nil {
		return store.Edit{}, err
	}
	// Uploads already on the case (the kept contract) are not linked again.
	var uploads []string
	for _, id := range p.Attachments {
		if id != old.ContractAttachmentID {
			uploads = append(uploads, id)
		}
	}
	if err := s.CheckUploads(ctx, u, uploads, prefix); err != nil {
		return store.Edit{}, err
	}
	e := editOf(c, doc, p.header, p.Total)
	e.Attachments, e.Purchase = uploads, &p.Purchase
	return e, nil
}
