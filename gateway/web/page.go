package web

import (
	"context"
	"net/http"
	"signoff/chain"
	"signoff/gateway/door"
	"signoff/i18n"
	"signoff/policy"
	"signoff/service"
	"signoff/store"
	"time"
)

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
	ws := door.SessionOf(r.Context())
	p := &page{Lang: ws.Lang, Title: i18n.T(ws.Lang, titleKey), CSRF: ws.CSRF, Path: r.URL.RequestURI(), ui: s.ui, loc: time.UTC}
	if doc, err := s.svc.Policy(r.Context()); err == nil {
		p.doc = doc
		if loc, err := service.LoadLocation(doc.Calendar.Timezone); err == nil {
			p.loc = loc
		}
	}
	if ws.User != nil {
		p.User = ws.User
		if g, ok := door.GrantsOf(r.Context()); ok {
			p.grants = g
		} else if g, err := s.svc.GrantsToday(r.Context(), *ws.User); err == nil {
			p.grants = g
		}
	}
	return p
}

// location is the policy calendar's timezone, in which people read times.
func (s *server) location(ctx context.Context) *time.Location {
	doc, err := s.svc.Policy(ctx)
	if err == nil {
		if loc, err := service.LoadLocation(doc.Calendar.Timezone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// langOf is the language the reader of r reads.
func langOf(r *http.Request) i18n.Lang { return door.SessionOf(r.Context()).Lang }
