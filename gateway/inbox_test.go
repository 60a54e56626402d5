package gateway

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
)

// counts reads a user's inbox counts.
func counts(h *harness, user string) map[string]int {
	h.t.Helper()
	r := h.must(get(h, user, "/api/v1/inbox/counts"), http.StatusOK, "")
	out := map[string]int{}
	for _, k := range []string{"todo", "todo_overdue", "done", "submitted", "copied", "limit"} {
		out[k] = r.num(k)
	}
	return out
}

// wantCounts checks some of a user's counts; the others must be as in the last check.
func wantCounts(t *testing.T, h *harness, user string, want map[string]int) {
	t.Helper()
	got := counts(h, user)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s's %s count is %d, want %d (all: %v)", user, k, got[k], v, got)
		}
	}
	if got["limit"] != 999 || got["todo_overdue"] != 0 {
		t.Errorf("%s: limit %d, todo_overdue %d", user, got["limit"], got["todo_overdue"])
	}
}

// listAll walks a list page by page and returns every case ID in order, and how many pages.
func listAll(h *harness, user, query string, limit int) ([]string, int) {
	h.t.Helper()
	var ids []string
	cursor, pages := "", 0
	for {
		q := query + "&limit=" + strconv.Itoa(limit)
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		r := h.must(get(h, user, "/api/v1/cases?"+q), http.StatusOK, "")
		pages++
		ids = append(ids, r.ids("items")...)
		next, _ := r.Body["next"].(string)
		if next == "" {
			return ids, pages
		}
		if pages > 20 {
			h.t.Fatalf("%s %s: no end of pages", user, query)
		}
		cursor = next
	}
}

// TestDoneScope: the done list (已办) holds exactly the cases the caller decided on, the latest
// decision first, page by page; the counts follow every action.
func TestDoneScope(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var ids []string
	for _, amount := range []string{"10.00", "20.00", "30.00", "40.00"} {
		ids = append(ids, h.submit("zhang.wei", claimBody(amount)).str("id"))
	}
	a, b, c, d := ids[0], ids[1], ids[2], ids[3]
	rev := func(id string) int {
		return h.must(get(h, "zhang.wei", "/api/v1/cases/"+id), http.StatusOK, "").num("revision")
	}

	wantCounts(t, h, "li.na", map[string]int{"todo": 4, "done": 0, "submitted": 0, "copied": 0})
	wantCounts(t, h, "zhang.wei", map[string]int{"todo": 0, "done": 0, "submitted": 4, "copied": 0})
	if got, _ := listAll(h, "li.na", "scope=done", 2); len(got) != 0 {
		t.Fatalf("done before any decision: %v", got)
	}

	// li.na returns b, approves a, then c; liu.yang, the other witness, approves d.
	h.must(h.act("li.na", b, "return", map[string]any{"revision": rev(b), "comment": "缺发票"}), http.StatusOK, "")
	wantCounts(t, h, "li.na", map[string]int{"todo": 3, "done": 1})
	h.must(h.act("li.na", a, "approve", map[string]any{"revision": rev(a)}), http.StatusOK, "")
	wantCounts(t, h, "li.na", map[string]int{"todo": 2, "done": 2})
	h.must(h.act("li.na", c, "approve", map[string]any{"revision": rev(c)}), http.StatusOK, "")
	wantCounts(t, h, "li.na", map[string]int{"todo": 1, "done": 3})
	h.must(h.act("liu.yang", d, "approve", map[string]any{"revision": rev(d)}), http.StatusOK, "")
	// d left li.na's inbox without her deciding: todo falls, done does not.
	wantCounts(t, h, "li.na", map[string]int{"todo": 0, "done": 3})
	wantCounts(t, h, "liu.yang", map[string]int{"todo": 0, "done": 1})
	// A comment is not a decision.
	h.must(h.act("li.na", d, "comment", map[string]any{"comment": "已核对行程"}), http.StatusOK, "")
	wantCounts(t, h, "li.na", map[string]int{"done": 3})

	// Newest decision first, two to a page.
	first := h.must(get(h, "li.na", "/api/v1/cases?scope=done&limit=2"), http.StatusOK, "")
	if got := first.ids("items"); !slices.Equal(got, []string{c, a}) || first.str("next") == "" {
		t.Fatalf("done, first page: %v next %v", got, first.Body["next"])
	}
	if delegated, _ := first.Body["delegated"].([]any); len(delegated) != 0 {
		t.Errorf("done lists nothing under delegated: %v", delegated)
	}
	second := h.must(get(h, "li.na", "/api/v1/cases?scope=done&limit=2&cursor="+url.QueryEscape(first.str("next"))), http.StatusOK, "")
	if got := second.ids("items"); !slices.Equal(got, []string{b}) || second.Body["next"] != nil {
		t.Fatalf("done, second page: %v next %v", got, second.Body["next"])
	}
	if got, _ := listAll(h, "liu.yang", "scope=done", 50); !slices.Equal(got, []string{d}) {
		t.Errorf("liu.yang's done: %v", got)
	}
	// Submitting and commenting are not decisions.
	if got, _ := listAll(h, "zhang.wei", "scope=done", 50); len(got) != 0 {
		t.Errorf("zhang.wei's done: %v", got)
	}
	// A cursor continues only the list that made it.
	wrong := h.do(call{Method: http.MethodGet, Path: "/api/v1/cases?scope=submitted&cursor=" + url.QueryEscape(first.str("next")), User: "zhang.wei"})
	h.must(wrong, http.StatusUnprocessableEntity, "invalid_input")
	if _, ok := wrong.details()["cursor"]; !ok {
		t.Errorf("details lack cursor: %v", wrong.details())
	}

	// The submitter resubmits b; li.na decides on it again, and it moves to the top of her list.
	h.must(h.act("zhang.wei", b, "resubmit", map[string]any{"revision": rev(b)}), http.StatusOK, "")
	wantCounts(t, h, "zhang.wei", map[string]int{"done": 0, "submitted": 4})
	wantCounts(t, h, "li.na", map[string]int{"todo": 1, "done": 3})
	h.must(h.act("li.na", b, "approve", map[string]any{"revision": rev(b)}), http.StatusOK, "")
	wantCounts(t, h, "li.na", map[string]int{"todo": 0, "done": 3})
	got, pages := listAll(h, "li.na", "scope=done", 1)
	if !slices.Equal(got, []string{b, c, a}) || pages != 3 {
		t.Errorf("done after the second decision on %s: %v in %d pages, want %v", b, got, pages, []string{b, c, a})
	}

	// The reviewer's decision is the reviewer's; li.na's list does not change.
	for _, id := range []string{a, c} {
		h.must(h.act("sun.min", id, "approve", map[string]any{"revision": rev(id)}), http.StatusOK, "")
	}
	h.must(h.act("zhou.jie", b, "reject", map[string]any{"revision": rev(b), "comment": "超标准"}), http.StatusOK, "")
	if got, _ := listAll(h, "sun.min", "scope=done", 50); !slices.Equal(got, []string{c, a}) {
		t.Errorf("sun.min's done: %v", got)
	}
	if got, _ := listAll(h, "zhou.jie", "scope=done&status=rejected", 50); !slices.Equal(got, []string{b}) {
		t.Errorf("zhou.jie's rejected done: %v", got)
	}
	if got, _ := listAll(h, "li.na", "scope=done", 2); !slices.Equal(got, []string{b, c, a}) {
		t.Errorf("li.na's done changed with others' decisions: %v", got)
	}
	wantCounts(t, h, "sun.min", map[string]int{"done": 2, "todo": 1}) // d waits for review
	wantCounts(t, h, "zhou.jie", map[string]int{"done": 1, "todo": 1})
	wantCounts(t, h, "wang.fang", map[string]int{"done": 0, "todo": 2})
}

// TestCopiedScope: the copied list (抄送) holds the cases copied to the caller, the latest copy
// first; a copy is not a task and not a decision.
func TestCopiedScope(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	x := h.submit("zhang.wei", with(claimBody("10.00"), -1, map[string]any{"cc": []string{"huang.lei", "xu.jing"}})).str("id")
	y := h.submit("zhang.wei", with(claimBody("20.00"), -1, map[string]any{"cc": []string{"huang.lei", "huang.lei"}})).str("id")
	z := h.submit("zhang.wei", claimBody("30.00")).str("id")

	got, pages := listAll(h, "huang.lei", "scope=copied", 1)
	if !slices.Equal(got, []string{y, x}) || pages != 2 {
		t.Errorf("huang.lei's copied: %v in %d pages, want %v", got, pages, []string{y, x})
	}
	if got, _ := listAll(h, "xu.jing", "scope=copied", 50); !slices.Equal(got, []string{x}) {
		t.Errorf("xu.jing's copied: %v", got)
	}
	for _, who := range []string{"zhang.wei", "li.na"} {
		if got, _ := listAll(h, who, "scope=copied", 50); len(got) != 0 {
			t.Errorf("%s's copied: %v", who, got)
		}
	}
	if got, _ := listAll(h, "huang.lei", "scope=copied&status=in_progress&kind=expense", 50); !slices.Equal(got, []string{y, x}) {
		t.Errorf("huang.lei's filtered copied: %v", got)
	}
	wantCounts(t, h, "huang.lei", map[string]int{"todo": 0, "done": 0, "submitted": 0, "copied": 2})
	wantCounts(t, h, "xu.jing", map[string]int{"todo": 0, "done": 0, "submitted": 0, "copied": 1})
	wantCounts(t, h, "zhang.wei", map[string]int{"todo": 0, "done": 0, "submitted": 3, "copied": 0})
	if cc := h.must(get(h, "huang.lei", "/api/v1/cases/"+y), http.StatusOK, "").ids("cc"); !slices.Equal(cc, []string{"huang.lei"}) {
		t.Errorf("cc of %s: %v", y, cc)
	}
	h.must(get(h, "huang.lei", "/api/v1/cases/"+z), http.StatusNotFound, "not_found")

	// The copy stays through the case's life, and the witness's decision is not the copied person's.
	h.must(h.act("li.na", x, "approve", map[string]any{"revision": 0}), http.StatusOK, "")
	wantCounts(t, h, "huang.lei", map[string]int{"todo": 0, "done": 0, "copied": 2})
	wantCounts(t, h, "li.na", map[string]int{"todo": 2, "done": 1, "copied": 0})
}

// TestListScopes: every documented scope answers; any other is refused naming the field.
func TestListScopes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, scope := range []string{"todo", "done", "submitted", "copied", "involved"} {
		h.must(get(h, "zhang.wei", "/api/v1/cases?scope="+scope), http.StatusOK, "")
	}
	h.must(get(h, "sun.min", "/api/v1/cases?scope=all"), http.StatusOK, "")
	for _, scope := range []string{"DONE", "cc", "copy", "done ", "everything"} {
		r := h.do(call{Method: http.MethodGet, Path: "/api/v1/cases?scope=" + url.QueryEscape(scope), User: "zhang.wei", Broken: true})
		h.must(r, http.StatusUnprocessableEntity, "invalid_input")
		if _, ok := r.details()["scope"]; !ok {
			t.Errorf("scope %q: details lack scope: %v", scope, r.details())
		}
	}
	h.must(get(h, "", "/api/v1/inbox/counts"), http.StatusUnauthorized, "unauthorized")
}
