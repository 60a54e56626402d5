package service

import (
	"fmt"
	"regexp"
	"sync"
	"time"

	"signoff/policy"
	"signoff/procure"
	"signoff/store"
)

// Which fields a filing form marks required is asked of the validator, never restated: an
// example that the validator accepts is sent to it again with each field left blank, and the
// field is required exactly when the validator then refuses it there. The example is checked
// against a small policy of its own, so the answer holds under any policy document. (The same
// way chain.Forms asks State.Validate which parts of an action form are needed.)

// Required is the set of a form's fields that may not be left blank, by path: "purpose",
// "contract.no", and "lines[].amount" for the field of every line.
type Required map[string]bool

// Has reports whether the field at path is required.
func (r Required) Has(path string) bool { return r[path] }

// blankable is one field of an input and how to leave it blank.
type blankable[T any] struct {
	path  string
	blank func(*T)
}

// requiredOf sends the example to validate without each field in turn.
func requiredOf[T any](example T, fields []blankable[T], validate func(T) error) Required {
	if err := validate(example); err != nil {
		panic(fmt.Sprintf("required fields: the example is refused: %v", err))
	}
	out := Required{}
	for _, f := range fields {
		in := example
		f.blank(&in)
		for path := range FieldsOf(validate(in)) {
			if rowPath(path) == f.path {
				out[f.path] = true
			}
		}
	}
	return out
}

var rowIndex = regexp.MustCompile(`\[\d+\]`)

// rowPath names a field of any row: lines[2].amount → lines[].amount.
func rowPath(path string) string { return rowIndex.ReplaceAllString(path, "[]") }

// The example's own policy and submitter.
var (
	exampleSubmitter = store.User{ID: "example.submitter", DepartmentID: "example-dept"}
	exampleDoc       = &policy.Document{
		Users:       []policy.User{{ID: exampleSubmitter.ID, Department: exampleSubmitter.DepartmentID}, {ID: "example.colleague"}},
		Categories:  []policy.Category{{ID: "example-category", Name: "Example", Goods: true}},
		BudgetLines: []policy.BudgetLine{{ID: "example-line", Department: exampleSubmitter.DepartmentID, Category: "example-category"}},
	}
	exampleHeader = HeaderInput{Title: "t", Purpose: "p", Category: "example-category", BudgetLineID: "example-line",
		Attachments: []string{"example-upload"}, CC: []string{"example.colleague"}}
)

// headerFields are the header's fields, for either kind.
func headerFields[T any](h func(*T) *HeaderInput) []blankable[T] {
	return []blankable[T]{
		{"title", func(in *T) { h(in).Title = "" }},
		{"purpose", func(in *T) { h(in).Purpose = "" }},
		{"category", func(in *T) { h(in).Category = "" }},
		{"budget_line_id", func(in *T) { h(in).BudgetLineID = "" }},
		{"attachments", func(in *T) { h(in).Attachments = nil }},
		{"cc", func(in *T) { h(in).CC = nil }},
	}
}

// ClaimRequired is the set of a claim's fields its validator refuses when blank.
func ClaimRequired() Required { return claimRequired() }

// PurchaseRequired is the set of a purchase request's fields its validator refuses when blank.
func PurchaseRequired() Required { return purchaseRequired() }

var claimRequired = sync.OnceValue(func() Required {
	example := ClaimInput{HeaderInput: exampleHeader, Lines: []LineInput{{SpentOn: "2026-01-02", Description: "d",
		Amount: TypedAmount("1.00"), InvoiceNo: "i"}}}
	line := func(in *ClaimInput) *LineInput {
		in.Lines = append([]LineInput(nil), in.Lines...) // the example's lines stay as they are
		return &in.Lines[0]
	}
	fields := append(headerFields(func(in *ClaimInput) *HeaderInput { return &in.HeaderInput }),
		blankable[ClaimInput]{"lines[].spent_on", func(in *ClaimInput) { line(in).SpentOn = "" }},
		blankable[ClaimInput]{"lines[].description", func(in *ClaimInput) { line(in).Description = "" }},
		blankable[ClaimInput]{"lines[].amount", func(in *ClaimInput) { line(in).Amount = AmountText{} }},
		blankable[ClaimInput]{"lines[].invoice_no", func(in *ClaimInput) { line(in).InvoiceNo = "" }},
	)
	return requiredOf(example, fields, func(in ClaimInput) error {
		_, err := validateClaim(in, exampleDoc, exampleSubmitter, exampleDay, "")
		return err
	})
})

// exampleDay is the day the examples are checked on: the day the example line is dated.
var exampleDay = time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)

var purchaseRequired = sync.OnceValue(func() Required {
	day := exampleDay
	facts := purchaseFacts{supplier: procure.Supplier{ID: "example-supplier"}, plans: []string{"example-plan"},
		materials: map[string]procure.Material{"example-material": {ID: "example-material", Spec: "s", Unit: "u"}}}
	example := PurchaseInput{HeaderInput: exampleHeader, SupplierID: "example-supplier", PlanID: "example-plan",
		DeliveryDate: "2026-01-03",
		Items: []ItemInput{{MaterialID: "example-material", Spec: "s", Quantity: TypedAmount("1"), Unit: "u",
			UnitPrice: TypedAmount("1.00"), Manufacturer: "m"}},
		Contract: ContractInput{No: "n", PaymentTerms: "p", DeliveryTerms: "d", Warranty: "w", AttachmentID: "example-contract"}}
	item := func(in *PurchaseInput) *ItemInput {
		in.Items = append([]ItemInput(nil), in.Items...)
		return &in.Items[0]
	}
	type P = PurchaseInput
	fields := append(headerFields(func(in *P) *HeaderInput { return &in.HeaderInput }),
		blankable[P]{"supplier_id", func(in *P) { in.SupplierID = "" }},
		blankable[P]{"plan_id", func(in *P) { in.PlanID = "" }},
		blankable[P]{"delivery_date", func(in *P) { in.DeliveryDate = "" }},
		blankable[P]{"contract.no", func(in *P) { in.Contract.No = "" }},
		blankable[P]{"contract.payment_terms", func(in *P) { in.Contract.PaymentTerms = "" }},
		blankable[P]{"contract.delivery_terms", func(in *P) { in.Contract.DeliveryTerms = "" }},
		blankable[P]{"contract.warranty", func(in *P) { in.Contract.Warranty = "" }},
		blankable[P]{"contract.attachment_id", func(in *P) { in.Contract.AttachmentID = "" }},
		blankable[P]{"items[].material_id", func(in *P) { item(in).MaterialID = "" }},
		blankable[P]{"items[].spec", func(in *P) { item(in).Spec = "" }},
		blankable[P]{"items[].quantity", func(in *P) { item(in).Quantity = AmountText{} }},
		blankable[P]{"items[].unit", func(in *P) { item(in).Unit = "" }},
		blankable[P]{"items[].unit_price", func(in *P) { item(in).UnitPrice = AmountText{} }},
		blankable[P]{"items[].manufacturer", func(in *P) { item(in).Manufacturer = "" }},
	)
	return requiredOf(example, fields, func(in P) error {
		_, err := validatePurchase(in, exampleDoc, exampleSubmitter, facts, day, "")
		return err
	})
})
