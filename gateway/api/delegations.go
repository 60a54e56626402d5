package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
)

// The delegation endpoints (代理): decode, call the service (service/delegations.go), encode.

// createDelegation lets the caller name a colleague who may act for them during a period.
func (a *API) createDelegation(w http.ResponseWriter, r *http.Request) {
	var in service.DelegationInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d, err := a.svc.Delegate(ctx, door.User(r.Context()), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusCreated, d)
}

// listDelegations answers the delegations in force now, both ways.
func (a *API) listDelegations(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d, err := a.svc.DelegationsNow(ctx, door.User(r.Context()))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, d)
}

// Delegations mounts the delegation endpoints.
func (a *API) Delegations(r chi.Router) {
	r.Get("/delegations", a.listDelegations)
	r.Post("/delegations", a.createDelegation)
}
