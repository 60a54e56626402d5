package gateway

import (
	"context"
	"net/http"

	"signoff/service"
)

// The delegation endpoints (代理): decode, call the service (service/delegations.go), encode.

// createDelegation lets the caller name a colleague who may act for them during a period.
func (s *server) createDelegation(w http.ResponseWriter, r *http.Request) {
	var in service.DelegationInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d, err := s.svc.Delegate(ctx, userFrom(r.Context()), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

// listDelegations answers the delegations in force now, both ways.
func (s *server) listDelegations(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d, err := s.svc.DelegationsNow(ctx, userFrom(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}
