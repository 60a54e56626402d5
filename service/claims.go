package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"signoff/policy"
	"signoff/store"
)

// Expense claims (报销): a person's spending, line by line, against a budget line. One
// validator (validateClaim) checks a claim wherever it comes from: a submission, a route
// preview, a returned claim's corrections, and the form's hints of which fields are required
// (required.go).

// Limits of a claim as typed by a person.
const (
	maxDescription = 500
	MaxInvoiceNo   = 64
	MaxLines       = 100
)

// expensePrefix starts the business number of expense claims: EXP-2026-000123.
const expensePrefix = "EXP"

// ClaimInput is a claim as a client sends it: the body of a submission and of a route preview,
// and the corrections of a resubmission.
type ClaimInput struct {
	HeaderInput
	Lines []LineInput `json:"lines"`
}

// LineInput is one line of a claim as sent.
type LineInput struct {
	SpentOn     string     `json:"spent_on"`
	Description string     `json:"description"`
	Amount      AmountText `json:"amount"`
	InvoiceNo   string     `json:"invoice_no"`
}

// claim is a validated claim, normalised: the default title filled in, amounts in minor units.
type claim struct {
	header
	Lines []store.Line
	Total policy.Money
}

// DraftTotal adds up the amounts of a claim being typed that parse; the others are reported
// when it is submitted.
func (in ClaimInput) DraftTotal() policy.Money {
	var sum policy.Money
	for _, l := range in.Lines {
		if m, p := ParseAmount(l.Amount); p.Key == "" {
			if sum += m; sum > policy.MaxMoney {
				return policy.MaxMoney
			}
		}
	}
	return sum
}

// validateClaim checks a claim against the policy document for a submitter on today (the day in
// the policy calendar's timezone, Service.Today) and reports every problem at once, each under
// its field's path (prefixed with prefix, e.g. "edits.").
func validateClaim(in ClaimInput, doc *policy.Document, submitter store.User, today time.Time, prefix string) (claim, error) {
	bad := FieldErrors{}
	field := func(name string) string { return prefix + name }
	out := claim{header: validateHeader(in.HeaderInput, doc, submitter, prefix, bad)}
	switch n := len(in.Lines); {
	case n == 0:
		bad.Add(field("lines"), "lines_empty")
	case n > MaxLines:
		bad.Add(field("lines"), "lines_too_many", MaxLines)
	default:
		for i, l := range in.Lines {
			sl, problems := validateLine(l, i+1, doc.Expense, today)
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

// validateLine checks one line item, its date against the policy's expense rules on today;
// problems are keyed by the line's field names.
func validateLine(l LineInput, no int, rules policy.Expense, today time.Time) (store.Line, map[string]Problem) {
	problems := map[string]Problem{}
	out := store.Line{No: no, Description: strings.TrimSpace(l.Description), InvoiceNo: strings.TrimSpace(l.InvoiceNo)}
	checkPlain(FieldErrors(problems), "description", out.Description)
	checkPlain(FieldErrors(problems), "invoice_no", out.InvoiceNo)
	switch n := utf8.RuneCountInString(out.Description); {
	case problems["description"].Key != "":
	case n == 0:
		problems["description"] = Problem{Key: "required"}
	case n > maxDescription:
		problems["description"] = Problem{Key: "too_long", Args: []any{maxDescription}}
	}
	if utf8.RuneCountInString(out.InvoiceNo) > MaxInvoiceNo && problems["invoice_no"].Key == "" {
		problems["invoice_no"] = Problem{Key: "too_long", Args: []any{MaxInvoiceNo}}
	}
	if s := strings.TrimSpace(l.SpentOn); s != "" {
		day, err := time.Parse(time.DateOnly, s)
		if err != nil {
			problems["spent_on"] = Problem{Key: "date"}
		} else if key, limit := rules.CheckSpentOn(day, today); key != "" {
			problems["spent_on"] = Problem{Key: key, Args: []any{limit.Format(time.DateOnly)}}
		} else {
			out.SpentOn = &day
		}
	}
	amount, p := ParseAmount(l.Amount)
	if p.Key != "" {
		problems["amount"] = p
	}
	out.Amount = int64(amount)
	return out, problems
}

// fingerprint identifies the claim for idempotency.
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
	return fingerprintOf(canon)
}

// SubmitClaim files an expense claim for u: it validates the claim, checks the policy can route
// it, writes the case and starts its workflow, returning once the case is routed (filing.go).
// created is false when key named an earlier submission.
func (s *Service) SubmitClaim(ctx context.Context, u store.User, in ClaimInput, key string) (c store.Case, created bool, err error) {
	version, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return store.Case{}, false, Internal(fmt.Errorf("submit expense: %w", err))
	}
	today, err := s.Today(doc)
	if err != nil {
		return store.Case{}, false, err
	}
	cl, err := validateClaim(in, doc, u, today, "")
	if err != nil {
		return store.Case{}, false, err
	}
	loc, err := LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		return store.Case{}, false, fmt.Errorf("submit expense: policy timezone: %w", err)
	}
	n := newCase(policy.KindExpense, doc, version, u, cl.header, cl.Total)
	n.Prefix, n.Year, n.Lines = expensePrefix, s.now().In(loc).Year(), cl.Lines
	n.IdempotencyKey, n.RequestHash = key, cl.fingerprint()
	return s.fileCase(ctx, doc, n)
}

// ClaimProblems is what the validator finds wrong with a claim u is typing, under the current
// policy, so that a form refused for one reason (a file, say) shows every other at once.
func (s *Service) ClaimProblems(ctx context.Context, u store.User, in ClaimInput) FieldErrors {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return nil
	}
	today, err := s.Today(doc)
	if err != nil {
		return nil
	}
	_, err = validateClaim(in, doc, u, today, "")
	return FieldsOf(err)
}

// claimEdit checks an expense claim's correction under doc, the policy version the case keeps,
// and returns it as the edit to store: the rules of a submission, its budget line and copies
// unchanged.
func (s *Service) claimEdit(ctx context.Context, doc *policy.Document, u store.User, c store.Case, edits ClaimInput) (store.Edit, error) {
	const prefix = "edits."
	if strings.TrimSpace(edits.BudgetLineID) == "" {
		edits.BudgetLineID = c.BudgetLineID
	}
	today, err := s.Today(doc)
	if err != nil {
		return store.Edit{}, err
	}
	cl, err := validateClaim(edits, doc, u, today, prefix)
	if err != nil {
		return store.Edit{}, err
	}
	if err := checkCorrection(cl.header, c, prefix); err != nil {
		return store.Edit{}, err
	}
	if err := s.CheckUploads(ctx, u, cl.Attachments, prefix); err != nil {
		return store.Edit{}, err
	}
	e := editOf(c, doc, cl.header, cl.Total)
	e.Lines, e.Attachments = cl.Lines, cl.Attachments
	return e, nil
}
