package gateway

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/activities"
	"signoff/config"
	"signoff/i18n"
	"signoff/testkit"
)

// testClock is the clock two gateways share, moved by the test instead of waited for.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// throttledAuth is a small throttle, so that a test reaches every limit in a few requests.
var throttledAuth = config.AuthConfig{TokenTTL: 12 * time.Hour, IdleTimeout: 30 * time.Minute,
	MaxFailures: 3, MaxAddressFailures: 8, FailureWindow: 10 * time.Minute, Lockout: 10 * time.Minute,
	MinPasswordLength: 12}

// newGatewayPair starts two gateways (two gateway.New handlers, two HTTP servers) over one
// database and one Temporal, as two replicas behind a load balancer, sharing a test clock.
func newGatewayPair(t *testing.T, auth config.AuthConfig) (a, b *harness, clock *testClock) {
	t.Helper()
	stack := testkit.NewStack(t, activities.Channels{PublicURL: "http://test"})
	clock = &testClock{now: time.Now()}
	spec := loadSpec(t)
	start := func() *harness {
		h, err := New(Deps{
			Store: stack.Store, Policies: stack.Policies, Temporal: stack.Client, SigningKeys: stack.SigningKeys,
			TemporalConfig: config.TemporalConfig{Namespace: "default", TaskQueue: stack.TaskQueue, UIURL: "http://temporal-ui.test"},
			Gateway:        config.GatewayConfig{MaxBodyBytes: testMaxBody, MaxUploadBytes: 1 << 20, ActionTimeout: 30 * time.Second},
			Auth:           auth,
			Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
			Now:            clock.Now,
		})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return &harness{t: t, stack: stack, srv: srv, spec: spec, tokens: map[string]string{}}
	}
	return start(), start(), clock
}

func login(h *harness, user, password string) reply {
	h.t.Helper()
	return h.do(call{Method: http.MethodPost, Path: "/api/v1/auth/login", Body: map[string]string{"user": user, "password": password}})
}

// auditCount counts the audit log's entries of a kind for an actor (any actor when actor is "").
func auditCount(t *testing.T, h *harness, kind, actor string, where string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, h.stack.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if where == "" {
		where = "true"
	}
	var n int
	q := `SELECT count(*) FROM audit_log WHERE kind = $1 AND ($2 = '' OR actor_id = $2) AND ` + where
	if err := conn.QueryRow(ctx, q, kind, actor).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSignInThrottleAcrossGateways: the failures one gateway sees count on the other; the
// failure that reaches the limit locks the account on both (429 sign_in_locked, Retry-After),
// the right password included, and the sign-in page says so; after the lockout the password
// works again, and a success forgets the account's failures. Every step is in the audit log.
func TestSignInThrottleAcrossGateways(t *testing.T) {
	t.Parallel()
	a, b, clock := newGatewayPair(t, throttledAuth)

	a.must(login(a, "zhang.wei", "wrong-1"), http.StatusUnauthorized, "invalid_credentials")
	b.must(login(b, "zhang.wei", "wrong-2"), http.StatusUnauthorized, "invalid_credentials")
	r := a.must(login(a, "zhang.wei", "wrong-3"), http.StatusTooManyRequests, "sign_in_locked")
	if got := r.Header.Get("Retry-After"); got != "600" {
		t.Errorf("Retry-After = %q, want 600 (the lockout)", got)
	}
	if got := r.details()["retry_after_seconds"]; got != float64(600) {
		t.Errorf("details.retry_after_seconds = %v, want 600", got)
	}

	// Locked on the other gateway too, the right password included.
	clock.advance(time.Minute)
	r = b.must(login(b, "zhang.wei", "signoff"), http.StatusTooManyRequests, "sign_in_locked")
	if got := r.Header.Get("Retry-After"); got != "540" {
		t.Errorf("Retry-After a minute later = %q, want 540", got)
	}
	// The sign-in page says it in the reader's language.
	w := b.browser()
	token := inputValue(w.get("/login").Doc, "_csrf")
	p := w.post("/login", url.Values{"_csrf": {token}, "user": {"zhang.wei"}, "password": {"signoff"}})
	if want := i18n.T(i18n.ZH, "ui.login.locked", 9); p.Status != http.StatusTooManyRequests ||
		!strings.Contains(p.Body, want) || p.Header.Get("Retry-After") != "540" {
		t.Errorf("sign-in page while locked: %d, Retry-After %q, want 429 saying %q", p.Status, p.Header.Get("Retry-After"), want)
	}

	// One account's lockout does not lock the others signing in from the same address.
	a.must(login(a, "li.na", "signoff"), http.StatusOK, "")

	// After the lockout the right password works, on either gateway.
	clock.advance(9 * time.Minute)
	a.must(login(a, "zhang.wei", "signoff"), http.StatusOK, "")

	// A success forgets the account's failures: two, a success, two more stay below the limit of 3.
	b.must(login(b, "wang.fang", "nope-1"), http.StatusUnauthorized, "invalid_credentials")
	a.must(login(a, "wang.fang", "nope-2"), http.StatusUnauthorized, "invalid_credentials")
	b.must(login(b, "wang.fang", "signoff"), http.StatusOK, "")
	a.must(login(a, "wang.fang", "nope-3"), http.StatusUnauthorized, "invalid_credentials")
	b.must(login(b, "wang.fang", "nope-4"), http.StatusUnauthorized, "invalid_credentials")

	for _, c := range []struct {
		kind, actor, where string
		want               int
	}{
		{"sign_in_failed", "zhang.wei", "", 3},
		{"sign_in_locked", "zhang.wei", "(details->>'locked_now')::boolean", 1},     // the third failure
		{"sign_in_locked", "zhang.wei", "NOT (details->>'locked_now')::boolean", 2}, // API and page while locked
		{"sign_in", "zhang.wei", "", 1},
		{"sign_in_failed", "wang.fang", "", 4},
		{"sign_in", "wang.fang", "", 1},
	} {
		if n := auditCount(t, a, c.kind, c.actor, c.where); n != c.want {
			t.Errorf("audit %s of %s (%s): %d entries, want %d", c.kind, c.actor, c.where, n, c.want)
		}
	}
}

// TestSignInThrottlePerAddress: guesses spread over many accounts from one address lock the
// address on every gateway, for every account, until the lockout ends.
func TestSignInThrottlePerAddress(t *testing.T) {
	t.Parallel()
	a, b, clock := newGatewayPair(t, throttledAuth)
	users := []string{"zhang.wei", "li.na", "wang.fang", "liu.yang", "chen.gang", "huang.lei", "xu.jing"}
	for i, u := range users { // 7 failures, one per account: below every account's limit
		h := a
		if i%2 == 1 {
			h = b
		}
		h.must(login(h, u, "guess"), http.StatusUnauthorized, "invalid_credentials")
	}
	b.must(login(b, "nobody.at.all", "guess"), http.StatusTooManyRequests, "sign_in_locked") // the 8th
	a.must(login(a, "qian.li", "signoff"), http.StatusTooManyRequests, "sign_in_locked")
	clock.advance(throttledAuth.Lockout + time.Second)
	a.must(login(a, "qian.li", "signoff"), http.StatusOK, "")
	if n := auditCount(t, a, "sign_in_locked", "nobody.at.all", "(details->>'locked_now')::boolean"); n != 1 {
		t.Errorf("the address's lockout is recorded %d times under the name typed, want 1", n)
	}
}

// TestIdleSessionTimeout: a session unused for auth.idle_timeout is over on every gateway, while
// one used within it lives on (each use restarts the idle clock), for the API and the pages.
func TestIdleSessionTimeout(t *testing.T) {
	t.Parallel()
	a, b, clock := newGatewayPair(t, throttledAuth)
	active := a.token("zhang.wei")
	idle := a.token("li.na")
	w := b.browser()
	w.signIn("wang.fang")

	for range 3 { // 3 × 20 minutes: past the 30-minute idle timeout, but used every 20
		clock.advance(20 * time.Minute)
		b.must(b.do(call{Method: http.MethodGet, Path: "/api/v1/me", Token: active}), http.StatusOK, "")
	}
	a.must(a.do(call{Method: http.MethodGet, Path: "/api/v1/me", Token: idle}), http.StatusUnauthorized, "unauthorized")
	if p := w.get("/inbox"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/login") {
		t.Errorf("idle web session: %d → %q, want the sign-in page", p.Status, p.Header.Get("Location"))
	}
	clock.advance(31 * time.Minute)
	a.must(a.do(call{Method: http.MethodGet, Path: "/api/v1/me", Token: active}), http.StatusUnauthorized, "unauthorized")
}
