package gateway

import (
	"context"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/store"
)

// The JSON door of departures (users.manage): POST /users/{id}/deactivate with the reason
// answers what service.DeactivateUser did (the cases re-routed, those left for the admin);
// POST /users/{id}/reactivate brings the person back. Each is in the audit log.

type deactivateRequest struct {
	Reason string `json:"reason"`
}

// departureTimeout bounds a deactivation: one Update per open case of the person.
const departureTimeout = 2 * time.Minute

// deactivateUser deactivates a person who left and re-routes their open steps.
func (s *server) deactivateUser(w http.ResponseWriter, r *http.Request) {
	var in deactivateRequest
	if err := door.DecodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	ctx, cancel := context.WithTimeout(r.Context(), departureTimeout)
	defer cancel()
	out, err := s.svc.DeactivateUser(ctx, door.User(r.Context()), id, in.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.auditDeparture(ctx, r, store.AuditUserDeactivated, map[string]any{"user": id, "reason": out.Reason,
		"rerouted": len(out.Rerouted), "needs_admin": len(out.NeedsAdmin)})
	door.WriteJSON(w, http.StatusOK, out)
}

// reactivateUser brings back a person who was deactivated.
func (s *server) reactivateUser(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	if err := s.svc.ReactivateUser(ctx, door.User(r.Context()), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.auditDeparture(ctx, r, store.AuditUserReactivated, map[string]any{"user": id})
	w.WriteHeader(http.StatusNoContent)
}

// auditDeparture records a deactivation or reactivation by the caller.
func (s *server) auditDeparture(ctx context.Context, r *http.Request, kind string, details map[string]any) {
	e := entryFor(r, kind, r.Method+" "+chi.RouteContext(r.Context()).RoutePattern())
	e.Details = details
	s.svc.RecordAudit(ctx, e)
}
