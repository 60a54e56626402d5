package gateway

import (
	"net/http"
	"testing"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	login := func(user, password string) reply {
		return h.do(call{Method: http.MethodPost, Path: "/api/v1/auth/login", Body: map[string]string{"user": user, "password": password}})
	}

	ok := h.must(login("zhang.wei", "signoff"), http.StatusOK, "")
	if tok := ok.str("token"); len(tok) != 43 { // 32 bytes, base64url without padding
		t.Fatalf("token %q: want 43 characters", tok)
	}
	user, _ := ok.Body["user"].(map[string]any)
	if user["id"] != "zhang.wei" || user["name"] != "张伟" || user["department_id"] != "sales" {
		t.Fatalf("login user: %v", user)
	}

	wrongPassword := h.must(login("zhang.wei", "wrong"), http.StatusUnauthorized, "invalid_credentials")
	noSuchUser := h.must(login("nobody", "signoff"), http.StatusUnauthorized, "invalid_credentials")
	if wrongPassword.str("message") != noSuchUser.str("message") {
		t.Errorf("a wrong user and a wrong password must read alike: %q vs %q", wrongPassword.str("message"), noSuchUser.str("message"))
	}
	missing := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/auth/login", Body: map[string]string{"user": ""}, Broken: true}),
		http.StatusUnprocessableEntity, "invalid_input")
	if d := missing.details(); d["user"] == nil || d["password"] == nil {
		t.Errorf("want both user and password reported: %v", d)
	}

	token := ok.str("token")
	me := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/me", Token: token}), http.StatusOK, "")
	if u, _ := me.Body["user"].(map[string]any); u["id"] != "zhang.wei" {
		t.Fatalf("me: %s", me.Raw)
	}
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/auth/logout", Token: token}), http.StatusNoContent, "")
	h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/me", Token: token}), http.StatusUnauthorized, "unauthorized")
}

func TestEveryAPIRouteNeedsAToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []call{
		{Method: http.MethodGet, Path: "/api/v1/me"},
		{Method: http.MethodGet, Path: "/api/v1/categories"},
		{Method: http.MethodGet, Path: "/api/v1/budget-lines"},
		{Method: http.MethodGet, Path: "/api/v1/users"},
		{Method: http.MethodGet, Path: "/api/v1/cases"},
		{Method: http.MethodGet, Path: "/api/v1/cases/EXP-2026-000001"},
		{Method: http.MethodPost, Path: "/api/v1/expenses", Body: claimBody("1.00")},
		{Method: http.MethodPost, Path: "/api/v1/expenses/route-preview", Body: claimBody("1.00")},
		{Method: http.MethodPost, Path: "/api/v1/cases/EXP-2026-000001/actions/approve", Body: map[string]any{"revision": 1}},
		{Method: http.MethodGet, Path: "/api/v1/delegations"},
		{Method: http.MethodPost, Path: "/api/v1/auth/logout"},
		{Method: http.MethodGet, Path: "/api/v1/me", Token: "not-a-session"},
	} {
		t.Run(c.Method+" "+c.Path, func(t *testing.T) {
			before := h.written()
			r := h.must(h.do(c), http.StatusUnauthorized, "unauthorized")
			if r.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if after := h.written(); after != before {
				t.Errorf("refused request wrote: %+v → %+v", before, after)
			}
		})
	}
	// The description and login are public.
	h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/openapi.yaml"}), http.StatusOK, "")
}

func TestReferenceData(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cats := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/categories", User: "zhang.wei"}), http.StatusOK, "")
	if ids := cats.ids("items"); len(ids) != 5 || ids[0] != "travel" {
		t.Errorf("categories: %v", ids)
	}
	lines := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/budget-lines?department=sales", User: "zhang.wei"}), http.StatusOK, "")
	items, _ := lines.Body["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("sales budget lines: %s", lines.Raw)
	}
	first := items[0].(map[string]any)
	if first["id"] != "2026-sales-meals" || first["total"] != "50000.00" || first["remaining"] != "50000.00" || first["category"] != "meals" {
		t.Errorf("budget line: %v", first)
	}
	h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/budget-lines?department=moon", User: "zhang.wei"}), http.StatusUnprocessableEntity, "invalid_input")
	users := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/users", User: "zhang.wei"}), http.StatusOK, "")
	if n := len(users.ids("items")); n < 10 {
		t.Errorf("%d users", n)
	}
}
