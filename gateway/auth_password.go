package gateway

import (
	"context"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
	"signoff/store"
)

// The JSON door of password changes: one's own (POST /auth/password) and an admin's reset
// (POST /users/{id}/password-reset, users.manage). The rules are service.Passwords'; each
// success is in the audit log.

type passwordChangeRequest struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

type passwordResetResponse struct {
	User              string `json:"user"`
	TemporaryPassword string `json:"temporary_password"`
}

// changePassword changes the caller's password; their other sessions end.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request) {
	var in passwordChangeRequest
	if err := door.DecodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	token, _ := bearerToken(r)
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	u := door.User(r.Context())
	err := s.passwords.Change(ctx, u, service.PasswordChange{Old: in.OldPassword, New: in.NewPassword, KeepToken: token})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.auditPassword(ctx, r, store.AuditPasswordChanged, u.ID)
	w.WriteHeader(http.StatusNoContent)
}

// resetPassword gives a user a temporary password, answered once.
func (s *server) resetPassword(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	temporary, err := s.passwords.Reset(ctx, door.User(r.Context()), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.auditPassword(ctx, r, store.AuditPasswordReset, id)
	door.WriteJSON(w, http.StatusOK, passwordResetResponse{User: id, TemporaryPassword: temporary})
}

// auditPassword records a password changed (by its owner) or reset (by the caller, of target).
func (s *server) auditPassword(ctx context.Context, r *http.Request, kind, target string) {
	e := entryFor(r, kind, r.Method+" "+chi.RouteContext(r.Context()).RoutePattern())
	e.Details = map[string]any{"user": target}
	s.svc.RecordAudit(ctx, e)
}

// errPasswordChangeRequired refuses everything but choosing a new password (and signing out, and
// reading who one is) to a user whose password an admin reset: the temporary password, which
// the admin saw, opens nothing else.
var errPasswordChangeRequired = &door.Error{Status: http.StatusForbidden, Code: "password_change_required",
	Message: "Your password was reset; choose a new one (POST /auth/password) before anything else."}

// passwordChangeAllows names what a user who must change their password may still ask for.
func passwordChangeAllows(r *http.Request) bool {
	switch r.Method + " " + r.URL.Path {
	case "POST /api/v1/auth/password", "POST /api/v1/auth/logout", "GET /api/v1/me",
		"GET /password", "POST /password", "POST /logout", "GET /login", "POST /login", "GET /lang":
		return true
	}
	return strings.HasPrefix(r.URL.Path, "/static/")
}
