package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
)

// The case lists: the inbox's tabs, my submissions, what I was on, and search (every case, for
// those the policy lets see them all), newest first with a cursor; and the tabs' counts.

// countCap bounds the inbox counts: past it a tab says "999+".
const countCap = 999

// Lists mounts the case lists.
func (a *API) Lists(r chi.Router) {
	r.Get("/inbox/counts", a.inboxCounts)
	r.Get("/cases", a.listCases)
}

// listCases answers one page of a list.
func (a *API) listCases(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	out, err := a.svc.Cases(ctx, door.User(r.Context()), door.CaseQuery(r.URL.Query()))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, out)
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
func (a *API) inboxCounts(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	c, err := a.svc.InboxCounts(ctx, door.User(r.Context()), countCap)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, inboxCountsResponse{Todo: c.Todo, TodoOverdue: c.TodoOverdue, Done: c.Done,
		Submitted: c.Submitted, Copied: c.Copied, Limit: countCap})
}
