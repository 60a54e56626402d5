package service

import (
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"signoff/policy"
	"signoff/store"
)

// The header every case a person files has, whatever its kind: what it is for, its category and
// budget line, its attachments and whom it is copied to. Expense claims (claims.go) and purchase
// requests (purchase.go) embed it and check it here.

// Limits of a filed case's header as typed by a person.
const (
	maxTitle       = 200
	maxPurpose     = 500
	MaxAttachments = 20 // receipts, invoices or the contract on one case
	maxCC          = 20 // people a case is copied to
	defaultTitleOf = 40 // characters of the purpose in a default title
)

// HeaderInput is the header as a client sends it.
type HeaderInput struct {
	Title        string   `json:"title"`
	Purpose      string   `json:"purpose"`
	Category     string   `json:"category"`
	BudgetLineID string   `json:"budget_line_id"`
	Attachments  []string `json:"attachments"` // IDs of the submitter's uploads
	CC           []string `json:"cc"`          // user IDs to copy the case to (抄送)
}

// header is a validated HeaderInput, normalised: trimmed texts, IDs without repeats.
type header struct {
	Title        string
	Purpose      string
	Category     string
	BudgetLineID string
	Attachments  []string
	CC           []string
}

// validateHeader checks the header of a case submitter files, adding its problems to bad under
// prefix, and fills in a default title from the category and the purpose.
func validateHeader(in HeaderInput, doc *policy.Document, submitter store.User, prefix string, bad FieldErrors) header {
	field := func(name string) string { return prefix + name }
	out := header{
		Title:        strings.TrimSpace(in.Title),
		Purpose:      strings.TrimSpace(in.Purpose),
		Category:     strings.TrimSpace(in.Category),
		BudgetLineID: strings.TrimSpace(in.BudgetLineID),
	}

	for name, v := range map[string]string{"purpose": out.Purpose, "title": out.Title, "category": out.Category, "budget_line_id": out.BudgetLineID} {
		checkPlain(bad, field(name), v)
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
	switch err := line.Takes(submitter.DepartmentID, cat.ID); {
	case out.BudgetLineID == "":
		bad.Add(field("budget_line_id"), "required")
	case !lineOK:
		bad.Add(field("budget_line_id"), "unknown_budget_line", out.BudgetLineID)
	case errors.Is(err, policy.ErrLineDepartment):
		bad.Add(field("budget_line_id"), "budget_line_department", out.BudgetLineID)
	case catOK && errors.Is(err, policy.ErrLineCategory):
		bad.Add(field("budget_line_id"), "budget_line_category", out.BudgetLineID, line.Category)
	}

	out.Attachments = distinct(in.Attachments)
	if n := len(out.Attachments); n > MaxAttachments {
		bad.Add(field("attachments"), "attachments_too_many", MaxAttachments)
	}
	for _, id := range out.Attachments {
		if len(id) > MaxShortText {
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
		out.Title = cat.Name + "：" + Truncate(out.Purpose, defaultTitleOf)
	}
	return out
}

// checkCorrection refuses what a resubmission may not change: the budget line the case's amount
// is reserved on, and the people it was copied to.
func checkCorrection(h header, c store.Case, prefix string) error {
	switch {
	case h.BudgetLineID != c.BudgetLineID:
		return FieldErrors{prefix + "budget_line_id": {Key: "budget_line_fixed"}}.Err()
	case len(h.CC) > 0:
		return FieldErrors{prefix + "cc": {Key: "cc_fixed"}}.Err()
	}
	return nil
}

// editOf is the stored correction of a case with a validated header, of total; the kind adds
// its lines or purchase and the uploads to link.
func editOf(c store.Case, doc *policy.Document, h header, total policy.Money) store.Edit {
	return store.Edit{Title: h.Title, Purpose: h.Purpose, Category: h.Category, Amount: int64(total),
		AllowOverBudget: doc.RoutesOverBudget(policy.Kind(c.Kind))}
}
