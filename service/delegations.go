package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"signoff/store"
	"signoff/text"
)

// Delegations (代理): a person names a colleague who may act for them during a period, so that no
// post stays empty during leave. The delegate signs the principal's part of a step in their
// place (chain.ActionType.OnStep); the seal names both.

// DelegationInput is a delegation as its delegator sends it. Times are RFC 3339.
type DelegationInput struct {
	DelegateID string `json:"delegate_id"`
	ValidFrom  string `json:"valid_from"`
	ValidTo    string `json:"valid_to"`
}

// DelegationView is a delegation recorded.
type DelegationView struct {
	ID        int64     `json:"id"`
	Delegator UserRef   `json:"delegator"`
	Delegate  UserRef   `json:"delegate"`
	ValidFrom time.Time `json:"valid_from"`
	ValidTo   time.Time `json:"valid_to"`
}

// Delegate records that in.DelegateID may act for u during the period: a colleague other than u,
// for a period that ends after it starts and after now. Every problem is reported at once.
func (s *Service) Delegate(ctx context.Context, u store.User, in DelegationInput) (DelegationView, error) {
	bad := FieldErrors{}
	in.DelegateID = strings.TrimSpace(in.DelegateID)
	var delegate store.User
	switch {
	case !text.Valid(in.DelegateID):
		checkPlain(bad, "delegate_id", in.DelegateID) // refused here: the store cannot look it up
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
			return DelegationView{}, fmt.Errorf("create delegation: %w", err)
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
		return DelegationView{}, err
	}
	d, err := s.store.CreateDelegation(ctx, store.Delegation{DelegatorID: u.ID, DelegateID: delegate.ID, ValidFrom: from, ValidTo: to})
	if err != nil {
		return DelegationView{}, fmt.Errorf("create delegation: %w", err)
	}
	return DelegationView{ID: d.ID, Delegator: UserRef{ID: u.ID, Name: u.Name},
		Delegate: UserRef{ID: delegate.ID, Name: delegate.Name}, ValidFrom: d.ValidFrom.UTC(), ValidTo: d.ValidTo.UTC()}, nil
}

// DelegationsInForce is whom u acts for now and who acts for u now.
type DelegationsInForce struct {
	At          time.Time `json:"at"`
	ActingFor   []UserRef `json:"acting_for"`   // u may act for them
	DelegatedTo []UserRef `json:"delegated_to"` // they may act for u
}

// DelegationsNow reads the delegations in force now, both ways.
func (s *Service) DelegationsNow(ctx context.Context, u store.User) (DelegationsInForce, error) {
	now := s.now()
	actingFor, err := s.store.Delegators(ctx, u.ID, now)
	if err != nil {
		return DelegationsInForce{}, fmt.Errorf("list delegations: %w", err)
	}
	delegatedTo, err := s.store.Delegates(ctx, u.ID, now)
	if err != nil {
		return DelegationsInForce{}, fmt.Errorf("list delegations: %w", err)
	}
	names, err := s.names(ctx, append(slices.Clone(actingFor), delegatedTo...))
	if err != nil {
		return DelegationsInForce{}, fmt.Errorf("list delegations: %w", err)
	}
	return DelegationsInForce{At: now.UTC(), ActingFor: names.refs(actingFor), DelegatedTo: names.refs(delegatedTo)}, nil
}

// DelegationRow is one delegation of u's, current or coming: with whom, when, and whether it is
// in force now.
type DelegationRow struct {
	Who      UserRef
	From, To time.Time
	InForce  bool
}

// DelegationBook is u's delegations, current and coming: those u gave (Who is the delegate) and
// those u received (Who is the delegator, whom u signs for).
type DelegationBook struct {
	Given, Received []DelegationRow
}

// Delegations reads u's delegations current and coming, each way.
func (s *Service) Delegations(ctx context.Context, u store.User) (DelegationBook, error) {
	now := s.now()
	list, err := s.store.DelegationsOf(ctx, u.ID, now)
	if err != nil {
		return DelegationBook{}, fmt.Errorf("delegations: %w", err)
	}
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return DelegationBook{}, Internal(fmt.Errorf("delegations: %w", err))
	}
	var b DelegationBook
	for _, d := range list {
		row := DelegationRow{From: d.ValidFrom, To: d.ValidTo, InForce: !d.ValidFrom.After(now) && d.ValidTo.After(now)}
		if d.DelegatorID == u.ID {
			row.Who = UserRef{ID: d.DelegateID, Name: UserName(doc, d.DelegateID)}
			b.Given = append(b.Given, row)
		} else {
			row.Who = UserRef{ID: d.DelegatorID, Name: UserName(doc, d.DelegatorID)}
			b.Received = append(b.Received, row)
		}
	}
	return b, nil
}

// ActingFor names whom u may act for now: the delegators whose delegation to u is in force (代理).
func (s *Service) ActingFor(ctx context.Context, u store.User) ([]UserRef, error) {
	delegators, err := s.store.Delegators(ctx, u.ID, s.now())
	if err != nil {
		return nil, fmt.Errorf("acting for: %w", err)
	}
	names, err := s.names(ctx, delegators)
	if err != nil {
		return nil, fmt.Errorf("acting for: %w", err)
	}
	return names.refs(delegators), nil
}
