package gateway

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/config"
	"signoff/store"
)

// auditEntries asks the audit log as an auditor (tang.ning, internal audit) for one kind and
// person, and returns the entries.
func (h *harness) auditEntries(kind, actor string) []map[string]any {
	h.t.Helper()
	q := url.Values{"kind": {kind}, "actor": {actor}}
	r := h.must(get(h, "tang.ning", "/api/v1/audit?"+q.Encode()), http.StatusOK, "")
	var out []map[string]any
	for _, it := range r.Body["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// TestAuditLogRecordsWhatAnAuditorAsksAbout: sign-ins and refused sign-ins on both doors, a route
// refused for a missing capability, a call the service refuses, and an export each leave one
// entry, which an auditor finds by kind and person.
func TestAuditLogRecordsWhatAnAuditorAsksAbout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)

	// Signing in: the API, then the web form, then a wrong password on each door.
	h.token("zhang.wei")
	h.browser().signIn("li.na")
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/auth/login",
		Body: map[string]string{"user": "zhang.wei", "password": "wrong"}}), http.StatusUnauthorized, "invalid_credentials")
	b := h.browser()
	login := b.get("/login")
	if p := b.post("/login", url.Values{"_csrf": {inputValue(login.Doc, "_csrf")}, "user": {"li.na"}, "password": {"wrong"}}); p.Status != http.StatusUnauthorized {
		t.Fatalf("web sign-in with a wrong password: %d", p.Status)
	}

	// Refusals: the guard's (no audit.read), the chain's (not the assignee), and an export.
	h.must(get(h, "zhang.wei", "/api/v1/audit"), http.StatusForbidden, "capability_required")
	c := h.submit("zhang.wei", claimBody("120.00"))
	h.must(h.act("zhang.wei", c.str("id"), "approve", map[string]any{"revision": c.num("revision")}), http.StatusForbidden, "not_assignee")
	web := h.browser()
	web.signIn("zhang.wei")
	if p := web.get("/audit"); p.Status != http.StatusForbidden {
		t.Fatalf("/audit for a salesman: %d", p.Status)
	}
	if p := web.get("/kpi/export.csv?period=month"); p.Status != http.StatusOK {
		t.Fatalf("export: %d", p.Status)
	}

	doorsOf := func(entries []map[string]any) []string {
		var out []string
		for _, e := range entries {
			out = append(out, e["door"].(string))
		}
		slices.Sort(out)
		return out
	}
	if got := doorsOf(h.auditEntries("sign_in", "zhang.wei")); !slices.Equal(got, []string{"api", "web"}) {
		t.Errorf("zhang.wei's sign-ins came through %v, want api and web", got)
	}
	if got := doorsOf(h.auditEntries("sign_in", "li.na")); !slices.Equal(got, []string{"web"}) {
		t.Errorf("li.na's sign-ins came through %v", got)
	}
	for _, user := range []string{"zhang.wei", "li.na"} {
		failed := h.auditEntries("sign_in_failed", user)
		if len(failed) != 1 || failed[0]["code"] != "invalid_credentials" {
			t.Errorf("%s's refused sign-ins: %v", user, failed)
		}
	}

	refused := h.auditEntries("refused", "zhang.wei")
	type refusal struct{ door, route, code, capability string }
	var got []refusal
	for _, e := range refused {
		cap, _ := e["details"].(map[string]any)["capability"].(string)
		got = append(got, refusal{e["door"].(string), e["route"].(string), e["code"].(string), cap})
	}
	want := []refusal{ // newest first
		{"web", "GET /audit", "capability_required", "audit.read"},
		{"api", "POST /api/v1/cases/{id}/actions/{action}", "not_assignee", ""},
		{"api", "GET /api/v1/audit", "capability_required", "audit.read"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("zhang.wei's refusals:\n got %v\nwant %v", got, want)
	}

	exports := h.auditEntries("export", "zhang.wei")
	if len(exports) != 1 || exports[0]["route"] != "GET /kpi/export.csv" || exports[0]["door"] != "web" ||
		!strings.Contains(exports[0]["details"].(map[string]any)["query"].(string), "period=month") {
		t.Errorf("zhang.wei's exports: %v", exports)
	}
	if loads := h.auditEntries("policy_load", ""); len(loads) == 0 {
		t.Error("the demo policy's load is not in the audit log")
	}

	// The search refuses what it cannot read, and the page shows the same entries.
	for _, q := range []string{"kind=everything", "from=yesterday"} { // outside the description on purpose
		h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/audit?" + q, User: "tang.ning", Broken: true}),
			http.StatusUnprocessableEntity, "invalid_input")
	}
	h.must(get(h, "tang.ning", "/api/v1/audit?cursor=nonsense"), http.StatusUnprocessableEntity, "invalid_input")
	auditor := h.browser()
	auditor.signIn("tang.ning")
	p := auditor.get("/audit?kind=refused&actor=zhang.wei")
	if p.Status != http.StatusOK || strings.Count(p.Body, `data-kind="refused"`) != 3 || !strings.Contains(p.Body, `id="nav-audit"`) {
		t.Errorf("the audit page for an auditor: %d\n%s", p.Status, p.Body)
	}
	if p := web.get("/inbox"); strings.Contains(p.Body, `id="nav-audit"`) || !strings.Contains(p.Body, `id="nav-reviews"`) {
		t.Error("a salesman's navigation offers the audit log, or not the review results")
	}
}

// lockedBuffer is a log destination the handlers write to concurrently.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestAuditWriteFailureNeitherFailsNorVanishes: with the audit log unwritable, a refused sign-in
// is still a 401 and a refused call still a 403 (never a 500), and each lost entry is in the
// error log with what it would have said.
func TestAuditWriteFailureNeitherFailsNorVanishes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	logs := &lockedBuffer{}
	handler, err := New(Deps{
		Store: h.stack.Store, Policies: h.stack.Policies, Temporal: h.stack.Client, SigningKeys: h.stack.SigningKeys,
		TemporalConfig: config.TemporalConfig{Namespace: "default", TaskQueue: h.stack.TaskQueue},
		Gateway:        config.GatewayConfig{MaxBodyBytes: testMaxBody, MaxUploadBytes: 1 << 20, ActionTimeout: 30 * time.Second},
		Auth:           config.AuthConfig{TokenTTL: time.Hour},
		Logger:         slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	h.srv = srv
	token := h.token("zhang.wei") // before the table goes

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, h.stack.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `ALTER TABLE audit_log RENAME TO audit_log_away`); err != nil {
		t.Fatal(err)
	}

	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/auth/login",
		Body: map[string]string{"user": "zhang.wei", "password": "wrong"}}), http.StatusUnauthorized, "invalid_credentials")
	h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/audit", Token: token}), http.StatusForbidden, "capability_required")
	out := logs.String()
	for _, want := range []string{`"kind":"sign_in_failed"`, `"kind":"refused"`, `"code":"capability_required"`} {
		if !strings.Contains(out, `"msg":"audit entry not written"`) || !strings.Contains(out, want) {
			t.Errorf("the error log lacks the lost entry %s:\n%s", want, out)
		}
	}
}

// TestExportedRoutesAreGuarded: every route the audit trail calls an export is a route of the
// guards table, so a renamed route cannot silently stop being recorded.
func TestExportedRoutesAreGuarded(t *testing.T) {
	for route, x := range exported {
		if _, ok := guards[route]; !ok {
			t.Errorf("%s is audited as %s but is not a route", route, x.kind)
		}
		if !slices.Contains(store.AuditKinds(), x.kind) {
			t.Errorf("%s: %q is not a kind of audit entry", route, x.kind)
		}
	}
}
