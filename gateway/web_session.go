package gateway

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"signoff/gateway/door"
	"signoff/gateway/web"
	"signoff/i18n"
	"signoff/store"
	"signoff/text"
)

// Web sessions: the API's session tokens, carried in an HttpOnly, SameSite=Lax cookie (Secure
// over TLS or when gateway.secure_cookies is set). Every form carries a CSRF token derived from
// the session token, which a page on another site can neither read nor guess; the sign-in form,
// which comes before any session, is guarded by a double-submit cookie instead.

const (
	sessionCookie   = "signoff_session"
	loginCSRFCookie = "signoff_login_csrf"
	langCookie      = "signoff_lang"
	csrfField       = "_csrf"
)

// webHeaders sets the security headers of every page: no framing, no inline scripts or styles,
// nothing loaded from elsewhere.
func (s *server) webHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
			"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// webSession reads the language cookie and, when there is a session cookie, the signed-in user.
func (s *server) webSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws := &door.Session{Lang: i18n.Default}
		mustChange := false
		if c, err := r.Cookie(langCookie); err == nil {
			if l, ok := i18n.Parse(c.Value); ok {
				ws.Lang = l
			}
		}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && len(c.Value) <= 256 {
			ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
			ss, err := s.session(ctx, c.Value)
			cancel()
			switch {
			case err == nil:
				ws.User, ws.Token, ws.CSRF = &ss.User, c.Value, csrfToken(c.Value)
				mustChange = ss.MustChangePassword
			case !errors.Is(err, store.ErrNotFound):
				s.web.ErrorPage(w, r, fmt.Errorf("web session: %w", err))
				return
			}
		}
		if mustChange && !passwordChangeAllows(r) {
			if r.Method != http.MethodGet {
				s.web.ErrorPage(w, r.WithContext(door.WithSession(r.Context(), ws)), errPasswordChangeRequired)
				return
			}
			http.Redirect(w, r, "/password?must=1&next="+url.QueryEscape(localPath(r.URL.RequestURI())), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(door.WithSession(r.Context(), ws)))
	})
}

// requireWebUser sends a reader without a session to the sign-in page, to come back after, and
// refuses any POST whose CSRF token does not match the session's.
func (s *server) requireWebUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws := door.SessionOf(r.Context())
		if ws.User == nil {
			if r.Method != http.MethodGet {
				s.web.ErrorPage(w, r, door.ErrUnauthorized)
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			if err := s.parseWebForm(w, r); err != nil {
				s.web.ErrorPage(w, r, err)
				return
			}
			if r.MultipartForm != nil {
				defer func() { _ = r.MultipartForm.RemoveAll() }()
			}
			if !sameToken(formCSRF(r), ws.CSRF) {
				s.web.ErrorPage(w, r, errCSRF)
				return
			}
			if err := door.FormText(r); err != nil {
				s.web.ErrorPage(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(door.WithUser(r.Context(), *ws.User)))
	})
}

var errCSRF = &door.Error{Status: http.StatusForbidden, Code: "csrf",
	Message: "The form has expired or did not come from this site; reload the page and try again."}

// csrfToken derives a session's CSRF token from its session token.
func csrfToken(session string) string {
	sum := sha256.Sum256([]byte("signoff csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// formCSRF reads the CSRF token of a form post (already parsed): the form field, or the
// X-CSRF-Token header the route preview's fetch sends.
func formCSRF(r *http.Request) string {
	if v := r.Header.Get("X-CSRF-Token"); v != "" {
		return v
	}
	return r.PostFormValue(csrfField)
}

// parseWebForm reads a form post within the web UI's limit: a few attachments and the fields.
// Uploads beyond the in-memory share spill to temporary files, removed when the request ends.
func (s *server) parseWebForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 4*s.cfg.MaxUploadBytes+s.cfg.MaxBodyBytes)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	return door.FormError(err)
}

func sameToken(a, b string) bool {
	return a != "" && b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// cookie makes a cookie for the web UI with the attributes every one of ours has.
func (s *server) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || s.cfg.SecureCookies}
}

// localPath keeps a "next" parameter to a path on this site, so that sign-in cannot be used to
// send people elsewhere.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") {
		return "/inbox"
	}
	return next
}

// loginPage shows the sign-in form, or sends a signed-in reader on.
func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if door.SessionOf(r.Context()).User != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.showLogin(w, r, http.StatusOK, web.LoginForm{Next: next})
}

// showLogin renders the sign-in page with a fresh double-submit token.
func (s *server) showLogin(w http.ResponseWriter, r *http.Request, status int, f web.LoginForm) {
	var raw [24]byte
	_, _ = rand.Read(raw[:])
	f.Token = base64.RawURLEncoding.EncodeToString(raw[:])
	f.SSO = s.sso != nil
	http.SetCookie(w, s.cookie(r, loginCSRFCookie, f.Token, 3600))
	s.web.Login(w, r, status, f)
}

// loginSubmit checks the password and starts a web session.
func (s *server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	lang := door.SessionOf(r.Context()).Lang
	f := web.LoginForm{User: strings.TrimSpace(r.PostFormValue("user")), Next: localPath(r.PostFormValue("next"))}
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || !sameToken(c.Value, r.PostFormValue(csrfField)) {
		f.Error = i18n.T(lang, "error.csrf")
		s.showLogin(w, r, http.StatusForbidden, f)
		return
	}
	password := r.PostFormValue("password")
	if !text.Valid(f.User) || !text.Valid(password) {
		// No user is named so and no password holds it: refused before the store is asked, and
		// recorded without the name, which the text rule refuses to store.
		s.auditFailedSignIn(r.Context(), r, "")
		f.User, f.Error = "", i18n.T(lang, "error.invalid_credentials")
		s.showLogin(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if f.User == "" || password == "" {
		f.Error = i18n.T(lang, "ui.login.missing")
		s.showLogin(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	u, mustChange, err := s.signIn(ctx, r, f.User, password)
	if err == nil {
		var token string
		var expires time.Time
		if token, expires, err = s.openSession(ctx, u); err == nil {
			http.SetCookie(w, s.cookie(r, loginCSRFCookie, "", -1))
			c := s.cookie(r, sessionCookie, token, int(time.Until(expires).Seconds()))
			c.Expires = expires
			http.SetCookie(w, c)
			if mustChange { // an admin reset it: a new password first, then where they were going
				http.Redirect(w, r, "/password?must=1&next="+url.QueryEscape(f.Next), http.StatusSeeOther)
				return
			}
			http.Redirect(w, r, f.Next, http.StatusSeeOther)
			return
		}
	}
	var locked *signInLocked
	if errors.As(err, &locked) {
		w.Header().Set("Retry-After", strconv.Itoa(locked.retryAfter))
		f.Error = i18n.T(lang, "ui.login.locked", (locked.retryAfter+59)/60)
		s.showLogin(w, r, http.StatusTooManyRequests, f)
		return
	}
	status, message := s.web.Say(r, lang, err)
	f.Error = message
	s.showLogin(w, r, status, f)
}

// logoutSubmit ends the session and forgets the cookie.
func (s *server) logoutSubmit(w http.ResponseWriter, r *http.Request) {
	ws := door.SessionOf(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	if err := s.store.DeleteSession(ctx, ws.Token); err != nil {
		s.web.ErrorPage(w, r, fmt.Errorf("logout: %w", err))
		return
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// switchLang remembers the reader's language for a year and returns to the page they were on.
func (s *server) switchLang(w http.ResponseWriter, r *http.Request) {
	l, ok := i18n.Parse(r.URL.Query().Get("to"))
	if !ok {
		l = i18n.Default
	}
	http.SetCookie(w, s.cookie(r, langCookie, string(l), 365*24*3600))
	http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
}
