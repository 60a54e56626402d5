package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"signoff/chain"
	"signoff/gateway/door"
	"signoff/i18n"
	"signoff/policy"
	"signoff/service"
	"signoff/store"
)

// The filing forms: an expense claim (web_expense.go) and a purchase request (web_purchase.go),
// each new or returned for correction. They are one machinery, here: a form shows its case's
// header (purpose, title, category, budget line, copies or a note to the signers), its own
// sections, and a route preview; it works without JavaScript (buttons add and remove rows and
// preview the route by posting the form back) and with it (app.js changes rows in place and
// previews as the reader types). Nothing typed is lost on an error: the form comes back with
// every value and each problem next to its field, and files already uploaded stay attached.
// What differs between the kinds is the filing interface below; every rule is the service's,
// and which fields are required is asked of its validators (service/required.go).

// formState is what every form carries between the reader and the gateway: the submission's
// idempotency key, so a double post files once, and what was wrong with the last post.
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

// newKey makes a random idempotency key for a form.
func newKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// filingText is what the shared parts of a kind of form are labelled with: catalogue keys, the
// live preview's address and the form's own style.
type filingText struct {
	Heading, Purpose, PurposeHint, Category string
	Goods                                   string // marks a goods category in the picker, or ""
	PreviewIncomplete, PreviewOverBudget    string // notes in place of the route
	PreviewPath                             string // where the live preview posts the form
	Class                                   string // the form's class besides claim-form
	TotalInPreview                          bool   // the total is worked out with the preview
}

// filingForm is the part every filing form has: the case's header as typed, the copies or the
// note of a resubmission, the total and route preview, and the pickers.
type filingForm struct {
	formState
	Text        filingText
	Action      string               // where the form posts
	Resubmit    *service.CaseSummary // the returned case being corrected, or nil for a new one
	Revision    int                  // resubmit: the case revision the form was made from
	Title       string
	Purpose     string
	Category    string
	BudgetLine  string
	CC          []string
	Comment     string // resubmit: a note to the signers
	Total       policy.Money
	Preview     *service.RoutePreview
	Resign      *service.ResignPreview // resubmit: the signed steps the correction re-opens
	PreviewNote string                 // why there is no preview yet
	Refusals    []string               // what the rules refuse of the draft so far (purchase requests)
	Categories  []service.CategoryView
	BudgetLines []budgetOption
	People      []service.UserRef // whom the case may be copied to
	MaxUpload   string            // the size limit of one file, e.g. "10 MB"
	required    service.Required
	previewCase string // the case a live preview revises, once the reader may revise it
}

type budgetOption struct {
	ID        string
	Name      string
	Remaining policy.Money
	Category  string // the only category it may be charged for, or ""
}

// Err returns the problem of a field, or "".
func (f *filingForm) Err(field string) string { return f.Errors[field] }

// Required reports whether the validator refuses the case without the field ("purpose",
// "lines[].amount").
func (f *filingForm) Required(field string) bool { return f.required.Has(field) }

// HasCC reports whether the form copies the case to a person.
func (f *filingForm) HasCC(id string) bool { return slices.Contains(f.CC, id) }

// PreviewURL is where the live preview posts the form; a revision names its case, whose own
// quantities do not count against its plan.
func (f *filingForm) PreviewURL() string {
	if f.Resubmit != nil {
		return f.Text.PreviewPath + "?case=" + url.QueryEscape(f.Resubmit.ID)
	}
	return f.Text.PreviewPath
}

// exceptCase is the case the form revises, if any.
func (f *filingForm) exceptCase() string {
	if f.Resubmit != nil {
		return f.Resubmit.ID
	}
	return f.previewCase
}

func (f *filingForm) head() *filingForm { return f }

// read takes the header's posted fields.
func (f *filingForm) read(v url.Values) {
	f.Key, f.Title, f.Purpose, f.Category = v.Get("key"), v.Get("title"), v.Get("purpose"), v.Get("category")
	f.BudgetLine, f.Comment, f.CC = v.Get("budget_line_id"), v.Get("comment"), v["cc"]
	f.Revision, _ = strconv.Atoi(v.Get("revision"))
	if len(f.Key) > door.MaxIdempotencyKey {
		f.Key = ""
	}
}

// headerInput is the header the form describes.
func (f *filingForm) headerInput() service.HeaderInput {
	return service.HeaderInput{Title: f.Title, Purpose: f.Purpose, Category: f.Category, BudgetLineID: f.BudgetLine, CC: f.CC}
}

// filing is a kind of filing form: what the machinery asks of it besides its header.
type filing interface {
	head() *filingForm
	page() string // its template
	kind() policy.Kind
	rows() rowEditor
	draftTotal() policy.Money
	// read takes the posted fields, the header's and its own.
	read(r *http.Request)
	// file files the draft as a new case of u's.
	file(ctx context.Context, s *server, u store.User) (store.Case, error)
	// accept reads a post (read) and the files it carries, stored at once so that a form sent
	// back keeps them; a refused file is reported in bad.
	accept(ctx context.Context, s *server, r *http.Request, u store.User, bad service.FieldErrors) error
	// pickers fills in its own choices (suppliers, plans, materials).
	pickers(ctx context.Context, s *server, u store.User) error
	// problems is everything the service finds wrong with the draft; refusals what the
	// business rules refuse of it so far.
	problems(ctx context.Context, s *server, u store.User) service.FieldErrors
	refusals(ctx context.Context, s *server, u store.User) service.FieldErrors
	// fill prefills a correction from the returned case.
	fill(ctx context.Context, s *server, v store.CaseView) error
	// resubmission is the resubmit action carrying the draft, and the prefix of its fields'
	// paths in the service's problems ("edits.").
	resubmission() (service.ActionInput, string)
}

// rowEditor edits a form's repeated rows (a claim's lines, a request's items).
type rowEditor interface {
	edit(intent string, row int) bool
	dropBlank()
	ensure()
}

// formRows are a form's repeated rows as typed, at most max of them.
type formRows[T comparable] struct {
	rows *[]T
	max  int
}

// edit applies a non-submitting intent; it reports false for a submission.
func (e formRows[T]) edit(intent string, row int) bool {
	switch intent {
	case "add_line":
		if len(*e.rows) < e.max {
			*e.rows = append(*e.rows, *new(T))
		}
	case "remove_line":
		if row >= 0 && row < len(*e.rows) {
			*e.rows = slices.Delete(*e.rows, row, row+1)
		}
	case "preview":
		e.dropBlank()
	default:
		return false
	}
	return true
}

// dropBlank removes the rows left entirely empty, keeping one to type in, so that error paths
// (lines[i]) match the rows shown.
func (e formRows[T]) dropBlank() {
	rows := slices.DeleteFunc(slices.Clone(*e.rows), func(r T) bool { return r == *new(T) })
	if len(rows) == 0 {
		rows = make([]T, 1)
	}
	*e.rows = rows
}

// ensure leaves at least one row to type in.
func (e formRows[T]) ensure() {
	if len(*e.rows) == 0 {
		*e.rows = make([]T, 1)
	}
}

// readRows reads rows posted as parallel lists, one list per field, at most limit+1 of them (one
// too many, for the validator to refuse).
func readRows[T any](v url.Values, limit int, names []string, row func(get func(name string) string) T) []T {
	n := 0
	for _, name := range names {
		n = max(n, len(v[name]))
	}
	var out []T
	for i := range min(n, limit+1) {
		out = append(out, row(func(name string) string {
			if list := v[name]; i < len(list) {
				return list[i]
			}
			return ""
		}))
	}
	return out
}

// linePath is the path of a row's field in the service's problems: lines[2].amount.
func linePath(list string, i int, field string) string {
	return fmt.Sprintf("%s[%d].%s", list, i, field)
}

// rowInputID names one input of a row, unique on the page; app.js renames the "line-new-"
// inputs of the row it copies.
func rowInputID(i int, field string) string {
	if i < 0 {
		return "line-new-" + field
	}
	return fmt.Sprintf("line-%d-%s", i, field)
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

// prepareFiling fills in what the form shows besides what was typed: the pickers and the total.
func (s *server) prepareFiling(ctx context.Context, u store.User, f filing) error {
	h := f.head()
	cats, err := s.svc.Categories(ctx)
	if err != nil {
		return err
	}
	lines, err := s.svc.BudgetLines(ctx, u.DepartmentID)
	if err != nil {
		return err
	}
	h.Categories, h.BudgetLines = cats, h.BudgetLines[:0]
	for _, b := range lines {
		o := budgetOption{ID: b.ID, Name: b.Name, Remaining: b.Remaining}
		if b.Category != nil {
			o.Category = *b.Category
		}
		h.BudgetLines = append(h.BudgetLines, o)
	}
	h.MaxUpload = fmt.Sprintf("%d MB", s.cfg.MaxUploadBytes>>20)
	if err := f.pickers(ctx, s, u); err != nil {
		return err
	}
	f.rows().ensure()
	h.Total = f.draftTotal()
	return nil
}

// fillPreview works out the route once the draft has a category, a budget line and an amount,
// and what the rules refuse of it so far.
func (s *server) fillPreview(ctx context.Context, lang i18n.Lang, u store.User, f filing) {
	h := f.head()
	h.Preview, h.PreviewNote, h.Refusals = nil, "", refusalTexts(lang, f.refusals(ctx, s, u))
	h.Resign = nil
	if id := h.exceptCase(); id != "" {
		// A correction the rules refuse says so through its problems; it re-opens nothing yet.
		in, _ := f.resubmission()
		if r, err := s.svc.PreviewResubmission(ctx, u, id, in); err == nil {
			h.Resign = &r
		}
	}
	p, err := s.svc.DraftPreview(ctx, u, f.kind(), h.Category, h.BudgetLine, h.Total)
	var over *store.OverBudgetError
	switch {
	case errors.Is(err, service.ErrDraftIncomplete):
		h.PreviewNote = h.Text.PreviewIncomplete
	case errors.Is(err, policy.ErrLineDepartment), errors.Is(err, policy.ErrLineCategory):
		h.PreviewNote = "ui.preview.line_mismatch"
	case errors.As(err, &over):
		h.PreviewNote = h.Text.PreviewOverBudget
	case err != nil:
		h.PreviewNote = "ui.preview.no_route"
	default:
		h.Preview = &p
	}
}

// showFiling renders the form page with a status.
func (s *server) showFiling(w http.ResponseWriter, r *http.Request, status int, titleKey string, f filing) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	u := door.User(r.Context())
	if err := s.prepareFiling(ctx, u, f); err != nil {
		s.errorPage(w, r, err)
		return
	}
	p := s.newPage(r, titleKey)
	s.fillPreview(ctx, p.Lang, u, f)
	f.head().People = p.PeopleExcept(u.ID)
	p.Data = f
	s.render(w, r, status, f.page(), p)
}

// filingFailed puts a failed submission's problems on the form and shows it again.
func (s *server) filingFailed(w http.ResponseWriter, r *http.Request, titleKey string, f filing, err error) {
	e := s.explain(r, langOf(r), err)
	f.head().refused(e)
	s.showFiling(w, r, e.Status, titleKey, f)
}

// postFiling answers a post of a filing form, new or corrected. Adding or removing a row and
// previewing show the form again (a preview with the rules' refusals next to their fields); a
// submission goes to send, which returns where to go next, and whatever is wrong (a refused
// file, a field, the rules, the chain's refusal) brings the form back with every problem at once.
func (s *server) postFiling(w http.ResponseWriter, r *http.Request, u store.User, f filing, bad service.FieldErrors,
	titleKey string, send func() (string, error)) {
	h := f.head()
	if h.Key == "" {
		h.Key = newKey()
	}
	if intent, line := formIntent(r); f.rows().edit(intent, line) {
		if intent == "preview" {
			for k, p := range f.refusals(r.Context(), s, u) {
				bad.Add(k, p.Key, p.Args...)
			}
		}
		if len(bad) > 0 {
			h.Errors = bad.In(langOf(r))
		}
		s.showFiling(w, r, http.StatusOK, titleKey, f)
		return
	}
	f.rows().dropBlank()
	if len(bad) > 0 {
		s.filingFailed(w, r, titleKey, f, s.withProblems(r.Context(), u, f, bad))
		return
	}
	next, err := send()
	if err != nil {
		var refused *service.RefusedError
		var invalid *service.ValidationError
		if !errors.As(err, &refused) && errors.As(err, &invalid) {
			// The form's mistakes come before the rules: show the rules' refusals as well.
			err = s.withProblems(r.Context(), u, f, invalid.Fields)
		}
		s.filingFailed(w, r, titleKey, f, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// withProblems adds everything the service finds wrong with the draft to the problems already
// found, so that the form shows every mistake at once.
func (s *server) withProblems(ctx context.Context, u store.User, f filing, bad service.FieldErrors) error {
	out := service.FieldErrors{}
	for k, p := range bad {
		out[k] = p
	}
	for k, p := range f.problems(ctx, s, u) {
		out.Add(k, p.Key, p.Args...)
	}
	return out.Err()
}

// acceptFiling reads a posted form into f, with the files it carries.
func (s *server) acceptFiling(ctx context.Context, r *http.Request, u store.User, f filing) (service.FieldErrors, error) {
	bad := service.FieldErrors{}
	if err := f.accept(ctx, s, r, u, bad); err != nil {
		return nil, err
	}
	return bad, nil
}

// filingPages mounts a kind of form at base: the empty form (/new), its submission, and its live
// route preview (/preview). blank makes an empty form posting to action.
func (s *server) filingPages(r chi.Router, base, titleKey string, blank func(action string) filing) {
	r.Get(base+"/new", func(w http.ResponseWriter, r *http.Request) {
		f := blank(base + "/new")
		f.head().Key = newKey()
		f.rows().edit("add_line", 0)
		f.rows().edit("add_line", 0)
		s.showFiling(w, r, http.StatusOK, titleKey, f)
	})
	r.Post(base+"/new", func(w http.ResponseWriter, r *http.Request) { s.fileNew(w, r, blank(base+"/new"), titleKey) })
	r.Post(base+"/preview", func(w http.ResponseWriter, r *http.Request) {
		f := blank("")
		f.read(r)
		s.previewFiling(w, r, f, titleKey)
	})
}

// fileNew files a new case from a posted form, or shows the form again with what needs fixing.
func (s *server) fileNew(w http.ResponseWriter, r *http.Request, f filing, titleKey string) {
	u := door.User(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	bad, err := s.acceptFiling(ctx, r, u, f)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.postFiling(w, r, u, f, bad, titleKey, func() (string, error) {
		c, err := f.file(ctx, s, u)
		return "/cases/" + c.ID + "?done=submit", err
	})
}

// previewFiling answers a form's live route preview: the preview block alone. A revision names
// its case (PreviewURL), which counts only when the reader filed it.
func (s *server) previewFiling(w http.ResponseWriter, r *http.Request, f filing, titleKey string) {
	u := door.User(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	if id := r.URL.Query().Get("case"); id != "" {
		if v, err := s.svc.VisibleCase(ctx, u, id); err == nil && v.Case.SubmitterID == u.ID {
			f.head().previewCase = id
		}
	}
	f.head().Total = f.draftTotal()
	p := s.newPage(r, titleKey)
	s.fillPreview(ctx, p.Lang, u, f)
	p.Data = f
	s.renderFragment(w, r, f.page(), "route_preview", p)
}

// correction starts the correction form of the case a request names, when the reader may
// resubmit it now: the form of its kind, posting its resubmission. ok is false when an error
// page was written instead.
func (s *server) correction(ctx context.Context, w http.ResponseWriter, r *http.Request) (f filing, v store.CaseView, ok bool) {
	u := door.User(r.Context())
	v, err := s.svc.VisibleCase(ctx, u, chi.URLParam(r, "id"))
	if err == nil {
		err = s.svc.Resubmittable(u, v.Case)
	}
	if err == nil {
		f, err = s.correctionOf(ctx, v)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return nil, v, false
	}
	return f, v, true
}

// correctionOf is the empty form of a case's kind, posting its resubmission, with the files
// already on the case.
func (s *server) correctionOf(ctx context.Context, v store.CaseView) (filing, error) {
	var f filing
	if v.Case.Kind == string(policy.KindProcurement) {
		pf := newPurchaseForm("")
		pv, err := s.svc.PurchaseView(ctx, v.Case.ID)
		if err != nil {
			return nil, fmt.Errorf("revise purchase %s: %w", v.Case.ID, err)
		}
		for i := range v.Attachments {
			if v.Attachments[i].ID == pv.Contract.AttachmentID {
				pf.Existing = &v.Attachments[i]
			}
		}
		f = pf
	} else {
		ef := newExpenseForm("")
		ef.Existing = v.Attachments
		f = ef
	}
	sum := service.ViewSummary(v)
	h := f.head()
	h.Action, h.Resubmit = "/cases/"+v.Case.ID+"/resubmit", &sum
	return f, nil
}

// resubmitPage shows a returned case in its form, prefilled, for its submitter to correct and
// send again.
func (s *server) resubmitPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	f, v, ok := s.correction(ctx, w, r)
	if !ok {
		return
	}
	c, h := v.Case, f.head()
	h.Key, h.Revision = newKey(), c.Revision
	h.Title, h.Purpose, h.Category, h.BudgetLine = c.Title, c.Purpose, c.Category, c.BudgetLineID
	if err := f.fill(ctx, s, v); err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.showFiling(w, r, http.StatusOK, "ui.resubmit.title", f)
}

// resubmitSubmit sends a corrected case back into its chain. Its budget line and copies stay as
// they were.
func (s *server) resubmitSubmit(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	f, v, ok := s.correction(ctx, w, r)
	if !ok {
		return
	}
	bad, err := s.acceptFiling(ctx, r, u, f)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	c, h := v.Case, f.head()
	h.CC, h.BudgetLine = nil, c.BudgetLineID
	s.postFiling(w, r, u, f, bad, "ui.resubmit.title", func() (string, error) {
		in, prefix := f.resubmission()
		rev := h.Revision
		in.Revision, in.Comment = &rev, h.Comment
		if _, err := s.svc.Act(ctx, u, c.ID, chain.ActResubmit, in, h.Key); err != nil {
			return "", stripFieldPrefix(err, prefix)
		}
		return "/cases/" + c.ID + "?done=resubmit", nil
	})
}

// stripFieldPrefix files a resubmission's problems ("edits.purpose", "request.supplier_id")
// under the form's fields, keeping whether the form or the rules refused it.
func stripFieldPrefix(err error, prefix string) error {
	var refused *service.RefusedError
	var invalid *service.ValidationError
	var fields service.FieldErrors
	switch {
	case errors.As(err, &refused):
		fields = refused.Fields
	case errors.As(err, &invalid):
		fields = invalid.Fields
	default:
		return err
	}
	out := service.FieldErrors{}
	for k, p := range fields {
		out[strings.TrimPrefix(k, prefix)] = p
	}
	if refused != nil {
		return &service.RefusedError{Fields: out}
	}
	return out.Err()
}
