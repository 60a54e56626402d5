// Package api is Signoff's JSON door (/api/v1): one file per domain, each handler decoding the
// request, calling the service and encoding its answer, nothing else. Who may call a route is
// decided before it runs (gateway/guards.go); what a refusal looks like is door's one mapping.
package api

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"signoff/config"
	"signoff/gateway/door"
	"signoff/service"
)

// queryTimeout bounds a read.
const queryTimeout = 10 * time.Second

// API holds what the handlers call: the service and the log.
type API struct {
	svc           *service.Service
	log           *slog.Logger
	actionTimeout time.Duration // how long an action may wait for its case's workflow
	maxUpload     int64         // the largest file accepted, in bytes
}

// New returns the JSON door over the service; cfg bounds actions and uploads.
func New(svc *service.Service, log *slog.Logger, cfg config.GatewayConfig) (*API, error) {
	switch {
	case svc == nil:
		return nil, errors.New("api: service is required")
	case log == nil:
		return nil, errors.New("api: logger is required")
	case cfg.ActionTimeout <= 0:
		return nil, errors.New("api: action timeout must be positive")
	case cfg.MaxUploadBytes <= 0:
		return nil, errors.New("api: upload limit must be positive")
	}
	return &API{svc: svc, log: log, actionTimeout: cfg.ActionTimeout, maxUpload: cfg.MaxUploadBytes}, nil
}

// fail answers an error through door's one mapping.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) { door.Fail(w, r, a.log, err) }
