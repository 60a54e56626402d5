package gateway

import (
	"context"
	"net/http"
	"strings"

	"signoff/gateway/door"
	"signoff/gateway/web"
	"signoff/service"
	"signoff/store"
)

// The pages of password changes: one's own (/password, where a reset password sends its owner
// after sign-in) and an admin's reset (/password-reset, users.manage). Both post back to
// themselves under the session's CSRF token (requireWebUser checks it).

// passwordPage shows the change-password form.
func (s *server) passwordPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.web.PasswordPage(w, r, http.StatusOK, web.PasswordForm{MinLength: s.auth.MinPasswordLength,
		Must: q.Get("must") == "1", Next: localPath(q.Get("next"))})
}

// passwordSubmit changes the reader's password; their other sessions end, this one stays.
func (s *server) passwordSubmit(w http.ResponseWriter, r *http.Request) {
	f := web.PasswordForm{MinLength: s.auth.MinPasswordLength, Next: localPath(r.PostFormValue("next"))}
	u := door.User(r.Context())
	newPassword := r.PostFormValue("new_password")
	var err error
	if newPassword != r.PostFormValue("confirm_password") {
		bad := service.FieldErrors{}
		bad.Add("confirm_password", "password_mismatch")
		err = bad.Err()
	} else {
		ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
		defer cancel()
		err = s.passwords.Change(ctx, u, service.PasswordChange{Old: r.PostFormValue("old_password"),
			New: newPassword, KeepToken: door.SessionOf(r.Context()).Token})
		if err == nil {
			s.auditPassword(ctx, r, store.AuditPasswordChanged, u.ID)
		}
	}
	if err != nil {
		status, message, fields := s.web.Explain(r, err)
		f.Error, f.Fields = message, fields
		s.web.PasswordPage(w, r, status, f)
		return
	}
	if r.PostFormValue("next") != "" {
		http.Redirect(w, r, f.Next, http.StatusSeeOther)
		return
	}
	f.Done = true
	s.web.PasswordPage(w, r, http.StatusOK, f)
}

// passwordResetPage shows the admin's reset form.
func (s *server) passwordResetPage(w http.ResponseWriter, r *http.Request) {
	s.web.PasswordResetPage(w, r, http.StatusOK, web.PasswordResetForm{})
}

// passwordResetSubmit resets a user's password and shows the temporary one, once.
func (s *server) passwordResetSubmit(w http.ResponseWriter, r *http.Request) {
	f := web.PasswordResetForm{User: strings.TrimSpace(r.PostFormValue("user"))}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	temporary, err := s.passwords.Reset(ctx, door.User(r.Context()), f.User)
	if err != nil {
		status, message, fields := s.web.Explain(r, err)
		f.Error, f.Fields = message, fields
		s.web.PasswordResetPage(w, r, status, f)
		return
	}
	s.auditPassword(ctx, r, store.AuditPasswordReset, f.User)
	f.Temporary = temporary
	s.web.PasswordResetPage(w, r, http.StatusOK, f)
}
