package e2e_test

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
	"testing"
	"time"

	"signoff/activities"
	"signoff/config"
	"signoff/gateway"
	"signoff/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// app is a running Signoff for one test.
type app struct {
	t      *testing.T
	stack  *testkit.Stack
	srv    *httptest.Server
	tokens map[string]string
}

func newApp(t *testing.T) *app {
	t.Helper()
	return newAppWith(t, func(string, *gateway.Deps) {})
}

// newAppWith is newApp with the gateway's dependencies changed by configure, which is told the
// gateway's URL before it serves (single sign-on's callback is registered with it).
func newAppWith(t *testing.T, configure func(gatewayURL string, d *gateway.Deps)) *app {
	t.Helper()
	s := testkit.NewStack(t, activities.Channels{PublicURL: "http://signoff.test"})
	deps := gateway.Deps{
		Store: s.Store, Policies: s.Policies, Temporal: s.Client, SigningKeys: s.SigningKeys,
		TemporalConfig: config.TemporalConfig{Namespace: "default", TaskQueue: s.TaskQueue, UIURL: "http://temporal-ui.test"},
		Gateway:        config.GatewayConfig{MaxBodyBytes: 1 << 20, MaxUploadBytes: 2 << 20, ActionTimeout: 30 * time.Second},
		Auth:           config.AuthConfig{TokenTTL: time.Hour},
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	srv := httptest.NewUnstartedServer(nil)
	configure("http://"+srv.Listener.Addr().String(), &deps)
	h, err := gateway.New(deps)
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return &app{t: t, stack: s, srv: srv, tokens: map[string]string{}}
}

// response is a decoded JSON answer.
type response struct {
	status int
	body   map[string]any
	raw    []byte
}

func (r response) str(key string) string {
	v, _ := r.body[key].(string)
	return v
}

func (r response) num(key string) int {
	v, _ := r.body[key].(float64)
	return int(v)
}

// do sends a JSON request as a user ("" for none).
func (a *app) do(user, method, path string, body any, headers ...string) response {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, a.srv.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+a.token(user))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

// must asserts the status of a response.
func (a *app) must(r response, status int, what string) response {
	a.t.Helper()
	if r.status != status {
		a.t.Fatalf("%s: status %d, want %d: %s", what, r.status, status, r.raw)
	}
	return r
}

func (a *app) token(user string) string {
	if tok, ok := a.tokens[user]; ok {
		return tok
	}
	r := a.do("", http.MethodPost, "/api/v1/auth/login", map[string]string{"user": user, "password": "signoff"})
	if r.status != http.StatusOK {
		a.t.Fatalf("login %s: %d %s", user, r.status, r.raw)
	}
	a.tokens[user] = r.str("token")
	return a.tokens[user]
}

// login fetches tokens up front so concurrent goroutines only read the map.
func (a *app) login(users ...string) {
	for _, u := range users {
		a.token(u)
	}
}

func claimBody(purpose, category, budgetLine string, amounts ...string) map[string]any {
	var lines []map[string]any
	for i, amt := range amounts {
		lines = append(lines, map[string]any{
			"spent_on": "2026-11-02", "description": fmt.Sprintf("明细 %d", i+1), "amount": amt,
			"invoice_no": fmt.Sprintf("INV-%d", i+1),
		})
	}
	return map[string]any{"purpose": purpose, "category": category, "budget_line_id": budgetLine, "lines": lines}
}

func (a *app) act(user, id, action string, revision int, extra map[string]any) response {
	body := map[string]any{"revision": revision}
	for k, v := range extra {
		body[k] = v
	}
	return a.do(user, http.MethodPost, "/api/v1/cases/"+id+"/actions/"+action, body)
}

func payment(id string) map[string]any {
	return map[string]any{"reference": "BANK-" + id, "paid_at": time.Now().UTC().Format(time.RFC3339)}
}

// ids lists the case IDs of a list response.
func ids(r response) []string {
	items, _ := r.body["items"].([]any)
	var out []string
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m["id"].(string))
		}
	}
	return out
}
