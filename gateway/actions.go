package gateway

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/chain"
	"signoff/service"
	"signoff/store"
)

// Actions on a case: decode, call the service (service/actions.go), answer with the case page.

// actionRequest is the body of an action on a case. Which fields matter depends on the action;
// the chain decides whether the action may be taken.
type actionRequest struct {
	Revision   *int                `json:"revision"`
	Comment    string              `json:"comment"`
	ToStep     string              `json:"to_step"`
	Target     string              `json:"target"`
	Position   string              `json:"position"`
	Reference  string              `json:"reference"`
	PaidAt     string              `json:"paid_at"` // RFC 3339
	OnBehalfOf string              `json:"on_behalf_of"`
	Edits      *service.ClaimInput `json:"edits"` // resubmit only: the corrected claim
	// Request is a purchase request's revision (resubmit only), e.g. after a countersigner
	// refused the contract.
	Request *service.PurchaseInput `json:"request"`
}

// input is the request as the service takes it.
func (in actionRequest) input() service.ActionInput {
	return service.ActionInput{Revision: in.Revision, Comment: in.Comment, ToStep: in.ToStep, Target: in.Target,
		Position: in.Position, Reference: in.Reference, PaidAt: in.PaidAt, OnBehalfOf: in.OnBehalfOf,
		Edits: in.Edits, Request: in.Request}
}

// act carries out a person's action on a case, then answers with the case page read back from
// Postgres, which the workflow has updated before the Update returns.
func (s *server) act(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	t, err := service.CaseActionType(chi.URLParam(r, "action"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in actionRequest
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	v, err := s.svc.Act(ctx, u, chi.URLParam(r, "id"), t, in.input(), key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.detail(ctx, u, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// perform is the service's Act on a decoded request, for the pages and the handlers of other
// domains (a keeper's seal on a receipt) that act on a case.
func (s *server) perform(ctx context.Context, u store.User, caseID string, t chain.ActionType, in actionRequest, key string) (store.CaseView, error) {
	return s.svc.Act(ctx, u, caseID, t, in.input(), key)
}
