package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/chain"
	"signoff/gateway/door"
	"signoff/policy"
	"signoff/service"
	"signoff/store"
)

// The case page in the web UI: the case as the API describes it, and a form for every action the
// reader may take. Which actions are offered and which parts of their forms are required are the
// chain's answers (chain.Form, asked of Validate by the service), never a condition of the page's
// own. Forms post back and redirect after success; a refusal shows the case again with the
// reason next to the form and what was typed still in it.

// casePageView is the case page: the case as the API describes it, plus what the reader may do
// and the choices each action needs.
type casePageView struct {
	service.CaseDetail
	service.CasePage
	Key           string // idempotency key of the page's action forms
	Flash         string // the outcome of the action just taken
	Error         string // why the action just tried was refused
	ErrorAction   chain.ActionType
	Typed         service.ActionInput // what was typed into the refused action's form
	PaidAtDefault string              // the pay form's time, now, as datetime-local
	Receipt       *receiptSection     // a receipt's delivery
	Settlement    *settlementSection  // a payment's order and match
}

// countersigner is one signer of a countersign (会签) step and whether they agreed yet.
type countersigner struct {
	Who    service.UserRef
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

// casePage shows a case to someone who may see it.
func (s *server) casePage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	u := door.User(r.Context())
	v, err := s.svc.VisibleCase(ctx, u, chi.URLParam(r, "id"))
	if err != nil {
		s.errorPage(w, r, err)
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
	d, err := s.svc.CaseDetailOf(r.Context(), u, v)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if pv.CasePage, err = s.svc.CasePageOf(r.Context(), u, v, d); err != nil {
		s.errorPage(w, r, err)
		return
	}
	p := s.newPage(r, "ui.case.title")
	p.Title = v.Case.ID + " · " + v.Case.Title
	pv.CaseDetail = d
	if err := s.procurementSections(r.Context(), p.Lang, v.Case, &pv); err != nil {
		s.errorPage(w, r, err)
		return
	}
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
	u := door.User(r.Context())
	id := chi.URLParam(r, "id")
	t, err := service.CaseActionType(chi.URLParam(r, "action"))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	in, key, err := s.readActionForm(r)
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	if err == nil {
		if _, err = s.svc.Act(ctx, u, id, t, in, key); err == nil {
			http.Redirect(w, r, "/cases/"+id+"?done="+string(t), http.StatusSeeOther)
			return
		}
	}
	lang := langOf(r)
	e := s.explain(r, lang, err)
	if e.Status == http.StatusNotFound || e.Status >= 500 {
		s.errorPage(w, r, err)
		return
	}
	v, verr := s.svc.VisibleCase(ctx, u, id)
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
func (s *server) readActionForm(r *http.Request) (service.ActionInput, string, error) {
	f := r.PostForm
	in := service.ActionInput{Comment: f.Get("comment"), ToStep: f.Get("to_step"), Target: f.Get("target"),
		Position: f.Get("position"), Reference: f.Get("reference"), OnBehalfOf: f.Get("on_behalf_of")}
	if rev, err := strconv.Atoi(f.Get("revision")); err == nil {
		in.Revision = &rev
	}
	if v := f.Get("paid_at"); v != "" {
		at, err := time.ParseInLocation(localInput, v, s.location(r.Context()))
		if err != nil {
			return in, "", service.FieldErrors{"paid_at": {Key: "date"}}.Err()
		}
		in.PaidAt = at.Format(time.RFC3339)
	}
	key := f.Get("key")
	if len(key) > door.MaxIdempotencyKey {
		key = ""
	}
	return in, key, nil
}

// caseVoucher downloads the case printed as its paper voucher (PDF), for someone who may see it.
func (s *server) caseVoucher(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	id := chi.URLParam(r, "id")
	pdf, err := s.svc.Voucher(ctx, door.User(r.Context()), id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	door.SendVoucher(w, id, pdf)
}

// caseArchive downloads the closed case's archive package, as kept, for an auditor.
func (s *server) caseArchive(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	id := chi.URLParam(r, "id")
	pkg, err := s.svc.CaseArchive(ctx, door.User(r.Context()), id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	door.SendArchive(w, id, pkg)
}
