package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"signoff/service"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"signoff/policy"
	"signoff/store"
)

// Limits of a claim as typed by a person.
const (
	maxTitle       = 200
	maxPurpose     = 500
	maxDescription = 500
	maxInvoiceNo   = 64
	maxLines       = 100
	maxAttachments = 20 // receipts and invoices on one claim
	maxCC          = 20 // people a claim is copied to
	defaultTitleOf = 40 // characters of the purpose in a default title
)

// headerInput is what every case a person files has: what it is for, against which category
// and budget line, its attachments and whom it is copied to. Expense claims and purchase
// requests embed it.
type headerInput struct {
	Title        string   `json:"title"`
	Purpose      string   `json:"purpose"`
	Category     string   `json:"category"`
	BudgetLineID string   `json:"budget_line_id"`
	Attachments  []string `json:"attachments"` // IDs of the submitter's uploads
	CC           []string `json:"cc"`          // user IDs to copy the case to (抄送)
}

// claimInput is a claim as a client sends it: the body of a submission and of a route preview,
// and the edits of a resubmission.
type claimInput struct {
	headerInput
	Lines []lineInput `json:"lines"`
}

type lineInput struct {
	SpentOn     string     `json:"spent_on"`
	Description string     `json:"description"`
	Amount      amountText `json:"amount"`
	InvoiceNo   string     `json:"invoice_no"`
}

// amountText keeps an amount exactly as the client wrote it, as a JSON string or a JSON number,
// so that it is parsed from its text by policy.ParseMoney and never passes through float64.
// Any other JSON value is kept as not-an-amount, for the validator to report with the rest.
type amountText struct {
	text    string
	present bool // the field was given and not null
	valid   bool // it was a string or a number
}

func (a *amountText) UnmarshalJSON(b []byte) error {
	*a = amountText{}
	switch {
	case len(b) == 0 || string(b) == "null":
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = amountText{text: s, present: true, valid: true}
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*a = amountText{text: string(b), present: true, valid: true}
	default:
		*a = amountText{present: true}
	}
	return nil
}

// header is a validated headerInput, normalised: trimmed texts, IDs without repeats.
type header struct {
	Title        string
	Purpose      string
	Category     string
	BudgetLineID string
	Attachments  []string
	CC           []string
}

// claim is a validated claim, normalised: the default title filled in, amounts in minor units.
type claim struct {
	header
	Lines []store.Line
	Total policy.Money
}

// validateClaim checks a claim against the policy document for a submitter and reports every
// problem at once, each under its field's path (prefixed with prefix, e.g. "edits."). It is
// the one validator of claims: submissions, route previews and resubmitted edits all use it.
func validateClaim(in claimInput, doc *policy.Document, submitter store.User, prefix string) (claim, error) {
	bad := service.FieldErrors{}
	field := func(name string) string { return prefix + name }
	out := claim{header: validateHeader(in.headerInput, doc, submitter, prefix, bad)}
	switch n := len(in.Lines); {
	case n == 0:
		bad.Add(field("lines"), "lines_empty")
	case n > maxLines:
		bad.Add(field("lines"), "lines_too_many", maxLines)
	default:
		for i, l := range in.Lines {
			sl, problems := validateLine(l, i+1)
			for name, p := range problems {
				bad[field(fmt.Sprintf("lines[%d].%s", i, name))] = p
			}
			out.Lines = append(out.Lines, sl)
			out.Total += policy.Money(sl.Amount) // each ≤ MaxMoney: a hundred cannot overflow
		}
		if out.Total > policy.MaxMoney {
			bad.Add(field("lines"), "total_too_large", policy.MaxMoney.String())
		}
	}
	if err := bad.Err(); err != nil {
		return claim{}, err
	}
	return out, nil
}

// validateHeader checks the part every filed case has, adding its problems to bad, and fills in
// a default title from the category and the purpose.
func validateHeader(in headerInput, doc *policy.Document, submitter store.User, prefix string, bad service.FieldErrors) header {
	field := func(name string) string { return prefix + name }
	out := header{
		Title:        strings.TrimSpace(in.Title),
		Purpose:      strings.TrimSpace(in.Purpose),
		Category:     strings.TrimSpace(in.Category),
		BudgetLineID: strings.TrimSpace(in.BudgetLineID),
	}

	switch n := utf8.RuneCountInString(out.Purpose); {
	case n == 0:
		bad.Add(field("purpose"), "purpose_required")
	case n > maxPurpose:
		bad.Add(field("purpose"), "too_long", maxPurpose)
	}
	if utf8.RuneCountInString(out.Title) > maxTitle {
		bad.Add(field("title"), "too_long", maxTitle)
	}

	cat, catOK := doc.Category(out.Category)
	switch {
	case out.Category == "":
		bad.Add(field("category"), "required")
	case !catOK:
		bad.Add(field("category"), "unknown_category", out.Category)
	}

	line, lineOK := doc.BudgetLine(out.BudgetLineID)
	switch {
	case out.BudgetLineID == "":
		bad.Add(field("budget_line_id"), "required")
	case !lineOK:
		bad.Add(field("budget_line_id"), "unknown_budget_line", out.BudgetLineID)
	case line.Department != submitter.DepartmentID:
		bad.Add(field("budget_line_id"), "budget_line_department", out.BudgetLineID)
	case catOK && line.Category != "" && line.Category != cat.ID:
		bad.Add(field("budget_line_id"), "budget_line_category", out.BudgetLineID, line.Category)
	}

	out.Attachments = distinct(in.Attachments)
	if n := len(out.Attachments); n > maxAttachments {
		bad.Add(field("attachments"), "attachments_too_many", maxAttachments)
	}
	for _, id := range out.Attachments {
		if len(id) > maxShortText {
			bad.Add(field("attachments"), "attachment_unavailable", id)
		}
	}
	out.CC = distinct(in.CC)
	switch {
	case len(out.CC) > maxCC:
		bad.Add(field("cc"), "cc_too_many", maxCC)
	case slices.Contains(out.CC, submitter.ID):
		bad.Add(field("cc"), "cc_self")
	}
	for _, id := range out.CC {
		if _, ok := doc.User(id); !ok {
			bad.Add(field("cc"), "inactive_user", id)
		}
	}

	if out.Title == "" && catOK && out.Purpose != "" {
		out.Title = cat.Name + "：" + truncate(out.Purpose, defaultTitleOf)
	}
	return out
}

// validateLine checks one line item; problems are keyed by the line's field names.
func validateLine(l lineInput, no int) (store.Line, map[string]service.Problem) {
	problems := map[string]service.Problem{}
	out := store.Line{No: no, Description: strings.TrimSpace(l.Description), InvoiceNo: strings.TrimSpace(l.InvoiceNo)}
	switch n := utf8.RuneCountInString(out.Description); {
	case n == 0:
		problems["description"] = service.Problem{Key: "required"}
	case n > maxDescription:
		problems["description"] = service.Problem{Key: "too_long", Args: []any{maxDescription}}
	}
	if utf8.RuneCountInString(out.InvoiceNo) > maxInvoiceNo {
		problems["invoice_no"] = service.Problem{Key: "too_long", Args: []any{maxInvoiceNo}}
	}
	if s := strings.TrimSpace(l.SpentOn); s != "" {
		day, err := time.Parse(time.DateOnly, s)
		if err != nil {
			problems["spent_on"] = service.Problem{Key: "date"}
		} else {
			out.SpentOn = &day
		}
	}
	amount, p := parseAmount(l.Amount)
	if p.Key != "" {
		problems["amount"] = p
	}
	out.Amount = int64(amount)
	return out, problems
}

// parseAmount reads a positive amount with at most two decimals, or says what is wrong with it.
func parseAmount(a amountText) (policy.Money, service.Problem) {
	if !a.present {
		return 0, service.Problem{Key: "required"}
	}
	if !a.valid {
		return 0, service.Problem{Key: "amount_type"}
	}
	if strings.HasPrefix(a.text, "-") {
		return 0, service.Problem{Key: "amount_positive"}
	}
	m, err := policy.ParseMoney(a.text)
	switch {
	case errors.Is(err, policy.ErrMoneyDecimals):
		return 0, service.Problem{Key: "amount_decimals"}
	case errors.Is(err, policy.ErrMoneyRange):
		return 0, service.Problem{Key: "amount_max", Args: []any{policy.MaxMoney.String()}}
	case err != nil && strings.ContainsAny(a.text, "eE"):
		return 0, service.Problem{Key: "amount_exponent"}
	case err != nil:
		return 0, service.Problem{Key: "amount_format"}
	case m == 0:
		return 0, service.Problem{Key: "amount_positive"}
	}
	return m, service.Problem{}
}

// fingerprint identifies the claim for idempotency: the SHA-256 of its canonical JSON, so that
// the same claim sent twice matches however its JSON was spaced, ordered or its amounts written.
func (c claim) fingerprint() string {
	type line struct {
		SpentOn     string `json:"spent_on"`
		Description string `json:"description"`
		Amount      int64  `json:"amount"`
		InvoiceNo   string `json:"invoice_no"`
	}
	canon := struct {
		Kind         policy.Kind `json:"kind"`
		Title        string      `json:"title"`
		Purpose      string      `json:"purpose"`
		Category     string      `json:"category"`
		BudgetLineID string      `json:"budget_line_id"`
		Lines        []line      `json:"lines"`
		Attachments  []string    `json:"attachments,omitempty"`
		CC           []string    `json:"cc,omitempty"`
	}{Kind: policy.KindExpense, Title: c.Title, Purpose: c.Purpose, Category: c.Category, BudgetLineID: c.BudgetLineID,
		Attachments: slices.Sorted(slices.Values(c.Attachments)), CC: slices.Sorted(slices.Values(c.CC))}
	for _, l := range c.Lines {
		day := ""
		if l.SpentOn != nil {
			day = l.SpentOn.Format(time.DateOnly)
		}
		canon.Lines = append(canon.Lines, line{SpentOn: day, Description: l.Description, Amount: l.Amount, InvoiceNo: l.InvoiceNo})
	}
	b, err := json.Marshal(canon)
	if err != nil {
		panic(err) // strings and integers always marshal
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// distinct trims the IDs and drops blanks and repeats, keeping the first order.
func distinct(ids []string) []string {
	var out []string
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// truncate shortens s to at most n characters, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
