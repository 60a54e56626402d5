package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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
	defaultTitleOf = 40 // characters of the purpose in a default title
)

// claimInput is a claim as a client sends it: the body of a submission and of a route preview,
// and the edits of a resubmission.
type claimInput struct {
	Title        string      `json:"title"`
	Purpose      string      `json:"purpose"`
	Category     string      `json:"category"`
	BudgetLineID string      `json:"budget_line_id"`
	Lines        []lineInput `json:"lines"`
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

// claim is a validated claim, normalised: trimmed texts, the default title filled in, amounts
// in minor units.
type claim struct {
	Title        string
	Purpose      string
	Category     string
	BudgetLineID string
	Lines        []store.Line
	Total        policy.Money
}

// validateClaim checks a claim against the policy document for a submitter and reports every
// problem at once, each under its field's path (prefixed with prefix, e.g. "edits."). It is
// the one validator of claims: submissions, route previews and resubmitted edits all use it.
func validateClaim(in claimInput, doc *policy.Document, submitter store.User, prefix string) (claim, error) {
	bad := fieldErrors{}
	field := func(name string) string { return prefix + name }
	out := claim{
		Title:        strings.TrimSpace(in.Title),
		Purpose:      strings.TrimSpace(in.Purpose),
		Category:     strings.TrimSpace(in.Category),
		BudgetLineID: strings.TrimSpace(in.BudgetLineID),
	}

	switch n := utf8.RuneCountInString(out.Purpose); {
	case n == 0:
		bad.add(field("purpose"), "is required: say what the money was for (用途)")
	case n > maxPurpose:
		bad.add(field("purpose"), fmt.Sprintf("must be at most %d characters", maxPurpose))
	}
	if utf8.RuneCountInString(out.Title) > maxTitle {
		bad.add(field("title"), fmt.Sprintf("must be at most %d characters", maxTitle))
	}

	cat, catOK := doc.Category(out.Category)
	switch {
	case out.Category == "":
		bad.add(field("category"), "is required")
	case !catOK:
		bad.add(field("category"), fmt.Sprintf("%q is not a known category", out.Category))
	}

	line, lineOK := doc.BudgetLine(out.BudgetLineID)
	switch {
	case out.BudgetLineID == "":
		bad.add(field("budget_line_id"), "is required")
	case !lineOK:
		bad.add(field("budget_line_id"), fmt.Sprintf("%q is not a known budget line", out.BudgetLineID))
	case line.Department != submitter.DepartmentID:
		bad.add(field("budget_line_id"), fmt.Sprintf("%q belongs to another department", out.BudgetLineID))
	case catOK && line.Category != "" && line.Category != cat.ID:
		bad.add(field("budget_line_id"), fmt.Sprintf("%q is only for the category %q", out.BudgetLineID, line.Category))
	}

	switch n := len(in.Lines); {
	case n == 0:
		bad.add(field("lines"), "must hold at least one line")
	case n > maxLines:
		bad.add(field("lines"), fmt.Sprintf("must hold at most %d lines", maxLines))
	default:
		for i, l := range in.Lines {
			sl, problems := validateLine(l, i+1)
			for name, msg := range problems {
				bad.add(field(fmt.Sprintf("lines[%d].%s", i, name)), msg)
			}
			out.Lines = append(out.Lines, sl)
			out.Total += policy.Money(sl.Amount) // each ≤ MaxMoney: a hundred cannot overflow
		}
		if out.Total > policy.MaxMoney {
			bad.add(field("lines"), "the total must be at most "+policy.MaxMoney.String())
		}
	}

	if out.Title == "" && catOK && out.Purpose != "" {
		out.Title = cat.Name + "：" + truncate(out.Purpose, defaultTitleOf)
	}
	if err := bad.err(); err != nil {
		return claim{}, err
	}
	return out, nil
}

// validateLine checks one line item; problems are keyed by the line's field names.
func validateLine(l lineInput, no int) (store.Line, map[string]string) {
	problems := map[string]string{}
	out := store.Line{No: no, Description: strings.TrimSpace(l.Description), InvoiceNo: strings.TrimSpace(l.InvoiceNo)}
	switch n := utf8.RuneCountInString(out.Description); {
	case n == 0:
		problems["description"] = "is required"
	case n > maxDescription:
		problems["description"] = fmt.Sprintf("must be at most %d characters", maxDescription)
	}
	if utf8.RuneCountInString(out.InvoiceNo) > maxInvoiceNo {
		problems["invoice_no"] = fmt.Sprintf("must be at most %d characters", maxInvoiceNo)
	}
	if s := strings.TrimSpace(l.SpentOn); s != "" {
		day, err := time.Parse(time.DateOnly, s)
		if err != nil {
			problems["spent_on"] = "must be a date written YYYY-MM-DD"
		} else {
			out.SpentOn = &day
		}
	}
	amount, problem := parseAmount(l.Amount)
	if problem != "" {
		problems["amount"] = problem
	}
	out.Amount = int64(amount)
	return out, problems
}

// parseAmount reads a positive amount with at most two decimals, or says what is wrong with it.
func parseAmount(a amountText) (policy.Money, string) {
	if !a.present {
		return 0, "is required"
	}
	if !a.valid {
		return 0, `must be a decimal amount, as a string or a number, e.g. "1234.50"`
	}
	if strings.HasPrefix(a.text, "-") {
		return 0, "must be greater than 0.00"
	}
	m, err := policy.ParseMoney(a.text)
	switch {
	case errors.Is(err, policy.ErrMoneyDecimals):
		return 0, "must have at most two decimals"
	case errors.Is(err, policy.ErrMoneyRange):
		return 0, "must be at most " + policy.MaxMoney.String()
	case err != nil && strings.ContainsAny(a.text, "eE"):
		return 0, "must be written without an exponent, e.g. 1234.50"
	case err != nil:
		return 0, `must be a decimal amount, e.g. "1234.50"`
	case m == 0:
		return 0, "must be greater than 0.00"
	}
	return m, ""
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
	}{Kind: policy.KindExpense, Title: c.Title, Purpose: c.Purpose, Category: c.Category, BudgetLineID: c.BudgetLineID}
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

// truncate shortens s to at most n characters, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
