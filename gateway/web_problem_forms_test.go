package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"signoff/config"
	prb "signoff/problem"
	"signoff/service"
)

// The problem page and the role board mark which parts of an action's form are required (the
// reason, the departments, the due date, the merge target). These tests hold every mark against
// the validator itself: for each action the reader may take, the example the problem package
// tries (State.Example) is sent to Validate without each part, and the page must mark the part
// required exactly when Validate refuses it so. Re-publishing without a reason is refused, so
// the re-publish form must say its reason is required.

// formPart is one part of an action form: the form field that carries it and how to drop it
// from an action.
type formPart struct {
	name  string // the form field's name
	takes func(prb.Action) bool
	drop  func(*prb.Action)
}

var formParts = []formPart{
	{"comment", func(prb.Action) bool { return true }, func(a *prb.Action) { a.Comment = "" }},
	{"department", func(a prb.Action) bool { return a.Assignments != nil }, func(a *prb.Action) { a.Assignments = nil }},
	{"due_at", func(a prb.Action) bool { return !a.DueAt.IsZero() }, func(a *prb.Action) { a.DueAt = time.Time{} }},
	{"merge_into", func(a prb.Action) bool { return a.MergeInto != "" }, func(a *prb.Action) { a.MergeInto = "" }},
}

// controlNamed is the first form control with the name inside n.
func controlNamed(n *html.Node, name string) *html.Node {
	var out *html.Node
	walk(n, func(c *html.Node) {
		if nm, _ := attr(c, "name"); nm == name && out == nil && (c.Data == "input" || c.Data == "select" || c.Data == "textarea") {
			out = c
		}
	})
	return out
}

// markedRequired reports whether a control says it is required: the required or aria-required
// attribute, or an asterisk (span.req) in its label.
func markedRequired(doc, control *html.Node) bool {
	if _, ok := attr(control, "required"); ok {
		return true
	}
	if v, _ := attr(control, "aria-required"); v == "true" {
		return true
	}
	id, _ := attr(control, "id")
	marked := false
	walk(doc, func(l *html.Node) {
		if f, _ := attr(l, "for"); l.Data != "label" || id == "" || f != id {
			return
		}
		walk(l, func(s *html.Node) {
			if c, _ := attr(s, "class"); s.Data == "span" && strings.Contains(" "+c+" ", " req ") {
				marked = true
			}
		})
	})
	return marked
}

// checkForm holds one rendered action form against the validator: the parts the action takes
// are there, and each is marked required exactly when the validator refuses the action without
// it.
func checkForm(t *testing.T, where string, doc, form *html.Node, st *prb.State, ex prb.Action, now time.Time) {
	t.Helper()
	for _, part := range formParts {
		control := controlNamed(form, part.name)
		if !part.takes(ex) {
			continue
		}
		if control == nil {
			if part.name == "comment" {
				continue // an inline form may leave the optional comment out…
			}
			t.Errorf("%s %s: the form has no %s", where, ex.Type, part.name)
			continue
		}
		without := ex
		part.drop(&without)
		err := st.Validate(without, now)
		var refusal *prb.Refusal
		if err != nil && !errors.As(err, &refusal) {
			t.Fatalf("%s %s without %s: %v", where, ex.Type, part.name, err)
		}
		if demanded, marked := err != nil, markedRequired(doc, control); demanded != marked {
			t.Errorf("%s %s: %s marked required = %v, but Validate without it says %v", where, ex.Type, part.name, marked, err)
		}
	}
	// …but not a reason the validator demands.
	without := ex
	without.Comment = ""
	if st.Validate(without, now) != nil && controlNamed(form, "comment") == nil {
		t.Errorf("%s %s: the validator demands a reason and the form has no field for it", where, ex.Type)
	}
}

// formsChecker reads a problem's state and its readers' posts as the service does.
type formsChecker struct {
	t   *testing.T
	h   *harness
	svc *service.Service
}

func newFormsChecker(t *testing.T, h *harness) *formsChecker {
	svc, err := service.New(service.Deps{Store: h.stack.Store, Policies: h.stack.Policies, Temporal: h.stack.Client,
		SigningKeys: h.stack.SigningKeys, TemporalConfig: config.TemporalConfig{TaskQueue: h.stack.TaskQueue}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return &formsChecker{t: t, h: h, svc: svc}
}

// state is the problem's state and the actor user is for it today.
func (c *formsChecker) state(id, user string) (*prb.State, prb.Actor) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := c.h.stack.Store.Problem(ctx, id)
	if err != nil {
		c.t.Fatal(err)
	}
	var st prb.State
	if err := json.Unmarshal(p.State, &st); err != nil {
		c.t.Fatal(err)
	}
	u, err := c.h.stack.Store.UserByID(ctx, user)
	if err != nil {
		c.t.Fatal(err)
	}
	actor, err := c.svc.ActorToday(ctx, u)
	if err != nil {
		c.t.Fatal(err)
	}
	return &st, actor
}

// problemPage checks the problem page of id as user shows it: a form for every action the
// validator accepts from them, none for another, each marked as the validator demands.
func (c *formsChecker) problemPage(w *webClient, user, id string) {
	c.t.Helper()
	page := w.get("/problems/" + id)
	if page.Status != http.StatusOK {
		c.t.Fatalf("%s's problem page: %d", user, page.Status)
	}
	st, actor := c.state(id, user)
	now := time.Now()
	for _, typ := range prb.Actions {
		ex := st.Example(typ, actor, now)
		allowed := st.Validate(ex, now) == nil
		form := byID(page.Doc, "act-"+string(typ))
		switch {
		case allowed && form == nil:
			c.t.Errorf("%s may %s %s, and the page has no form for it", user, typ, st.Status)
		case !allowed && form != nil:
			c.t.Errorf("%s may not %s %s, and the page offers it", user, typ, st.Status)
		case allowed:
			checkForm(c.t, user+"'s problem page:", page.Doc, form, st, ex, now)
		}
	}
}

// roleBoard checks the inline forms of id on user's role board: each is for an action the
// validator accepts from them and is marked as it demands.
func (c *formsChecker) roleBoard(w *webClient, user, id string, want ...prb.ActionType) {
	c.t.Helper()
	page := w.get("/board/me")
	if page.Status != http.StatusOK {
		c.t.Fatalf("%s's role board: %d", user, page.Status)
	}
	st, actor := c.state(id, user)
	now := time.Now()
	for _, typ := range prb.Actions {
		form := byID(page.Doc, string(typ)+"-"+id)
		if form == nil {
			continue
		}
		ex := st.Example(typ, actor, now)
		if err := st.Validate(ex, now); err != nil {
			c.t.Errorf("%s's role board offers %s of %s, which the validator refuses: %v", user, typ, id, err)
			continue
		}
		checkForm(c.t, user+"'s role board:", page.Doc, form, st, ex, now)
	}
	for _, typ := range want {
		if byID(page.Doc, string(typ)+"-"+id) == nil {
			c.t.Errorf("%s's role board has no %s form for %s", user, typ, id)
		}
	}
}

// TestProblemFormsMarkWhatTheValidatorDemands walks a problem through its lifecycle and, at
// each step, holds every form its readers see against the validator.
func TestProblemFormsMarkWhatTheValidatorDemands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedRegistry()
	c := newFormsChecker(t, h)
	browsers := map[string]*webClient{}
	for _, u := range []string{"zhang.wei", "liu.yang", "huang.lei"} {
		browsers[u] = h.browser()
		browsers[u].signIn(u)
	}
	id := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/problems", User: "zhang.wei", Body: map[string]any{
		"title": "扭矩超差", "description": "总装一线 XH-7 扭矩超差", "severity": "normal"}}), http.StatusCreated, "").str("id")

	// Raised: the center screens it.
	c.problemPage(browsers["liu.yang"], "liu.yang", id)
	c.problemPage(browsers["zhang.wei"], "zhang.wei", id)
	c.roleBoard(browsers["liu.yang"], "liu.yang", id, prb.ActPublish)

	// In progress: the center steers it, the representative works it.
	h.must(h.problemAct("liu.yang", id, "publish", map[string]any{"revision": h.rev(id),
		"assignments": []any{map[string]any{"department": "engineering", "representatives": []string{"huang.lei"}}}}),
		http.StatusOK, "")
	c.problemPage(browsers["liu.yang"], "liu.yang", id)
	c.problemPage(browsers["huang.lei"], "huang.lei", id)
	c.problemPage(browsers["zhang.wei"], "zhang.wei", id)
	c.roleBoard(browsers["huang.lei"], "huang.lei", id, prb.ActProgress, prb.ActSolve)

	// Solved: the raiser or the center verifies it, or refuses the solution.
	h.must(h.problemAct("huang.lei", id, "solve", map[string]any{"revision": h.rev(id), "comment": "已返工"}), http.StatusOK, "")
	c.problemPage(browsers["zhang.wei"], "zhang.wei", id)
	c.problemPage(browsers["liu.yang"], "liu.yang", id)
	c.problemPage(browsers["huang.lei"], "huang.lei", id)
	c.roleBoard(browsers["zhang.wei"], "zhang.wei", id, prb.ActVerify, prb.ActRefuse)
}
