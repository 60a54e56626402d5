package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"signoff/service"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/chain"
	"signoff/policy"
	"signoff/store"
)

// casePageView is the case page: the case as the API describes it, plus what the reader may do
// and the choices each action needs.
type casePageView struct {
	caseDetail
	Current       *stepView
	Own           []chain.ActionType // what the reader may do in their own name
	OnBehalf      []onBehalfActions  // what they may do for those they stand in for
	ReturnTargets []stepView         // earlier completed steps a return may go back to
	TransferTo    []userRef          // holders of the current step's post
	People        []userRef          // whom a signer may be added
	Key           string             // idempotency key of the page's action forms
	Flash         string             // the outcome of the action just taken
	Error         string             // why the action just tried was refused
	ErrorAction   chain.ActionType
	Typed         actionRequest // what was typed into the refused action's form
	PaidAtDefault string        // the pay form's time, now, as datetime-local
	// RejectReturns: a rejection of the current step sends the case back to its submitter to
	// revise (a countersign), so the reject button says so.
	RejectReturns bool
	Receipt       *receiptSection    // a receipt's delivery
	Settlement    *settlementSection // a payment's order and match
}

// countersigner is one signer of a countersign (会签) step and whether they agreed yet.
type countersigner struct {
	Who    userRef
	Agreed bool
	At     time.Time
}

// Countersigners lists the signers of the current step when it is a countersign, each with
// whether they agreed; nil otherwise.
func (v *casePageView) Countersigners() []countersigner {
	if v.Current == nil || v.Current.Role != string(policy.RoleCountersigner) {
		return nil
	}
	out := make([]countersigner, 0, len(v.Current.Assignees))
	for _, a := range v.Current.Assignees {
		cs := countersigner{Who: a}
		for _, ap := range v.Current.Approvals {
			if (ap.OnBehalfOf == nil && ap.User.ID == a.ID) || (ap.OnBehalfOf != nil && ap.OnBehalfOf.ID == a.ID) {
				cs.Agreed, cs.At = true, ap.At
			}
		}
		out = append(out, cs)
	}
	return out
}

// Label names action t on this case's forms: a rejection that returns the case says so.
func (a actsData) Label(t chain.ActionType) string {
	if t == chain.ActReject && a.V != nil && a.V.RejectReturns {
		return a.P.T("ui.case.reject_returns")
	}
	return a.P.Action(t)
}

type onBehalfActions struct {
	Who     userRef
	Actions []chain.ActionType
}

// Has reports whether the reader may take action t in their own name.
func (v *casePageView) Has(t string) bool { return slices.Contains(v.Own, chain.ActionType(t)) }

// NeedsReason reports whether action t must carry a reason.
func (v *casePageView) NeedsReason(t chain.ActionType) bool {
	switch t {
	case chain.ActReject, chain.ActReturn, chain.ActWithdraw, chain.ActComment:
		return true
	}
	return false
}

// casePage shows a case to someone who may see it.
func (s *server) casePage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	u := userFrom(r.Context())
	v, err := s.visibleCase(ctx, u, chi.URLParam(r, "id"))
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("case page: %w", err))
		return
	}
	pv := casePageView{}
	if done := r.URL.Query().Get("done"); done != "" && (done == "submit" || slices.Contains(chain.Actions, chain.ActionType(done))) {
		pv.Flash = "ui.flash." + done
	}
	s.showCase(w, r, http.StatusOK, u, v, pv)
}

// showCase renders the case page from a case view.
func (s *server) showCase(w http.ResponseWriter, r *http.Request, status int, u store.User, v store.CaseView, pv casePageView) {
	d, err := s.detail(r.Context(), u, v)
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("case page %s: %w", v.Case.ID, err))
		return
	}
	p := s.newPage(r, "ui.case.title")
	p.Title = v.Case.ID + " · " + v.Case.Title
	pv.caseDetail = d
	pv.Own = d.AllowedActions
	for who, acts := range d.AllowedOnBehalfOf {
		pv.OnBehalf = append(pv.OnBehalf, onBehalfActions{Who: userRef{ID: who, Name: p.Person(who)}, Actions: acts})
	}
	slices.SortFunc(pv.OnBehalf, func(a, b onBehalfActions) int { return strings.Compare(a.Who.ID, b.Who.ID) })
	for i := range d.Steps {
		st := d.Steps[i]
		if st.Current {
			pv.Current = &d.Steps[i]
			break
		}
		if st.Done {
			pv.ReturnTargets = append(pv.ReturnTargets, st)
		}
	}
	if st := v.Case.State; st != nil && st.CurrentStep() != nil {
		for _, id := range st.CurrentStep().Pool {
			if !slices.Contains(st.CurrentStep().Assignees, id) && id != u.ID {
				pv.TransferTo = append(pv.TransferTo, userRef{ID: id, Name: p.Person(id)})
			}
		}
	}
	if st := v.Case.State; st != nil && st.CurrentStep() != nil {
		pv.RejectReturns = st.CurrentStep().RejectReturns
	}
	if err := s.procurementSections(r.Context(), p.Lang, v.Case, &pv); err != nil {
		s.errorPage(w, r, fmt.Errorf("case page %s: %w", v.Case.ID, err))
		return
	}
	pv.People = p.PeopleExcept(u.ID, v.Case.SubmitterID)
	if pv.Key == "" {
		pv.Key = newKey()
	}
	pv.PaidAtDefault = s.now().In(p.loc).Format(localInput)
	p.Data = &pv
	s.render(w, r, status, "case", p)
}

// caseActionSubmit takes an action from the case page's forms. On success the reader is sent
// back to the case (so a reload does not act twice); a refusal shows the case again with the
// reason next to the form and what was typed still in it.
func (s *server) caseActionSubmit(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	id := chi.URLParam(r, "id")
	t := chain.ActionType(chi.URLParam(r, "action"))
	if !slices.Contains(chain.Actions, t) {
		s.errorPage(w, r, errNotFound)
		return
	}
	in, key, err := s.readActionForm(r)
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	if err == nil {
		if _, err = s.perform(ctx, u, id, t, in, key); err == nil {
			http.Redirect(w, r, "/cases/"+id+"?done="+string(t), http.StatusSeeOther)
			return
		}
	}
	lang := webSessionFrom(r.Context()).lang
	e := s.explain(r, lang, err)
	if e.Status == http.StatusNotFound || e.Status >= 500 {
		s.errorPage(w, r, err)
		return
	}
	v, verr := s.visibleCase(ctx, u, id)
	if verr != nil {
		s.errorPage(w, r, verr)
		return
	}
	msg := e.Message
	for field, problem := range e.Fields {
		msg += " " + field + ": " + problem
	}
	s.showCase(w, r, e.Status, u, v, casePageView{Error: msg, ErrorAction: t, Typed: in, Key: newKey()})
}

// readActionForm reads an action form's fields into the API's action request.
func (s *server) readActionForm(r *http.Request) (actionRequest, string, error) {
	f := r.PostForm
	in := actionRequest{Comment: f.Get("comment"), ToStep: f.Get("to_step"), Target: f.Get("target"),
		Position: f.Get("position"), Reference: f.Get("reference"), OnBehalfOf: f.Get("on_behalf_of")}
	if rev, err := strconv.Atoi(f.Get("revision")); err == nil {
		in.Revision = &rev
	}
	if v := f.Get("paid_at"); v != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04", v, s.location(r.Context()))
		if err != nil {
			return in, "", service.FieldErrors{"paid_at": {Key: "date"}}.Err()
		}
		in.PaidAt = at.Format(time.RFC3339)
	}
	key := f.Get("key")
	if len(key) > maxIdempotencyKey {
		key = ""
	}
	return in, key, nil
}

// resubmitPage shows a returned claim in the form, for its submitter to correct and send again.
func (s *server) resubmitPage(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	v, err := s.visibleCase(ctx, u, chi.URLParam(r, "id"))
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("resubmit: %w", err))
		return
	}
	if v.Case.Kind == string(policy.KindProcurement) {
		s.purchaseResubmitPage(w, r, u, v)
		return
	}
	f, err := s.resubmitForm(ctx, u, v)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	c := v.Case
	f.Key, f.Revision = newKey(), c.Revision
	f.Title, f.Purpose, f.Category, f.BudgetLine = c.Title, c.Purpose, c.Category, c.BudgetLineID
	for _, l := range v.Lines {
		fl := formLine{Description: l.Description, Amount: policy.Money(l.Amount).Plain(), InvoiceNo: l.InvoiceNo}
		if l.SpentOn != nil {
			fl.SpentOn = l.SpentOn.Format(time.DateOnly)
		}
		f.Lines = append(f.Lines, fl)
	}
	s.showForm(w, r, http.StatusOK, "ui.resubmit.title", f)
}

// resubmitForm starts the correction form of a case the reader may resubmit now.
func (s *server) resubmitForm(ctx context.Context, u store.User, v store.CaseView) (*expenseForm, error) {
	c := v.Case
	if c.State == nil || c.State.Validate(chain.Action{Type: chain.ActResubmit, Actor: u.ID, Revision: c.Revision}, s.now()) != nil {
		return nil, &apiError{Status: http.StatusConflict, Code: string(chain.CodeNotAllowedNow),
			Message: "Only a claim returned to you can be corrected and resubmitted."}
	}
	names := nameBook{}
	for id, name := range v.Names {
		names[id] = store.User{ID: id, Name: name}
	}
	sum := summaryOf(c, names)
	return &expenseForm{Action: "/cases/" + c.ID + "/resubmit", Resubmit: &sum, Existing: v.Attachments}, nil
}

// resubmitSubmit sends a corrected claim back into its chain.
func (s *server) resubmitSubmit(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	v, err := s.visibleCase(ctx, u, chi.URLParam(r, "id"))
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("resubmit: %w", err))
		return
	}
	if v.Case.Kind == string(policy.KindProcurement) {
		s.purchaseResubmitSubmit(w, r, u, v)
		return
	}
	base, err := s.resubmitForm(ctx, u, v)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	f, bad, err := s.acceptForm(ctx, r, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	f.Action, f.Resubmit, f.Existing, f.CC = base.Action, base.Resubmit, base.Existing, nil
	f.BudgetLine = v.Case.BudgetLineID
	s.postClaimForm(w, r, u, &f, bad, "ui.resubmit.title", func(edits claimInput) (string, error) {
		rev := f.Revision
		in := actionRequest{Revision: &rev, Comment: f.Comment, Edits: &edits}
		if _, err := s.perform(ctx, u, v.Case.ID, chain.ActResubmit, in, f.Key); err != nil {
			return "", stripEditsPrefix(err)
		}
		return "/cases/" + v.Case.ID + "?done=resubmit", nil
	})
}

// stripEditsPrefix files a resubmission's problems ("edits.purpose") under the form's fields.
func stripEditsPrefix(err error) error {
	var invalid *service.ValidationError
	if !errors.As(err, &invalid) {
		return err
	}
	out := service.FieldErrors{}
	for k, p := range invalid.Fields {
		out[strings.TrimPrefix(k, "edits.")] = p
	}
	return out.Err()
}
