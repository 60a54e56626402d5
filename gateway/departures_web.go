package gateway

import (
	"context"
	"net/http"
	"strings"

	"signoff/gateway/door"
	"signoff/gateway/web"
	"signoff/store"
)

// The admin's people page (/people, users.manage): the list of people with the deactivation
// form, and reactivation per deactivated person. The rules are service.DeactivateUser's; each
// success is in the audit log, as through the API.

// peoplePage shows the people page.
func (s *server) peoplePage(w http.ResponseWriter, r *http.Request) {
	s.renderPeople(w, r, http.StatusOK, web.PeopleForm{})
}

// peopleDeactivate deactivates the person named in the form and shows what was re-routed.
func (s *server) peopleDeactivate(w http.ResponseWriter, r *http.Request) {
	f := web.PeopleForm{User: strings.TrimSpace(r.PostFormValue("user")), Reason: r.PostFormValue("reason")}
	ctx, cancel := context.WithTimeout(r.Context(), departureTimeout)
	defer cancel()
	out, err := s.svc.DeactivateUser(ctx, door.User(r.Context()), f.User, f.Reason)
	if err != nil {
		status, message, fields := s.web.Explain(r, err)
		f.Error, f.Fields = message, fields
		s.renderPeople(w, r, status, f)
		return
	}
	s.auditDeparture(ctx, r, store.AuditUserDeactivated, map[string]any{"user": f.User, "reason": out.Reason,
		"rerouted": len(out.Rerouted), "needs_admin": len(out.NeedsAdmin)})
	f.Departure = &out
	s.renderPeople(w, r, http.StatusOK, f)
}

// peopleReactivate brings back the person named in the form.
func (s *server) peopleReactivate(w http.ResponseWriter, r *http.Request) {
	f := web.PeopleForm{User: strings.TrimSpace(r.PostFormValue("user"))}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	if err := s.svc.ReactivateUser(ctx, door.User(r.Context()), f.User); err != nil {
		status, message, fields := s.web.Explain(r, err)
		f.Error, f.Fields = message, fields
		s.renderPeople(w, r, status, f)
		return
	}
	s.auditDeparture(ctx, r, store.AuditUserReactivated, map[string]any{"user": f.User})
	f.Done = "reactivated"
	s.renderPeople(w, r, http.StatusOK, f)
}

// renderPeople renders the people page with the current list of people.
func (s *server) renderPeople(w http.ResponseWriter, r *http.Request, status int, f web.PeopleForm) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	people, err := s.svc.People(ctx, door.User(r.Context()))
	if err != nil {
		s.web.ErrorPage(w, r, err)
		return
	}
	f.People = people
	s.web.PeoplePage(w, r, status, f)
}
