package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// ParseContent reads the canonical form of a content (Content.Canonical) back: what the ledger
// keeps of each attested content (seal_contents) is these bytes, so that anyone can read what a
// signer saw and recompute its digest. It refuses anything that is not exactly the canonical
// form of some content: the bytes written again from the result must be the bytes read.
func ParseContent(b []byte) (Content, error) {
	r := &fieldReader{rest: b}
	if h, ok := r.line(); !ok || h != ContentHeader {
		return Content{}, errors.New("parse content: not a " + ContentHeader + " document")
	}
	var c Content
	c.CaseID = r.str("case")
	c.Kind = r.str("kind")
	c.Title = r.str("title")
	c.Purpose = r.str("purpose")
	c.Category = r.str("category")
	c.DepartmentID = r.str("department")
	c.BudgetLineID = r.str("budget_line")
	c.Amount = r.int("amount")
	c.Currency = r.str("currency")
	for range r.count("lines") {
		c.Lines = append(c.Lines, Line{No: int(r.int("line.no")), SpentOn: r.str("line.spent_on"),
			Description: r.str("line.description"), Amount: r.int("line.amount"), InvoiceNo: r.str("line.invoice_no")})
	}
	for range r.count("attachments") {
		c.Attachments = append(c.Attachments, Attachment{ID: r.str("attachment.id"),
			Filename: r.str("attachment.filename"), SHA256: r.str("attachment.sha256")})
	}
	if r.count("purchase") == 1 {
		p := &Purchase{SupplierID: r.str("purchase.supplier"), PlanID: r.str("purchase.plan"),
			DeliveryDate: r.str("purchase.delivery_date"), ContractNo: r.str("purchase.contract_no"),
			ContractTerms: r.str("purchase.contract_terms"), ContractAttachmentID: r.str("purchase.contract_attachment")}
		for range r.count("items") {
			p.Items = append(p.Items, Item{No: int(r.int("item.no")), MaterialID: r.str("item.material"),
				Spec: r.str("item.spec"), Quantity: r.int("item.quantity"), Unit: r.str("item.unit"),
				UnitPrice: r.int("item.unit_price"), Manufacturer: r.str("item.manufacturer")})
		}
		c.Purchase = p
	}
	if r.err != nil {
		return Content{}, fmt.Errorf("parse content: %w", r.err)
	}
	if len(r.rest) > 0 {
		return Content{}, errors.New("parse content: bytes after the last field")
	}
	if !bytes.Equal(c.Canonical(), b) {
		return Content{}, errors.New("parse content: not in canonical form (order, counts or numbers)")
	}
	return c, nil
}

// fieldReader reads a canonical field list; the first problem sticks in err and every later
// read returns a zero value.
type fieldReader struct {
	rest []byte
	err  error
}

// maxCount bounds a list's count, so that a forged count cannot make the reader loop.
const maxCount = 100_000

func (r *fieldReader) line() (string, bool) {
	i := bytes.IndexByte(r.rest, '\n')
	if i < 0 {
		return "", false
	}
	l := string(r.rest[:i])
	r.rest = r.rest[i+1:]
	return l, true
}

// str reads the field name: "name <len>:<value>\n".
func (r *fieldReader) str(name string) string {
	if r.err != nil {
		return ""
	}
	prefix := name + " "
	if !bytes.HasPrefix(r.rest, []byte(prefix)) {
		r.err = fmt.Errorf("field %q expected", name)
		return ""
	}
	rest := r.rest[len(prefix):]
	colon := bytes.IndexByte(rest, ':')
	if colon < 0 {
		r.err = fmt.Errorf("field %q: no length", name)
		return ""
	}
	n, err := strconv.Atoi(string(rest[:colon]))
	if err != nil || n < 0 || colon+1+n >= len(rest) || rest[colon+1+n] != '\n' {
		r.err = fmt.Errorf("field %q: bad length", name)
		return ""
	}
	v := string(rest[colon+1 : colon+1+n])
	r.rest = rest[colon+2+n:]
	return v
}

func (r *fieldReader) int(name string) int64 {
	s := r.str(name)
	if r.err != nil {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		r.err = fmt.Errorf("field %q: not an integer", name)
	}
	return n
}

func (r *fieldReader) count(name string) int {
	n := r.int(name)
	if r.err == nil && (n < 0 || n > maxCount) {
		r.err = fmt.Errorf("field %q: count %d out of range", name, n)
	}
	if r.err != nil {
		return 0
	}
	return int(n)
}
