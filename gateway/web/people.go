package web

import (
	"net/http"

	"signoff/service"
	"signoff/store"
)

// The admin's people page (users.manage): everyone the organisation has known, active or not,
// with a form to deactivate someone who left (their open steps re-routed, service.DeactivateUser)
// and to bring back someone deactivated. The gateway handles the posts; this renders.

// PeopleForm is what the people page shows: the people, the last departure's outcome if one
// was just made, and any error.
type PeopleForm struct {
	People    []store.UserDirectory
	User      string // the person asked for
	Reason    string
	Departure *service.Departure // the outcome of the deactivation just made
	Done      string             // "reactivated" after a reactivation
	Error     string
	Fields    map[string]string
}

// PeoplePage renders the admin's people page.
func (s *Site) PeoplePage(w http.ResponseWriter, r *http.Request, status int, f PeopleForm) {
	p := s.newPage(r, "ui.people.title")
	p.Data = f
	s.render(w, r, status, "people", p)
}
