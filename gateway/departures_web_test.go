package gateway

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPeoplePage: the admin's people page lists everyone and deactivates someone who left, saying
// where their open step went; the person shows as deactivated and can be brought back; someone
// without users.manage is refused the page and its posts, and an empty reason is named.
func TestPeoplePage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.submit("liu.yang", claimBody("12000.00")).str("id")
	for _, who := range []string{"li.na", "sun.min"} {
		c := h.must(get(h, who, "/api/v1/cases/"+id), http.StatusOK, "")
		h.must(h.act(who, id, "approve", map[string]any{"revision": c.num("revision")}), http.StatusOK, "")
	}

	nobody := h.browser()
	nobody.signIn("zhang.wei")
	if p := nobody.get("/people"); p.Status != http.StatusForbidden {
		t.Errorf("people page without users.manage: %d, want 403", p.Status)
	}

	admin := h.browser()
	admin.signIn("zhao.qiang")
	page := admin.get("/people")
	if page.Status != http.StatusOK || byID(page.Doc, "nav-people") == nil || byID(page.Doc, "person-wang.fang") == nil {
		t.Fatalf("people page: %d (or no menu link, or no 王芳): %s", page.Status, page.Body)
	}
	csrf := inputValue(page.Doc, "_csrf")
	if p := admin.post("/people/deactivate", url.Values{"_csrf": {csrf}, "user": {"wang.fang"}, "reason": {""}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("deactivation without a reason: %d, want 422", p.Status)
	}
	p := admin.post("/people/deactivate", url.Values{"_csrf": {csrf}, "user": {"wang.fang"}, "reason": {"离职"}})
	done := byID(p.Doc, "departure-rerouted")
	if p.Status != http.StatusOK || done == nil || !strings.Contains(textOf(done), id) || !strings.Contains(textOf(done), "赵强") {
		t.Fatalf("deactivation: %d %s", p.Status, p.Body)
	}
	if row := byID(p.Doc, "person-wang.fang"); row == nil || !strings.Contains(textOf(row), "已停用") {
		t.Errorf("王芳's row after deactivation: %v", row)
	}
	h.must(login(h, "wang.fang", "signoff"), http.StatusUnauthorized, "invalid_credentials")

	p = admin.post("/people/reactivate", url.Values{"_csrf": {csrf}, "user": {"wang.fang"}})
	if p.Status != http.StatusOK || byID(p.Doc, "reactivation-done") == nil {
		t.Fatalf("reactivation: %d %s", p.Status, p.Body)
	}
	h.must(login(h, "wang.fang", "signoff"), http.StatusOK, "")
}
