package gateway

import (
	"net/http"
	"testing"
)

// TestAuthorityNeverLeaksOverHTTP: the failures acceptance testing found, over the API. A step
// goes by transfer only to someone who holds its authority for the case, an unknown person is
// never added, each refused with 422 invalid_target and nothing written; a signer added in
// parallel adds a signature and the level still waits for its holder.
func TestAuthorityNeverLeaksOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.submit("zhang.wei", claimBody("12000.00")).str("id") // department head, then finance director
	path := "/api/v1/cases/" + id
	for _, who := range []string{"li.na", "sun.min", "wang.fang"} {
		c := h.must(get(h, who, path), http.StatusOK, "")
		h.must(h.act(who, id, "approve", map[string]any{"revision": c.num("revision")}), http.StatusOK, "")
	}
	at := h.must(get(h, "qian.li", path), http.StatusOK, "")
	if at.str("current_step") != "approval.finance_director" {
		t.Fatalf("current step %q, want the finance director's level", at.str("current_step"))
	}
	rev, seals := at.num("revision"), len(at.Body["seals"].([]any))
	witnessCase := h.submit("zhang.wei", claimBody("300.00"))
	before := h.written()

	refused := []struct {
		name, user, id, action string
		body                   map[string]any
	}{
		{"the finance director's level to the department head", "qian.li", id, "transfer",
			map[string]any{"revision": rev, "target": "wang.fang"}},
		{"the finance director's level to another department's head", "qian.li", id, "transfer",
			map[string]any{"revision": rev, "target": "chen.gang"}},
		{"to someone who does not exist", "qian.li", id, "transfer",
			map[string]any{"revision": rev, "target": "nobody.here"}},
		{"a parallel signer who does not exist", "qian.li", id, "add_signer",
			map[string]any{"revision": rev, "target": "nobody.here", "position": "parallel"}},
		{"a signer before who does not exist", "qian.li", id, "add_signer",
			map[string]any{"revision": rev, "target": "nobody.here", "position": "before"}},
		{"a witness step to a witness of another department", "li.na", witnessCase.str("id"), "transfer",
			map[string]any{"revision": witnessCase.num("revision"), "target": "zheng.yu"}},
	}
	for _, tt := range refused {
		r := h.act(tt.user, tt.id, tt.action, tt.body)
		if r.Status != http.StatusUnprocessableEntity || r.code() != "invalid_target" {
			t.Errorf("%s: %d %s, want 422 invalid_target: %s", tt.name, r.Status, r.code(), r.Raw)
		}
	}
	if after := h.written(); after != before {
		t.Errorf("refused actions wrote rows: %+v, before %+v", after, before)
	}
	now := h.must(get(h, "qian.li", path), http.StatusOK, "")
	if now.num("revision") != rev || len(now.Body["seals"].([]any)) != seals {
		t.Fatalf("refused actions changed the case: revision %d seals %d, before %d and %d",
			now.num("revision"), len(now.Body["seals"].([]any)), rev, seals)
	}

	// xu.jing (a staff member holding no approver role) added in parallel signs; the finance
	// director's level still waits for her.
	added := h.must(h.act("qian.li", id, "add_signer", map[string]any{"revision": rev, "target": "xu.jing", "position": "parallel"}),
		http.StatusOK, "")
	signed := h.must(h.act("xu.jing", id, "approve", map[string]any{"revision": added.num("revision")}), http.StatusOK, "")
	if signed.str("current_step") != "approval.finance_director" {
		t.Fatalf("the added signer alone completed the level: now at %q", signed.str("current_step"))
	}
	done := h.must(h.act("qian.li", id, "approve", map[string]any{"revision": signed.num("revision")}), http.StatusOK, "")
	if done.str("current_step") != "payment" {
		t.Errorf("after the finance director signed: at %q, want payment", done.str("current_step"))
	}
}
