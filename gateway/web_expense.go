package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"signoff/service"
	"slices"
	"strconv"
	"strings"

	"signoff/policy"
	"signoff/store"
)

// The reimbursement form, for a new claim and for a returned claim's corrections. It works
// without JavaScript (buttons to add and remove lines and to preview the route post the form
// back); with it, lines are added and removed in place and the total and route preview follow
// the typing. Nothing typed is lost on an error: the form comes back with every value and each
// problem next to its field, and files already uploaded stay attached.

// formState is what every filing form (a claim, a purchase request) carries between the reader
// and the gateway: the submission's idempotency key, so a double post files once, and what was
// wrong with the last post.
type formState struct {
	Key    string
	Errors map[string]string // by field path: "purpose", "lines[1].amount"
	Error  string            // a problem not of one field
}

// refused puts an explained failure on the form: each field's problem next to it, anything else
// above the form; a key already used for another submission is replaced by a fresh one.
func (f *formState) refused(e webError) {
	f.Errors = e.Fields
	if e.Code != "invalid_input" {
		f.Error = e.Message
	}
	if e.Code == "idempotency_key_reused" {
		f.Key = newKey()
	}
}

// expenseForm is the form as shown.
type expenseForm struct {
	formState
	Action      string       // where the form posts
	Resubmit    *caseSummary // the returned case being corrected, or nil for a new claim
	Revision    int          // resubmit: the case revision the form was made from
	Title       string
	Purpose     string
	Category    string
	BudgetLine  string
	Lines       []formLine
	Uploads     []store.Attachment // uploaded with this form, not yet on a case
	Existing    []store.Attachment // resubmit: already on the case
	CC          []string
	Comment     string // resubmit: a note to the signers
	Total       policy.Money
	Preview     *routePreview
	PreviewNote string // why there is no preview yet
	Categories  []policy.Category
	BudgetLines []budgetOption
	People      []userRef // whom the claim may be copied to
	MaxUpload   string    // the size limit of one file, e.g. "10 MB"
}

type formLine struct {
	SpentOn     string
	Description string
	Amount      string
	InvoiceNo   string
}

type budgetOption struct {
	ID        string
	Name      string
	Remaining policy.Money
	Category  string // the only category it may be claimed for, or ""
}

// Err returns the problem of a field, or "".
func (f *expenseForm) Err(field string) string { return f.Errors[field] }

// LineErr returns the problem of a line's field, or "".
func (f *expenseForm) LineErr(i int, field string) string {
	return f.Errors[fmt.Sprintf("lines[%d].%s", i, field)]
}

// HasCC reports whether the form copies the claim to a person.
func (f *expenseForm) HasCC(id string) bool { return slices.Contains(f.CC, id) }

// newKey makes a random idempotency key for a form.
func newKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// readExpenseForm reads the posted fields; line fields come as parallel lists.
func readExpenseForm(r *http.Request) expenseForm {
	v := r.PostForm
	f := expenseForm{formState: formState{Key: v.Get("key")}, Title: v.Get("title"), Purpose: v.Get("purpose"),
		Category: v.Get("category"), BudgetLine: v.Get("budget_line_id"), Comment: v.Get("comment"),
		CC: v["cc"]}
	f.Revision, _ = strconv.Atoi(v.Get("revision"))
	dates, descs, amounts, invoices := v["line_spent_on"], v["line_description"], v["line_amount"], v["line_invoice_no"]
	n := max(len(dates), len(descs), len(amounts), len(invoices))
	at := func(list []string, i int) string {
		if i < len(list) {
			return list[i]
		}
		return ""
	}
	for i := range min(n, maxLines+1) {
		f.Lines = append(f.Lines, formLine{SpentOn: at(dates, i), Description: at(descs, i),
			Amount: at(amounts, i), InvoiceNo: at(invoices, i)})
	}
	if len(f.Key) > maxIdempotencyKey {
		f.Key = ""
	}
	return f
}

// claimInput is the claim the form describes; blank lines are left out.
func (f *expenseForm) claimInput() claimInput {
	in := claimInput{headerInput: headerInput{Title: f.Title, Purpose: f.Purpose, Category: f.Category, BudgetLineID: f.BudgetLine, CC: f.CC}}
	for _, l := range f.Lines {
		if l == (formLine{}) {
			continue
		}
		li := lineInput{SpentOn: l.SpentOn, Description: l.Description, InvoiceNo: l.InvoiceNo}
		if a := strings.TrimSpace(strings.ReplaceAll(l.Amount, ",", "")); a != "" {
			li.Amount = amountText{text: a, present: true, valid: true}
		}
		in.Lines = append(in.Lines, li)
	}
	for _, a := range f.Uploads {
		in.Attachments = append(in.Attachments, a.ID)
	}
	return in
}

// dropBlankLines removes the lines left entirely empty, keeping at least one to type in, so
// that error paths (lines[i]) match the lines shown.
func (f *expenseForm) dropBlankLines() {
	lines := slices.DeleteFunc(slices.Clone(f.Lines), func(l formLine) bool { return l == (formLine{}) })
	if len(lines) == 0 {
		lines = []formLine{{}}
	}
	f.Lines = lines
}

// total adds up the amounts that parse; the others are reported when submitting.
func (f *expenseForm) total() policy.Money {
	var sum policy.Money
	for _, l := range f.Lines {
		if m, err := policy.ParseMoney(strings.TrimSpace(strings.ReplaceAll(l.Amount, ",", ""))); err == nil && m > 0 {
			if sum += m; sum > policy.MaxMoney {
				return policy.MaxMoney
			}
		}
	}
	return sum
}

// prepare fills in what the form shows besides what was typed: the category and budget-line
// pickers, the total and the route preview.
func (s *server) prepare(ctx context.Context, u store.User, f *expenseForm) error {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return service.Internal(fmt.Errorf("expense form: %w", err))
	}
	lines, err := s.store.BudgetLines(ctx, u.DepartmentID)
	if err != nil {
		return fmt.Errorf("expense form: %w", err)
	}
	f.Categories = doc.Categories
	f.BudgetLines = f.BudgetLines[:0]
	for _, b := range lines {
		o := budgetOption{ID: b.ID, Name: b.Name, Remaining: policy.Money(b.Remaining)}
		if pl, ok := doc.BudgetLine(b.ID); ok {
			o.Category = pl.Category
		}
		f.BudgetLines = append(f.BudgetLines, o)
	}
	f.MaxUpload = fmt.Sprintf("%d MB", s.cfg.MaxUploadBytes>>20)
	if len(f.Lines) == 0 {
		f.Lines = []formLine{{}}
	}
	f.Total = f.total()
	s.fillPreview(ctx, doc, u, f)
	return nil
}

// fillPreview works out the route once the form has a category, a budget line and an amount.
func (s *server) fillPreview(ctx context.Context, doc *policy.Document, u store.User, f *expenseForm) {
	f.Preview, f.PreviewNote = nil, ""
	_, catOK := doc.Category(f.Category)
	line, lineOK := doc.BudgetLine(f.BudgetLine)
	switch {
	case !catOK || !lineOK || f.Total <= 0:
		f.PreviewNote = "ui.preview.incomplete"
		return
	case line.Department != u.DepartmentID || (line.Category != "" && line.Category != f.Category):
		f.PreviewNote = "ui.preview.line_mismatch"
		return
	}
	p, err := s.preview(ctx, doc, u, policy.KindExpense, f.Category, f.BudgetLine, f.Total)
	var over *store.OverBudgetError
	switch {
	case errors.As(err, &over):
		f.PreviewNote = "ui.preview.over_budget"
	case err != nil:
		f.PreviewNote = "ui.preview.no_route"
	default:
		f.Preview = &p
	}
}

// acceptForm reads a posted claim form: its fields, the files it carries (stored at once, so a
// form sent back with errors keeps them) and the uploads it kept from earlier posts.
func (s *server) acceptForm(ctx context.Context, r *http.Request, u store.User) (expenseForm, service.FieldErrors, error) {
	f := readExpenseForm(r)
	bad := service.FieldErrors{}
	kept, err := s.store.UnlinkedAttachments(ctx, u.ID, distinct(r.PostForm["attachment"]))
	if err != nil {
		return f, nil, fmt.Errorf("expense form: %w", err)
	}
	fresh, err := s.saveUploads(ctx, r, u, len(kept), bad)
	if err != nil {
		return f, nil, err
	}
	f.Uploads = append(kept, fresh...)
	return f, bad, nil
}

// formIntent is what a post of the form asks for: submit, preview, add a line or remove one.
func formIntent(r *http.Request) (intent string, line int) {
	v := r.PostForm.Get("intent")
	if rest, ok := strings.CutPrefix(v, "remove_line:"); ok {
		if i, err := strconv.Atoi(rest); err == nil {
			return "remove_line", i
		}
	}
	switch v {
	case "preview", "add_line":
		return v, 0
	}
	return "submit", 0
}

// editForm applies a non-submitting intent; it reports false for a submission.
func editForm(f *expenseForm, intent string, line int) bool {
	switch intent {
	case "add_line":
		if len(f.Lines) < maxLines {
			f.Lines = append(f.Lines, formLine{})
		}
	case "remove_line":
		if line >= 0 && line < len(f.Lines) {
			f.Lines = slices.Delete(f.Lines, line, line+1)
		}
	case "preview":
		f.dropBlankLines()
	default:
		return false
	}
	return true
}

// showForm renders the form page with a status.
func (s *server) showForm(w http.ResponseWriter, r *http.Request, status int, titleKey string, f *expenseForm) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	u := userFrom(r.Context())
	if err := s.prepare(ctx, u, f); err != nil {
		s.errorPage(w, r, err)
		return
	}
	p := s.newPage(r, titleKey)
	f.People = p.PeopleExcept(u.ID)
	p.Data = f
	s.render(w, r, status, "expense_form", p)
}

// formFailed puts a failed submission's problems on the form and shows it again.
func (s *server) formFailed(w http.ResponseWriter, r *http.Request, titleKey string, f *expenseForm, err error) {
	e := s.explain(r, webSessionFrom(r.Context()).lang, err)
	f.refused(e)
	s.showForm(w, r, e.Status, titleKey, f)
}

// newExpensePage shows an empty claim form.
func (s *server) newExpensePage(w http.ResponseWriter, r *http.Request) {
	f := &expenseForm{Action: "/expenses/new", formState: formState{Key: newKey()}, Lines: []formLine{{}, {}}}
	s.showForm(w, r, http.StatusOK, "ui.form.title", f)
}

// newExpenseSubmit files the claim, or shows the form again with what needs fixing.
func (s *server) newExpenseSubmit(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	f, bad, err := s.acceptForm(ctx, r, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	f.Action = "/expenses/new"
	s.postClaimForm(w, r, u, &f, bad, "ui.form.title", func(in claimInput) (string, error) {
		c, _, err := s.submitClaim(ctx, u, in, f.Key)
		return "/cases/" + c.ID + "?done=submit", err
	})
}

// postClaimForm answers a post of the claim form, new or corrected. Adding or removing a line
// and previewing show the form again; a submission goes to send, which returns where to go
// next, and whatever is wrong (a refused file, a field, the chain's refusal) brings the form
// back with every problem at once.
func (s *server) postClaimForm(w http.ResponseWriter, r *http.Request, u store.User, f *expenseForm, bad service.FieldErrors,
	titleKey string, send func(claimInput) (string, error)) {
	if f.Key == "" {
		f.Key = newKey()
	}
	if intent, line := formIntent(r); editForm(f, intent, line) {
		if len(bad) > 0 {
			f.Errors = bad.In(webSessionFrom(r.Context()).lang)
		}
		s.showForm(w, r, http.StatusOK, titleKey, f)
		return
	}
	f.dropBlankLines()
	if len(bad) > 0 {
		s.formFailed(w, r, titleKey, f, s.withClaimProblems(r.Context(), u, f.claimInput(), bad))
		return
	}
	next, err := send(f.claimInput())
	if err != nil {
		s.formFailed(w, r, titleKey, f, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// withClaimProblems adds what is wrong with the claim itself to the upload problems already
// found, so that a form with a refused file also shows every other mistake at once.
func (s *server) withClaimProblems(ctx context.Context, u store.User, in claimInput, bad service.FieldErrors) error {
	if _, doc, err := s.policies.Latest(ctx); err == nil {
		var invalid *service.ValidationError
		if _, err := validateClaim(in, doc, u, ""); errors.As(err, &invalid) {
			for k, p := range invalid.Fields {
				if _, ok := bad[k]; !ok {
					bad[k] = p
				}
			}
		}
	}
	return bad.Err()
}

// previewFragment answers the form's live route preview: the preview block alone.
func (s *server) previewFragment(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	f := readExpenseForm(r)
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		s.errorPage(w, r, service.Internal(err))
		return
	}
	f.Total = f.total()
	s.fillPreview(ctx, doc, u, &f)
	p := s.newPage(r, "ui.form.title")
	p.Data = &f
	s.renderFragment(w, r, "expense_form", "route_preview", p)
}
