package gateway

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"
)

func get(h *harness, user, path string) reply {
	h.t.Helper()
	return h.do(call{Method: http.MethodGet, Path: path, User: user})
}

// TestActionRoundTrip drives a claim through its first steps over HTTP: refusals come back with
// the chain's codes, and an accepted action shows at once in the next holder's inbox.
func TestActionRoundTrip(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.submit("zhang.wei", claimBody("1234.50"))
	id, rev := c.str("id"), c.num("revision")
	path := "/api/v1/cases/" + id

	witness := h.must(get(h, "li.na", path), http.StatusOK, "")
	if acts, _ := witness.Body["allowed_actions"].([]any); !slices.Contains(acts, any("approve")) {
		t.Fatalf("the witness may not approve: %s", witness.Raw)
	}
	if !slices.Contains(h.must(get(h, "li.na", "/api/v1/cases?scope=todo"), 200, "").ids("items"), id) {
		t.Fatal("the witness's inbox lacks the case")
	}

	// Refusals, each with its code; none changes the case.
	h.must(h.act("zhang.wei", id, "approve", map[string]any{"revision": rev}), http.StatusForbidden, "not_assignee")
	h.must(h.act("sun.min", id, "approve", map[string]any{"revision": rev}), http.StatusConflict, "wrong_order")
	h.must(h.act("li.na", id, "approve", map[string]any{"revision": rev + 1}), http.StatusConflict, "stale_revision")
	h.must(h.do(call{Method: http.MethodPost, Path: path + "/actions/approve", User: "li.na", Body: map[string]any{}}),
		http.StatusUnprocessableEntity, "invalid_input")
	h.must(h.act("li.na", id, "reject", map[string]any{"revision": rev}), http.StatusUnprocessableEntity, "reason_required")
	h.must(h.do(call{Method: http.MethodPost, Path: path + "/actions/dance", User: "li.na", Body: map[string]any{"revision": rev}, Broken: true}),
		http.StatusNotFound, "not_found")
	h.must(h.do(call{Method: http.MethodPost, Path: path + "/actions/approve", User: "li.na", Body: map[string]any{"revision": rev, "mood": "happy"}, Broken: true}),
		http.StatusBadRequest, "unknown_field")
	if now := h.must(get(h, "zhang.wei", path), http.StatusOK, ""); now.num("revision") != rev || len(now.Body["seals"].([]any)) != 1 {
		t.Fatalf("refusals changed the case: %s", now.Raw)
	}

	// The witness approves at the right revision.
	after := h.must(h.act("li.na", id, "approve", map[string]any{"revision": rev, "comment": "行程属实"}), http.StatusOK, "")
	if after.num("revision") != rev+1 || after.str("current_step") != "review" {
		t.Fatalf("after approval: %s", after.Raw)
	}
	if acts, _ := after.Body["allowed_actions"].([]any); slices.Contains(acts, any("approve")) {
		t.Errorf("the witness may still approve: %v", acts)
	}
	seals, _ := after.Body["seals"].([]any)
	last := seals[len(seals)-1].(map[string]any)
	if last["decision"] != "approved" || last["actor"].(map[string]any)["name"] != "李娜" || last["comment"] != "行程属实" {
		t.Errorf("last seal: %v", last)
	}
	// Read-your-writes: the reviewers' inboxes show the case at once, the witness's no longer.
	for _, reviewer := range []string{"sun.min", "zhou.jie"} {
		if !slices.Contains(h.must(get(h, reviewer, "/api/v1/cases?scope=todo"), 200, "").ids("items"), id) {
			t.Errorf("%s's inbox lacks %s right after the witness approved", reviewer, id)
		}
	}
	if slices.Contains(h.must(get(h, "li.na", "/api/v1/cases?scope=todo"), 200, "").ids("items"), id) {
		t.Error("the witness's inbox still shows the case")
	}

	// A retried action with the same Idempotency-Key answers the first outcome, not a conflict.
	key := map[string]string{"Idempotency-Key": "review-1"}
	body := map[string]any{"revision": after.num("revision")}
	first := h.must(h.do(call{Method: http.MethodPost, Path: path + "/actions/approve", User: "sun.min", Body: body, Headers: key}), http.StatusOK, "")
	retry := h.must(h.do(call{Method: http.MethodPost, Path: path + "/actions/approve", User: "sun.min", Body: body, Headers: key}), http.StatusOK, "")
	if retry.num("revision") != first.num("revision") || first.str("current_step") != "approval.department_head" {
		t.Fatalf("retry acted again: %d then %d: %s", first.num("revision"), retry.num("revision"), retry.Raw)
	}
	h.must(h.act("sun.min", id, "approve", body), http.StatusConflict, "")
}

// TestStrangersCannotSeeOrActOnACase: a case is visible to its people and the finance roles
// only; to anyone else it does not exist.
func TestStrangersCannotSeeOrActOnACase(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.submit("zhang.wei", claimBody("99.00"))
	id, rev := c.str("id"), c.num("revision")
	before := h.written()

	missing := h.must(get(h, "xu.jing", "/api/v1/cases/EXP-2026-999999"), http.StatusNotFound, "not_found")
	hidden := h.must(get(h, "xu.jing", "/api/v1/cases/"+id), http.StatusNotFound, "not_found")
	if hidden.str("message") != missing.str("message") {
		t.Error("a hidden case must read like a missing one")
	}
	h.must(h.act("xu.jing", id, "approve", map[string]any{"revision": rev}), http.StatusNotFound, "not_found")
	h.must(h.act("xu.jing", id, "comment", map[string]any{"comment": "hi"}), http.StatusNotFound, "not_found")
	// A reviewer sees every case but is not on this step.
	h.must(get(h, "zhou.jie", "/api/v1/cases/"+id), http.StatusOK, "")
	h.must(h.act("zhou.jie", id, "approve", map[string]any{"revision": rev}), http.StatusConflict, "wrong_order")
	// Acting for someone without a delegation is refused.
	h.must(h.act("liu.yang", id, "approve", map[string]any{"revision": rev, "on_behalf_of": "li.na"}), http.StatusForbidden, "forbidden")

	// scope=all is for whom the policy lets see every case (cases.see_all).
	h.must(get(h, "zhang.wei", "/api/v1/cases?scope=all"), http.StatusForbidden, "capability_required")
	if !slices.Contains(h.must(get(h, "sun.min", "/api/v1/cases?scope=all"), 200, "").ids("items"), id) {
		t.Error("a reviewer's scope=all lacks the case")
	}
	if got := h.must(get(h, "xu.jing", "/api/v1/cases?scope=involved"), 200, "").ids("items"); len(got) != 0 {
		t.Errorf("a stranger's involved list: %v", got)
	}
	if after := h.written(); after != before {
		t.Errorf("refused requests wrote: %+v → %+v", before, after)
	}
}

func TestListFiltersAndPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var ids []string
	for _, amount := range []string{"10.00", "20.00", "30.00"} {
		ids = append(ids, h.submit("zhang.wei", claimBody(amount)).str("id"))
	}
	before := h.written()

	first := h.must(get(h, "zhang.wei", "/api/v1/cases?scope=submitted&limit=2"), http.StatusOK, "")
	next := first.str("next")
	if got := first.ids("items"); !slices.Equal(got, []string{ids[2], ids[1]}) || next == "" {
		t.Fatalf("first page %v next %q", got, next)
	}
	second := h.must(get(h, "zhang.wei", "/api/v1/cases?scope=submitted&limit=2&cursor="+next), http.StatusOK, "")
	if got := second.ids("items"); !slices.Equal(got, []string{ids[0]}) || second.Body["next"] != nil {
		t.Fatalf("second page %v next %v", got, second.Body["next"])
	}
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	filtered := h.must(get(h, "zhang.wei", "/api/v1/cases?scope=submitted&status=in_progress&kind=expense&department=sales&overdue=false&from="+today+"&to="+today), http.StatusOK, "")
	if len(filtered.ids("items")) != 3 {
		t.Errorf("filtered list: %s", filtered.Raw)
	}
	if got := h.must(get(h, "zhang.wei", "/api/v1/cases?scope=submitted&status=paid"), http.StatusOK, "").ids("items"); len(got) != 0 {
		t.Errorf("paid filter: %v", got)
	}

	for _, tt := range []struct {
		query  string
		fields []string
	}{
		{"scope=everything", []string{"scope"}},
		{"status=lost", []string{"status"}},
		{"kind=loan", []string{"kind"}},
		{"department=moon", []string{"department"}},
		{"overdue=maybe", []string{"overdue"}},
		{"from=2026-13-01", []string{"from"}},
		{"from=2026-11-02&to=2026-11-01", []string{"to"}},
		{"limit=0", []string{"limit"}},
		{"limit=abc", []string{"limit"}},
		{"limit=500", []string{"limit"}},
		{"cursor=garbage", []string{"cursor"}},
		{"scope=everything&overdue=maybe&limit=-1", []string{"scope", "overdue", "limit"}},
	} {
		t.Run(tt.query, func(t *testing.T) {
			r := h.do(call{Method: http.MethodGet, Path: "/api/v1/cases?" + tt.query, User: "zhang.wei", Broken: true})
			h.must(r, http.StatusUnprocessableEntity, "invalid_input")
			for _, f := range tt.fields {
				if _, ok := r.details()[f]; !ok {
					t.Errorf("details lack %q: %v", f, r.details())
				}
			}
			if after := h.written(); after != before {
				t.Errorf("a refused list wrote: %+v → %+v", before, after)
			}
		})
	}
}

// TestDelegateActsOnBehalf: while the witness is away, her delegate sees her inbox and signs in
// her place; the seal says so.
func TestDelegateActsOnBehalf(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.submit("zhang.wei", claimBody("300.00"))
	id, rev := c.str("id"), c.num("revision")
	now := time.Now().UTC()
	d := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/delegations", User: "li.na", Body: map[string]any{
		"delegate_id": "zheng.yu", "valid_from": now.Add(-time.Minute).Format(time.RFC3339), "valid_to": now.Add(24 * time.Hour).Format(time.RFC3339),
	}}), http.StatusCreated, "")
	if d.Body["delegate"].(map[string]any)["id"] != "zheng.yu" {
		t.Fatalf("delegation: %s", d.Raw)
	}
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/delegations", User: "li.na", Body: map[string]any{
		"delegate_id": "li.na", "valid_from": "yesterday", "valid_to": now.Format(time.RFC3339),
	}, Broken: true}), http.StatusUnprocessableEntity, "invalid_input")

	mine := h.must(get(h, "li.na", "/api/v1/delegations"), http.StatusOK, "")
	if got := mine.ids("delegated_to"); !slices.Equal(got, []string{"zheng.yu"}) {
		t.Errorf("li.na delegated to %v", got)
	}
	me := h.must(get(h, "zheng.yu", "/api/v1/me"), http.StatusOK, "")
	if got := me.ids("acting_for"); !slices.Equal(got, []string{"li.na"}) {
		t.Errorf("zheng.yu acts for %v", got)
	}
	todo := h.must(get(h, "zheng.yu", "/api/v1/cases?scope=todo"), http.StatusOK, "")
	if !slices.Contains(todo.ids("delegated"), id) || slices.Contains(todo.ids("items"), id) {
		t.Errorf("delegate's inbox: %s", todo.Raw)
	}
	page := h.must(get(h, "zheng.yu", "/api/v1/cases/"+id), http.StatusOK, "")
	onBehalf, _ := page.Body["allowed_on_behalf_of"].(map[string]any)
	if acts, _ := onBehalf["li.na"].([]any); !slices.Contains(acts, any("approve")) {
		t.Fatalf("allowed_on_behalf_of: %v", onBehalf)
	}
	signed := h.must(h.act("zheng.yu", id, "approve", map[string]any{"revision": rev, "on_behalf_of": "li.na"}), http.StatusOK, "")
	seals, _ := signed.Body["seals"].([]any)
	last := seals[len(seals)-1].(map[string]any)
	if last["actor"].(map[string]any)["id"] != "zheng.yu" || last["on_behalf_of"].(map[string]any)["id"] != "li.na" {
		t.Errorf("seal: %v", last)
	}
}

// TestReturnAndResubmitWithEdits: the witness returns the claim; the submitter corrects it with
// the same validator as a submission, and the corrected amount takes the claim into a higher band.
func TestReturnAndResubmitWithEdits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.submit("zhang.wei", claimBody("1234.50"))
	id := c.str("id")
	returned := h.must(h.act("li.na", id, "return", map[string]any{"revision": c.num("revision"), "comment": "请补充发票"}), http.StatusOK, "")
	if returned.str("status") != "returned" {
		t.Fatalf("after return: %s", returned.Raw)
	}
	page := h.must(get(h, "zhang.wei", "/api/v1/cases/"+id), http.StatusOK, "")
	if acts, _ := page.Body["allowed_actions"].([]any); !slices.Contains(acts, any("resubmit")) {
		t.Fatalf("the submitter may not resubmit: %v", acts)
	}
	rev := returned.num("revision")
	before := h.written()

	bad := h.do(call{Method: http.MethodPost, Path: "/api/v1/cases/" + id + "/actions/resubmit", User: "zhang.wei", Broken: true,
		Body: map[string]any{"revision": rev, "edits": map[string]any{
			"purpose": "", "category": "travel", "lines": []any{map[string]any{"description": "机票", "amount": "1.001"}}}}})
	h.must(bad, http.StatusUnprocessableEntity, "invalid_input")
	for _, f := range []string{"edits.purpose", "edits.lines[0].amount"} {
		if _, ok := bad.details()[f]; !ok {
			t.Errorf("details lack %q: %v", f, bad.details())
		}
	}
	edits := map[string]any{"purpose": "客户拜访差旅（补充机票）", "category": "travel", "lines": []any{
		map[string]any{"description": "机票", "amount": "4800.00", "invoice_no": "INV-9"},
		map[string]any{"description": "出租车", "amount": "1200.00"}}}
	h.must(h.act("zhang.wei", id, "resubmit", map[string]any{"revision": rev, "edits": with(edits, -1, map[string]any{"budget_line_id": "2026-sales-meals"})}),
		http.StatusUnprocessableEntity, "invalid_input")
	h.must(h.act("li.na", id, "resubmit", map[string]any{"revision": rev, "edits": edits}), http.StatusForbidden, "not_submitter")
	if after := h.written(); after != before {
		t.Fatalf("refused resubmissions wrote: %+v → %+v", before, after)
	}

	done := h.must(h.act("zhang.wei", id, "resubmit", map[string]any{"revision": rev, "edits": edits}), http.StatusOK, "")
	if done.str("status") != "in_progress" || done.str("amount") != "6000.00" || done.str("purpose") != "客户拜访差旅（补充机票）" {
		t.Fatalf("after resubmission: %s", done.Raw)
	}
	if lines, _ := done.Body["lines"].([]any); len(lines) != 2 {
		t.Errorf("lines after resubmission: %v", lines)
	}
	var keys []string
	for _, s := range done.Body["steps"].([]any) {
		keys = append(keys, s.(map[string]any)["key"].(string))
	}
	if !slices.Contains(keys, "approval.finance_director") {
		t.Errorf("6000.00 needs the finance director: steps %v", keys)
	}
	if b, err := h.stack.Store.BudgetLine(t.Context(), "2026-sales-travel"); err != nil || b.Reserved != 600000 {
		t.Errorf("reserved %d (%v), want 600000", b.Reserved, err)
	}
}

// TestActingOnAClosedCase: once withdrawn, the case refuses every action with case_closed, even
// after its workflow has finished.
func TestActingOnAClosedCase(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.submit("zhang.wei", claimBody("50.00"))
	id := c.str("id")
	closed := h.must(h.act("zhang.wei", id, "withdraw", map[string]any{"revision": c.num("revision"), "comment": "行程取消"}), http.StatusOK, "")
	if closed.str("status") != "withdrawn" || closed.Body["closed_at"] == nil {
		t.Fatalf("after withdrawal: %s", closed.Raw)
	}
	if acts, _ := closed.Body["allowed_actions"].([]any); len(acts) != 0 {
		t.Errorf("actions allowed on a closed case: %v", acts)
	}
	// Wait until the workflow has completed, so that Temporal itself no longer takes updates.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := h.stack.Client.GetWorkflow(ctx, id, "").Get(ctx, nil); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	h.must(h.act("li.na", id, "approve", map[string]any{"revision": closed.num("revision")}), http.StatusConflict, "case_closed")
	h.must(h.act("zhang.wei", id, "comment", map[string]any{"comment": "还能评论吗"}), http.StatusConflict, "case_closed")
}
