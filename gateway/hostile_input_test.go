package gateway

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"signoff/i18n"
)

// Hostile input (issue 12): text the store would refuse or alter, JSON a validator and Signoff
// could read differently, and bytes in paths and queries. Each is refused with its 4xx code at
// its field, and nothing is written.

// TestStrictDecodingRefusesHostileClaims: a claim with a NUL, a control character, invalid
// UTF-8 or a lone surrogate in its text, a key given twice (the amount 1.00 then 99999.00) or in
// another case is refused, and no case, line, reservation or key is written.
func TestStrictDecodingRefusesHostileClaims(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const head = `{"category":"travel","budget_line_id":"2026-sales-travel",`
	tests := []struct {
		name   string
		raw    string
		status int
		code   string
		field  string // the details key, or details.field's value for 400s
	}{
		{"NUL in purpose", head + `"purpose":"差旅\u0000","lines":[{"description":"d","amount":"1.00"}]}`, 422, "invalid_input", "purpose"},
		{"NUL in a line", head + `"purpose":"p","lines":[{"description":"出租车\u0000","amount":"1.00"}]}`, 422, "invalid_input", "lines[0].description"},
		{"escape sequence", head + `"purpose":"\u001b[31mred","lines":[{"description":"d","amount":"1.00"}]}`, 422, "invalid_input", "purpose"},
		{"invalid UTF-8", head + "\"purpose\":\"a\xffb\",\"lines\":[{\"description\":\"d\",\"amount\":\"1.00\"}]}", 422, "invalid_input", "purpose"},
		{"overlong encoding", head + "\"purpose\":\"\xc0\xaf\",\"lines\":[{\"description\":\"d\",\"amount\":\"1.00\"}]}", 422, "invalid_input", "purpose"},
		{"lone surrogate", head + `"purpose":"\ud800","lines":[{"description":"d","amount":"1.00"}]}`, 422, "invalid_input", "purpose"},
		{"duplicate amount", head + `"purpose":"p","lines":[{"description":"d","amount":"1.00","amount":"99999.00"}]}`, 400, "duplicate_field", "lines[0].amount"},
		{"duplicate purpose", head + `"purpose":"p","purpose":"q","lines":[{"description":"d","amount":"1.00"}]}`, 400, "duplicate_field", "purpose"},
		{"case-variant key", head + `"Purpose":"p","lines":[{"description":"d","amount":"1.00"}]}`, 400, "unknown_field", "Purpose"},
		{"case-variant twin", head + `"purpose":"p","PURPOSE":"q","lines":[{"description":"d","amount":"1.00"}]}`, 400, "unknown_field", "PURPOSE"},
		{"unknown field", head + `"purpose":"p","payee":"me","lines":[{"description":"d","amount":"1.00"}]}`, 400, "unknown_field", "payee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.written()
			r := h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses", User: "zhang.wei", Raw: []byte(tt.raw), Broken: true})
			if r.Status != tt.status || r.code() != tt.code {
				t.Fatalf("got %d %s, want %d %s: %s", r.Status, r.code(), tt.status, tt.code, r.Raw)
			}
			d := r.details()
			if tt.status == 400 {
				if d["field"] != tt.field {
					t.Errorf("details.field = %v, want %q", d["field"], tt.field)
				}
			} else if _, ok := d[tt.field]; !ok || len(d) != 1 {
				t.Errorf("details = %v, want only %q", d, tt.field)
			}
			if after := h.written(); after != before {
				t.Errorf("refused claim wrote: %+v → %+v", before, after)
			}
		})
	}
}

// TestRoutePreviewRefusesWhatSubmissionRefuses: the preview of a claim whose purpose holds a
// NUL is refused as its submission is, at the same field with the same problem.
func TestRoutePreviewRefusesWhatSubmissionRefuses(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, purpose := range []string{"差旅\x00", "差旅\x7f", "\u0085"} {
		body := claimBody("10.00")
		body["purpose"] = purpose
		sub := h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses", User: "zhang.wei", Body: body, Broken: true})
		pre := h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses/route-preview", User: "zhang.wei", Body: body, Broken: true})
		if sub.Status != 422 || pre.Status != sub.Status || pre.code() != sub.code() ||
			pre.details()["purpose"] == nil || pre.details()["purpose"] != sub.details()["purpose"] {
			t.Errorf("purpose %q: submission %d %s, preview %d %s", purpose, sub.Status, sub.Raw, pre.Status, pre.Raw)
		}
	}
}

// TestHostileTextElsewhereIsRefused: a NUL in an action's comment, a sign-in, a problem and a
// delegation is a 422 at its field, answered at once (never after the case's workflow is held),
// and nothing is written.
func TestHostileTextElsewhereIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedRegistry()
	c := h.submit("zhang.wei", claimBody("300.00"))
	id, rev := c.str("id"), c.num("revision")
	now := time.Now().UTC()
	tests := []struct {
		name  string
		call  call
		field string
	}{
		{"comment", call{Method: http.MethodPost, Path: "/api/v1/cases/" + id + "/actions/comment", User: "zhang.wei",
			Body: map[string]any{"comment": "看一下\x00"}}, "comment"},
		{"reject reason", call{Method: http.MethodPost, Path: "/api/v1/cases/" + id + "/actions/reject", User: "li.na",
			Body: map[string]any{"revision": rev, "comment": "no\x00"}}, "comment"},
		{"sign-in", call{Method: http.MethodPost, Path: "/api/v1/auth/login",
			Body: map[string]any{"user": "zhang.wei\x00", "password": "signoff"}}, "user"},
		{"problem", call{Method: http.MethodPost, Path: "/api/v1/problems", User: "zhang.wei", Body: map[string]any{
			"title": "扭矩\x00超差", "description": "d", "model": "XH-7", "batch": "B2026-11", "bom_node": "1.2.3", "line": "总装一线", "severity": "normal"}}, "title"},
		{"delegation", call{Method: http.MethodPost, Path: "/api/v1/delegations", User: "li.na", Body: map[string]any{
			"delegate_id": "zheng.yu\x00", "valid_from": now.Format(time.RFC3339), "valid_to": now.Add(time.Hour).Format(time.RFC3339)}}, "delegate_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.fingerprint()
			start := time.Now()
			tt.call.Broken = true
			r := h.must(h.do(tt.call), http.StatusUnprocessableEntity, "invalid_input")
			if _, ok := r.details()[tt.field]; !ok {
				t.Errorf("details = %v, want %q", r.details(), tt.field)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("refused after %s: the refusal must come before the workflow is asked", took)
			}
			if after := h.fingerprint(); after != before {
				t.Error("a refused request wrote")
			}
		})
	}
}

// TestHostilePathsAndQueries: %00 or invalid UTF-8 in a path is a 404, in a query a 400
// malformed_query naming the parameter; never a 500, and nothing is written.
func TestHostilePathsAndQueries(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tests := []struct {
		path   string
		status int
		code   string
	}{
		{"/api/v1/cases/EXP-2026-000001%00", 404, "not_found"},
		{"/api/v1/cases/%ff", 404, "not_found"},
		{"/api/v1/problems/PRB%00", 404, "not_found"},
		{"/api/v1/suppliers/SUP-A%c0%af", 404, "not_found"},
		{"/api/v1/cases?scope=%00", 400, "malformed_query"},
		{"/api/v1/cases?status=%ff", 400, "malformed_query"},
		{"/api/v1/cases?cursor=a%00b", 400, "malformed_query"},
		{"/api/v1/cases?scope=%zz", 400, "malformed_query"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			before := h.fingerprint()
			r := h.do(call{Method: http.MethodGet, Path: tt.path, User: "zhang.wei", Broken: true})
			if r.Status != tt.status || r.code() != tt.code {
				t.Fatalf("got %d %s, want %d %s: %s", r.Status, r.code(), tt.status, tt.code, r.Raw)
			}
			if after := h.fingerprint(); after != before {
				t.Error("a refused request wrote")
			}
		})
	}
	// A token or an Idempotency-Key of stray bytes is refused as such, not by the store.
	if r := h.do(call{Method: http.MethodGet, Path: "/api/v1/me", Token: "\xff\xfe", Broken: true}); r.Status != http.StatusUnauthorized {
		t.Errorf("token of stray bytes: %d %s", r.Status, r.Raw)
	}
	before := h.written()
	r := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses", User: "zhang.wei", Body: claimBody("1.00"),
		Headers: map[string]string{"Idempotency-Key": "k\xff"}, Broken: true}), http.StatusUnprocessableEntity, "invalid_input")
	if r.details()["Idempotency-Key"] == nil || h.written() != before {
		t.Errorf("Idempotency-Key of stray bytes: %s, or it wrote", r.Raw)
	}
	// The pages answer the same statuses, as pages.
	w := h.browser()
	w.signIn("zhang.wei")
	for path, status := range map[string]int{"/cases/EXP%00": 404, "/inbox?scope=%00": 400, "/problems/%ff": 404} {
		if p := w.get(path); p.Status != status {
			t.Errorf("GET %s: %d, want %d", path, p.Status, status)
		}
	}
}

// TestHostileFormsAreRefused: a NUL or invalid UTF-8 typed into a page's form is a 422 naming
// the field, never a 500, and nothing is written; a sign-in with a NUL is refused as one.
func TestHostileFormsAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedRegistry()
	w := h.browser()
	w.signIn("zhang.wei")
	token := w.csrf()
	for bad, key := range map[string]string{"扭矩\x00超差": "problem.text_control", "a\xffb": "problem.text_encoding"} {
		before := h.fingerprint()
		p := w.post("/problems/new", url.Values{"_csrf": {token}, "title": {bad}, "description": {"d"}, "model": {"XH-7"},
			"batch": {"B2026-11"}, "severity": {"normal"}})
		if want := "title: " + i18n.T(i18n.Default, key); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, want) {
			t.Errorf("problem form with %q: %d, want 422 saying %q", bad, p.Status, want)
		}
		if after := h.fingerprint(); after != before {
			t.Errorf("problem form with %q wrote", bad)
		}
	}
	anon := h.browser()
	login := anon.get("/login")
	p := anon.post("/login", url.Values{"_csrf": {inputValue(login.Doc, "_csrf")}, "user": {"zhang.wei\x00"}, "password": {"signoff"}, "next": {"/inbox"}})
	if p.Status < 400 || p.Status >= 500 {
		t.Errorf("sign-in with a NUL: %d, want a 4xx", p.Status)
	}
}
