package gateway

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDepartureReroutesOpenSteps: when the general manager deactivates 王芳, who left, each open
// step she holds (the department head's approval of two claims) passes by a system transfer to
// the replacement the rules choose, her superior 赵强, sealed "transferred by the system because
// 王芳 left: …" on her behalf, and the ledger still verifies; he can then sign. She can no longer
// sign in, her session and her delegation end, and the departure is in the audit log; only a
// holder of users.manage may do it. When 李娜 leaves, a step only she could take is listed for
// the admin, and a step another witness still holds is reported covered. Reactivated, 王芳
// signs in again.
func TestDepartureReroutesOpenSteps(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Two claims at the sales department head's level (pool: 王芳, 赵强).
	toApproval := func(submitter, amount string, signers ...string) string {
		id := h.submit(submitter, claimBody(amount)).str("id")
		for _, who := range signers {
			c := h.must(get(h, who, "/api/v1/cases/"+id), http.StatusOK, "")
			h.must(h.act(who, id, "approve", map[string]any{"revision": c.num("revision")}), http.StatusOK, "")
		}
		return id
	}
	small := toApproval("zhang.wei", "300.00", "li.na", "sun.min")
	large := toApproval("liu.yang", "12000.00", "li.na", "sun.min")
	for _, id := range []string{small, large} {
		if c := h.must(get(h, "wang.fang", "/api/v1/cases/"+id), http.StatusOK, ""); c.str("current_step") != "approval.department_head" {
			t.Fatalf("%s at %q, want the department head's level", id, c.str("current_step"))
		}
	}
	onlyLiNa := h.submit("liu.yang", claimBody("200.00")).str("id") // witness: 李娜 alone
	shared := h.submit("zhang.wei", claimBody("100.00")).str("id")  // witness: 李娜 or 刘洋

	before := h.token("wang.fang")
	now := time.Now().UTC()
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/delegations", User: "wang.fang", Body: map[string]any{
		"delegate_id": "li.na", "valid_from": now.Add(-time.Minute).Format(time.RFC3339), "valid_to": now.Add(24 * time.Hour).Format(time.RFC3339),
	}}), http.StatusCreated, "")

	deactivate := func(admin, user, reason string) reply {
		return h.do(call{Method: http.MethodPost, Path: "/api/v1/users/" + user + "/deactivate", User: admin,
			Body: map[string]any{"reason": reason}})
	}
	h.must(deactivate("zhang.wei", "wang.fang", "离职"), http.StatusForbidden, "capability_required")
	h.must(deactivate("zhao.qiang", "wang.fang", " "), http.StatusUnprocessableEntity, "invalid_input")
	h.must(deactivate("zhao.qiang", "nobody.here", "离职"), http.StatusNotFound, "not_found")
	if n := auditCount(t, h, "user_deactivated", "", ""); n != 0 {
		t.Fatalf("%d deactivations audited before any succeeded", n)
	}

	r := h.must(deactivate("zhao.qiang", "wang.fang", "离职 2026-12-08"), http.StatusOK, "")
	rerouted, _ := r.Body["rerouted"].([]any)
	if stuck, _ := r.Body["needs_admin"].([]any); len(rerouted) != 2 || len(stuck) != 0 {
		t.Fatalf("deactivation answered %s, want both cases re-routed", r.Raw)
	}
	for _, x := range rerouted {
		to := x.(map[string]any)["to"].(map[string]any)["id"]
		if to != "zhao.qiang" {
			t.Errorf("re-routed to %v, want her superior zhao.qiang: %v", to, x)
		}
	}
	const why = "transferred by the system because 王芳 left: 离职 2026-12-08"
	for _, id := range []string{small, large} {
		c := h.must(get(h, "zhao.qiang", "/api/v1/cases/"+id), http.StatusOK, "")
		seals, _ := c.Body["seals"].([]any)
		last := seals[len(seals)-1].(map[string]any)
		actor, _ := last["actor"].(map[string]any)
		behalf, _ := last["on_behalf_of"].(map[string]any)
		if last["decision"] != "transferred" || actor["id"] != "system" || behalf["id"] != "wang.fang" ||
			last["target"] != "zhao.qiang" || last["comment"] != why {
			t.Errorf("%s: last seal %v, want the system's transfer from wang.fang to zhao.qiang", id, last)
		}
		if rep := h.must(get(h, "sun.min", "/api/v1/cases/"+id+"/verify"), http.StatusOK, ""); rep.Body["ok"] != true {
			t.Errorf("%s: ledger after the system transfer: %s", id, rep.Raw)
		}
	}
	// The step is his now: he signs it.
	c := h.must(get(h, "zhao.qiang", "/api/v1/cases/"+small), http.StatusOK, "")
	if signed := h.must(h.act("zhao.qiang", small, "approve", map[string]any{"revision": c.num("revision")}), http.StatusOK, ""); signed.str("current_step") == "approval.department_head" {
		t.Errorf("after 赵强 signed, still at %q", signed.str("current_step"))
	}

	h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/me", Token: before}), http.StatusUnauthorized, "unauthorized")
	h.must(login(h, "wang.fang", "signoff"), http.StatusUnauthorized, "invalid_credentials")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if ds, err := h.stack.Store.Delegators(ctx, "li.na", time.Now()); err != nil || slices.Contains(ds, "wang.fang") {
		t.Errorf("li.na may still act for wang.fang: %v %v", ds, err)
	}
	if n := auditCount(t, h, "user_deactivated", "zhao.qiang", "details->>'user' = 'wang.fang' AND details->>'reason' = '离职 2026-12-08'"); n != 1 {
		t.Errorf("%d user_deactivated entries for wang.fang, want 1", n)
	}

	// A repeat re-routes what she still holds: nothing.
	again := h.must(deactivate("zhao.qiang", "wang.fang", "离职 2026-12-08"), http.StatusOK, "")
	if moved, _ := again.Body["rerouted"].([]any); len(moved) != 0 {
		t.Errorf("a repeated deactivation re-routed %v", moved)
	}

	// 李娜 leaves: the claim only she may witness waits for the admin; the other is still 刘洋's.
	r = h.must(deactivate("zhao.qiang", "li.na", "离职"), http.StatusOK, "")
	stuck, _ := r.Body["needs_admin"].([]any)
	covered, _ := r.Body["covered"].([]any)
	if len(stuck) != 1 || stuck[0].(map[string]any)["case_id"] != onlyLiNa ||
		!strings.Contains(stuck[0].(map[string]any)["error"].(string), "an admin must re-route it") {
		t.Errorf("needs_admin %v, want %s", stuck, onlyLiNa)
	}
	if len(covered) != 1 || covered[0].(map[string]any)["case_id"] != shared {
		t.Errorf("covered %v, want %s", covered, shared)
	}

	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/users/wang.fang/reactivate", User: "li.na"}), http.StatusUnauthorized, "unauthorized")
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/users/wang.fang/reactivate", User: "zhang.wei"}), http.StatusForbidden, "capability_required")
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/users/wang.fang/reactivate", User: "zhao.qiang"}), http.StatusNoContent, "")
	h.must(login(h, "wang.fang", "signoff"), http.StatusOK, "")
	if n := auditCount(t, h, "user_reactivated", "zhao.qiang", "details->>'user' = 'wang.fang'"); n != 1 {
		t.Errorf("%d user_reactivated entries, want 1", n)
	}
}
