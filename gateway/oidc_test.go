package gateway

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"signoff/store"
	"signoff/testkit"
)

// Single sign-on against a real OpenID provider on loopback (testkit.NewOIDCProvider): a
// cookie-jar client walks the flow as a browser does, through the provider's own sign-in form.

const ssoPassword = "idp-password"

// ssoHarness is a gateway whose single sign-on goes to a fresh provider that knows li.na (by
// her e-mail in the demo organisation) and a stranger Signoff has never heard of.
func ssoHarness(t *testing.T) (*harness, *testkit.OIDCProvider) {
	t.Helper()
	var idp *testkit.OIDCProvider
	h := newHarnessWith(t, func(gatewayURL string, d *Deps) {
		idp = testkit.NewOIDCProvider(t, gatewayURL+"/login/sso/callback",
			testkit.OIDCUser{Username: "lina", Password: ssoPassword, Email: "Li.Na@example.com"},
			testkit.OIDCUser{Username: "stranger", Password: ssoPassword, Email: "stranger@example.com"})
		d.Auth.OIDC = idp.Config(gatewayURL + "/login/sso/callback")
	})
	return h, idp
}

// visit fetches any URL, the provider's too, without following redirects.
func (w *webClient) visit(method, rawURL string, form url.Values) webPage {
	w.t.Helper()
	var req *http.Request
	if form != nil {
		req, _ = http.NewRequest(method, rawURL, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req, _ = http.NewRequest(method, rawURL, nil)
	}
	return w.send(req)
}

// untilCallback follows the redirects from p (the answer at from) and stops before the
// gateway's callback, returning its URL; or returns "" and the page where the redirects end.
func (w *webClient) untilCallback(from string, p webPage) (string, webPage) {
	w.t.Helper()
	at, err := url.Parse(from)
	if err != nil {
		w.t.Fatal(err)
	}
	for range 10 {
		if p.Status < 300 || p.Status > 399 {
			return "", p
		}
		loc, err := at.Parse(p.Header.Get("Location"))
		if err != nil {
			w.t.Fatalf("redirect from %s: %v", at, err)
		}
		if loc.Path == "/login/sso/callback" && strings.HasPrefix(loc.String(), w.h.srv.URL) {
			return loc.String(), p
		}
		at, p = loc, w.visit(http.MethodGet, loc.String(), nil)
	}
	w.t.Fatalf("more than 10 redirects from %s", from)
	return "", p
}

// ssoToCallback starts single sign-on, signs in at the provider's form and returns the callback
// URL the provider sends the browser to (with its code and state), not yet visited.
func (w *webClient) ssoToCallback(idp *testkit.OIDCProvider, username string) string {
	w.t.Helper()
	start := w.get("/login/sso?next=/inbox")
	if start.Status != http.StatusFound || !strings.HasPrefix(start.Header.Get("Location"), idp.Issuer) {
		w.t.Fatalf("start SSO: %d → %q, want the provider", start.Status, start.Header.Get("Location"))
	}
	if _, form := w.untilCallback(w.h.srv.URL+"/login/sso", start); form.Status != http.StatusOK || inputValue(form.Doc, "id") == "" {
		w.t.Fatalf("provider's sign-in form: %d %s", form.Status, form.Body)
	} else {
		done := w.visit(http.MethodPost, idp.Issuer+"/login/username", url.Values{
			"id": {inputValue(form.Doc, "id")}, "username": {username}, "password": {ssoPassword}})
		callback, end := w.untilCallback(idp.Issuer+"/login/username", done)
		if callback == "" {
			w.t.Fatalf("the provider did not send %s back: %d %s", username, end.Status, end.Body)
		}
		return callback
	}
	return ""
}

// attemptCookie is the browser's SSO attempt cookie, as one who copied it would hold it.
func (w *webClient) attemptCookie() *http.Cookie {
	w.t.Helper()
	u, _ := url.Parse(w.h.srv.URL + ssoCookiePath + "/callback")
	for _, c := range w.jar.Cookies(u) {
		if c.Name == ssoCookie {
			return c
		}
	}
	w.t.Fatal("no SSO attempt cookie")
	return nil
}

// signedIn reports whether the client's session opens the inbox.
func (w *webClient) signedIn() bool {
	w.t.Helper()
	return w.get("/inbox").Status == http.StatusOK
}

// mustRefuseSSO asserts a callback's refusal page: its status, its code, and no session.
func mustRefuseSSO(t *testing.T, w *webClient, p webPage, status int, code string) {
	t.Helper()
	if p.Status != status || !strings.Contains(p.Body, code) {
		t.Fatalf("callback: %d, want %d %s: %s", p.Status, status, code, p.Body)
	}
	for _, c := range p.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, sessionCookie+"=") && !strings.HasPrefix(c, sessionCookie+"=;") {
			t.Fatalf("a refused sign-in set a session: %s", c)
		}
	}
	if w.signedIn() {
		t.Fatal("a refused sign-in opened the inbox")
	}
}

// ssoFailures are the failed SSO sign-ins of the audit log with this code.
func (h *harness) ssoFailures(actor, code string) int {
	h.t.Helper()
	n := 0
	for _, e := range h.auditEntries(store.AuditSignInFailed, actor) {
		if e["code"] == code && e["route"] == "GET /login/sso/callback" && (actor == "" || e["actor_id"] == actor) {
			n++
		}
	}
	return n
}

// TestSSOSignsInAMember: the sign-in page offers SSO; li.na signs in at the provider, comes back
// with the session a password opens, lands on her inbox, is in the audit log as signed in by
// SSO, and signs out as anyone does. The same code shown again (with the copied attempt cookie,
// so the state matches) is refused by the provider: no second session.
func TestSSOSignsInAMember(t *testing.T) {
	t.Parallel()
	h, idp := ssoHarness(t)
	w := h.browser()
	if login := w.get("/login"); byID(login.Doc, "sso") == nil {
		t.Fatalf("the sign-in page offers no SSO: %s", login.Body)
	}

	callback := w.ssoToCallback(idp, "lina")
	copied := w.attemptCookie()
	back := w.visit(http.MethodGet, callback, nil)
	if back.Status != http.StatusSeeOther || back.Header.Get("Location") != "/inbox" {
		t.Fatalf("callback: %d → %q, want /inbox: %s", back.Status, back.Header.Get("Location"), back.Body)
	}
	inbox := w.get("/inbox")
	if inbox.Status != http.StatusOK || !strings.Contains(inbox.Body, "李娜") {
		t.Fatalf("inbox after SSO: %d", inbox.Status)
	}
	signIns := 0
	for _, e := range h.auditEntries(store.AuditSignIn, "li.na") {
		if e["code"] == ssoAuditCode && e["route"] == "GET /login/sso/callback" && e["door"] == "web" {
			signIns++
		}
	}
	if signIns != 1 {
		t.Fatalf("audit log: %d SSO sign-ins of li.na, want 1", signIns)
	}

	// Sign-out is the password session's.
	if out := w.post("/logout", url.Values{"_csrf": {w.csrf()}}); out.Status != http.StatusSeeOther || out.Header.Get("Location") != "/login" {
		t.Fatalf("sign out: %d → %q", out.Status, out.Header.Get("Location"))
	}
	if w.signedIn() {
		t.Fatal("still signed in after signing out")
	}

	// The code again, the attempt cookie put back: the provider refuses a used code.
	replay := h.browser()
	replay.jar.SetCookies(mustURL(t, h.srv.URL+ssoCookiePath), []*http.Cookie{{Name: copied.Name, Value: copied.Value, Path: ssoCookiePath}})
	mustRefuseSSO(t, replay, replay.visit(http.MethodGet, callback, nil), http.StatusUnauthorized, "sso_refused")
	if n := h.ssoFailures("", "sso_refused"); n != 1 {
		t.Fatalf("audit log: %d refused SSO sign-ins, want 1 (the replayed code)", n)
	}
}

// TestSSORefusesAForgedState: a callback whose state is not the attempt's, and a real callback
// in a browser that did not start the attempt (another site planting its own sign-in), are
// refused before the code is used, and recorded.
func TestSSORefusesAForgedState(t *testing.T) {
	t.Parallel()
	h, idp := ssoHarness(t)

	// Someone else's callback, sent into a browser that started nothing.
	other := h.browser()
	mustRefuseSSO(t, other, other.visit(http.MethodGet, h.browser().ssoToCallback(idp, "lina"), nil), http.StatusBadRequest, "sso_state")

	// This browser's callback with the state changed.
	w := h.browser()
	callback, err := url.Parse(w.ssoToCallback(idp, "lina"))
	if err != nil {
		t.Fatal(err)
	}
	q := callback.Query()
	q.Set("state", q.Get("state")+"x")
	callback.RawQuery = q.Encode()
	mustRefuseSSO(t, w, w.visit(http.MethodGet, callback.String(), nil), http.StatusBadRequest, "sso_state")

	if n := h.ssoFailures("", "sso_state"); n != 2 {
		t.Fatalf("audit log: %d SSO sign-ins refused for their state, want 2", n)
	}
	for _, e := range h.auditEntries(store.AuditSignIn, "li.na") {
		t.Fatalf("a refused SSO left a sign-in: %v", e)
	}
}

// TestSSORefusesAStranger: someone the provider knows but the organisation does not is refused,
// no session, and the refusal names the e-mail they came with.
func TestSSORefusesAStranger(t *testing.T) {
	t.Parallel()
	h, idp := ssoHarness(t)
	w := h.browser()
	mustRefuseSSO(t, w, w.visit(http.MethodGet, w.ssoToCallback(idp, "stranger"), nil), http.StatusUnauthorized, "sso_unknown_user")
	if n := h.ssoFailures("stranger@example.com", "sso_unknown_user"); n != 1 {
		t.Fatalf("audit log: %d refusals of the stranger, want 1", n)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestSSOIsOffUnlessConfigured: without auth.oidc the sign-in page offers only the password and
// the SSO routes are not there.
func TestSSOIsOffUnlessConfigured(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := h.browser()
	if login := w.get("/login"); login.Status != http.StatusOK || byID(login.Doc, "sso") != nil {
		t.Fatalf("sign-in page without SSO configured: %d, SSO offered: %v", login.Status, byID(login.Doc, "sso") != nil)
	}
	for _, path := range []string{"/login/sso", "/login/sso/callback?code=x&state=y"} {
		if p := w.get(path); p.Status != http.StatusNotFound {
			t.Errorf("%s without SSO configured: %d, want 404", path, p.Status)
		}
	}
}
