package web

import "net/http"

// The password pages: one's own change and an admin's reset. The gateway's sessions handle their
// posts (they end sessions and need the reader's token); these render what it sends.

// PasswordForm is what the change-password page shows.
type PasswordForm struct {
	MinLength int    // the rule's length, for the hint
	Must      bool   // an admin reset the password: the reader is asked before going on
	Next      string // where to go once changed
	Done      bool   // the password was just changed
	Error     string
	Fields    map[string]string // field problems, in the reader's language
}

// PasswordPage renders the change-password page.
func (s *Site) PasswordPage(w http.ResponseWriter, r *http.Request, status int, f PasswordForm) {
	p := s.newPage(r, "ui.password.title")
	p.Data = f
	s.render(w, r, status, "password", p)
}

// PasswordResetForm is what the admin's reset page shows: the user asked for and, once reset,
// their temporary password (shown this once).
type PasswordResetForm struct {
	User      string
	Temporary string
	Error     string
	Fields    map[string]string
}

// PasswordResetPage renders the admin's reset page.
func (s *Site) PasswordResetPage(w http.ResponseWriter, r *http.Request, status int, f PasswordResetForm) {
	p := s.newPage(r, "ui.password_reset.title")
	p.Data = f
	s.render(w, r, status, "password_reset", p)
}

// Explain is what a page would say of err to its reader: status, sentence and field problems.
func (s *Site) Explain(r *http.Request, err error) (status int, message string, fields map[string]string) {
	e := s.explain(r, s.newPage(r, "ui.error.title").Lang, err)
	return e.Status, e.Message, e.Fields
}
