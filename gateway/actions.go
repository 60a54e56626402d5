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
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"signoff/chain"
	"signoff/policy"
	"signoff/store"
	"signoff/workflows"
)

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

const maxShortText = 200 // step keys, user IDs, bank references

// act carries out a person's action on a case, then answers with the case page read back from
// Postgres, which the workflow has updated before the Update returns.
func (s *server) act(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	t := chain.ActionType(chi.URLParam(r, "action"))
	if !slices.Contains(chain.Actions, t) {
		s.fail(w, r, errNotFound)
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
	v, err := s.perform(ctx, u, chi.URLParam(r, "id"), t, in, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.detail(ctx, u, v)
	if err != nil {
		s.fail(w, r, fmt.Errorf("%s %s: %w", t, v.Case.ID, err))
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// perform carries out u's action of type t on a case as an Update of the case's workflow and
// returns the case as it stands after it. The API and the web UI both act through it.
func (s *server) perform(ctx context.Context, u store.User, caseID string, t chain.ActionType, in actionRequest, key string) (store.CaseView, error) {
	v, err := s.visibleCase(ctx, u, caseID)
	if err != nil {
		return store.CaseView{}, fmt.Errorf("%s: %w", t, err)
	}
	c, delegators := v.Case, v.Delegators
	a, err := actionOf(t, u, in)
	if err != nil {
		return store.CaseView{}, err
	}
	if a.OnBehalfOf != "" && !slices.Contains(delegators, a.OnBehalfOf) {
		return store.CaseView{}, &apiError{Status: http.StatusForbidden, Code: "forbidden",
			Message: fmt.Sprintf("You may not act on behalf of %s: no delegation to you is in force.", a.OnBehalfOf)}
	}
	if c.State == nil {
		return store.CaseView{}, errCaseNotRouted
	}
	if t == chain.ActResubmit && (in.Edits != nil || in.Request != nil) {
		// Refuse before storing an edit the workflow would refuse anyway. With an Idempotency-Key
		// this may be a retry of a resubmission that went through: then the Update below answers
		// with the first outcome (its arguments are not looked at again), so send it unedited.
		if refused := c.State.Validate(a, s.now()); refused != nil {
			if key == "" {
				return store.CaseView{}, fmt.Errorf("resubmit %s: %w", c.ID, refused)
			}
		} else if a.EditID, err = s.saveEdit(ctx, u, c, in); err != nil {
			return store.CaseView{}, fmt.Errorf("resubmit %s: %w", c.ID, err)
		}
	}
	if err := s.update(ctx, c.ID, a, key); err != nil {
		return store.CaseView{}, fmt.Errorf("%s %s: %w", t, c.ID, s.explainGone(ctx, c.ID, a, err))
	}
	// The workflow has written the case before the Update returned: read it back.
	if v, err = s.store.CaseView(ctx, c.ID, u.ID, s.now()); err != nil {
		return store.CaseView{}, fmt.Errorf("%s %s: %w", t, c.ID, err)
	}
	return v, nil
}

// actionOf checks the form of an action request and builds the chain action, the caller as its
// actor.
func actionOf(t chain.ActionType, u store.User, in actionRequest) (chain.Action, error) {
	bad := service.FieldErrors{}
	a := chain.Action{Type: t, Actor: u.ID, OnBehalfOf: strings.TrimSpace(in.OnBehalfOf), Comment: in.Comment,
		ToStep: strings.TrimSpace(in.ToStep), Target: strings.TrimSpace(in.Target), Position: in.Position,
		Reference: strings.TrimSpace(in.Reference)}
	switch {
	case in.Revision != nil && *in.Revision < 0:
		bad.Add("revision", "negative")
	case in.Revision != nil:
		a.Revision = *in.Revision
	case t != chain.ActComment && t != chain.ActNudge:
		bad.Add("revision", "revision_required")
	}
	if utf8.RuneCountInString(in.Comment) > chain.MaxCommentLen {
		bad.Add("comment", "too_long", chain.MaxCommentLen)
	}
	for name, v := range map[string]string{"to_step": a.ToStep, "target": a.Target, "reference": a.Reference, "on_behalf_of": a.OnBehalfOf} {
		if len(v) > maxShortText {
			bad.Add(name, "too_long", maxShortText)
		}
	}
	switch in.Position {
	case "", chain.PositionBefore, chain.PositionAfter, chain.PositionParallel:
	default:
		bad.Add("position", "position")
	}
	if in.PaidAt != "" {
		at, err := time.Parse(time.RFC3339, in.PaidAt)
		if err != nil {
			bad.Add("paid_at", "rfc3339", "2026-11-02T15:04:05+08:00")
		}
		a.PaidAt = at
	} else if t == chain.ActPay {
		bad.Add("paid_at", "paid_at_required")
	}
	if in.Edits != nil && t != chain.ActResubmit {
		bad.Add("edits", "edits_only_resubmit")
	}
	if in.Request != nil && t != chain.ActResubmit {
		bad.Add("request", "edits_only_resubmit")
	}
	if a.OnBehalfOf == u.ID {
		a.OnBehalfOf = ""
	}
	return a, bad.Err()
}

// saveEdit validates a resubmission's revision with the same rules as a submission, under the
// policy version the case keeps, and stores it for the workflow to apply with the resubmission
// seal: the corrected claim of an expense, the revised request of a purchase.
func (s *server) saveEdit(ctx context.Context, u store.User, c store.Case, in actionRequest) (string, error) {
	doc, err := s.policies.Version(ctx, c.PolicyVersion)
	if err != nil {
		return "", service.Internal(err)
	}
	switch {
	case c.Kind == string(policy.KindProcurement) && in.Request != nil:
		return s.savePurchaseEdit(ctx, doc, u, c, *in.Request)
	case c.Kind == string(policy.KindProcurement):
		return "", service.FieldErrors{"edits": {Key: "edits_kind", Args: []any{"request"}}}.Err()
	case in.Edits == nil:
		return "", service.FieldErrors{"request": {Key: "edits_kind", Args: []any{"edits"}}}.Err()
	}
	return s.saveClaimEdit(ctx, doc, u, c, *in.Edits)
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
	if err := s.checkUploads(ctx, u, cl.Attachments, "edits."); err != nil {
		return "", err
	}
	return s.store.SaveEdit(ctx, c.ID, store.Edit{
		Title: cl.Title, Purpose: cl.Purpose, Category: cl.Category, Lines: cl.Lines, Amount: int64(cl.Total),
		Attachments:     cl.Attachments,
		AllowOverBudget: doc.Chains[policy.Kind(c.Kind)].OverBudget == policy.OverBudgetRoute,
	})
}

// checkUploads refuses attachments of an edit that the workflow could not link when it applies
// the edit: each must be the submitter's own upload, on no case yet.
func (s *server) checkUploads(ctx context.Context, u store.User, ids []string, prefix string) error {
	if len(ids) == 0 {
		return nil
	}
	free, err := s.store.UnlinkedAttachments(ctx, u.ID, ids)
	if err != nil {
		return err
	}
	if len(free) == len(ids) {
		return nil
	}
	var missing []string
	for _, id := range ids {
		if !slices.ContainsFunc(free, func(a store.Attachment) bool { return a.ID == id }) {
			missing = append(missing, id)
		}
	}
	return service.FieldErrors{prefix + "attachments": {Key: "attachment_unavailable", Args: []any{strings.Join(missing, ", ")}}}.Err()
}

// explainGone turns "no such workflow" into what it means for the person acting: a closed
// case's workflow finishes, and Temporal then knows nothing of it, but the chain still says why
// nothing more can be done. A missing workflow of an open case is a fault of ours.
func (s *server) explainGone(ctx context.Context, caseID string, a chain.Action, err error) error {
	var gone *serviceerror.NotFound
	if !errors.As(err, &gone) {
		return err
	}
	c, rerr := s.store.Case(ctx, caseID)
	if rerr != nil || c.State == nil || !c.State.Status.Closed() {
		return service.Internal(err)
	}
	if refused := c.State.Validate(a, s.now()); refused != nil {
		return refused
	}
	return service.Internal(err)
}

// update sends the action to the case's workflow and waits for its outcome. An Idempotency-Key
// becomes the Update ID, so a retried request is answered with the first outcome instead of
// acting twice.
func (s *server) update(ctx context.Context, caseID string, a chain.Action, key string) error {
	opts := client.UpdateWorkflowOptions{
		WorkflowID:   caseID,
		UpdateName:   workflows.UpdateName(a.Type),
		Args:         []any{a},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}
	if key != "" {
		opts.UpdateID = a.Actor + "/" + string(a.Type) + "/" + key
	}
	h, err := s.temporal.UpdateWorkflow(ctx, opts)
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	var v workflows.View
	if err := h.Get(ctx, &v); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	return nil
}
