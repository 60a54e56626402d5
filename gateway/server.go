// Package gateway is Signoff's HTTP front: the router that mounts its two doors, the JSON API
// under /api/v1 (gateway/api) and the web pages (gateway/web), and what comes before either runs:
// request IDs, the access log, body limits, bearer and cookie sessions, CSRF, the route guard
// that asks the policy for each route's capability (guards.go), health checks and the OpenAPI
// document. Both doors call the same operations (service/) and map errors the one way
// (gateway/door); nothing here holds a business rule.
package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"signoff/service"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"go.temporal.io/sdk/client"

	"signoff/actionsig"
	"signoff/config"
	"signoff/gateway/api"
	"signoff/gateway/door"
	"signoff/gateway/web"
	"signoff/store"
)

// Deps are what the gateway needs. Every field is required except Now.
type Deps struct {
	Store          *store.Store
	Policies       *store.Policies
	Temporal       client.Client
	TemporalConfig config.TemporalConfig
	Gateway        config.GatewayConfig
	Auth           config.AuthConfig
	Logger         *slog.Logger
	Now            func() time.Time // nil means time.Now
	// AutoPay starts cases for a payment connector to pay once approved (payment.mode
	// connector); otherwise a cashier records each payment.
	AutoPay bool
	// SigningKeys sign every action the gateway sends to a workflow (actions.signing_keys).
	SigningKeys *actionsig.Keyring
}

// queryTimeout bounds a handler's database reads and writes that are not part of an action.
const queryTimeout = 10 * time.Second

// server holds the dependencies the handlers share.
type server struct {
	store    *store.Store
	policies *store.Policies
	temporal client.Client
	tcfg     config.TemporalConfig
	cfg      config.GatewayConfig
	auth     config.AuthConfig
	log      *slog.Logger
	now      func() time.Time
	autoPay  bool
	svc      *service.Service // the operations both doors call
	// passwords are the password sign-in's operations (check, change, reset).
	passwords *service.Passwords
	api       *api.API   // the JSON door: handlers per domain (gateway/api)
	web       *web.Site  // the pages: handlers per domain (gateway/web)
	sso       *ssoClient // single sign-on (oidc.go); nil when auth.oidc is not set
}

// New returns the gateway's handler: the API under /api/v1, /healthz (readiness: database and
// Temporal) and /livez (liveness). It refuses missing dependencies and unusable settings.
func New(d Deps) (http.Handler, error) {
	switch {
	case d.Store == nil:
		return nil, errors.New("gateway: Store is required")
	case d.Policies == nil:
		return nil, errors.New("gateway: Policies is required")
	case d.Temporal == nil:
		return nil, errors.New("gateway: Temporal client is required")
	case d.Logger == nil:
		return nil, errors.New("gateway: Logger is required")
	case d.TemporalConfig.TaskQueue == "":
		return nil, errors.New("gateway: TemporalConfig.TaskQueue is required")
	case d.Gateway.MaxBodyBytes <= 0:
		return nil, errors.New("gateway: Gateway.MaxBodyBytes must be positive")
	case d.Gateway.ActionTimeout <= 0:
		return nil, errors.New("gateway: Gateway.ActionTimeout must be positive")
	case d.Gateway.MaxUploadBytes <= 0:
		return nil, errors.New("gateway: Gateway.MaxUploadBytes must be positive")
	case d.Auth.TokenTTL <= 0:
		return nil, errors.New("gateway: Auth.TokenTTL must be positive")
	case d.SigningKeys == nil:
		return nil, errors.New("gateway: SigningKeys is required (actions.signing_keys)")
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	svc, err := service.New(service.Deps{Store: d.Store, Policies: d.Policies, Temporal: d.Temporal,
		TemporalConfig: d.TemporalConfig, Logger: d.Logger, Now: now, AutoPay: d.AutoPay,
		PublicURL: d.Gateway.PublicURL, SigningKeys: d.SigningKeys})
	if err != nil {
		return nil, err
	}
	auth, err := authWithDefaults(d.Auth)
	if err != nil {
		return nil, err
	}
	passwords, err := service.NewPasswords(svc, service.PasswordRule{MinLength: auth.MinPasswordLength})
	if err != nil {
		return nil, err
	}
	jsonAPI, err := api.New(svc, d.Logger, d.Gateway)
	if err != nil {
		return nil, err
	}
	pages, err := web.New(web.Deps{Service: svc, Logger: d.Logger, Gateway: d.Gateway})
	if err != nil {
		return nil, err
	}
	s := &server{
		store: d.Store, policies: d.Policies, temporal: d.Temporal, tcfg: d.TemporalConfig,
		cfg: d.Gateway, auth: auth, log: d.Logger, now: now, autoPay: d.AutoPay, svc: svc, passwords: passwords,
		api: jsonAPI, web: pages, sso: newSSO(d.Auth.OIDC),
	}
	return s.routes(), nil
}

func (s *server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(strictTransport(s.cfg.HTTPS()), s.requestID, s.accessLog, s.auditTrail, s.recoverPanics, s.plainRequest)
	// The API answers in JSON, the web UI in pages.
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { s.failFor(w, r, door.ErrNotFound) })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { s.failFor(w, r, door.ErrMethodNotAllowed) })

	r.Get("/livez", s.livez)
	r.Get("/healthz", s.healthz)

	r.Route("/api/v1", func(r chi.Router) {
		// Uploads are multipart and bounded by gateway.max_upload_bytes; everything else is JSON.
		r.With(s.authenticate, s.guarded).Post("/attachments", s.api.Upload)
		r.Group(func(r chi.Router) {
			r.Use(s.limitBody, s.requireJSON)
			r.Get("/openapi.yaml", s.openAPI)
			r.Post("/auth/login", s.login)

			r.Group(func(r chi.Router) {
				r.Use(s.authenticate, s.guarded)
				r.Post("/auth/logout", s.logout)
				r.Post("/auth/password", s.changePassword)
				r.Post("/users/{id}/password-reset", s.resetPassword)
				r.Post("/users/{id}/deactivate", s.deactivateUser)
				r.Post("/users/{id}/reactivate", s.reactivateUser)
				r.Get("/me", s.me)

				s.api.Reference(r)

				s.api.Expenses(r)
				s.api.Purchases(r)
				s.api.Orders(r)

				s.api.Attachments(r)
				s.api.Lists(r)
				s.api.Cases(r)

				s.api.Delegations(r)
				s.api.Suppliers(r)
				s.api.Registry(r)
				s.api.Problems(r)
				s.api.KPI(r)
				s.api.Boards(r)
				s.api.Meetings(r)
				s.api.Reviews(r)
				s.api.Audit(r)
			})
		})
	})
	s.webRoutes(r)
	return r
}

// webRoutes mounts the web UI at the root: the assets and the sign-in before a session, the
// pages after it (gateway/web), each behind the route guard.
func (s *server) webRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.webHeaders, s.webSession)
		s.web.Public(r)
		r.Get("/lang", s.switchLang)
		r.Get("/login", s.loginPage)
		r.Post("/login", s.loginSubmit)
		r.Get("/login/sso", s.ssoStart)
		r.Get("/login/sso/callback", s.ssoCallback)

		r.Group(func(r chi.Router) {
			r.Use(s.requireWebUser, s.guarded)
			r.Post("/logout", s.logoutSubmit)
			r.Get("/password", s.passwordPage)
			r.Post("/password", s.passwordSubmit)
			r.Get("/password-reset", s.passwordResetPage)
			r.Post("/password-reset", s.passwordResetSubmit)
			r.Get("/people", s.peoplePage)
			r.Post("/people/deactivate", s.peopleDeactivate)
			r.Post("/people/reactivate", s.peopleReactivate)
			// The API's answers that pages read with the web session: the big screen's figures and
			// the assessment's spreadsheet.
			r.Get("/boards/center.json", s.api.BoardCenter)
			r.Get("/kpi/export.csv", s.api.CompletionCSV)
			r.Get("/review-results/export.csv", s.api.ReviewResultsCSV)
			s.web.Pages(r)
		})
	})
}

// failFor answers an error in the language of the path: JSON under /api/, a page elsewhere.
func (s *server) failFor(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.fail(w, r, err)
		return
	}
	s.webHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.web.ErrorPage(w, r, err) })).ServeHTTP(w, r)
}

// livez answers as long as the process serves HTTP.
func (s *server) livez(w http.ResponseWriter, r *http.Request) {
	door.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// healthResponse is the body of /healthz.
type healthResponse struct {
	Status string            `json:"status"` // ok, unavailable
	Checks map[string]string `json:"checks"`
}

// healthz reports readiness: the database answers a ping and the Temporal frontend is healthy.
// The causes of a failure are logged, not sent.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	res := healthResponse{Status: "ok", Checks: map[string]string{"database": "ok", "temporal": "ok"}}
	if err := s.store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "health: database", "error", err)
		res.Status, res.Checks["database"] = "unavailable", "unavailable"
	}
	if _, err := s.temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		s.log.WarnContext(ctx, "health: temporal", "error", err)
		res.Status, res.Checks["temporal"] = "unavailable", "unavailable"
	}
	status := http.StatusOK
	if res.Status != "ok" {
		status = http.StatusServiceUnavailable
	}
	door.WriteJSON(w, status, res)
}

// fail answers an error through door's one mapping.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) { door.Fail(w, r, s.log, err) }
