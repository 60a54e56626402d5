package service

import (
	"context"
	"fmt"
	"slices"

	"signoff/policy"
	"signoff/store"
)

// Cases (expense claims, purchase requests, receipts and payments share one chain): who may see
// one. Seeing every case is the policy's capability cases.see_all; anyone else sees the cases they
// (or someone they stand in for) submitted, were ever on, or were copied to.

// maySeeCase reports whether u, holding grants, may see the case of v: the case's people (and
// their delegates, whose delegators v names) and whoever the policy lets see every case.
func maySeeCase(g Grants, u store.User, v store.CaseView) bool {
	if g.Has(policy.CapCasesSeeAll) || slices.Contains(v.Copies, u.ID) {
		return true
	}
	c := v.Case
	for _, who := range append([]string{u.ID}, v.Delegators...) {
		if who == c.SubmitterID || (c.State != nil && slices.Contains(c.State.Participants, who)) {
			return true
		}
	}
	return false
}

// VisibleCase reads the page of a case u may see, with the delegators in force for u, in one
// round trip. A case u may not see is ErrNotFound, so that its existence is not revealed.
func (s *Service) VisibleCase(ctx context.Context, u store.User, id string) (store.CaseView, error) {
	v, err := s.store.CaseView(ctx, id, u.ID, s.now())
	if err != nil {
		return store.CaseView{}, fmt.Errorf("case %s: %w", id, err)
	}
	g, err := s.GrantsToday(ctx, u)
	if err != nil {
		return store.CaseView{}, err
	}
	if !maySeeCase(g, u, v) {
		return store.CaseView{}, ErrNotFound
	}
	return v, nil
}
