package web

import (
	"context"
	"net/http"
	"time"

	"signoff/policy"
	"signoff/service"
	"signoff/store"
)

// The reimbursement form (报销), for a new claim and for a returned claim's corrections: the
// shared header (web_filing.go), the claim's lines and its receipts. The total follows the
// typing in app.js.

// expenseText labels the claim form's shared parts.
var expenseText = filingText{Heading: "ui.form.heading", Purpose: "ui.form.purpose", PurposeHint: "ui.form.purpose_hint",
	Category: "ui.form.category", PreviewIncomplete: "ui.preview.incomplete", PreviewOverBudget: "ui.preview.over_budget",
	PreviewPath: "/expenses/preview"}

// expenseForm is the claim form as shown.
type expenseForm struct {
	filingForm
	Lines    []formLine
	Uploads  []store.Attachment // uploaded with this form, not yet on a case
	Existing []store.Attachment // resubmit: already on the case
}

type formLine struct {
	SpentOn     string
	Description string
	Amount      string
	InvoiceNo   string
}

// newExpenseForm is an empty claim form posting to action.
func newExpenseForm(action string) *expenseForm {
	return &expenseForm{filingForm: filingForm{Text: expenseText, required: service.ClaimRequired(), Action: action}}
}

// LineErr returns the problem of a line's field, or "".
func (f *expenseForm) LineErr(i int, field string) string { return f.Err(linePath("lines", i, field)) }

func (f *expenseForm) page() string      { return "expense_form" }
func (f *expenseForm) kind() policy.Kind { return policy.KindExpense }
func (f *expenseForm) rows() rowEditor {
	return formRows[formLine]{rows: &f.Lines, max: service.MaxLines}
}
func (f *expenseForm) draftTotal() policy.Money { return f.input().DraftTotal() }

// read takes the posted fields; line fields come as parallel lists.
func (f *expenseForm) read(r *http.Request) {
	v := r.PostForm
	f.filingForm.read(v)
	f.Lines = readRows(v, service.MaxLines, []string{"line_spent_on", "line_description", "line_amount", "line_invoice_no"},
		func(get func(string) string) formLine {
			return formLine{SpentOn: get("line_spent_on"), Description: get("line_description"),
				Amount: get("line_amount"), InvoiceNo: get("line_invoice_no")}
		})
}

// input is the claim the form describes; blank lines are left out.
func (f *expenseForm) input() service.ClaimInput {
	in := service.ClaimInput{HeaderInput: f.headerInput()}
	for _, l := range f.Lines {
		if l == (formLine{}) {
			continue
		}
		in.Lines = append(in.Lines, service.LineInput{SpentOn: l.SpentOn, Description: l.Description,
			Amount: service.TypedAmount(l.Amount), InvoiceNo: l.InvoiceNo})
	}
	for _, a := range f.Uploads {
		in.Attachments = append(in.Attachments, a.ID)
	}
	return in
}

// accept reads a posted claim form with its receipts: those uploaded now and those kept from
// earlier posts.
func (f *expenseForm) accept(ctx context.Context, s *server, r *http.Request, u store.User, bad service.FieldErrors) error {
	f.read(r)
	kept, err := s.svc.KeptUploads(ctx, u, r.PostForm["attachment"])
	if err != nil {
		return err
	}
	fresh, err := s.saveUploads(ctx, r, u, len(kept), bad)
	if err != nil {
		return err
	}
	f.Uploads = append(kept, fresh...)
	return nil
}

func (f *expenseForm) pickers(context.Context, *server, store.User) error { return nil }

func (f *expenseForm) problems(ctx context.Context, s *server, u store.User) service.FieldErrors {
	return s.svc.ClaimProblems(ctx, u, f.input())
}

// refusals: a claim has no rules beyond its validator's.
func (f *expenseForm) refusals(context.Context, *server, store.User) service.FieldErrors { return nil }

// fill prefills the claim's lines from the returned case.
func (f *expenseForm) fill(_ context.Context, _ *server, v store.CaseView) error {
	for _, l := range v.Lines {
		fl := formLine{Description: l.Description, Amount: policy.Money(l.Amount).Plain(), InvoiceNo: l.InvoiceNo}
		if l.SpentOn != nil {
			fl.SpentOn = l.SpentOn.Format(time.DateOnly)
		}
		f.Lines = append(f.Lines, fl)
	}
	return nil
}

func (f *expenseForm) resubmission() (service.ActionInput, string) {
	in := f.input()
	return service.ActionInput{Edits: &in}, "edits."
}

func (f *expenseForm) file(ctx context.Context, s *server, u store.User) (store.Case, error) {
	c, _, err := s.svc.SubmitClaim(ctx, u, f.input(), f.Key)
	return c, err
}
