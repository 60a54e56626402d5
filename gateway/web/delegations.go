package web

import (
	"context"
	"net/http"
	"time"

	"signoff/gateway/door"
	"signoff/service"
)

// The delegation page (代理): whom the reader has asked to sign for them while away, who has
// asked the reader, and a form to name a colleague for a period. Times are typed and shown in
// the policy calendar's timezone.

// delegationPage is what the page shows.
type delegationPage struct {
	service.DelegationBook // the reader's own (Given) and others' (Received), current and coming
	People                 []service.UserRef
	Form                   delegationForm
	Errors                 map[string]string
	Error                  string
	Flash                  bool
}

type delegationForm struct {
	DelegateID, From, To string // as typed: datetime-local
}

// localInput is how <input type="datetime-local"> writes a time.
const localInput = "2006-01-02T15:04"

// delegationsPage shows the reader's delegations and the form.
func (s *server) delegationsPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.delegations.title")
	now := s.now().In(p.loc)
	dp := &delegationPage{Flash: r.URL.Query().Get("done") == "1", Form: delegationForm{
		From: now.Format(localInput), To: now.Add(7 * 24 * time.Hour).Format(localInput)}}
	s.showDelegations(w, r, http.StatusOK, p, dp)
}

func (s *server) showDelegations(w http.ResponseWriter, r *http.Request, status int, p *page, dp *delegationPage) {
	u := door.User(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	book, err := s.svc.Delegations(ctx, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	dp.DelegationBook = book
	dp.People = p.PeopleExcept(u.ID)
	p.Data = dp
	s.render(w, r, status, "delegations", p)
}

// delegationSubmit records a delegation from the form.
func (s *server) delegationSubmit(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	p := s.newPage(r, "ui.delegations.title")
	f := delegationForm{DelegateID: r.PostForm.Get("delegate_id"), From: r.PostForm.Get("valid_from"), To: r.PostForm.Get("valid_to")}
	in := service.DelegationInput{DelegateID: f.DelegateID, ValidFrom: localToRFC3339(f.From, p.loc), ValidTo: localToRFC3339(f.To, p.loc)}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	if _, err := s.svc.Delegate(ctx, u, in); err != nil {
		e := s.explain(r, p.Lang, err)
		dp := &delegationPage{Form: f, Errors: e.Fields}
		if e.Code != "invalid_input" {
			dp.Error = e.Message
		}
		s.showDelegations(w, r, e.Status, p, dp)
		return
	}
	http.Redirect(w, r, "/delegations?done=1", http.StatusSeeOther)
}

// localToRFC3339 reads a datetime-local value in loc; what does not parse is passed on as typed,
// for the validator to report.
func localToRFC3339(v string, loc *time.Location) string {
	t, err := time.ParseInLocation(localInput, v, loc)
	if err != nil {
		return v
	}
	return t.Format(time.RFC3339)
}
