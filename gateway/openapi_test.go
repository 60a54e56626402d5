package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"signoff/gateway/door"
	"signoff/gateway/web"
	"signoff/service"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"signoff/chain"
	"signoff/config"
	"signoff/policy"
	"signoff/store"
	"signoff/testkit"
)

func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel()
	loadSpec(t) // fails the test if the document does not load or validate
}

// TestOpenAPIDescribesEveryRoute walks the router: every route it serves is in openapi.yaml.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	s := &server{log: slog.New(slog.NewTextHandler(io.Discard, nil)), web: &web.Site{}}
	mux, ok := s.routes().(chi.Routes)
	if !ok {
		t.Fatal("routes() is not a chi router")
	}
	n := 0
	err := chi.Walk(mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		// The web UI's pages are HTML for people, not part of the API.
		if !strings.HasPrefix(route, "/api/") && route != "/healthz" && route != "/livez" {
			return nil
		}
		n++
		path := strings.TrimPrefix(route, "/api/v1")
		item := spec.doc.Paths.Value(path)
		if item == nil || item.GetOperation(method) == nil {
			return fmt.Errorf("%s %s is served but not described", method, route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if documented := len(spec.doc.Paths.Map()); n < documented {
		t.Errorf("%d routes served, %d paths described", n, documented)
	}
}

// TestOpenAPICheckerCatchesDrift proves the conformance check can fail: a response that breaks
// the description (money as a number, a missing field, an undocumented status) is caught.
func TestOpenAPICheckerCatchesDrift(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	ctx := context.Background()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/budget-lines", nil)
	good := `{"items":[{"id":"l","name":"n","department_id":"d","year":2026,"category":null,"total":"1.00","reserved":"0.00","consumed":"0.00","remaining":"1.00"}]}`
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	if err := spec.check(ctx, req, nil, true, reply{Status: 200, Header: jsonHeader, Raw: []byte(good)}); err != nil {
		t.Fatalf("a conforming response was refused: %v", err)
	}
	for name, r := range map[string]reply{
		"money as a number":    {Status: 200, Header: jsonHeader, Raw: []byte(strings.Replace(good, `"total":"1.00"`, `"total":1.0`, 1))},
		"missing field":        {Status: 200, Header: jsonHeader, Raw: []byte(strings.Replace(good, `"year":2026,`, ``, 1))},
		"undocumented field":   {Status: 200, Header: jsonHeader, Raw: []byte(strings.Replace(good, `"year":2026,`, `"year":2026,"x":1,`, 1))},
		"undocumented status":  {Status: 409, Header: jsonHeader, Raw: []byte(`{"code":"c","message":"m","details":{}}`)},
		"error without detail": {Status: 401, Header: jsonHeader, Raw: []byte(`{"code":"c","message":"m"}`)},
		"money without cents":  {Status: 200, Header: jsonHeader, Raw: []byte(strings.Replace(good, `"total":"1.00"`, `"total":"1"`, 1))},
		"float money":          {Status: 200, Header: jsonHeader, Raw: []byte(strings.Replace(good, `"total":"1.00"`, `"total":"0.30000000000000004"`, 1))},
	} {
		if err := spec.check(ctx, req, nil, true, r); err == nil {
			t.Errorf("%s: not caught", name)
		}
	}
	at := httptest.NewRequest(http.MethodGet, "/api/v1/delegations", nil)
	badTime := reply{Status: 200, Header: jsonHeader, Raw: []byte(`{"at":"yesterday","acting_for":[],"delegated_to":[]}`)}
	if err := spec.check(ctx, at, nil, true, badTime); err == nil {
		t.Error("a time that is not RFC 3339: not caught")
	}
}

func TestServesItsDescription(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/openapi.yaml"}), http.StatusOK, "")
	if !bytes.Equal(r.Raw, OpenAPI) {
		t.Error("the served description differs from the embedded one")
	}
	health := h.must(h.do(call{Method: http.MethodGet, Path: "/healthz"}), http.StatusOK, "")
	if health.str("status") != "ok" {
		t.Errorf("healthz: %s", health.Raw)
	}
	h.must(h.do(call{Method: http.MethodGet, Path: "/livez"}), http.StatusOK, "")
	notFound := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/nowhere", User: "zhang.wei"}), http.StatusNotFound, "not_found")
	if notFound.Header.Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID")
	}
	h.must(h.do(call{Method: http.MethodDelete, Path: "/api/v1/me", User: "zhang.wei"}), http.StatusMethodNotAllowed, "method_not_allowed")
}

// fakeTemporal stands in for a Temporal client where none is called.
type fakeTemporal struct{ client.Client }

// downTemporal is a Temporal frontend that does not answer.
type downTemporal struct{ client.Client }

func (downTemporal) CheckHealth(context.Context, *client.CheckHealthRequest) (*client.CheckHealthResponse, error) {
	return nil, errors.New("connection refused")
}

func TestHealthzReportsAnUnavailableTemporal(t *testing.T) {
	t.Parallel()
	db := testkit.NewDB(t)
	h, err := New(Deps{Store: db.Store, Policies: db.Policies, Temporal: downTemporal{}, SigningKeys: testkit.SigningKeys(),
		TemporalConfig: config.TemporalConfig{TaskQueue: "q"},
		Gateway:        config.GatewayConfig{MaxBodyBytes: 1 << 10, MaxUploadBytes: 1 << 20, ActionTimeout: time.Second},
		Auth:           config.AuthConfig{TokenTTL: time.Hour}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	want := `{"status":"unavailable","checks":{"database":"ok","temporal":"unavailable"}}`
	if w.Code != http.StatusServiceUnavailable || strings.TrimSpace(w.Body.String()) != want {
		t.Fatalf("got %d %s, want 503 %s", w.Code, w.Body, want)
	}
	spec := loadSpec(t)
	if err := spec.check(t.Context(), httptest.NewRequest(http.MethodGet, "/healthz", nil), nil, true,
		reply{Status: w.Code, Header: w.Header(), Raw: w.Body.Bytes()}); err != nil {
		t.Errorf("503 does not match openapi.yaml: %v", err)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/livez", nil))
	if w.Code != http.StatusOK {
		t.Errorf("livez %d", w.Code)
	}
}

func TestNewRefusesMissingDependencies(t *testing.T) {
	t.Parallel()
	full := Deps{
		Store: &store.Store{}, Policies: &store.Policies{}, Temporal: fakeTemporal{},
		TemporalConfig: config.TemporalConfig{TaskQueue: "q"},
		Gateway:        config.GatewayConfig{MaxBodyBytes: 1, MaxUploadBytes: 1 << 20, ActionTimeout: time.Second},
		Auth:           config.AuthConfig{TokenTTL: time.Hour},
		Logger:         slog.Default(), SigningKeys: testkit.SigningKeys(),
	}
	if _, err := New(full); err != nil {
		t.Fatalf("complete deps refused: %v", err)
	}
	for name, change := range map[string]func(*Deps){
		"store":          func(d *Deps) { d.Store = nil },
		"policies":       func(d *Deps) { d.Policies = nil },
		"temporal":       func(d *Deps) { d.Temporal = nil },
		"logger":         func(d *Deps) { d.Logger = nil },
		"task queue":     func(d *Deps) { d.TemporalConfig.TaskQueue = "" },
		"body limit":     func(d *Deps) { d.Gateway.MaxBodyBytes = 0 },
		"action timeout": func(d *Deps) { d.Gateway.ActionTimeout = 0 },
		"token ttl":      func(d *Deps) { d.Auth.TokenTTL = 0 },
		"signing keys":   func(d *Deps) { d.SigningKeys = nil },
	} {
		d := full
		change(&d)
		if _, err := New(d); err == nil {
			t.Errorf("missing %s: no error", name)
		}
	}
}

func TestPanicBecomesInternalError(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	s := &server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	h := s.requestID(s.accessLog(s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret database password in a panic")
	}))))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/x", nil))
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), `"code":"internal"`) {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), "secret") {
		t.Error("the panic leaked to the client")
	}
	if !strings.Contains(logs.String(), "secret database password") {
		t.Error("the panic was not logged")
	}
}

// TestClassify pins the mapping of errors to statuses and codes.
func TestClassify(t *testing.T) {
	t.Parallel()
	refused := func(code string) error {
		return fmt.Errorf("approve: update: %w", temporal.NewNonRetryableApplicationError("a sentence", code, nil))
	}
	tests := []struct {
		err    error
		status int
		code   string
	}{
		{refused("stale_revision"), 409, "stale_revision"},
		{refused("case_closed"), 409, "case_closed"},
		{refused("wrong_order"), 409, "wrong_order"},
		{refused("not_allowed_now"), 409, "not_allowed_now"},
		{refused("not_assignee"), 403, "not_assignee"},
		{refused("not_submitter"), 403, "not_submitter"},
		{refused("sod_conflict"), 403, "sod_conflict"},
		{refused("reason_required"), 422, "reason_required"},
		{refused("invalid_target"), 422, "invalid_target"},
		{refused("invalid_action"), 422, "invalid_action"},
		{refused("too_soon"), 429, "too_soon"},
		{refused("over_budget"), 422, "over_budget"},
		{refused("no_route"), 422, "no_route"},
		{refused("something_else"), 500, "internal"},
		{&chain.Refusal{Code: chain.CodeNotSubmitter, Message: "m"}, 403, "not_submitter"},
		{fmt.Errorf("x: %w", store.ErrIdempotencyMismatch), 422, "idempotency_key_reused"},
		{fmt.Errorf("x: %w", &store.OverBudgetError{BudgetLine: "b", Requested: 100, Remaining: -5}), 422, "over_budget"},
		{fmt.Errorf("x: %w", store.ErrNotFound), 404, "not_found"},
		{fmt.Errorf("x: %w", store.ErrBadCursor), 422, "invalid_input"},
		{&service.NoRouteError{Err: fmt.Errorf("route: %w", policy.ErrNoAssignee)}, 422, "no_route"},
		{&service.NoRouteError{Err: fmt.Errorf("route: %w", policy.ErrOverBudget)}, 422, "over_budget"},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), 504, "timeout"},
		{serviceerror.NewNotFound("workflow not found"), 404, "not_found"},
		{errors.New("pq: connection refused"), 500, "internal"},
	}
	for _, tt := range tests {
		got := door.Classify(tt.err)
		if got.Status != tt.status || got.Code != tt.code {
			t.Errorf("%v: got %d %s, want %d %s", tt.err, got.Status, got.Code, tt.status, tt.code)
		}
		if got.Code == "internal" && strings.Contains(got.Message, "connection") {
			t.Errorf("internal error leaks its cause: %q", got.Message)
		}
	}
	over := door.Classify(&store.OverBudgetError{BudgetLine: "b", Requested: 100, Remaining: -5})
	if over.Details["requested"] != "1.00" || over.Details["remaining"] != "-0.05" || over.Details["budget_line"] != "b" {
		t.Errorf("over-budget details: %v", over.Details)
	}
}
