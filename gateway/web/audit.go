package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
	"signoff/store"
)

// The audit log's search page, for auditors (audit.read): filter by kind, person and days, newest
// first, a page at a time.

// auditPages mounts the audit log's page.
func (s *server) auditPages(r chi.Router) {
	r.Get("/audit", s.auditPage)
}

// auditData is what the page shows.
type auditData struct {
	Kind, Actor, From, To string
	Kinds                 []string
	Page                  store.AuditPage
	NextURL               string
}

func (s *server) auditPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p := s.newPage(r, "ui.audit.title")
	q := r.URL.Query()
	page, err := s.svc.AuditLog(ctx, door.User(r.Context()), q)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	d := auditData{Kind: q.Get("kind"), Actor: q.Get("actor"), From: q.Get("from"), To: q.Get("to"),
		Kinds: service.AuditKinds, Page: page}
	if page.NextCursor != "" {
		next := url.Values{}
		for k, v := range map[string]string{"kind": d.Kind, "actor": d.Actor, "from": d.From, "to": d.To} {
			if v != "" {
				next.Set(k, v)
			}
		}
		next.Set("cursor", page.NextCursor)
		d.NextURL = "/audit?" + next.Encode()
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "audit", p)
}
