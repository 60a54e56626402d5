package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"signoff/service"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"signoff/policy"
	"signoff/procure"
	"signoff/store"
)

// Limits of a purchase request as typed by a person.
const (
	maxItems       = 100
	maxSpec        = 200
	maxUnit        = 20
	maxContractNo  = 64
	maxTerms       = 500
	maxQuantity    = 1_000_000_000
	maxDeliveryAge = 3 * 365 // days ahead a delivery date may be
)

// purchaseInput is a purchase request as a client sends it: the body of a submission and of a
// route preview, and the revision of a resubmission.
type purchaseInput struct {
	headerInput
	SupplierID   string        `json:"supplier_id"`
	PlanID       string        `json:"plan_id"`
	DeliveryDate string        `json:"delivery_date"` // YYYY-MM-DD
	Items        []itemInput   `json:"items"`
	Contract     contractInput `json:"contract"`
}

type itemInput struct {
	MaterialID   string     `json:"material_id"`
	Spec         string     `json:"spec"` // the material's if empty
	Quantity     amountText `json:"quantity"`
	Unit         string     `json:"unit"` // the material's if empty; must be it otherwise
	UnitPrice    amountText `json:"unit_price"`
	Manufacturer string     `json:"manufacturer"`
}

type contractInput struct {
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

// validatePurchase checks the form of a request and reports every problem at once under its
// field's path (prefixed with prefix). The supplier, material and plan rules are
// procure.CheckRequest's, run by checkPurchase.
func validatePurchase(in purchaseInput, doc *policy.Document, submitter store.User, facts purchaseFacts, day time.Time, prefix string) (purchase, error) {
	bad := service.FieldErrors{}
	field := func(name string) string { return prefix + name }
	out := purchase{header: validateHeader(in.headerInput, doc, submitter, prefix, bad)}
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
	switch n := utf8.RuneCountInString(out.ContractNo); {
	case n == 0:
		bad.Add(field("contract.no"), "required")
	case n > maxContractNo:
		bad.Add(field("contract.no"), "too_long", maxContractNo)
	}
	for name, v := range map[string]string{"payment_terms": out.ContractTerms.PaymentTerms,
		"delivery_terms": out.ContractTerms.DeliveryTerms, "warranty": out.ContractTerms.Warranty} {
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
	case len(out.ContractAttachmentID) > maxShortText:
		bad.Add(field("contract.attachment_id"), "attachment_unavailable", out.ContractAttachmentID)
	case !slices.Contains(out.Attachments, out.ContractAttachmentID):
		out.Attachments = append(out.Attachments, out.ContractAttachmentID)
	}

	switch n := len(in.Items); {
	case n == 0:
		bad.Add(field("items"), "items_empty")
	case n > maxItems:
		bad.Add(field("items"), "items_too_many", maxItems)
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
func validateItem(in itemInput, materials map[string]procure.Material) (procure.Item, map[string]service.Problem) {
	problems := map[string]service.Problem{}
	it := procure.Item{MaterialID: strings.TrimSpace(in.MaterialID), Spec: strings.TrimSpace(in.Spec),
		Unit: strings.TrimSpace(in.Unit), Manufacturer: strings.TrimSpace(in.Manufacturer)}
	m, known := materials[it.MaterialID]
	switch {
	case it.MaterialID == "":
		problems["material_id"] = service.Problem{Key: "required"}
	case !known:
		problems["material_id"] = service.Problem{Key: "unknown_material", Args: []any{it.MaterialID}}
	}
	if it.Spec == "" {
		it.Spec = m.Spec
	}
	if it.Unit == "" {
		it.Unit = m.Unit
	}
	switch {
	case utf8.RuneCountInString(it.Spec) > maxSpec:
		problems["spec"] = service.Problem{Key: "too_long", Args: []any{maxSpec}}
	case it.Spec == "" && known:
		problems["spec"] = service.Problem{Key: "required"}
	}
	switch {
	case utf8.RuneCountInString(it.Unit) > maxUnit:
		problems["unit"] = service.Problem{Key: "too_long", Args: []any{maxUnit}}
	case known && it.Unit != m.Unit:
		problems["unit"] = service.Problem{Key: "unit_differs", Args: []any{m.Unit}}
	}
	if utf8.RuneCountInString(it.Manufacturer) > maxSpec {
		problems["manufacturer"] = service.Problem{Key: "too_long", Args: []any{maxSpec}}
	}
	q, p := parseQuantity(in.Quantity)
	if p.Key != "" {
		problems["quantity"] = p
	}
	it.Quantity = q
	price, p := parseAmount(in.UnitPrice)
	if p.Key != "" {
		problems["unit_price"] = p
	}
	it.UnitPrice = price
	if len(problems) == 0 && int64(price) > int64(policy.MaxMoney)/q {
		problems["quantity"] = service.Problem{Key: "amount_max", Args: []any{policy.MaxMoney.String()}}
	}
	return it, problems
}

// parseQuantity reads a whole, positive number of units.
func parseQuantity(a amountText) (int64, service.Problem) {
	if !a.present {
		return 0, service.Problem{Key: "required"}
	}
	if !a.valid {
		return 0, service.Problem{Key: "quantity_integer"}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(a.text), 10, 64)
	switch {
	case err != nil:
		return 0, service.Problem{Key: "quantity_integer"}
	case n <= 0:
		return 0, service.Problem{Key: "quantity_positive"}
	case n > maxQuantity:
		return 0, service.Problem{Key: "quantity_max", Args: []any{maxQuantity}}
	}
	return n, service.Problem{}
}

// checkPurchase runs the procurement rules (supplier qualification, strategic and key
// materials, the plan) on a validated request with the plan lines given, and reports each
// refusal under its field.
func checkPurchase(rules policy.Procurement, p purchase, facts purchaseFacts, plan map[string]procure.PlanLine, prefix string) error {
	problems := procure.CheckRequest(rules, procure.RequestFacts{
		Day: p.RequestedOn, Supplier: facts.supplier, Category: p.Category, PlanID: p.PlanID,
		Plan: plan, Materials: facts.materials, Items: p.Items,
	})
	bad := service.FieldErrors{}
	for _, pr := range problems {
		if _, seen := bad[prefix+pr.Field]; !seen {
			bad.Add(prefix+pr.Field, pr.Key, pr.Args...)
		}
	}
	if err := bad.Err(); err != nil {
		return &service.RefusedError{Fields: bad}
	}
	return nil
}

// fingerprint identifies the request for idempotency: the SHA-256 of its canonical JSON.
func (p purchase) fingerprint() string {
	canon := struct {
		Kind   policy.Kind    `json:"kind"`
		Header header         `json:"header"`
		Buy    store.Purchase `json:"purchase"`
	}{Kind: policy.KindProcurement, Header: p.header, Buy: p.Purchase}
	canon.Header.Attachments = slices.Sorted(slices.Values(p.Attachments))
	canon.Header.CC = slices.Sorted(slices.Values(p.CC))
	canon.Buy.RequestedOn = time.Time{} // a retry on the next day is the same request
	b, err := json.Marshal(canon)
	if err != nil {
		panic(err) // strings, integers and times always marshal
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
