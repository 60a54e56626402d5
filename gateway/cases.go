package gateway

import (
	"context"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"signoff/service"
)

// The case endpoints: the case page, lists and inbox counts. Decode, call the service, encode.

// getCase answers the case page.
func (s *server) getCase(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	v, err := s.svc.VisibleCase(ctx, u, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.detail(ctx, u, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// listCases serves the inbox (todo), my submissions, what I was on, and search (all, for those
// the policy lets see every case), newest first with a cursor.
func (s *server) listCases(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	out, err := s.svc.Cases(ctx, userFrom(r.Context()), caseQuery(r.URL.Query()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// caseQuery reads a list's query parameters, as typed.
func caseQuery(q url.Values) service.CaseQuery {
	return service.CaseQuery{Scope: q.Get("scope"), Status: q.Get("status"), Kind: q.Get("kind"),
		Department: q.Get("department"), Overdue: q.Get("overdue"), From: q.Get("from"), To: q.Get("to"),
		Limit: q.Get("limit"), Cursor: q.Get("cursor")}
}

// inboxCountsResponse is the size of each inbox tab; a count above limit means "more than limit".
type inboxCountsResponse struct {
	Todo        int `json:"todo"`
	TodoOverdue int `json:"todo_overdue"`
	Done        int `json:"done"`
	Submitted   int `json:"submitted"`
	Copied      int `json:"copied"`
	Limit       int `json:"limit"`
}

// inboxCounts answers how many cases each inbox tab holds, counted up to countCap.
func (s *server) inboxCounts(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	c, err := s.svc.InboxCounts(ctx, userFrom(r.Context()), countCap)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, inboxCountsResponse{Todo: c.Todo, TodoOverdue: c.TodoOverdue, Done: c.Done,
		Submitted: c.Submitted, Copied: c.Copied, Limit: countCap})
}
