package gateway

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/net/html"

	"signoff/config"
	"signoff/i18n"
)

// Web UI tests over real HTTP: sign-in, CSRF, escaping, labels, the form without JavaScript and
// the language switch. The browser tests (e2e/browser_test.go) drive the same pages in Chromium.

// webClient is one person's browser: a cookie jar and no automatic redirects.
type webClient struct {
	t   *testing.T
	h   *harness
	c   *http.Client
	jar *cookiejar.Jar
}

func (h *harness) browser() *webClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return &webClient{t: h.t, h: h, jar: jar, c: &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is a fetched page.
type webPage struct {
	Status int
	Header http.Header
	Body   string
	Doc    *html.Node
}

func (w *webClient) send(req *http.Request) webPage {
	w.t.Helper()
	resp, err := w.c.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	p := webPage{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		if p.Doc, err = html.Parse(strings.NewReader(p.Body)); err != nil {
			w.t.Fatalf("parse %s: %v", req.URL.Path, err)
		}
	}
	return p
}

// localInput is how an <input type="datetime-local"> sends a time.
const localInput = "2006-01-02T15:04"

func (w *webClient) get(path string) webPage {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.h.srv.URL+path, nil)
	return w.send(req)
}

func (w *webClient) post(path string, form url.Values) webPage {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return w.send(req)
}

// signIn signs in through the form, as a browser does.
func (w *webClient) signIn(user string) {
	w.t.Helper()
	login := w.get("/login")
	token := inputValue(login.Doc, "_csrf")
	p := w.post("/login", url.Values{"_csrf": {token}, "user": {user}, "password": {"signoff"}, "next": {"/inbox"}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/inbox" {
		w.t.Fatalf("sign in %s: %d %s", user, p.Status, p.Header.Get("Location"))
	}
}

// csrf reads the session's CSRF token from a page's forms.
func (w *webClient) csrf() string {
	w.t.Helper()
	return inputValue(w.get("/inbox").Doc, "_csrf")
}

// walk calls f on every element.
func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

// inputValue is the value of the first input with the name.
func inputValue(doc *html.Node, name string) string {
	var v string
	found := false
	walk(doc, func(n *html.Node) {
		if n.Data == "input" && !found {
			if nm, _ := attr(n, "name"); nm == name {
				v, _ = attr(n, "value")
				found = true
			}
		}
	})
	return v
}

// byID finds an element by its id.
func byID(doc *html.Node, id string) *html.Node {
	var out *html.Node
	walk(doc, func(n *html.Node) {
		if v, _ := attr(n, "id"); v == id && out == nil {
			out = n
		}
	})
	return out
}

func textOf(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestWebSignIn(t *testing.T) {
	h := newHarness(t)
	w := h.browser()

	p := w.get("/inbox")
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/login?next=%2Finbox" {
		t.Fatalf("signed-out inbox: %d → %q, want the sign-in page", p.Status, p.Header.Get("Location"))
	}
	login := w.get("/login?next=/cases/EXP-1")
	token := inputValue(login.Doc, "_csrf")
	if login.Status != 200 || token == "" || inputValue(login.Doc, "next") != "/cases/EXP-1" {
		t.Fatalf("sign-in page: %d, token %q", login.Status, token)
	}

	// A post without the form's token (another site's form) is refused.
	p = w.post("/login", url.Values{"user": {"zhang.wei"}, "password": {"signoff"}})
	if p.Status != http.StatusForbidden || !strings.Contains(p.Body, i18n.T(i18n.ZH, "error.csrf")) {
		t.Errorf("sign-in without token: %d", p.Status)
	}
	token = inputValue(p.Doc, "_csrf")
	// A wrong password says so and keeps the user name.
	p = w.post("/login", url.Values{"_csrf": {token}, "user": {"zhang.wei"}, "password": {"wrong"}})
	if p.Status != http.StatusUnauthorized || !strings.Contains(p.Body, i18n.T(i18n.ZH, "error.invalid_credentials")) ||
		inputValue(p.Doc, "user") != "zhang.wei" {
		t.Errorf("wrong password: %d", p.Status)
	}
	// An address elsewhere is not followed after signing in.
	token = inputValue(p.Doc, "_csrf")
	p = w.post("/login", url.Values{"_csrf": {token}, "user": {"zhang.wei"}, "password": {"signoff"}, "next": {"//evil.example/x"}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/inbox" {
		t.Fatalf("sign in: %d → %q, want /inbox", p.Status, p.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, c := range p.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, sessionCookie+"=") {
			parsed, err := http.ParseSetCookie(c)
			if err != nil {
				t.Fatal(err)
			}
			session = parsed
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure || session.Path != "/" {
		t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, not Secure on plain HTTP", session)
	}
	inbox := w.get("/inbox")
	if inbox.Status != 200 || !strings.Contains(inbox.Body, "张伟") {
		t.Fatalf("inbox after sign-in: %d", inbox.Status)
	}

	// Signing out needs the token too, and ends the session for the API as well.
	if p := w.post("/logout", url.Values{}); p.Status != http.StatusForbidden {
		t.Errorf("sign out without token: %d", p.Status)
	}
	if p := w.post("/logout", url.Values{"_csrf": {inputValue(inbox.Doc, "_csrf")}}); p.Status != http.StatusSeeOther {
		t.Errorf("sign out: %d", p.Status)
	}
	if p := w.get("/inbox"); p.Status != http.StatusSeeOther {
		t.Errorf("inbox after signing out: %d", p.Status)
	}
	h.must(h.do(call{Method: "GET", Path: "/api/v1/me", Token: session.Value}), http.StatusUnauthorized, "unauthorized")
}

func TestWebCookieSecure(t *testing.T) {
	s := &server{cfg: config.GatewayConfig{}}
	plain := httptest.NewRequest("GET", "http://x/", nil)
	tls := httptest.NewRequest("GET", "https://x/", nil)
	if s.cookie(plain, "a", "b", 1).Secure || !s.cookie(tls, "a", "b", 1).Secure {
		t.Error("cookies must be Secure exactly when the request came over TLS")
	}
	s.cfg.SecureCookies = true
	if !s.cookie(plain, "a", "b", 1).Secure {
		t.Error("gateway.secure_cookies must make cookies Secure behind a TLS proxy")
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/cases/EXP-1?x=1": "/cases/EXP-1?x=1", "": "/inbox", "https://evil.example": "/inbox",
		"//evil.example": "/inbox", "/\\evil.example": "/inbox", "inbox": "/inbox", "/a\r\nSet-Cookie: x": "/inbox",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every form post needs the session's CSRF token; without it nothing happens.
func TestWebCSRF(t *testing.T) {
	h := newHarness(t)
	c := h.submit("zhang.wei", claimBody("120.00"))
	id := c.str("id")
	w := h.browser()
	w.signIn("li.na")
	token := w.csrf()

	for _, tok := range []string{"", "forged", strings.Repeat("x", len(token))} {
		p := w.post("/cases/"+id+"/actions/approve", url.Values{"_csrf": {tok}, "revision": {"0"}})
		if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "error.csrf") && !strings.Contains(p.Body, i18n.T(i18n.ZH, "error.csrf")) {
			t.Errorf("approve with token %q: %d", tok, p.Status)
		}
	}
	after := h.must(h.do(call{Method: "GET", Path: "/api/v1/cases/" + id, User: "li.na"}), 200, "")
	if after.str("current_step") != "witness" || len(after.Body["seals"].([]any)) != 1 {
		t.Fatalf("a refused post changed the case: %s", after.Raw)
	}
	p := w.post("/cases/"+id+"/actions/approve", url.Values{"_csrf": {token}, "revision": {"0"}, "comment": {"属实"}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/cases/"+id+"?done=approve" {
		t.Fatalf("approve with the token: %d %q", p.Status, p.Header.Get("Location"))
	}
	// Another user's token is not this session's.
	other := h.browser()
	other.signIn("liu.yang")
	if p := other.post("/cases/"+id+"/actions/comment", url.Values{"_csrf": {token}, "comment": {"x"}}); p.Status != http.StatusForbidden {
		t.Errorf("a token of another session was accepted: %d", p.Status)
	}
}

// Every visible input, select and textarea of every page has a label; the page says its language.
func TestWebPagesAreLabelled(t *testing.T) {
	h := newHarness(t)
	c := h.submit("zhang.wei", claimBody("120.00", "80.00"))
	w := h.browser()
	w.signIn("li.na")
	pages := map[string]webPage{"inbox": w.get("/inbox"), "case": w.get("/cases/" + c.str("id")),
		"form": w.get("/expenses/new"), "done": w.get("/inbox?tab=done"), "search": w.get("/cases"),
		"delegations": w.get("/delegations")}
	anon := h.browser()
	pages["login"] = anon.get("/login")
	for name, p := range pages {
		if p.Status != 200 {
			t.Fatalf("%s: %d", name, p.Status)
		}
		labels := map[string]bool{}
		walk(p.Doc, func(n *html.Node) {
			if n.Data == "label" {
				if f, ok := attr(n, "for"); ok {
					labels[f] = true
				}
			}
		})
		walk(p.Doc, func(n *html.Node) {
			if !slices.Contains([]string{"input", "select", "textarea"}, n.Data) {
				return
			}
			if typ, _ := attr(n, "type"); typ == "hidden" {
				return
			}
			id, _ := attr(n, "id")
			if _, aria := attr(n, "aria-label"); !labels[id] && !aria {
				name, _ := attr(n, "name")
				t.Errorf("%s: %s %q (id %q) has no label", name, n.Data, name, id)
			}
		})
		if lang, _ := attr(p.Doc.FirstChild.NextSibling, "lang"); lang != "zh-CN" {
			t.Errorf("%s: <html lang=%q>, want zh-CN", name, lang)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"} {
			if p.Header.Get(h) == "" {
				t.Errorf("%s: no %s header", name, h)
			}
		}
	}
	// The signer is offered exactly what the chain allows now, each with its reason where needed.
	cp := pages["case"]
	for _, id := range []string{"act-approve-button", "act-return-open", "act-reject-open", "act-add_signer-open", "act-comment-open"} {
		if byID(cp.Doc, id) == nil {
			t.Errorf("case page for the witness lacks %s", id)
		}
	}
	// Both sales witnesses are on the step, and no witness of another department may take it.
	for _, id := range []string{"act-transfer-open", "act-pay-open", "act-withdraw-open", "act-edit-resubmit"} {
		if byID(cp.Doc, id) != nil {
			t.Errorf("case page for the witness offers %s", id)
		}
	}
	if req, _ := attr(byID(cp.Doc, "act-reject-comment"), "aria-required"); req != "true" {
		t.Error("the reject form does not ask for a reason")
	}
}

// Whatever people type is shown as text, on every page it appears.
func TestWebEscapesUserText(t *testing.T) {
	h := newHarness(t)
	const payload = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	body := claimBody("66.00")
	body["purpose"] = "用途" + payload
	body["title"] = "标题" + payload
	body["lines"].([]any)[0].(map[string]any)["description"] = payload
	c := h.submit("zhang.wei", body)
	id := c.str("id")
	h.must(h.do(call{Method: "POST", Path: "/api/v1/cases/" + id + "/actions/comment", User: "li.na",
		Body: map[string]any{"comment": payload}}), 200, "")
	w := h.browser()
	w.signIn("zhang.wei")
	for _, path := range []string{"/cases/" + id, "/inbox?tab=submitted"} {
		p := w.get(path)
		if strings.Contains(p.Body, "<script>alert") || strings.Contains(p.Body, "<img src=x") {
			t.Errorf("%s renders typed markup as markup", path)
		}
		if !strings.Contains(p.Body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Errorf("%s does not show the typed markup as text", path)
		}
	}
}

// The form works without JavaScript: lines are added and removed and the route previewed by
// posting the form back, and a submission with mistakes comes back with everything typed.
func TestWebFormWithoutJavaScript(t *testing.T) {
	h := newHarness(t)
	w := h.browser()
	w.signIn("zhang.wei")
	form := w.get("/expenses/new")
	base := url.Values{"_csrf": {inputValue(form.Doc, "_csrf")}, "key": {inputValue(form.Doc, "key")},
		"purpose": {"拜访客户"}, "category": {"travel"}, "budget_line_id": {"2026-sales-travel"},
		"line_spent_on": {"2026-11-02", ""}, "line_description": {"高铁", "酒店"}, "line_amount": {"1,200.00", "6000"},
		"line_invoice_no": {"INV-1", ""}}
	with := func(k, v string) url.Values {
		out := url.Values{}
		for kk, vv := range base {
			out[kk] = slices.Clone(vv)
		}
		out.Set(k, v)
		return out
	}

	p := w.post("/expenses/new", with("intent", "add_line"))
	if n := strings.Count(p.Body, `name="line_amount"`); p.Status != 200 || n != 4 { // 3 lines + the template row
		t.Errorf("add a line: %d, %d amount inputs", p.Status, n)
	}
	p = w.post("/expenses/new", with("intent", "remove_line:0"))
	if v := inputValue(p.Doc, "line_description"); v != "酒店" {
		t.Errorf("after removing line 0 the first line is %q", v)
	}
	p = w.post("/expenses/new", with("intent", "preview"))
	route := textOf(byID(p.Doc, "route-steps"))
	for _, who := range []string{"李娜", "孙敏", "钱丽", "吴霞"} { // 7,200.00 needs the finance director
		if !strings.Contains(route, who) {
			t.Errorf("preview of 7,200.00 = %q, lacks %s", route, who)
		}
	}
	if got := textOf(byID(p.Doc, "total")); got != "¥7,200.00" {
		t.Errorf("total = %q", got)
	}

	bad := with("purpose", "")
	bad.Set("line_amount", "abc")
	p = w.post("/expenses/new", bad)
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a claim with mistakes: %d", p.Status)
	}
	if got := textOf(byID(p.Doc, "purpose-error")); got != i18n.T(i18n.ZH, "problem.purpose_required") {
		t.Errorf("purpose error = %q", got)
	}
	if inputValue(p.Doc, "line_description") != "高铁" || inputValue(p.Doc, "line_invoice_no") != "INV-1" ||
		inputValue(p.Doc, "key") != base.Get("key") {
		t.Error("typed input was lost on an error")
	}
	if !strings.Contains(p.Body, `<option value="travel" selected>`) {
		t.Error("the chosen category was lost on an error")
	}
	h.must(h.do(call{Method: "GET", Path: "/api/v1/cases?scope=submitted", User: "zhang.wei"}), 200, "")
	if list := h.do(call{Method: "GET", Path: "/api/v1/cases?scope=submitted", User: "zhang.wei"}); len(list.ids("items")) != 0 {
		t.Fatalf("a refused form wrote a case: %s", list.Raw)
	}

	// The same form sent twice (a double click, a retry) files one claim.
	first := w.post("/expenses/new", with("intent", "submit"))
	second := w.post("/expenses/new", with("intent", "submit"))
	if first.Status != http.StatusSeeOther || second.Header.Get("Location") != first.Header.Get("Location") {
		t.Fatalf("double submit: %d %q then %d %q", first.Status, first.Header.Get("Location"), second.Status, second.Header.Get("Location"))
	}
	if list := h.do(call{Method: "GET", Path: "/api/v1/cases?scope=submitted", User: "zhang.wei"}); len(list.ids("items")) != 1 {
		t.Fatalf("double submit filed %d claims", len(list.ids("items")))
	}
}

// The inbox shows the tabs with counts, overdue cases first and marked.
func TestWebInbox(t *testing.T) {
	h := newHarness(t)
	old := h.submit("zhang.wei", claimBody("10.00")).str("id")
	fresh := h.submit("zhang.wei", claimBody("20.00")).str("id")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, h.stack.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// The workflow marks a case overdue when its step's deadline passes; mark one in the read
	// model directly, as that is all the inbox reads.
	if _, err := conn.Exec(ctx, `UPDATE cases SET overdue = true WHERE id = $1`, old); err != nil {
		t.Fatal(err)
	}
	w := h.browser()
	w.signIn("li.na")
	p := w.get("/inbox")
	var rows []string
	var overdue []bool
	walk(byID(p.Doc, "case-list"), func(n *html.Node) {
		if n.Data == "li" {
			cls, _ := attr(n, "class")
			overdue = append(overdue, strings.Contains(cls, "is-overdue"))
			rows = append(rows, textOf(n))
		}
	})
	if len(rows) != 2 || !strings.Contains(rows[0], old) || !overdue[0] || overdue[1] || !strings.Contains(rows[1], fresh) {
		t.Errorf("inbox rows = %q (overdue %v), want the overdue %s first and marked", rows, overdue, old)
	}
	if got := textOf(byID(p.Doc, "tab-todo")); !strings.Contains(got, "2") || !strings.Contains(got, "1 件超时") {
		t.Errorf("to-do tab = %q", got)
	}
	for _, tab := range []string{"done", "submitted", "copied"} {
		if byID(p.Doc, "tab-"+tab) == nil {
			t.Errorf("no %s tab", tab)
		}
	}
	if p := w.get("/inbox?tab=nonsense"); p.Status != http.StatusNotFound {
		t.Errorf("unknown tab: %d", p.Status)
	}
	if p := w.get("/inbox?tab=todo&cursor=nonsense"); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad cursor: %d", p.Status)
	}
}

func TestWebLanguageSwitch(t *testing.T) {
	h := newHarness(t)
	w := h.browser()
	w.signIn("zhang.wei")
	p := w.get("/lang?to=en&next=/expenses/new")
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/expenses/new" {
		t.Fatalf("switch: %d %q", p.Status, p.Header.Get("Location"))
	}
	form := w.get("/expenses/new")
	if lang, _ := attr(form.Doc.FirstChild.NextSibling, "lang"); lang != "en" || !strings.Contains(form.Body, "New reimbursement claim") {
		t.Errorf("after switching: lang %q", lang)
	}
	if p := w.get("/lang?to=en&next=https://evil.example"); p.Header.Get("Location") != "/inbox" {
		t.Errorf("switch follows an address elsewhere: %q", p.Header.Get("Location"))
	}
	if p := w.get("/lang?to=klingon&next=/inbox"); p.Status != http.StatusSeeOther {
		t.Errorf("unknown language: %d", p.Status)
	}
	if lang, _ := attr(w.get("/inbox").Doc.FirstChild.NextSibling, "lang"); lang != "zh-CN" {
		t.Errorf("an unknown language falls back to %q, want zh-CN", lang)
	}
}

// The route's reasons are said in the reader's language on the page, and in English by the API;
// only the names, which are the policy's data, stay as they are.
func TestRouteReasonsInTheReadersLanguage(t *testing.T) {
	h := newHarness(t)
	c := h.must(h.submit("zhang.wei", claimBody("12000.00")), http.StatusCreated, "")
	band, _ := c.Body["band"].(map[string]any)
	if r, _ := band["reason"].(string); !strings.HasPrefix(r, "the amount 12,000.00 falls in the default authority's band") {
		t.Errorf("API band reason = %q, want English", r)
	}
	w := h.browser()
	w.signIn("zhang.wei")
	zh := w.get("/cases/" + c.str("id"))
	if !strings.Contains(zh.Body, "金额 12,000.00 属于默认审批权限 (5,000.00, 50,000.00] 档，审批层级：部门负责人、财务总监") {
		t.Errorf("the zh-CN case page does not give the band's reason in Chinese")
	}
	w.get("/lang?to=en&next=/inbox")
	en := w.get("/cases/" + c.str("id"))
	if !strings.Contains(en.Body, "the amount 12,000.00 falls in the default authority&#39;s band (5,000.00, 50,000.00], signed at the levels 部门负责人, 财务总监") {
		t.Errorf("the English case page does not give the band's reason in English")
	}
}

// Pages that do not exist are pages, not JSON; the API's are JSON.
func TestWebNotFound(t *testing.T) {
	h := newHarness(t)
	w := h.browser()
	w.signIn("huang.lei")
	c := h.submit("zhang.wei", claimBody("30.00"))
	for _, path := range []string{"/no/such/page", "/cases/" + c.str("id"), "/cases/EXP-2099-999999", "/attachments/att_nope"} {
		p := w.get(path)
		if p.Status != http.StatusNotFound || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s, want a 404 page (someone else's case is not found either)", path, p.Status, p.Header.Get("Content-Type"))
		}
	}
	h.must(h.do(call{Method: "GET", Path: "/api/v1/nope", User: "huang.lei", Broken: true}), http.StatusNotFound, "not_found")
}

// A signer names a stand-in for a period; the stand-in finds the signer's cases in their inbox
// and signs on the signer's behalf, and the seal says so.
func TestWebDelegation(t *testing.T) {
	h := newHarness(t)
	id := h.submit("zhang.wei", claimBody("88.00")).str("id")
	li := h.browser()
	li.signIn("li.na")
	page := li.get("/delegations")
	token := inputValue(page.Doc, "_csrf")
	if byID(page.Doc, "delegate_id") == nil || inputValue(page.Doc, "valid_from") == "" {
		t.Fatal("the delegation page has no form")
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Now().In(loc)
	// Mistakes come back next to their fields with what was typed.
	bad := li.post("/delegations", url.Values{"_csrf": {token}, "delegate_id": {"huang.lei"},
		"valid_from": {now.Format(localInput)}, "valid_to": {now.Add(-time.Hour).Format(localInput)}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, i18n.T(i18n.ZH, "problem.after_from")) ||
		!strings.Contains(bad.Body, `<option value="huang.lei" selected>`) {
		t.Fatalf("a period ending before it starts: %d", bad.Status)
	}
	ok := li.post("/delegations", url.Values{"_csrf": {token}, "delegate_id": {"huang.lei"},
		"valid_from": {now.Add(-time.Minute).Format(localInput)}, "valid_to": {now.Add(72 * time.Hour).Format(localInput)}})
	if ok.Status != http.StatusSeeOther {
		t.Fatalf("delegate: %d %s", ok.Status, ok.Body)
	}
	if given := textOf(byID(li.get("/delegations?done=1").Doc, "given")); !strings.Contains(given, "黄磊") || !strings.Contains(given, "生效中") {
		t.Errorf("li.na's stand-ins = %q", given)
	}

	hl := h.browser()
	hl.signIn("huang.lei")
	inbox := hl.get("/inbox")
	if !strings.Contains(inbox.Body, `href="/cases/`+id+`"`) || !strings.Contains(inbox.Body, "代 李娜") {
		t.Fatalf("the stand-in's inbox (%d) does not list %s for 李娜: %s", inbox.Status, id, inbox.Body)
	}
	casePage := hl.get("/cases/" + id)
	if byID(casePage.Doc, "act-li_na-approve-button") == nil {
		t.Fatal("the stand-in is not offered to approve for 李娜")
	}
	p := hl.post("/cases/"+id+"/actions/approve", url.Values{"_csrf": {inputValue(casePage.Doc, "_csrf")},
		"revision": {"0"}, "on_behalf_of": {"li.na"}, "key": {"k1"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("approve on behalf: %d", p.Status)
	}
	timeline := textOf(byID(hl.get("/cases/"+id).Doc, "timeline"))
	if !strings.Contains(timeline, "黄磊") || !strings.Contains(timeline, "代 李娜") {
		t.Errorf("timeline = %q, want 黄磊's seal for 李娜", timeline)
	}
}

// The finance roles search every case; others search the cases they were on. Filters are a link.
func TestWebSearch(t *testing.T) {
	h := newHarness(t)
	sales := h.submit("zhang.wei", claimBody("70.00")).str("id")
	eng := h.submit("huang.lei", map[string]any{"purpose": "Go 培训", "category": "training",
		"budget_line_id": "2026-eng-training", "lines": []any{map[string]any{"description": "报名费", "amount": "900.00"}}}).str("id")

	reviewer := h.browser()
	reviewer.signIn("sun.min")
	p := reviewer.get("/cases?department=engineering&status=in_progress")
	list := textOf(byID(p.Doc, "case-list"))
	if p.Status != 200 || !strings.Contains(list, eng) || strings.Contains(list, sales) {
		t.Errorf("reviewer's engineering search (%d) = %q", p.Status, list)
	}
	if !strings.Contains(p.Body, `<option value="engineering" selected>`) {
		t.Error("the search form forgot the chosen department")
	}
	if all := textOf(byID(reviewer.get("/cases").Doc, "case-list")); !strings.Contains(all, eng) || !strings.Contains(all, sales) {
		t.Errorf("reviewer's unfiltered search = %q, want both cases", all)
	}

	staff := h.browser()
	staff.signIn("zhang.wei")
	mine := textOf(byID(staff.get("/cases?scope=all").Doc, "case-list"))
	if !strings.Contains(mine, sales) || strings.Contains(mine, eng) {
		t.Errorf("staff search = %q, want only their own case", mine)
	}
	bad := staff.get("/cases?from=2026-13-01")
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, i18n.T(i18n.ZH, "problem.date")) {
		t.Errorf("a bad date: %d", bad.Status)
	}
}
