package web

import (
	"bytes"
	"errors"
	"net/http"
	"signoff/gateway/door"
	"signoff/i18n"
	"signoff/service"
)

// render writes a page with a status. The page is rendered into a buffer first, so that a
// template failure becomes a clean 500 instead of half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	if p.User != nil && !p.todoKnown {
		if n, err := s.svc.TodoCount(r.Context(), *p.User, countCap); err == nil {
			p.Todo = n
		}
	}
	var buf bytes.Buffer
	if err := s.ui.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.ErrorContext(r.Context(), "render", "request_id", door.RequestID(r.Context()), "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderFragment writes one named template of a page, for the form's live route preview.
func (s *server) renderFragment(w http.ResponseWriter, r *http.Request, pageName, block string, p *page) {
	var buf bytes.Buffer
	if err := s.ui.pages[pageName].ExecuteTemplate(&buf, block, p); err != nil {
		s.log.ErrorContext(r.Context(), "render", "request_id", door.RequestID(r.Context()), "block", block, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// webError is an error as a page shows it: its status, code and a sentence in the reader's
// language, plus the field problems of an invalid input.
type webError struct {
	Status  int
	Code    string
	Message string
	Fields  map[string]string
}

// explain classifies err as the API does and says it in lang. Server faults are logged.
func (s *server) explain(r *http.Request, lang i18n.Lang, err error) webError {
	e := door.Classify(err)
	door.NoteRefusal(r.Context(), e)
	if e.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "request_id", door.RequestID(r.Context()), "code", e.Code, "error", err)
	} else {
		s.log.DebugContext(r.Context(), "request refused", "request_id", door.RequestID(r.Context()), "code", e.Code, "error", err)
	}
	// The catalogue says it for people; a code it lacks keeps the API's English sentence.
	msg := e.Message
	if i18n.Has(lang, "error."+e.Code) {
		msg = i18n.T(lang, "error."+e.Code)
	}
	if c, ok := e.Details["capability"].(string); ok {
		msg = i18n.T(lang, "error."+e.Code, i18n.T(lang, "capability."+c))
	}
	out := webError{Status: e.Status, Code: e.Code, Message: msg}
	var invalid *service.ValidationError
	if errors.As(err, &invalid) {
		out.Fields = invalid.Fields.In(lang)
	}
	return out
}

// ErrorPage renders an error as a whole page, for the gateway's refusals before any page ran.
func (s *Site) ErrorPage(w http.ResponseWriter, r *http.Request, err error) { s.errorPage(w, r, err) }

// Say is what a page would say of err to a reader of lang.
func (s *Site) Say(r *http.Request, lang i18n.Lang, err error) (status int, message string) {
	e := s.explain(r, lang, err)
	return e.Status, e.Message
}

// errorPage renders an error as a whole page.
func (s *server) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	p := s.newPage(r, "ui.error.title")
	e := s.explain(r, p.Lang, err)
	p.Data = e
	s.render(w, r, e.Status, "error", p)
}

// countCap bounds the inbox counts: past it the tab says "999+".
const countCap = 999

// LoginForm is what the sign-in page shows.
type LoginForm struct {
	User  string
	Next  string
	Error string
	Token string // the double-submit CSRF token
	SSO   bool   // single sign-on is configured: offer "Sign in with SSO"
}

// Login renders the sign-in page; the gateway's sessions check what it sends.
func (s *Site) Login(w http.ResponseWriter, r *http.Request, status int, f LoginForm) {
	p := s.newPage(r, "ui.login.title")
	p.Data = f
	s.render(w, r, status, "login", p)
}
