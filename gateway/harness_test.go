package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/jackc/pgx/v5"

	"signoff/activities"
	"signoff/config"
	"signoff/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// testMaxBody is the body limit of the test gateway: small, so a 413 is cheap to provoke.
const testMaxBody = 64 << 10

// harness is the gateway over real HTTP on a fresh database, the dev server and a worker. Every
// exchange it makes is checked against openapi.yaml: the response always, the request unless the
// test sends a deliberately broken one.
type harness struct {
	t     *testing.T
	stack *testkit.Stack
	srv   *httptest.Server
	spec  *specChecker

	mu     sync.Mutex
	tokens map[string]string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessWith(t, func(string, *Deps) {})
}

// newHarnessWith is newHarness with the gateway's dependencies changed by configure, which is
// told the gateway's URL before it serves (single sign-on's callback is registered with it).
func newHarnessWith(t *testing.T, configure func(gatewayURL string, d *Deps)) *harness {
	t.Helper()
	stack := testkit.NewStack(t, activities.Channels{PublicURL: "http://test"})
	deps := Deps{
		Store: stack.Store, Policies: stack.Policies, Temporal: stack.Client, SigningKeys: stack.SigningKeys,
		TemporalConfig: config.TemporalConfig{Namespace: "default", TaskQueue: stack.TaskQueue, UIURL: "http://temporal-ui.test"},
		Gateway:        config.GatewayConfig{MaxBodyBytes: testMaxBody, MaxUploadBytes: 1 << 20, ActionTimeout: 30 * time.Second},
		Auth:           config.AuthConfig{TokenTTL: time.Hour},
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	srv := httptest.NewUnstartedServer(nil)
	configure("http://"+srv.Listener.Addr().String(), &deps)
	h, err := New(deps)
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return &harness{t: t, stack: stack, srv: srv, spec: loadSpec(t), tokens: map[string]string{}}
}

// call is one request. Body is encoded as JSON unless Raw is set.
type call struct {
	Method, Path string
	User         string // sign in as this user ("" for no token)
	Token        string // or send this token
	Body         any
	Raw          []byte
	ContentType  string // default application/json when there is a body
	Headers      map[string]string
	Broken       bool // the request breaks the API description on purpose: skip its check
}

// reply is a response, its JSON decoded.
type reply struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

func (r reply) str(key string) string { v, _ := r.Body[key].(string); return v }
func (r reply) num(key string) int    { v, _ := r.Body[key].(float64); return int(v) }
func (r reply) code() string          { return r.str("code") }

func (r reply) details() map[string]any {
	d, _ := r.Body["details"].(map[string]any)
	return d
}

// items lists the "id"s of a list's items (or of another array field).
func (r reply) ids(field string) []string {
	list, _ := r.Body[field].([]any)
	var out []string
	for _, it := range list {
		if m, ok := it.(map[string]any); ok {
			id, _ := m["id"].(string)
			out = append(out, id)
		}
	}
	return out
}

func (h *harness) do(c call) reply {
	h.t.Helper()
	body := c.Raw
	if body == nil && c.Body != nil {
		var err error
		if body, err = json.Marshal(c.Body); err != nil {
			h.t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, c.Method, h.srv.URL+c.Path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		ct := c.ContentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	token := c.Token
	if c.User != "" {
		token = h.token(c.User)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range c.Headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", c.Method, c.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: read: %v", c.Method, c.Path, err)
	}
	r := reply{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.Body); err != nil {
			h.t.Fatalf("%s %s: response is not JSON: %v: %s", c.Method, c.Path, err, raw)
		}
	}
	if err := h.spec.check(ctx, req, body, !c.Broken, r); err != nil {
		h.t.Errorf("%s %s (%d) does not match openapi.yaml: %v\nresponse: %s", c.Method, c.Path, r.Status, err, raw)
	}
	return r
}

// must asserts the status (and code, for an error) of a reply.
func (h *harness) must(r reply, status int, code string) reply {
	h.t.Helper()
	if r.Status != status || (code != "" && r.code() != code) {
		h.t.Fatalf("got %d %s, want %d %s: %s", r.Status, r.code(), status, code, r.Raw)
	}
	return r
}

func (h *harness) token(user string) string {
	h.t.Helper()
	h.mu.Lock()
	tok, ok := h.tokens[user]
	h.mu.Unlock()
	if ok {
		return tok
	}
	r := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/auth/login",
		Body: map[string]string{"user": user, "password": "signoff"}}), http.StatusOK, "")
	h.mu.Lock()
	h.tokens[user] = r.str("token")
	h.mu.Unlock()
	return r.str("token")
}

// claimBody is a valid claim of zhang.wei (sales) unless changed.
func claimBody(amounts ...string) map[string]any {
	var lines []any
	for i, a := range amounts {
		lines = append(lines, map[string]any{"spent_on": "2026-11-02", "description": fmt.Sprintf("出租车 %d", i+1),
			"amount": a, "invoice_no": fmt.Sprintf("INV-%d", i+1)})
	}
	return map[string]any{"purpose": "客户拜访差旅", "category": "travel", "budget_line_id": "2026-sales-travel", "lines": lines}
}

// submit files a claim as a user and returns the new case.
func (h *harness) submit(user string, body map[string]any) reply {
	h.t.Helper()
	return h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses", User: user, Body: body}), http.StatusCreated, "")
}

func (h *harness) act(user, id, action string, body map[string]any) reply {
	h.t.Helper()
	return h.do(call{Method: http.MethodPost, Path: "/api/v1/cases/" + id + "/actions/" + action, User: user, Body: body})
}

// written counts the rows a submission writes, to prove a refused request wrote nothing.
type written struct {
	Cases, Lines, Reservations, Keys, Edits int64
	Reserved                                int64
}

func (h *harness) written() written {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, h.stack.URL)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close(ctx)
	var w written
	const q = `SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM case_lines),
		(SELECT count(*) FROM budget_reservations), (SELECT count(*) FROM idempotency_keys),
		(SELECT count(*) FROM case_edits), (SELECT coalesce(sum(reserved), 0)::bigint FROM budget_lines)`
	if err := conn.QueryRow(ctx, q).Scan(&w.Cases, &w.Lines, &w.Reservations, &w.Keys, &w.Edits, &w.Reserved); err != nil {
		h.t.Fatal(err)
	}
	return w
}

// specChecker validates exchanges against openapi.yaml.
type specChecker struct {
	doc    *openapi3.T
	router routers.Router
}

func loadSpec(t testing.TB) *specChecker {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.yaml is not valid: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("openapi router: %v", err)
	}
	return &specChecker{doc: doc, router: router}
}

// check validates a request (when checkRequest) and its response.
func (c *specChecker) check(ctx context.Context, req *http.Request, body []byte, checkRequest bool, r reply) error {
	vreq := req.Clone(ctx)
	vreq.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := c.router.FindRoute(vreq)
	if err != nil {
		if r.Status == http.StatusNotFound || r.Status == http.StatusMethodNotAllowed {
			return nil // an undocumented path is answered 404 / 405, which is what the test asserts
		}
		return fmt.Errorf("no route in the description: %w", err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	if checkRequest {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			return fmt.Errorf("request: %w", err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: r.Status, Header: r.Header,
		Body:    io.NopCloser(bytes.NewReader(r.Raw)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return fmt.Errorf("response: %w", err)
	}
	return nil
}
