package web

import (
	"context"
	"net/http"

	"signoff/gateway/door"
	"signoff/service"
	"signoff/store"
)

// inboxView is the inbox page.
type inboxView struct {
	Tab    store.Scope
	Tabs   []inboxTab
	List   service.CaseList
	Cursor string // of this page, "" on the first
}

type inboxTab struct {
	Scope   store.Scope
	Count   int
	Overdue int // to do only
	Capped  bool
	Current bool
}

// inboxPage lists the reader's cases by tab, overdue first on the to-do tab, with the count of
// every tab.
func (s *server) inboxPage(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	p := s.newPage(r, "ui.inbox.title")
	q := r.URL.Query()
	tab := store.Scope(q.Get("tab"))
	if tab == "" {
		tab = store.ScopeTodo
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	in, err := s.svc.Inbox(ctx, u, tab, q.Get("cursor"), countCap)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	counts := in.Counts
	v := inboxView{Tab: tab, List: in.List, Cursor: q.Get("cursor")}
	for _, t := range service.InboxTabs {
		n := map[store.Scope]int{store.ScopeTodo: counts.Todo, store.ScopeDone: counts.Done,
			store.ScopeSubmitted: counts.Submitted, store.ScopeCopied: counts.Copied}[t]
		it := inboxTab{Scope: t, Count: min(n, countCap), Capped: n > countCap, Current: t == tab}
		if t == store.ScopeTodo {
			it.Overdue = counts.TodoOverdue
		}
		v.Tabs = append(v.Tabs, it)
	}
	p.Todo, p.todoKnown = min(counts.Todo, countCap), true
	p.Data = v
	s.render(w, r, http.StatusOK, "inbox", p)
}
