package gateway

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func (h *harness) problemAct(user, id, action string, body map[string]any) reply {
	h.t.Helper()
	return h.do(call{Method: http.MethodPost, Path: "/api/v1/problems/" + id + "/actions/" + action, User: user, Body: body})
}

// rev reads a problem's current revision.
func (h *harness) rev(id string) int {
	h.t.Helper()
	return h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/problems/" + id, User: "liu.yang"}), http.StatusOK, "").num("revision")
}

// TestProblemLifecycleOverHTTP: raised → screened (one merged into the other) → published to
// engineering → due date moved with a reason → solved → the raiser refuses the solution → solved
// again → verified; the completion rate counts the survivor once, on time, and not the merged
// duplicate; every transition is a seal.
func TestProblemLifecycleOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedRegistry()
	raise := func(title string) reply {
		return h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/problems", User: "zhang.wei", Body: map[string]any{
			"title": title, "description": "总装一线 XH-7 第三批扭矩超差", "model": "XH-7", "batch": "B2026-11",
			"bom_node": "1.2.3", "line": "总装一线", "severity": "normal"}}), http.StatusCreated, "")
	}
	p := raise("扭矩超差")
	id := p.str("id")
	if p.str("status") != "raised" || p.ids("holders") != nil {
		t.Fatalf("raised problem: %s", p.Raw)
	}
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/problems", User: "zhang.wei",
		Body: map[string]any{"title": "", "description": "x", "severity": "grave"}}), http.StatusUnprocessableEntity, "invalid_input")

	// Screening: a duplicate is merged; only the center may.
	dup := raise("扭矩超差（重复）").str("id")
	h.must(h.problemAct("huang.lei", dup, "merge", map[string]any{"revision": h.rev(dup), "merge_into": id, "comment": "重复"}),
		http.StatusForbidden, "not_assignee")
	h.must(h.problemAct("liu.yang", dup, "merge", map[string]any{"revision": h.rev(dup), "merge_into": "PRB-2026-999999", "comment": "重复"}),
		http.StatusUnprocessableEntity, "invalid_input")
	m := h.must(h.problemAct("liu.yang", dup, "merge", map[string]any{"revision": h.rev(dup), "merge_into": id, "comment": "与上一条重复"}),
		http.StatusOK, "")
	if m.str("status") != "merged" || m.str("merged_into") != id {
		t.Fatalf("merge: %s", m.Raw)
	}

	// Publication: to engineering's representative; someone who is not one is refused.
	h.must(h.problemAct("liu.yang", id, "publish", map[string]any{"revision": h.rev(id),
		"assignments": []any{map[string]any{"department": "engineering", "representatives": []string{"zhang.wei"}}}}),
		http.StatusUnprocessableEntity, "invalid_input")
	pub := h.must(h.problemAct("liu.yang", id, "publish", map[string]any{"revision": h.rev(id),
		"assignments": []any{map[string]any{"department": "engineering", "representatives": []string{"huang.lei"}}}}),
		http.StatusOK, "")
	if pub.str("status") != "in_progress" || pub.str("due_at") == "" {
		t.Fatalf("publish: %s", pub.Raw)
	}
	due, _ := time.Parse(time.RFC3339, pub.str("due_at"))

	// The due date moves only with a reason.
	later := due.Add(48 * time.Hour).Format(time.RFC3339)
	h.must(h.problemAct("liu.yang", id, "change_due", map[string]any{"revision": h.rev(id), "due_at": later}),
		http.StatusUnprocessableEntity, "reason_required")
	ch := h.must(h.problemAct("liu.yang", id, "change_due", map[string]any{"revision": h.rev(id), "due_at": later,
		"comment": "等待供应商来料"}), http.StatusOK, "")
	if ch.num("due_changes") != 1 {
		t.Errorf("due changes = %d, want 1", ch.num("due_changes"))
	}

	// The responsible representative works it; the raiser refuses the first solution.
	h.must(h.problemAct("huang.lei", id, "progress", map[string]any{"comment": "已更换扭矩扳手，复检中"}), http.StatusOK, "")
	h.must(h.problemAct("he.ping", id, "solve", map[string]any{"revision": h.rev(id), "comment": "已解决"}), http.StatusForbidden, "not_assignee")
	h.must(h.problemAct("huang.lei", id, "solve", map[string]any{"revision": h.rev(id), "comment": "已解决"}), http.StatusOK, "")
	h.must(h.problemAct("zhang.wei", id, "refuse", map[string]any{"revision": h.rev(id)}), http.StatusUnprocessableEntity, "reason_required")
	ref := h.must(h.problemAct("zhang.wei", id, "refuse", map[string]any{"revision": h.rev(id), "comment": "复检仍超差"}), http.StatusOK, "")
	if ref.str("status") != "in_progress" || ref.num("reopened") != 1 {
		t.Fatalf("refused: %s", ref.Raw)
	}
	h.must(h.problemAct("huang.lei", id, "solve", map[string]any{"revision": h.rev(id), "comment": "更换批次后合格"}), http.StatusOK, "")
	done := h.must(h.problemAct("zhang.wei", id, "verify", map[string]any{"revision": h.rev(id), "comment": "确认"}), http.StatusOK, "")
	if done.str("status") != "closed" {
		t.Fatalf("verify: %s", done.Raw)
	}
	var decisions []string
	for _, s := range done.Body["seals"].([]any) {
		decisions = append(decisions, s.(map[string]any)["decision"].(string))
	}
	want := "raised published due_changed progress solved refused solved verified"
	if got := strings.Join(decisions, " "); got != want {
		t.Errorf("seals %q, want %q", got, want)
	}

	// The assessment: the month of the due date counts the survivor once, on time; the merged
	// duplicate not at all.
	moved, _ := time.Parse(time.RFC3339, later)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at := moved.In(loc).Format(time.DateOnly)
	k := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/kpi/completion?period=month&at=" + at, User: "zheng.yu"}), http.StatusOK, "")
	center := k.Body["center"].(map[string]any)
	if center["due"].(float64) != 1 || center["on_time"].(float64) != 1 || center["rate"] != "100.0%" {
		t.Errorf("center = %v, want 1 of 1", center)
	}
	depts := k.Body["departments"].([]any)
	if len(depts) != 1 || depts[0].(map[string]any)["key"] != "engineering" {
		t.Errorf("departments = %v", depts)
	}
	b := h.must(h.do(call{Method: http.MethodGet, User: "zheng.yu",
		Path: "/api/v1/kpi/completion/problems?dimension=representative&key=huang.lei&period=month&at=" + at}), http.StatusOK, "")
	items := b.Body["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["id"] != id || items[0].(map[string]any)["due_changes"].(float64) != 1 {
		t.Errorf("drill-down = %v", items)
	}
	csv := h.do(call{Method: http.MethodGet, User: "zheng.yu", Path: "/api/v1/kpi/completion?format=csv&period=month&at=" + at})
	if csv.Status != http.StatusOK || !strings.Contains(string(csv.Raw), "department,engineering") {
		t.Errorf("csv %d: %s", csv.Status, csv.Raw)
	}
	h.must(h.do(call{Method: http.MethodGet, User: "zheng.yu", Path: "/api/v1/kpi/completion?period=custom&from=2026-03-05&to=2026-03-01"}),
		http.StatusUnprocessableEntity, "invalid_input")
}
