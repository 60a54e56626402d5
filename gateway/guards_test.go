package gateway

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"golang.org/x/net/html"

	"signoff/gateway/web"
	"signoff/i18n"
	"signoff/policy"
	"signoff/service"
	"signoff/store"
)

// route is one route of the router: its method and chi pattern, as the guards table names it.
type route struct{ method, pattern string }

func (r route) key() string { return r.method + " " + r.pattern }
func (r route) api() bool   { return strings.HasPrefix(r.pattern, "/api/") }

// path fills the route's parameters with a value no case, order or problem has.
func (r route) path() string {
	return regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(r.pattern, "X-0")
}

// allRoutes walks the router (built without dependencies: routing needs none).
func allRoutes(t *testing.T) []route {
	t.Helper()
	var out []route
	err := chi.Walk((&server{web: &web.Site{}}).routes().(chi.Routes), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, route{method, pattern})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b route) int { return strings.Compare(a.key(), b.key()) })
	return out
}

// TestEveryRouteIsGuarded holds the router and the guards table to each other: every route of
// both doors says what it needs, every entry is a route, and every capability a route needs is
// one the policy knows.
func TestEveryRouteIsGuarded(t *testing.T) {
	routes := allRoutes(t)
	seen := map[string]bool{}
	for _, r := range routes {
		seen[r.key()] = true
		g, ok := guards[r.key()]
		switch {
		case !ok:
			t.Errorf("%s is not in the guards table", r.key())
		case !g.public && !g.signedIn && !slices.Contains(policy.Capabilities(), g.cap):
			t.Errorf("%s needs %q, which is not a capability", r.key(), g.cap)
		}
	}
	for k := range guards {
		if !seen[k] {
			t.Errorf("the guards table names %s, which is not a route", k)
		}
	}
	if len(routes) < 100 {
		t.Errorf("walked %d routes: the walk missed some", len(routes))
	}
}

// fingerprint is a digest of every row of every table but the sessions and the audit log, to
// prove that a refused call wrote nothing at all. The audit log records refusals by design
// (TestAuditLogRecordsWhatAnAuditorAsksAbout holds what it records).
func (h *harness) fingerprint() string {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, h.stack.URL)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
	if err != nil {
		h.t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		h.t.Fatal(err)
	}
	var b strings.Builder
	for _, table := range tables {
		if strings.Contains(table, "session") {
			continue // signing in writes a session; the calls under test come after
		}
		if table == "audit_log" {
			continue // a refusal is recorded, as it must be
		}
		var digest string
		q := fmt.Sprintf(`SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM %s t`,
			pgx.Identifier{table}.Sanitize())
		if err := conn.QueryRow(ctx, q).Scan(&digest); err != nil {
			h.t.Fatalf("fingerprint %s: %v", table, err)
		}
		b.WriteString(table + "=" + digest + "\n")
	}
	return b.String()
}

// refusedAPI calls an API route as a user and asserts the 403 capability_required refusal naming
// the capability.
func (h *harness) refusedAPI(r route, user string, c policy.Capability) {
	h.t.Helper()
	rep := h.do(call{Method: r.method, Path: r.path(), User: user, Raw: []byte(`{}`), Broken: true})
	if rep.Status != http.StatusForbidden || rep.code() != service.CodeCapabilityRequired {
		h.t.Errorf("%s as %s: %d %s, want 403 %s", r.key(), user, rep.Status, rep.code(), service.CodeCapabilityRequired)
		return
	}
	if d, _ := rep.Body["details"].(map[string]any); d["capability"] != string(c) {
		h.t.Errorf("%s as %s: refused for %v, want %s", r.key(), user, d["capability"], c)
	}
}

// refusedPage asks a page route as a signed-in browser and asserts the 403 page saying which
// permission is missing.
func (h *harness) refusedPage(r route, w *webClient, token string, c policy.Capability) {
	h.t.Helper()
	var p webPage
	if r.method == http.MethodGet {
		p = w.get(r.path())
	} else {
		p = w.post(r.path(), url.Values{"_csrf": {token}})
	}
	want := i18n.T(i18n.ZH, "capability."+string(c))
	if p.Status != http.StatusForbidden || !strings.Contains(p.Body, want) {
		h.t.Errorf("%s: %d, want 403 naming %q", r.key(), p.Status, want)
	}
}

// TestCapabilityRefusalsWriteNothing: a person the policy does not grant a route's capability is
// refused before anything runs (403 capability_required naming it), on both doors, and nothing
// is written. First as a salesman under the demo policy (who holds none of the special
// capabilities), then under a policy that withdraws every capability from everyone, as the
// general manager, who held most of them; the routes that need only a signed-in person still
// answer.
func TestCapabilityRefusalsWriteNothing(t *testing.T) {
	h := newHarness(t)
	routes := allRoutes(t)
	demo := policy.Demo()

	check := func(t *testing.T, user string, refused func(policy.Capability) bool) {
		w := h.browser()
		w.signIn(user)
		token := inputValue(w.get("/suppliers").Doc, "_csrf")
		h.token(user)
		before := h.fingerprint()
		n := 0
		for _, r := range routes {
			g := guards[r.key()]
			if g.public || g.signedIn || !refused(g.cap) {
				continue
			}
			n++
			if r.api() {
				h.refusedAPI(r, user, g.cap)
			} else {
				h.refusedPage(r, w, token, g.cap)
			}
		}
		if n == 0 {
			t.Fatal("no route was refused: the test asks nothing")
		}
		if after := h.fingerprint(); after != before {
			t.Errorf("refused calls wrote to the database:\nbefore %s\nafter  %s", before, after)
		}
		t.Logf("%d routes refused to %s", n, user)
	}

	t.Run("a salesman under the demo policy", func(t *testing.T) {
		salesman := service.Subject(mustUser(t, h, "zhang.wei"), nil)
		check(t, "zhang.wei", func(c policy.Capability) bool { return !demo.Allows(salesman, c) })
		// The fingerprint sees a write: what the salesman may do still writes.
		before := h.fingerprint()
		h.submit("zhang.wei", claimBody("12.00"))
		if h.fingerprint() == before {
			t.Error("a claim filed leaves the fingerprint as it was: it would not see a write")
		}
	})

	t.Run("every capability withdrawn", func(t *testing.T) {
		d := policy.Demo()
		d.Grants = map[policy.Capability]policy.Grant{}
		for _, c := range policy.Capabilities() {
			d.Grants[c] = policy.Grant{}
		}
		if err := d.Validate(); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, _, err := h.stack.Store.LoadPolicy(ctx, d, []byte("# every capability withdrawn\n")); err != nil {
			t.Fatal(err)
		}
		check(t, "zhao.qiang", func(policy.Capability) bool { return true })
		// The navigation offers only what the reader may open: here the supplier list, the
		// registry and changing one's password, which need no capability.
		w := h.browser()
		w.signIn("zhao.qiang")
		var links []string
		walk(w.get("/suppliers").Doc, func(n *html.Node) {
			if id, _ := attr(n, "id"); n.Data == "a" && strings.HasPrefix(id, "nav-") {
				links = append(links, id)
			}
		})
		if want := []string{"nav-suppliers", "nav-registry", "nav-password"}; !slices.Equal(links, want) {
			t.Errorf("with every capability withdrawn the navigation links %v, want %v", links, want)
		}
		// What needs only a signed-in person still answers.
		h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/me", User: "zhao.qiang"}), http.StatusOK, "")
		h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/suppliers", User: "zhao.qiang"}), http.StatusOK, "")
	})
}

// TestSignInComesBeforeTheGuard: without a session or token every route that is not public asks
// for sign-in (401 on the API, the sign-in page for pages), and the public ones answer.
func TestSignInComesBeforeTheGuard(t *testing.T) {
	h := newHarness(t)
	w := h.browser()
	for _, r := range allRoutes(t) {
		g := guards[r.key()]
		if r.api() {
			rep := h.do(call{Method: r.method, Path: r.path(), Raw: []byte(`{}`), Broken: true})
			if g.public != (rep.Status != http.StatusUnauthorized) {
				t.Errorf("%s without a token: %d (public: %v)", r.key(), rep.Status, g.public)
			}
			continue
		}
		var p webPage
		if r.method == http.MethodGet {
			p = w.get(r.path())
		} else {
			p = w.post(r.path(), url.Values{})
		}
		toLogin := p.Status == http.StatusSeeOther && strings.HasPrefix(p.Header.Get("Location"), "/login")
		// A form sent without a session is refused outright (401, or 403 for its missing CSRF
		// token): there is no page to come back to after signing in.
		refused := r.method != http.MethodGet && (p.Status == http.StatusUnauthorized || p.Status == http.StatusForbidden)
		if !g.public && !toLogin && !refused {
			t.Errorf("%s without a session: %d %s, want the sign-in page", r.key(), p.Status, p.Header.Get("Location"))
		}
		if g.public && toLogin {
			t.Errorf("%s is public but sends to the sign-in page", r.key())
		}
	}
}

func mustUser(t *testing.T, h *harness, id string) store.User {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u, err := h.stack.Store.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
