package gateway

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// decisionsOf lists the timeline's seals in order.
func decisionsOf(doc *html.Node) []string {
	var out []string
	walk(doc, func(n *html.Node) {
		if d, ok := attr(n, "data-decision"); ok {
			out = append(out, d)
		}
	})
	return out
}

// TestWebProblemFlow: raised through the form (a mistake keeps what was typed), published by
// the dispatcher from the role board's screening queue, worked and solved inline by the
// representative, verified by the raiser from their board; each page offers only what the
// reader may do and the timeline lists every seal.
func TestWebProblemFlow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedRegistry()

	zw := h.browser()
	zw.signIn("zhang.wei")
	token := zw.csrf()
	form := url.Values{"_csrf": {token}, "title": {""}, "description": {"总装一线 XH-7 扭矩超差"}, "model": {"XH-7"},
		"batch": {"B2026-11"}, "severity": {"normal"}}
	bad := zw.post("/problems/new", form)
	if bad.Status != http.StatusUnprocessableEntity || byID(bad.Doc, "title-error") == nil ||
		inputValue(bad.Doc, "model") != "XH-7" || !strings.Contains(bad.Body, "总装一线 XH-7 扭矩超差") {
		t.Fatalf("raise without a title: %d", bad.Status)
	}
	form.Set("title", "扭矩超差")
	ok := zw.post("/problems/new", form)
	loc := ok.Header.Get("Location")
	if ok.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/problems/PRB-") {
		t.Fatalf("raise: %d → %q", ok.Status, loc)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/problems/"), "?done=raised")

	// The raiser is offered none of the center's actions.
	page := zw.get("/problems/" + id)
	if page.Status != http.StatusOK || textOf(byID(page.Doc, "problem-status")) == "" {
		t.Fatalf("problem page: %d", page.Status)
	}
	for _, a := range []string{"publish", "merge", "reject", "escalate", "change_due", "solve", "verify"} {
		if byID(page.Doc, "act-"+a) != nil {
			t.Errorf("the raiser is offered %s", a)
		}
	}

	// The dispatcher publishes from the screening queue and comes back to the board.
	liu := h.browser()
	liu.signIn("liu.yang")
	board := liu.get("/board/me")
	if byID(board.Doc, "publish-"+id) == nil {
		t.Fatalf("the screening queue lacks %s", id)
	}
	act := func(w *webClient, action string, extra url.Values) webPage {
		t.Helper()
		b := w.get("/board/me")
		v := url.Values{"_csrf": {inputValue(b.Doc, "_csrf")}, "revision": {strconv.Itoa(h.rev(id))}, "key": {inputValue(b.Doc, "key")}}
		for k, vs := range extra {
			v[k] = vs
		}
		p := w.post("/problems/"+id+"/actions/"+action+"?back=/board/me", v)
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/board/me" {
			t.Fatalf("%s: %d → %q %s", action, p.Status, p.Header.Get("Location"), textOf(byID(p.Doc, "action-error")))
		}
		return p
	}
	// A refusal comes back on the problem page with the reason and what was typed.
	refused := liu.post("/problems/"+id+"/actions/publish?back=/board/me", url.Values{"_csrf": {inputValue(board.Doc, "_csrf")},
		"revision": {strconv.Itoa(h.rev(id))}, "key": {"k1"}, "department": {"engineering"}, "representatives": {"tian.yu"}})
	if refused.Status != http.StatusUnprocessableEntity || byID(refused.Doc, "action-error") == nil ||
		!strings.Contains(refused.Body, `<option value="tian.yu" selected>`) {
		t.Fatalf("publish to someone not engineering's: %d", refused.Status)
	}
	act(liu, "publish", url.Values{"department": {"engineering"}, "representatives": {"huang.lei"}})

	// The representative finds it on their board and answers inline.
	hl := h.browser()
	hl.signIn("huang.lei")
	hb := hl.get("/board/me")
	if byID(hb.Doc, "progress-"+id) == nil || !strings.Contains(textOf(byID(hb.Doc, "count-assigned")), "1") {
		t.Fatalf("huang.lei's board lacks %s", id)
	}
	act(hl, "progress", url.Values{"comment": {"已更换扭矩扳手，复检中"}})
	act(hl, "solve", url.Values{"comment": {"复检合格"}})

	// The raiser verifies from their board.
	zb := zw.get("/board/me")
	if byID(zb.Doc, "verify-"+id) == nil || !strings.Contains(textOf(byID(zb.Doc, "count-verify")), "1") {
		t.Fatalf("zhang.wei's board lacks the verification of %s", id)
	}
	act(zw, "verify", url.Values{"comment": {"确认"}})

	page = zw.get("/problems/" + id)
	if got, want := strings.Join(decisionsOf(page.Doc), " "), "raised published progress solved verified"; got != want {
		t.Errorf("timeline %q, want %q", got, want)
	}
	if !strings.Contains(textOf(byID(page.Doc, "timeline")), "黄磊") && !strings.Contains(textOf(byID(page.Doc, "timeline")), "huang.lei") {
		t.Errorf("the timeline does not name the representative: %s", textOf(byID(page.Doc, "timeline")))
	}
	list := zw.get("/problems?status=closed&model=XH-7")
	if byID(list.Doc, "row-"+id) == nil {
		t.Errorf("the list of closed XH-7 problems lacks %s", id)
	}
}

// TestWebMeetingDecision: center staff record a meeting and a decision, which becomes a problem
// with the meeting's ID, published at once; others may not record meetings.
func TestWebMeetingDecision(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedRegistry()
	liu := h.browser()
	liu.signIn("liu.yang")
	token := liu.csrf()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Now().In(loc)
	m := liu.post("/meetings", url.Values{"_csrf": {token}, "kind": {"production_dispatch"}, "title": {"11 月第一周生产调度例会"},
		"held_at": {now.Format(localInput)}, "chair_id": {"zheng.yu"}})
	where := m.Header.Get("Location")
	if m.Status != http.StatusSeeOther || !strings.HasPrefix(where, "/meetings/MTG-") {
		t.Fatalf("record meeting: %d → %q", m.Status, where)
	}
	mid := strings.TrimPrefix(where, "/meetings/")
	d := liu.post(where+"/decisions", url.Values{"_csrf": {token}, "title": {"XH-7 扭矩工装返修"}, "description": {"会议决定：工装返修"},
		"severity": {"normal"}, "department": {"engineering"}, "representative": {"xu.jing"},
		"due_at": {now.Add(72 * time.Hour).Format(localInput)}})
	if d.Status != http.StatusSeeOther {
		t.Fatalf("decision: %d %s", d.Status, textOf(byID(d.Doc, "decision-new")))
	}
	got := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/meetings/" + mid, User: "liu.yang"}), http.StatusOK, "")
	decs, _ := got.Body["decisions"].([]any)
	if len(decs) != 1 {
		t.Fatalf("decisions: %s", got.Raw)
	}
	pid := decs[0].(map[string]any)["id"].(string)
	p := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/problems/" + pid, User: "liu.yang"}), http.StatusOK, "")
	if p.str("meeting_id") != mid || p.str("status") != "in_progress" || fmt.Sprint(p.Body["representatives"]) != "[xu.jing]" {
		t.Errorf("decision problem: %s", p.Raw)
	}
	page := liu.get(where)
	if byID(page.Doc, "row-"+pid) == nil {
		t.Errorf("the meeting page lacks its decision %s", pid)
	}

	// Others may not record meetings, on the page or through the API.
	zw := h.browser()
	zw.signIn("zhang.wei")
	if r := zw.post("/meetings", url.Values{"_csrf": {zw.csrf()}, "kind": {"production_dispatch"}, "title": {"x"},
		"held_at": {now.Format(localInput)}, "chair_id": {"zhang.wei"}}); r.Status != http.StatusForbidden {
		t.Errorf("zhang.wei records a meeting: %d", r.Status)
	}
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/meetings", User: "zhang.wei", Body: map[string]any{
		"kind": "production_dispatch", "title": "x", "held_at": now.Format(time.RFC3339), "chair_id": "zhang.wei"}}),
		http.StatusForbidden, "capability_required")
	api := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/meetings", User: "zheng.yu", Body: map[string]any{
		"kind": "model_coordination", "title": "XH-7 型号协调会", "held_at": now.Format(time.RFC3339), "chair_id": "zheng.yu"}}),
		http.StatusCreated, "")
	if !strings.HasPrefix(api.str("id"), "MTG-") {
		t.Errorf("meeting via API: %s", api.Raw)
	}
}
