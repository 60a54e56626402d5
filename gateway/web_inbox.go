package gateway

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"signoff/store"
)

// inboxTabs are the inbox's tabs in the order shown: to do, done, submitted by me, copied to me.
var inboxTabs = []store.Scope{store.ScopeTodo, store.ScopeDone, store.ScopeSubmitted, store.ScopeCopied}

// inboxView is the inbox page.
type inboxView struct {
	Tab    store.Scope
	Tabs   []inboxTab
	List   caseList
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
	u := userFrom(r.Context())
	p := s.newPage(r, "ui.inbox.title")
	q := r.URL.Query()
	tab := store.Scope(q.Get("tab"))
	if tab == "" {
		tab = store.ScopeTodo
	}
	if !slices.Contains(inboxTabs, tab) {
		s.errorPage(w, r, errNotFound)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	counts, err := s.store.InboxCounts(ctx, u.ID, countCap)
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("inbox: %w", err))
		return
	}
	f := store.Filter{Scope: tab, User: u.ID, Limit: 30, After: q.Get("cursor"), OverdueFirst: tab == store.ScopeTodo}
	if len(f.After) > 300 {
		s.errorPage(w, r, store.ErrBadCursor)
		return
	}
	list, err := s.list(ctx, u, f)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	v := inboxView{Tab: tab, List: list, Cursor: f.After}
	for _, t := range inboxTabs {
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
