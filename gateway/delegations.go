package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"signoff/service"
	"slices"
	"strings"
	"time"

	"signoff/store"
)

type delegationRequest struct {
	DelegateID string `json:"delegate_id"`
	ValidFrom  string `json:"valid_from"` // RFC 3339
	ValidTo    string `json:"valid_to"`   // RFC 3339
}

type delegationView struct {
	ID        int64     `json:"id"`
	Delegator userRef   `json:"delegator"`
	Delegate  userRef   `json:"delegate"`
	ValidFrom time.Time `json:"valid_from"`
	ValidTo   time.Time `json:"valid_to"`
}

// createDelegation lets the caller name a colleague who may act for them during a period
// (代理: no post stays empty during leave).
func (s *server) createDelegation(w http.ResponseWriter, r *http.Request) {
	var in delegationRequest
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d, err := s.delegate(ctx, userFrom(r.Context()), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

// delegate records that in.DelegateID may act for u during the period; the API and the web
// page both delegate through it.
func (s *server) delegate(ctx context.Context, u store.User, in delegationRequest) (delegationView, error) {
	bad := service.FieldErrors{}
	in.DelegateID = strings.TrimSpace(in.DelegateID)
	var delegate store.User
	switch {
	case in.DelegateID == "":
		bad.Add("delegate_id", "required")
	case in.DelegateID == u.ID:
		bad.Add("delegate_id", "not_self")
	default:
		var err error
		delegate, err = s.store.UserByID(ctx, in.DelegateID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			bad.Add("delegate_id", "inactive_user", in.DelegateID)
		case err != nil:
			return delegationView{}, fmt.Errorf("create delegation: %w", err)
		}
	}
	from, fromErr := time.Parse(time.RFC3339, in.ValidFrom)
	if fromErr != nil {
		bad.Add("valid_from", "rfc3339", "2026-11-02T09:00:00+08:00")
	}
	to, toErr := time.Parse(time.RFC3339, in.ValidTo)
	switch {
	case toErr != nil:
		bad.Add("valid_to", "rfc3339", "2026-11-09T18:00:00+08:00")
	case fromErr == nil && !to.After(from):
		bad.Add("valid_to", "after_from")
	case !to.After(s.now()):
		bad.Add("valid_to", "future")
	}
	if err := bad.Err(); err != nil {
		return delegationView{}, err
	}
	d, err := s.store.CreateDelegation(ctx, store.Delegation{DelegatorID: u.ID, DelegateID: delegate.ID, ValidFrom: from, ValidTo: to})
	if err != nil {
		return delegationView{}, fmt.Errorf("create delegation: %w", err)
	}
	return delegationView{ID: d.ID, Delegator: userRef{ID: u.ID, Name: u.Name},
		Delegate: userRef{ID: delegate.ID, Name: delegate.Name}, ValidFrom: d.ValidFrom.UTC(), ValidTo: d.ValidTo.UTC()}, nil
}

// delegationsInForce is who the caller acts for now and who acts for the caller now.
type delegationsInForce struct {
	At          time.Time `json:"at"`
	ActingFor   []userRef `json:"acting_for"`   // the caller may act for them
	DelegatedTo []userRef `json:"delegated_to"` // they may act for the caller
}

// listDelegations answers the delegations in force now, both ways.
func (s *server) listDelegations(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	now := s.now()
	actingFor, err := s.store.Delegators(ctx, u.ID, now)
	if err != nil {
		s.fail(w, r, fmt.Errorf("list delegations: %w", err))
		return
	}
	delegatedTo, err := s.store.Delegates(ctx, u.ID, now)
	if err != nil {
		s.fail(w, r, fmt.Errorf("list delegations: %w", err))
		return
	}
	names, err := s.names(ctx, append(slices.Clone(actingFor), delegatedTo...))
	if err != nil {
		s.fail(w, r, fmt.Errorf("list delegations: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, delegationsInForce{At: now.UTC(), ActingFor: names.refs(actingFor), DelegatedTo: names.refs(delegatedTo)})
}
