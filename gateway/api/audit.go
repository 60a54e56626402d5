package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
)

// The audit log's search, for auditors (audit.read).

// auditLog answers a page of the audit log, newest first.
func (a *API) auditLog(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	page, err := a.svc.AuditLog(ctx, door.User(r.Context()), r.URL.Query())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, page)
}

// Audit mounts the audit log's search.
func (a *API) Audit(r chi.Router) {
	r.Get("/audit", a.auditLog)
}
