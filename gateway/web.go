package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"signoff/service"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/chain"
	"signoff/i18n"
	"signoff/policy"
	"signoff/store"
)

// The web UI: server-rendered pages for staff and signers, in Chinese first with an English
// switch. Pages call the same operations as the JSON API (the service: SubmitClaim, Act, …),
// so both always agree; only rendering differs. Templates and assets are embedded in the binary.

//go:embed web/templates/*.html
var templateFS embed.FS

//go:embed web/static
var staticFS embed.FS

// pageNames are the page templates, one per file of web/templates besides the layout and the
// partials (partials*.html); each is parsed with those. TestEveryTemplateIsAPage keeps the list and the files
// in step.
var pageNames = []string{
	"login", "error", "inbox", "search", "case", "delegations", // everyone's
	"expense_form", "purchase_form", // filing
	"orders", "order", "suppliers", "supplier", "supplier_new", // purchasing
	"problem_form", "problem", "problems", "role_board", "meetings", "meeting", "representatives", // production
	"boards_center", "boards_models", "boards_execution", "kpi", "kpi_problems", // the boards
}

// webUI holds the parsed templates and the fingerprinted static assets.
type webUI struct {
	pages  map[string]*template.Template
	assets map[string]asset // by file name
}

type asset struct {
	body    []byte
	hash    string // first 12 hex digits of its SHA-256: the cache-busting version
	ctype   string
	modTime time.Time
}

// loadWebUI parses every page with the layout and partials and reads the static assets.
func loadWebUI() (*webUI, error) {
	ui := &webUI{pages: map[string]*template.Template{}, assets: map[string]asset{}}
	for _, name := range pageNames {
		t, err := template.New(name).ParseFS(templateFS, "web/templates/layout.html",
			"web/templates/partials*.html", "web/templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web ui: template %s: %w", name, err)
		}
		ui.pages[name] = t
	}
	err := fs.WalkDir(staticFS, "web/static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
			".svg": "image/svg+xml"}[path.Ext(p)]
		if ctype == "" {
			ctype = http.DetectContentType(b)
		}
		ui.assets[path.Base(p)] = asset{body: b, hash: hex.EncodeToString(sum[:6]), ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web ui: assets: %w", err)
	}
	return ui, nil
}

// webRoutes mounts the web UI at the root.
func (s *server) webRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.webHeaders, s.webSession)
		r.Get("/static/{name}", s.staticAsset)
		r.Get("/lang", s.switchLang)
		r.Get("/login", s.loginPage)
		r.Post("/login", s.loginSubmit)

		r.Group(func(r chi.Router) {
			r.Use(s.requireWebUser, s.guarded)
			r.Get("/", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/inbox", http.StatusSeeOther) })
			r.Post("/logout", s.logoutSubmit)
			r.Get("/inbox", s.inboxPage)
			s.filingPages(r, "/expenses", "ui.form.title", func(action string) filing { return newExpenseForm(action) })
			r.Get("/cases", s.searchCasesPage)
			r.Get("/cases/{id}", s.casePage)
			r.Post("/cases/{id}/actions/{action}", s.caseActionSubmit)
			r.Get("/cases/{id}/resubmit", s.resubmitPage)
			r.Post("/cases/{id}/resubmit", s.resubmitSubmit)
			r.Get("/attachments/{id}", s.attachmentContent)
			r.Get("/delegations", s.delegationsPage)
			r.Post("/delegations", s.delegationSubmit)
			s.procurementMasterPages(r)
			s.procurementPages(r)
			s.registryPages(r)
			s.boardPages(r)
			s.problemPages(r)
		})
	})
}

// page is what every template renders: the reader's language and session, the page's title and
// its own data. Its methods are the templates' vocabulary: {{$.T "ui.inbox"}}, {{$.Money .Amount}}.
type page struct {
	Lang  i18n.Lang
	Title string
	User  *store.User
	CSRF  string
	Path  string // the request's path and query, for the language switch to come back to
	Flash string
	Todo  int // the nav badge: cases waiting for the reader
	// todoKnown is set when the handler counted Todo already.
	todoKnown bool
	Data      any
	ui        *webUI
	loc       *time.Location
	doc       *policy.Document // the current policy, to name categories and people
	grants    service.Grants   // what the reader may do today, for links and forms to show
}

// Can reports whether the reader holds a capability of the policy today ("orders.receive"): the
// same answer the route guard and the service give, asked to decide which links to show.
func (p *page) Can(capability string) bool { return p.grants.Has(policy.Capability(capability)) }

// T translates a catalogue key.
func (p *page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// Money writes an amount with its currency sign: ¥12,000.00.
func (p *page) Money(m policy.Money) string { return "¥" + m.String() }

// When writes a time (or a *time.Time) in the policy's timezone, to the minute.
func (p *page) When(v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x != nil {
			t = *x
		}
	}
	if t.IsZero() {
		return ""
	}
	return t.In(p.loc).Format("2006-01-02 15:04")
}

// ISO writes a time as RFC 3339 for <time datetime>.
func (p *page) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Status, Decision, Role and Action name the chain's vocabulary in the reader's language.
func (p *page) Status(s string) string           { return p.T("status." + s) }
func (p *page) Decision(d string) string         { return p.T("decision." + d) }
func (p *page) Role(r string) string             { return p.T("role." + r) }
func (p *page) Action(a chain.ActionType) string { return p.T("action." + string(a)) }

// Asset is the versioned URL of a static file.
func (p *page) Asset(name string) string {
	a, ok := p.ui.assets[name]
	if !ok {
		return "/static/" + name
	}
	return "/static/" + name + "?v=" + a.hash
}

// OtherLangs are the languages the reader may switch to.
func (p *page) OtherLangs() []i18n.Lang {
	var out []i18n.Lang
	for _, l := range i18n.Langs {
		if l != p.Lang {
			out = append(out, l)
		}
	}
	return out
}

// newPage starts the page of a request.
func (s *server) newPage(r *http.Request, titleKey string) *page {
	ws := webSessionFrom(r.Context())
	p := &page{Lang: ws.lang, Title: i18n.T(ws.lang, titleKey), CSRF: ws.csrf, Path: r.URL.RequestURI(), ui: s.ui, loc: time.UTC}
	if _, doc, err := s.policies.Latest(r.Context()); err == nil {
		p.doc = doc
		if loc, err := loadLocation(doc.Calendar.Timezone); err == nil {
			p.loc = loc
		}
	}
	if ws.user != nil {
		p.User = ws.user
		if g, ok := grantsFrom(r.Context()); ok {
			p.grants = g
		} else if g, err := s.svc.GrantsToday(r.Context(), *ws.user); err == nil {
			p.grants = g
		}
	}
	return p
}

// location is the policy calendar's timezone, in which people read times.
func (s *server) location(ctx context.Context) *time.Location {
	_, doc, err := s.policies.Latest(ctx)
	if err == nil {
		if loc, err := loadLocation(doc.Calendar.Timezone); err == nil {
			return loc
		}
	}
	return time.UTC
}

func loadLocation(name string) (*time.Location, error) { return service.LoadLocation(name) }

// render writes a page with a status. The page is rendered into a buffer first, so that a
// template failure becomes a clean 500 instead of half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	if p.User != nil && !p.todoKnown {
		if n, err := s.store.TodoCount(r.Context(), p.User.ID, countCap); err == nil {
			p.Todo = min(n, countCap)
		}
	}
	var buf bytes.Buffer
	if err := s.ui.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.ErrorContext(r.Context(), "render", "request_id", requestIDFrom(r.Context()), "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderFragment writes one named template of a page, for the form's live route preview.
func (s *server) renderFragment(w http.ResponseWriter, r *http.Request, pageName, block string, p *page) {
	var buf bytes.Buffer
	if err := s.ui.pages[pageName].ExecuteTemplate(&buf, block, p); err != nil {
		s.log.ErrorContext(r.Context(), "render", "request_id", requestIDFrom(r.Context()), "block", block, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// webError is an error as a page shows it: its status, code and a sentence in the reader's
// language, plus the field problems of an invalid input.
type webError struct {
	Status  int
	Code    string
	Message string
	Fields  map[string]string
}

// explain classifies err as the API does and says it in lang. Server faults are logged.
func (s *server) explain(r *http.Request, lang i18n.Lang, err error) webError {
	e := classify(err)
	if e.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "request_id", requestIDFrom(r.Context()), "code", e.Code, "error", err)
	} else {
		s.log.DebugContext(r.Context(), "request refused", "request_id", requestIDFrom(r.Context()), "code", e.Code, "error", err)
	}
	// The catalogue says it for people; a code it lacks keeps the API's English sentence.
	msg := e.Message
	if i18n.Has(lang, "error."+e.Code) {
		msg = i18n.T(lang, "error."+e.Code)
	}
	if c, ok := e.Details["capability"].(string); ok {
		msg = i18n.T(lang, "error."+e.Code, i18n.T(lang, "capability."+c))
	}
	out := webError{Status: e.Status, Code: e.Code, Message: msg}
	var invalid *service.ValidationError
	if errors.As(err, &invalid) {
		out.Fields = invalid.Fields.In(lang)
	}
	return out
}

// errorPage renders an error as a whole page.
func (s *server) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	p := s.newPage(r, "ui.error.title")
	e := s.explain(r, p.Lang, err)
	p.Data = e
	s.render(w, r, e.Status, "error", p)
}

// staticAsset serves an embedded asset; versioned URLs may be cached for a year.
func (s *server) staticAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := s.ui.assets[chi.URLParam(r, "name")]
	if !ok {
		s.errorPage(w, r, errNotFound)
		return
	}
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("ETag", `"`+a.hash+`"`)
	if r.URL.Query().Get("v") == a.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", a.modTime, bytes.NewReader(a.body))
}

// countCap bounds the inbox counts: past it the tab says "999+".
const countCap = 999
