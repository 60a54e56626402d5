// Package web is Signoff's second door: the server-rendered pages that staff, signers, buyers,
// keepers and the production control center use, in Chinese first with an English switch. One
// file per domain; each handler reads its form, calls the service and renders. Pages hold no
// rules: which fields a form marks required, which actions a reader may take, which links they
// see are all asked of the service and the rules packages (page.go is the templates'
// vocabulary, render.go how a page or a refusal is written). Sessions, CSRF and the route guard
// are the gateway's and run before any page: a page reads its reader from door.SessionOf. The
// templates and assets are embedded (assets.go). The pages share one vocabulary (page.go), one
// template set and one form machinery (filing.go), which is why, at some 4,200 lines, they stay
// one package rather than export those to a package per domain.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/config"
	"signoff/service"
)

// queryTimeout bounds a page's reads and writes that are not part of an action.
const queryTimeout = 10 * time.Second

// Deps are what the pages need; all are required.
type Deps struct {
	Service *service.Service
	Logger  *slog.Logger
	// Gateway bounds actions (ActionTimeout) and uploads (MaxUploadBytes).
	Gateway config.GatewayConfig
}

// Site serves the pages.
type Site struct{ *server }

// server holds what the page handlers share.
type server struct {
	svc *service.Service
	log *slog.Logger
	cfg config.GatewayConfig
	now func() time.Time
	ui  *webUI
}

// New parses the templates and returns the pages over the service.
func New(d Deps) (*Site, error) {
	switch {
	case d.Service == nil:
		return nil, errors.New("web: Service is required")
	case d.Logger == nil:
		return nil, errors.New("web: Logger is required")
	case d.Gateway.ActionTimeout <= 0 || d.Gateway.MaxUploadBytes <= 0:
		return nil, errors.New("web: Gateway.ActionTimeout and MaxUploadBytes must be positive")
	}
	ui, err := loadWebUI()
	if err != nil {
		return nil, err
	}
	return &Site{&server{svc: d.Service, log: d.Logger, cfg: d.Gateway, now: d.Service.Now, ui: ui}}, nil
}

// Public mounts what a reader sees before signing in: the assets.
func (s *Site) Public(r chi.Router) {
	r.Get("/static/{name}", s.staticAsset)
}

// Pages mounts the pages of a signed-in reader; the gateway has checked the session, the form's
// CSRF token and the route's capability before any of them runs.
func (s *Site) Pages(r chi.Router) {
	r.Get("/", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/inbox", http.StatusSeeOther) })
	r.Get("/inbox", s.inboxPage)
	s.filingPages(r, "/expenses", "ui.form.title", func(action string) filing { return newExpenseForm(action) })
	r.Get("/cases", s.searchCasesPage)
	r.Get("/cases/{id}", s.casePage)
	r.Post("/cases/{id}/actions/{action}", s.caseActionSubmit)
	r.Get("/cases/{id}/voucher.pdf", s.caseVoucher)
	r.Get("/cases/{id}/archive", s.caseArchive)
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
	s.reviewPages(r)
	s.auditPages(r)
}
