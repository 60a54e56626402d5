package gateway

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/net/html"

	"signoff/demo"
	"signoff/i18n"
)

// The production control center's registry over real HTTP: the API and the registry page.

const (
	theGM       = "zhao.qiang" // the general manager, who may always keep the registry
	theDirector = "zheng.yu"   // the demo registry's center director
)

// seedRegistry loads the demo registry.
func (h *harness) seedRegistry() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := demo.SeedRegistry(ctx, h.stack.Store); err != nil {
		h.t.Fatal(err)
	}
}

// registryCount counts the registry's rows, to prove a refused request wrote nothing.
func registryCount(h *harness) int64 {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, h.stack.URL)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM representatives`).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

func postBody(user, post, department, from string, to any) map[string]any {
	return map[string]any{"user_id": user, "post": post, "department_id": department, "valid_from": from, "valid_to": to}
}

func (h *harness) addPost(user string, body map[string]any) reply {
	h.t.Helper()
	return h.do(call{Method: "POST", Path: "/api/v1/representatives", User: user, Body: body})
}

func (h *harness) endPost(user string, id int, validTo string) reply {
	h.t.Helper()
	return h.do(call{Method: "POST", Path: fmt.Sprintf("/api/v1/representatives/%d/end", id), User: user,
		Body: map[string]any{"valid_to": validTo}})
}

// postItems reads a registry list as "user/post/department" with whether each is in force.
func postItems(r reply) ([]string, []bool) {
	var who []string
	var inForce []bool
	list, _ := r.Body["items"].([]any)
	for _, it := range list {
		m := it.(map[string]any)
		who = append(who, fmt.Sprintf("%s/%s/%s", m["user"].(map[string]any)["id"], m["post"], m["department_id"]))
		inForce = append(inForce, m["in_force"] == true)
	}
	return who, inForce
}

func TestRegistryAPIList(t *testing.T) {
	h := newHarness(t)
	h.seedRegistry()
	list := func(query string) reply {
		return h.must(h.do(call{Method: "GET", Path: "/api/v1/representatives" + query, User: "huang.lei"}), 200, "")
	}

	all := list("")
	who, inForce := postItems(all)
	if len(who) != 16 || all.str("at") != todayPlus(0) {
		t.Fatalf("the registry = %v at %s", who, all.str("at"))
	}
	if !slices.Equal(who[:2], []string{"zheng.yu/center_director/", "liu.yang/center_dispatcher/"}) {
		t.Errorf("the center's posts come first, by post: %v", who[:2])
	}
	i := slices.Index(who, "zhang.wei/representative/sales")
	if i < 0 || inForce[i] != (todayPlus(0) <= "2026-06-30") {
		t.Errorf("the ended post: %v, in force %v", who, inForce)
	}

	for query, want := range map[string][]string{
		"?department=sales&post=representative&at=2026-06-30": {"li.na/representative/sales", "zhang.wei/representative/sales"},
		"?department=sales&post=representative&at=2026-07-01": {"li.na/representative/sales"},
		"?department=sales&post=representative":               {"li.na/representative/sales", "zhang.wei/representative/sales"},
		"?department=engineering":                             {"chen.gang/department_leader/engineering", "huang.lei/representative/engineering", "xu.jing/representative/engineering"},
		"?user=zheng.yu":                                      {"zheng.yu/center_director/"},
		"?post=center_director&at=2025-12-31":                 nil,
	} {
		r := list(query)
		who, inForce := postItems(r)
		if !slices.Equal(who, want) {
			t.Errorf("%s = %v, want %v", query, who, want)
		}
		if strings.Contains(query, "at=") && slices.Contains(inForce, false) {
			t.Errorf("%s lists a post not in force on its day: %v", query, inForce)
		}
	}
	if r := list("?at=2026-03-01"); r.str("at") != "2026-03-01" {
		t.Errorf("at = %q", r.str("at"))
	}
	item := list("?user=zhang.wei").Body["items"].([]any)[0].(map[string]any)
	if item["valid_from"] != "2026-01-01" || item["valid_to"] != "2026-06-30" || item["user"].(map[string]any)["name"] != "张伟" ||
		item["created_by"].(map[string]any)["name"] != "赵强" || item["note"] == "" {
		t.Errorf("zhang.wei's post = %v", item)
	}

	r := h.must(h.do(call{Method: "GET", Path: "/api/v1/representatives?department=nowhere&post=boss&at=2026-02-30",
		User: "huang.lei", Broken: true}), 422, "invalid_input")
	for _, f := range []string{"department", "post", "at"} {
		if r.details()[f] == nil {
			t.Errorf("no problem reported for %s: %v", f, r.details())
		}
	}
	h.must(h.do(call{Method: "GET", Path: "/api/v1/representatives"}), 401, "unauthorized")
}

func TestRegistryAPICreate(t *testing.T) {
	h := newHarness(t)
	h.seedRegistry()
	// A deputy whose post ended yesterday keeps the registry no more; one in office today does.
	h.must(h.addPost(theGM, postBody("chen.gang", "center_deputy", "", todayPlus(-30), todayPlus(-1))), 201, "")
	h.must(h.addPost(theGM, postBody("wang.fang", "center_deputy", "", todayPlus(0), nil)), 201, "")
	before := registryCount(h)

	good := postBody("fang.yuan", "representative", "legal", todayPlus(0), nil)
	for _, user := range []string{"huang.lei", "he.ping", "chen.gang", "liu.yang"} {
		h.must(h.addPost(user, good), 403, "capability_required")
	}

	// Every problem at once, and nothing written.
	bad := map[string]any{"user_id": "no.body", "post": "boss", "department_id": "nowhere", "valid_from": "2026-02-30",
		"valid_to": "soon", "note": strings.Repeat("注", 501)}
	r := h.must(h.do(call{Method: "POST", Path: "/api/v1/representatives", User: theDirector, Body: bad, Broken: true}), 422, "invalid_input")
	for _, f := range []string{"user_id", "post", "department_id", "valid_from", "valid_to", "note"} {
		if r.details()[f] == nil {
			t.Errorf("no problem reported for %s: %v", f, r.details())
		}
	}
	if got := r.details()["user_id"]; got != i18n.T(i18n.EN, "problem.inactive_user", "no.body") {
		t.Errorf("user_id problem = %v", got)
	}
	for name, tt := range map[string]struct {
		body         map[string]any
		field, want  string
		broken       bool
		wantProblems int
	}{
		"a representative of no department": {postBody("fang.yuan", "representative", "", todayPlus(0), nil),
			"department_id", i18n.T(i18n.EN, "problem.required"), false, 1},
		"a center director of a department": {postBody("fang.yuan", "center_director", "legal", todayPlus(0), nil),
			"department_id", i18n.T(i18n.EN, "problem.center_post_department"), false, 1},
		"an end before the start": {postBody("fang.yuan", "representative", "legal", "2026-03-01", "2026-02-28"),
			"valid_to", i18n.T(i18n.EN, "problem.post_ends_before_start", "2026-03-01"), false, 1},
		"no first day": {map[string]any{"user_id": "fang.yuan", "post": "center_dispatcher"},
			"valid_from", i18n.T(i18n.EN, "problem.required"), true, 1},
	} {
		r := h.must(h.do(call{Method: "POST", Path: "/api/v1/representatives", User: theDirector, Body: tt.body, Broken: tt.broken}), 422, "invalid_input")
		if got := r.details()[tt.field]; got != tt.want || len(r.details()) != tt.wantProblems {
			t.Errorf("%s: details = %v, want %s: %q", name, r.details(), tt.field, tt.want)
		}
	}
	h.must(h.do(call{Method: "POST", Path: "/api/v1/representatives", User: theDirector,
		Body: map[string]any{"user_id": "fang.yuan", "rank": 1}, Broken: true}), 400, "unknown_field")
	if got := registryCount(h); got != before {
		t.Fatalf("refused requests wrote: %d → %d", before, got)
	}

	// The general manager, the center director and a deputy in office may.
	r = h.must(h.addPost(theGM, good), 201, "")
	if r.num("id") == 0 || r.Body["user"].(map[string]any)["name"] != "方圆" || r.str("post") != "representative" ||
		r.str("department_id") != "legal" || r.str("valid_from") != todayPlus(0) || r.Body["valid_to"] != nil ||
		r.Body["in_force"] != true || r.Body["created_by"].(map[string]any)["id"] != theGM || r.Body["ended_by"] != nil {
		t.Errorf("created = %s", r.Raw)
	}
	held := r.num("id")
	r = h.must(h.addPost(theDirector, map[string]any{"user_id": "tang.ning", "post": "representative", "department_id": "audit",
		"valid_from": todayPlus(7), "valid_to": todayPlus(100), "note": " 审计 "}), 201, "")
	if r.Body["in_force"] != false || r.str("valid_to") != todayPlus(100) || r.str("note") != "审计" {
		t.Errorf("a coming post = %s", r.Raw)
	}
	h.must(h.addPost("wang.fang", postBody("fang.yuan", "department_leader", "legal", todayPlus(0), nil)), 201, "")

	// The same person, post and department in an overlapping period is refused, naming the post held.
	overlap := h.must(h.addPost(theDirector, postBody("fang.yuan", "representative", "legal", todayPlus(-100), todayPlus(0))), 409, "post_overlaps")
	if d := overlap.details(); d["post_id"] != float64(held) || d["valid_from"] != todayPlus(0) || d["valid_to"] != nil {
		t.Errorf("overlap details = %v", d)
	}
	h.must(h.addPost(theDirector, postBody("li.na", "representative", "sales", "2026-06-01", nil)), 409, "post_overlaps")
	// Up to the day before is no overlap; nor is another department.
	h.must(h.addPost(theDirector, postBody("fang.yuan", "representative", "legal", todayPlus(-100), todayPlus(-1))), 201, "")
	h.must(h.addPost(theDirector, postBody("fang.yuan", "representative", "audit", todayPlus(0), nil)), 201, "")
	if got := registryCount(h); got != before+5 {
		t.Errorf("rows = %d, want %d", got, before+5)
	}
}

// A post ended on a day is in force on that day and not the next; an ended post may be cut
// shorter, never lengthened.
func TestRegistryAPIEndPost(t *testing.T) {
	h := newHarness(t)
	h.seedRegistry()
	id := h.must(h.addPost(theGM, postBody("xu.jing", "representative", "legal", todayPlus(-10), nil)), 201, "").num("id")
	before := registryCount(h)

	h.must(h.endPost("huang.lei", id, todayPlus(5)), 403, "capability_required")
	if r := h.must(h.endPost(theDirector, id, todayPlus(-11)), 422, "invalid_input"); r.details()["valid_to"] !=
		i18n.T(i18n.EN, "problem.post_ends_before_start", todayPlus(-10)) {
		t.Errorf("an end before the start: %v", r.details())
	}
	h.must(h.do(call{Method: "POST", Path: fmt.Sprintf("/api/v1/representatives/%d/end", id), User: theDirector,
		Body: map[string]any{"valid_to": "tomorrow"}, Broken: true}), 422, "invalid_input")
	h.must(h.endPost(theDirector, 999999, todayPlus(5)), 404, "not_found")
	h.must(h.do(call{Method: "POST", Path: "/api/v1/representatives/abc/end", User: theDirector,
		Body: map[string]any{"valid_to": todayPlus(5)}, Broken: true}), 404, "not_found")

	r := h.must(h.endPost(theDirector, id, todayPlus(5)), 200, "")
	if r.str("valid_to") != todayPlus(5) || r.Body["in_force"] != true || r.Body["ended_by"].(map[string]any)["name"] != "郑宇" {
		t.Errorf("ended = %s", r.Raw)
	}
	onDay := func(day string) []string {
		who, _ := postItems(h.must(h.do(call{Method: "GET", Path: "/api/v1/representatives?user=xu.jing&department=legal&at=" + day, User: "he.ping"}), 200, ""))
		return who
	}
	if got := onDay(todayPlus(5)); len(got) != 1 {
		t.Errorf("on its last day: %v", got)
	}
	if got := onDay(todayPlus(6)); len(got) != 0 {
		t.Errorf("the day after its last day: %v", got)
	}

	later := h.must(h.endPost(theDirector, id, todayPlus(6)), 422, "invalid_input")
	if later.details()["valid_to"] != i18n.T(i18n.EN, "problem.post_ends_earlier", todayPlus(5)) {
		t.Errorf("lengthening: %v", later.details())
	}
	h.must(h.endPost(theGM, id, todayPlus(5)), 200, "") // the same end again changes nothing
	r = h.must(h.endPost(theGM, id, todayPlus(-1)), 200, "")
	if r.Body["in_force"] != false || r.Body["ended_by"].(map[string]any)["id"] != theGM {
		t.Errorf("cut shorter: %s", r.Raw)
	}
	if got := registryCount(h); got != before {
		t.Errorf("ending wrote rows: %d → %d", before, got)
	}
}

func TestRegistryWebPage(t *testing.T) {
	h := newHarness(t)
	h.seedRegistry()

	reader := h.browser()
	reader.signIn("huang.lei")
	p := reader.get("/registry")
	if p.Status != 200 || !strings.Contains(p.Body, `href="/registry"`) {
		t.Fatalf("the registry: %d", p.Status)
	}
	labelled(t, "registry", p)
	noRawKeys(t, "registry", p)
	if got := textOf(byID(p.Doc, "center")); !strings.Contains(got, "郑宇") || !strings.Contains(got, "生产管控中心主任") ||
		!strings.Contains(got, "刘洋") || !strings.Contains(got, "调度员") {
		t.Errorf("the center = %q", got)
	}
	if got := textOf(byID(p.Doc, "department-sales-representatives")); !strings.Contains(got, "李娜") || strings.Contains(got, "张伟") {
		t.Errorf("sales' representatives today = %q", got)
	}
	if got := textOf(byID(p.Doc, "department-engineering-leaders")); !strings.Contains(got, "陈刚") {
		t.Errorf("engineering's leaders = %q", got)
	}
	if got := textOf(byID(p.Doc, "department-legal")); !strings.Contains(got, "法务部") || !strings.Contains(got, "暂无") {
		t.Errorf("legal, which has nobody = %q", got)
	}
	if byID(p.Doc, "add-post") != nil || strings.Contains(p.Body, `action="/registry/`) || byID(p.Doc, "registry-readonly") == nil {
		t.Error("a reader is offered the registry's forms")
	}
	history := reader.get("/registry?all=1")
	if got := textOf(byID(history.Doc, "department-sales-representatives")); !strings.Contains(got, "张伟") || !strings.Contains(got, "已卸任") ||
		!strings.Contains(got, "2026-01-01 – 2026-06-30") {
		t.Errorf("sales' representatives with history = %q", got)
	}
	if byID(history.Doc, "registry-current") == nil {
		t.Error("the history has no way back")
	}
	form := url.Values{"_csrf": {reader.csrf()}, "user_id": {"fang.yuan"}, "post": {"representative"}, "department_id": {"legal"},
		"valid_from": {todayPlus(0)}}
	if p := reader.post("/registry", form); p.Status != 403 {
		t.Errorf("a reader's post: %d", p.Status)
	}
	en := h.browser()
	en.signIn("he.ping")
	en.get("/lang?to=en&next=/registry")
	if p := en.get("/registry?all=1"); p.Status != 200 || !strings.Contains(p.Body, "Production control center registry") {
		t.Errorf("the registry in English: %d", p.Status)
	} else {
		noRawKeys(t, "registry in English", p)
	}

	editor := h.browser()
	editor.signIn(theDirector)
	p = editor.get("/registry")
	labelled(t, "registry for its keeper", p)
	noRawKeys(t, "registry for its keeper", p)
	if byID(p.Doc, "add-post") == nil || inputValue(p.Doc, "valid_from") == "" {
		t.Fatal("the keeper has no form to add a post")
	}
	token := inputValue(p.Doc, "_csrf")
	if p := editor.post("/registry", url.Values{"user_id": {"fang.yuan"}, "post": {"representative"}, "department_id": {"legal"},
		"valid_from": {todayPlus(0)}}); p.Status != 403 {
		t.Errorf("a post without the CSRF token: %d", p.Status)
	}

	// Mistakes come back next to their fields with what was typed; nothing is written.
	before := registryCount(h)
	p = editor.post("/registry", url.Values{"_csrf": {token}, "user_id": {"fang.yuan"}, "post": {"representative"},
		"department_id": {""}, "valid_from": {todayPlus(0)}, "valid_to": {todayPlus(-1)}, "note": {"法务口"}})
	if p.Status != 422 || textOf(byID(p.Doc, "post-department-error")) != i18n.T(i18n.ZH, "problem.required") ||
		textOf(byID(p.Doc, "post-valid_to-error")) != i18n.T(i18n.ZH, "problem.post_ends_before_start", todayPlus(0)) {
		t.Fatalf("a form with mistakes: %d", p.Status)
	}
	if inputValue(p.Doc, "note") != "法务口" || valueOf(p.Doc, "post-valid_to") != todayPlus(-1) ||
		!strings.Contains(p.Body, `<option value="fang.yuan" selected>`) || !strings.Contains(p.Body, `<option value="representative" selected>`) {
		t.Error("typed input was lost on an error")
	}
	p = editor.post("/registry", url.Values{"_csrf": {token}, "user_id": {"li.na"}, "post": {"representative"},
		"department_id": {"sales"}, "valid_from": {todayPlus(0)}})
	if p.Status != 409 || !strings.Contains(p.Body, "李娜 已担任业务代表") || !strings.Contains(p.Body, `<option value="sales" selected>`) {
		t.Errorf("an overlapping post: %d", p.Status)
	}
	if got := registryCount(h); got != before {
		t.Fatalf("refused forms wrote: %d → %d", before, got)
	}

	p = editor.post("/registry", url.Values{"_csrf": {token}, "user_id": {"fang.yuan"}, "post": {"representative"},
		"department_id": {"legal"}, "valid_from": {todayPlus(0)}, "valid_to": {""}, "note": {"法务口"}, "all": {"1"}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/registry?done=added&all=1" {
		t.Fatalf("add: %d %q", p.Status, p.Header.Get("Location"))
	}
	p = editor.get("/registry?done=added")
	if textOf(byID(p.Doc, "flash")) != i18n.T(i18n.ZH, "ui.registry.done.added") ||
		!strings.Contains(textOf(byID(p.Doc, "department-legal-representatives")), "方圆") {
		t.Errorf("after adding: %q", textOf(byID(p.Doc, "department-legal-representatives")))
	}

	// The end form: a mistake comes back in its row, the fix ends the post on its last day.
	items, _ := h.must(h.do(call{Method: "GET", Path: "/api/v1/representatives?user=fang.yuan", User: theDirector}), 200, "").Body["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("fang.yuan's posts = %v", items)
	}
	id := int(items[0].(map[string]any)["id"].(float64))
	endPath := fmt.Sprintf("/registry/%d/end", id)
	p = editor.post(endPath, url.Values{"_csrf": {token}, "valid_to": {todayPlus(-1)}})
	errID := fmt.Sprintf("end-%d-error", id)
	if p.Status != 422 || textOf(byID(p.Doc, errID)) != i18n.T(i18n.ZH, "problem.post_ends_before_start", todayPlus(0)) {
		t.Fatalf("an end before the start: %d %q", p.Status, textOf(byID(p.Doc, errID)))
	}
	if v := valueOf(p.Doc, fmt.Sprintf("end-%d", id)); v != todayPlus(-1) {
		t.Errorf("the end form forgot what was typed: %q", v)
	}
	p = editor.post(endPath, url.Values{"_csrf": {token}, "valid_to": {todayPlus(0)}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/registry?done=ended" {
		t.Fatalf("end: %d %q", p.Status, p.Header.Get("Location"))
	}
	p = editor.get("/registry?done=ended")
	if textOf(byID(p.Doc, "flash")) != i18n.T(i18n.ZH, "ui.registry.done.ended") ||
		!strings.Contains(textOf(byID(p.Doc, "department-legal-representatives")), todayPlus(0)+" – "+todayPlus(0)) {
		t.Errorf("a post on its last day: %q", textOf(byID(p.Doc, "department-legal-representatives")))
	}
	if p := reader.post(endPath, url.Values{"_csrf": {reader.csrf()}, "valid_to": {todayPlus(0)}}); p.Status != 403 {
		t.Errorf("a reader's end: %d", p.Status)
	}
	if p := editor.post("/registry/999999/end", url.Values{"_csrf": {token}, "valid_to": {todayPlus(0)}}); p.Status != 404 {
		t.Errorf("an unknown post's end: %d", p.Status)
	}
}

// valueOf is the value of the element with the id, "" if there is none.
func valueOf(doc *html.Node, id string) string {
	n := byID(doc, id)
	if n == nil {
		return ""
	}
	v, _ := attr(n, "value")
	return v
}
