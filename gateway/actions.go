package gateway

import (
	"context"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"signoff/chain"
	"signoff/policy"
	"signoff/service"
	"signoff/store"
)

// Actions on a case: decode, call the service (service/actions.go), answer with the case page.

// actionRequest is the body of an action on a case. Which fields matter depends on the action;
// the chain decides whether the action may be taken.
type actionRequest struct {
	Revision   *int        `json:"revision"`
	Comment    string      `json:"comment"`
	ToStep     string      `json:"to_step"`
	Target     string      `json:"target"`
	Position   string      `json:"position"`
	Reference  string      `json:"reference"`
	PaidAt     string      `json:"paid_at"` // RFC 3339
	OnBehalfOf string      `json:"on_behalf_of"`
	Edits      *claimInput `json:"edits"` // resubmit only: the corrected claim
	// Request is a purchase request's revision (resubmit only), e.g. after a countersigner
	// refused the contract.
	Request *purchaseInput `json:"request"`
}

// maxShortText is the service's bound on short texts, for the claim and purchase checks that
// still live here.
const maxShortText = service.MaxShortText

// input is the request as the service takes it; a resubmission's corrections are checked and
// stored by the claim and purchase code through the edits below.
func (s *server) input(in actionRequest) service.ActionInput {
	out := service.ActionInput{Revision: in.Revision, Comment: in.Comment, ToStep: in.ToStep, Target: in.Target,
		Position: in.Position, Reference: in.Reference, PaidAt: in.PaidAt, OnBehalfOf: in.OnBehalfOf}
	if in.Edits != nil {
		out.Edits = claimEdit{s: s, in: *in.Edits}
	}
	if in.Request != nil {
		out.Request = purchaseEdit{s: s, in: *in.Request}
	}
	return out
}

// claimEdit and purchaseEdit store a resubmission's correction with the rules of a submission of
// their kind.
type (
	claimEdit struct {
		s  *server
		in claimInput
	}
	purchaseEdit struct {
		s  *server
		in purchaseInput
	}
)

func (e claimEdit) Save(ctx context.Context, doc *policy.Document, u store.User, c store.Case) (string, error) {
	return e.s.saveClaimEdit(ctx, doc, u, c, e.in)
}

func (e purchaseEdit) Save(ctx context.Context, doc *policy.Document, u store.User, c store.Case) (string, error) {
	return e.s.savePurchaseEdit(ctx, doc, u, c, e.in)
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
	v, err := s.svc.Act(ctx, u, chi.URLParam(r, "id"), t, s.input(in), key)
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
	return s.svc.Act(ctx, u, caseID, t, s.input(in), key)
}

// saveClaimEdit checks and stores an expense claim's correction. The case's budget line cannot
// change.
func (s *server) saveClaimEdit(ctx context.Context, doc *policy.Document, u store.User, c store.Case, edits claimInput) (string, error) {
	if strings.TrimSpace(edits.BudgetLineID) == "" {
		edits.BudgetLineID = c.BudgetLineID
	}
	cl, err := validateClaim(edits, doc, u, "edits.")
	if err != nil {
		return "", err
	}
	if cl.BudgetLineID != c.BudgetLineID {
		return "", service.FieldErrors{"edits.budget_line_id": {Key: "budget_line_fixed"}}.Err()
	}
	if len(cl.CC) > 0 {
		return "", service.FieldErrors{"edits.cc": {Key: "cc_fixed"}}.Err()
	}
	if err := s.svc.CheckUploads(ctx, u, cl.Attachments, "edits."); err != nil {
		return "", err
	}
	return s.store.SaveEdit(ctx, c.ID, store.Edit{
		Title: cl.Title, Purpose: cl.Purpose, Category: cl.Category, Lines: cl.Lines, Amount: int64(cl.Total),
		Attachments:     cl.Attachments,
		AllowOverBudget: doc.Chains[policy.Kind(c.Kind)].OverBudget == policy.OverBudgetRoute,
	})
}

// checkUploads is the service's CheckUploads, for the purchasing handlers that still call it.
func (s *server) checkUploads(ctx context.Context, u store.User, ids []string, prefix string) error {
	return s.svc.CheckUploads(ctx, u, ids, prefix)
}
