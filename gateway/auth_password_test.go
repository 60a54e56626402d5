package gateway

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"signoff/i18n"
)

const newPassword = "correct horse battery"

// TestPasswordChangeAPI: the caller changes their own password knowing the old one, under the
// length and name rule; their other sessions end, the one they changed it from stays; the old
// password stops working and the change is in the audit log.
func TestPasswordChangeAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	here := h.token("zhang.wei")
	elsewhere := login(h, "zhang.wei", "signoff").str("token")
	change := func(old, new string) reply {
		return h.do(call{Method: http.MethodPost, Path: "/api/v1/auth/password", Token: here,
			Body: map[string]string{"old_password": old, "new_password": new}})
	}
	for _, c := range []struct{ name, old, new, field string }{
		{"wrong old password", "not-mine", newPassword, "old_password"},
		{"too short", "signoff", "short-pass", "new_password"},
		{"contains the user name", "signoff", "zhang.wei-forever", "new_password"},
		{"same as the old", "signoff", "signoff", "new_password"},
	} {
		r := h.must(change(c.old, c.new), http.StatusUnprocessableEntity, "invalid_input")
		if _, ok := r.details()[c.field]; !ok {
			t.Errorf("%s: details %v name no %s", c.name, r.details(), c.field)
		}
	}
	if n := auditCount(t, h, "sign_in_failed", "zhang.wei", ""); n != 0 {
		t.Errorf("a wrong old password counted as %d failed sign-ins", n)
	}

	h.must(change("signoff", newPassword), http.StatusNoContent, "")
	h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/me", Token: here}), http.StatusOK, "")
	h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/me", Token: elsewhere}), http.StatusUnauthorized, "unauthorized")
	h.must(login(h, "zhang.wei", "signoff"), http.StatusUnauthorized, "invalid_credentials")
	if r := h.must(login(h, "zhang.wei", newPassword), http.StatusOK, ""); r.Body["must_change_password"] != false {
		t.Errorf("must_change_password after one's own change = %v", r.Body["must_change_password"])
	}
	if n := auditCount(t, h, "password_changed", "zhang.wei", "details->>'user' = 'zhang.wei'"); n != 1 {
		t.Errorf("%d password_changed entries, want 1", n)
	}
}

// TestPasswordResetAPI: only a holder of users.manage resets; the user's sessions end, the
// temporary password signs in with must_change_password until they choose their own; each
// reset is in the audit log under the admin's name.
func TestPasswordResetAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	before := h.token("li.na")
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/users/li.na/password-reset", User: "zhang.wei"}),
		http.StatusForbidden, "capability_required")
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/users/ghost/password-reset", User: "zhao.qiang"}),
		http.StatusNotFound, "not_found")

	r := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/users/li.na/password-reset", User: "zhao.qiang"}), http.StatusOK, "")
	temporary := r.str("temporary_password")
	if r.str("user") != "li.na" || len(temporary) < 12 {
		t.Fatalf("reset answered %s", r.Raw)
	}
	h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/me", Token: before}), http.StatusUnauthorized, "unauthorized")
	h.must(login(h, "li.na", "signoff"), http.StatusUnauthorized, "invalid_credentials")
	r = h.must(login(h, "li.na", temporary), http.StatusOK, "")
	if r.Body["must_change_password"] != true {
		t.Fatalf("sign-in with the temporary password: must_change_password = %v", r.Body["must_change_password"])
	}
	temporaryToken := r.str("token")
	// Until she chooses her own, the temporary password opens nothing but that.
	h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/inbox/counts", Token: temporaryToken}),
		http.StatusForbidden, "password_change_required")
	h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/me", Token: temporaryToken}), http.StatusOK, "")
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/auth/password", Token: temporaryToken,
		Body: map[string]string{"old_password": temporary, "new_password": newPassword}}), http.StatusNoContent, "")
	h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/inbox/counts", Token: temporaryToken}), http.StatusOK, "")
	if r := h.must(login(h, "li.na", newPassword), http.StatusOK, ""); r.Body["must_change_password"] != false {
		t.Errorf("after choosing one's own: must_change_password = %v", r.Body["must_change_password"])
	}
	if n := auditCount(t, h, "password_reset", "zhao.qiang", "details->>'user' = 'li.na'"); n != 1 {
		t.Errorf("%d password_reset entries by zhao.qiang of li.na, want 1", n)
	}
	if n := auditCount(t, h, "sign_in", "li.na", "(details->>'must_change_password')::boolean"); n != 1 {
		t.Errorf("%d sign-ins with a reset password recorded, want 1", n)
	}
}

// TestPasswordPages: the same flows through the pages: an admin resets li.na's password and
// sees the temporary one once; li.na signs in with it, is sent to choose her own, and goes on to
// where she was going; a mistyped confirmation says so; someone without users.manage is refused.
func TestPasswordPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)

	nobody := h.browser()
	nobody.signIn("zhang.wei")
	if p := nobody.get("/password-reset"); p.Status != http.StatusForbidden {
		t.Errorf("reset page without users.manage: %d, want 403", p.Status)
	}

	admin := h.browser()
	admin.signIn("zhao.qiang")
	page := admin.get("/password-reset")
	if page.Status != http.StatusOK || byID(page.Doc, "nav-password-reset") == nil {
		t.Fatalf("reset page: %d (or no link to it in the menu)", page.Status)
	}
	p := admin.post("/password-reset", url.Values{"_csrf": {inputValue(page.Doc, "_csrf")}, "user": {"li.na"}})
	code := byID(p.Doc, "temporary-password")
	if p.Status != http.StatusOK || code == nil {
		t.Fatalf("reset: %d %s", p.Status, p.Body)
	}
	temporary := strings.TrimSpace(textOf(code))

	w := h.browser()
	login := w.get("/login")
	p = w.post("/login", url.Values{"_csrf": {inputValue(login.Doc, "_csrf")}, "user": {"li.na"},
		"password": {temporary}, "next": {"/inbox"}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/password?must=1&next=%2Finbox" {
		t.Fatalf("sign-in with a reset password: %d → %q, want the change page", p.Status, p.Header.Get("Location"))
	}
	// Every other page sends her back to choose her own first.
	if p := w.get("/inbox"); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/password?must=1&next=%2Finbox" {
		t.Errorf("inbox before choosing a password: %d → %q, want the change page", p.Status, p.Header.Get("Location"))
	}
	page = w.get("/password?must=1&next=%2Finbox")
	if page.Status != http.StatusOK || byID(page.Doc, "password-must") == nil || inputValue(page.Doc, "next") != "/inbox" {
		t.Fatalf("change page after a reset: %d %s", page.Status, page.Body)
	}
	form := url.Values{"_csrf": {inputValue(page.Doc, "_csrf")}, "next": {"/inbox"},
		"old_password": {temporary}, "new_password": {newPassword}, "confirm_password": {newPassword + "!"}}
	p = w.post("/password", form)
	if want := i18n.T(i18n.ZH, "problem.password_mismatch"); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, want) {
		t.Errorf("mistyped confirmation: %d, want 422 saying %q", p.Status, want)
	}
	form.Set("confirm_password", newPassword)
	p = w.post("/password", form)
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/inbox" {
		t.Fatalf("change: %d → %q, want the inbox", p.Status, p.Header.Get("Location"))
	}
	if p := w.get("/inbox"); p.Status != http.StatusOK {
		t.Errorf("the session that changed the password ended: %d", p.Status)
	}

	// Without a next, the page says it is done.
	own := h.browser()
	own.signIn("wang.fang")
	page = own.get("/password")
	p = own.post("/password", url.Values{"_csrf": {inputValue(page.Doc, "_csrf")}, "old_password": {"signoff"},
		"new_password": {newPassword}, "confirm_password": {newPassword}})
	if p.Status != http.StatusOK || byID(p.Doc, "password-done") == nil {
		t.Errorf("change without next: %d", p.Status)
	}
	for _, c := range []struct{ kind, actor, user string }{
		{"password_reset", "zhao.qiang", "li.na"},
		{"password_changed", "li.na", "li.na"},
		{"password_changed", "wang.fang", "wang.fang"},
	} {
		if n := auditCount(t, h, c.kind, c.actor, "details->>'user' = '"+c.user+"' AND door = 'web'"); n != 1 {
			t.Errorf("%s by %s of %s on the web: %d entries, want 1", c.kind, c.actor, c.user, n)
		}
	}
}
