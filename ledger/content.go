package ledger

import "sort"

// ContentHeader names the canonical form of Content and its version.
const ContentHeader = "signoff-content/1"

// Content is what a seal attests: the case's facts at one revision.
type Content struct {
	CaseID       string
	Kind         string
	Title        string
	Purpose      string
	Category     string
	DepartmentID string
	BudgetLineID string
	Amount       int64
	Currency     string
	Lines        []Line
	Attachments  []Attachment
	Purchase     *Purchase // purchase requests only
}

// Line is one expense line.
type Line struct {
	No          int
	SpentOn     string // YYYY-MM-DD or empty
	Description string
	Amount      int64
	InvoiceNo   string
}

// Attachment is a receipt, invoice or contract linked to the case: its ID and the SHA-256 of
// its bytes (lowercase hex).
type Attachment struct {
	ID       string
	Filename string
	SHA256   string
}

// Purchase is a purchase request's procurement facts.
type Purchase struct {
	SupplierID           string
	PlanID               string
	DeliveryDate         string // YYYY-MM-DD
	ContractNo           string
	ContractTerms        string // CanonicalJSON of the terms
	ContractAttachmentID string
	Items                []Item
}

// Item is one purchase request item.
type Item struct {
	No           int
	MaterialID   string
	Spec         string
	Quantity     int64
	Unit         string
	UnitPrice    int64
	Manufacturer string
}

// Canonical returns the content's canonical bytes (see the package doc). Lines and items are
// written by line number and attachments by ID whatever order they were given in.
func (c Content) Canonical() []byte { return c.fields().b.Bytes() }

// Digest is the SHA-256 of the canonical form, lowercase hex.
func (c Content) Digest() string { return c.fields().digest() }

func (c Content) fields() *fields {
	f := newFields(ContentHeader)
	for _, g := range Groups {
		c.writeGroup(f, g)
	}
	return f
}

// writeGroup writes the fields of one group (groups.go), in the order of the canonical form.
func (c Content) writeGroup(f *fields, g Group) {
	switch g {
	case GroupFacts:
		f.str("case", c.CaseID)
		f.str("kind", c.Kind)
		f.str("title", c.Title)
		f.str("purpose", c.Purpose)
		f.str("category", c.Category)
		f.str("department", c.DepartmentID)
		f.str("budget_line", c.BudgetLineID)
	case GroupAmount:
		f.int("amount", c.Amount)
		f.str("currency", c.Currency)
	case GroupLines:
		lines := append([]Line(nil), c.Lines...)
		sort.SliceStable(lines, func(i, j int) bool { return lines[i].No < lines[j].No })
		f.int("lines", int64(len(lines)))
		for _, l := range lines {
			f.int("line.no", int64(l.No))
			f.str("line.spent_on", l.SpentOn)
			f.str("line.description", l.Description)
			f.int("line.amount", l.Amount)
			f.str("line.invoice_no", l.InvoiceNo)
		}
	case GroupAttachments:
		atts := append([]Attachment(nil), c.Attachments...)
		sort.SliceStable(atts, func(i, j int) bool { return atts[i].ID < atts[j].ID })
		f.int("attachments", int64(len(atts)))
		for _, a := range atts {
			f.str("attachment.id", a.ID)
			f.str("attachment.filename", a.Filename)
			f.str("attachment.sha256", a.SHA256)
		}
	case GroupPurchase:
		c.writePurchase(f)
	}
}

func (c Content) writePurchase(f *fields) {
	if c.Purchase == nil {
		f.int("purchase", 0)
		return
	}
	p := c.Purchase
	f.int("purchase", 1)
	f.str("purchase.supplier", p.SupplierID)
	f.str("purchase.plan", p.PlanID)
	f.str("purchase.delivery_date", p.DeliveryDate)
	f.str("purchase.contract_no", p.ContractNo)
	f.str("purchase.contract_terms", p.ContractTerms)
	f.str("purchase.contract_attachment", p.ContractAttachmentID)
	items := append([]Item(nil), p.Items...)
	sort.SliceStable(items, func(i, j int) bool { return items[i].No < items[j].No })
	f.int("items", int64(len(items)))
	for _, it := range items {
		f.int("item.no", int64(it.No))
		f.str("item.material", it.MaterialID)
		f.str("item.spec", it.Spec)
		f.int("item.quantity", it.Quantity)
		f.str("item.unit", it.Unit)
		f.int("item.unit_price", it.UnitPrice)
		f.str("item.manufacturer", it.Manufacturer)
	}
}
