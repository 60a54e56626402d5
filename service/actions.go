package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/api/serviceerror"

	"signoff/chain"
	"signoff/policy"
	"signoff/store"
	"signoff/workflows"
)

// Actions on a case (approve, reject, return, transfer, add a signer, pay, resubmit, withdraw,
// comment, nudge). Whether an action may be taken is the chain's (State.Validate, run again by
// the case's workflow as its Update validator); here the request is checked for form, a delegate
// is checked against the delegations in force, a resubmission's corrections are stored, and the
// action is sent to the workflow, which has updated the read model before the Update returns.

// CaseActionType is the action a path names, or ErrNotFound.
func CaseActionType(name string) (chain.ActionType, error) {
	t := chain.ActionType(name)
	if !slices.Contains(chain.Actions, t) {
		return "", ErrNotFound
	}
	return t, nil
}

// MaxShortText bounds a short text as typed: a step key, a user ID, a bank reference.
const MaxShortText = 200

// ActionInput is an action on a case as a person sends it (the API's body as it is). Which fields matter depends on the
// action (chain.Form says which a form takes); the chain decides whether it may be taken.
type ActionInput struct {
	Revision   *int   `json:"revision"`
	Comment    string `json:"comment"`
	ToStep     string `json:"to_step"`
	Target     string `json:"target"`
	Position   string `json:"position"`
	Reference  string `json:"reference"`
	PaidAt     string `json:"paid_at"` // RFC 3339
	OnBehalfOf string `json:"on_behalf_of"`
	// Edits is a resubmitted expense claim's correction, Request a resubmitted purchase
	// request's revision (after a countersigner refused the contract, say); nil resubmits the
	// case as it is. Each is checked with the rules of a submission of its kind (claims.go,
	// purchase.go), under the policy version the case keeps, and stored for the workflow to
	// apply with the resubmission's seal.
	Edits   *ClaimInput    `json:"edits"`
	Request *PurchaseInput `json:"request"`
}

// Act carries out u's action of type t on a case as an Update of the case's workflow and returns
// the case as it stands after it. key, if any, makes a retry the same action: it becomes the
// Update ID, so a retried request is answered with the first outcome instead of acting twice.
func (s *Service) Act(ctx context.Context, u store.User, caseID string, t chain.ActionType, in ActionInput, key string) (store.CaseView, error) {
	v, err := s.VisibleCase(ctx, u, caseID)
	if err != nil {
		return store.CaseView{}, fmt.Errorf("%s: %w", t, err)
	}
	c, delegators := v.Case, v.Delegators
	a, err := actionOf(t, u, in)
	if err != nil {
		return store.CaseView{}, err
	}
	if a.OnBehalfOf != "" && !slices.Contains(delegators, a.OnBehalfOf) {
		return store.CaseView{}, Forbidden(fmt.Sprintf("You may not act on behalf of %s: no delegation to you is in force.", a.OnBehalfOf))
	}
	if c.State == nil {
		return store.CaseView{}, ErrCaseNotRouted
	}
	if t == chain.ActResubmit && (in.Edits != nil || in.Request != nil) {
		// Refuse before storing an edit the workflow would refuse anyway. With a key this may be
		// a retry of a resubmission that went through: then the Update below answers with the
		// first outcome (its arguments are not looked at again), so send it unedited.
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

// actionOf checks the form of an action and builds the chain action, u as its actor.
func actionOf(t chain.ActionType, u store.User, in ActionInput) (chain.Action, error) {
	bad := FieldErrors{}
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
	checkPlain(bad, "comment", in.Comment)
	if utf8.RuneCountInString(in.Comment) > chain.MaxCommentLen {
		bad.Add("comment", "too_long", chain.MaxCommentLen)
	}
	for name, v := range map[string]string{"to_step": a.ToStep, "target": a.Target, "reference": a.Reference, "on_behalf_of": a.OnBehalfOf} {
		checkPlain(bad, name, v)
		if len(v) > MaxShortText {
			bad.Add(name, "too_long", MaxShortText)
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

// saveEdit stores a resubmission's correction (editFor) and returns its ID.
func (s *Service) saveEdit(ctx context.Context, u store.User, c store.Case, in ActionInput) (string, error) {
	e, err := s.editFor(ctx, u, c, in)
	if err != nil {
		return "", err
	}
	return s.store.SaveEdit(ctx, c.ID, e)
}

// editFor checks a resubmission's correction under the policy version the case keeps and
// returns the edit to store: the corrected claim of an expense, the revised request of a
// purchase.
func (s *Service) editFor(ctx context.Context, u store.User, c store.Case, in ActionInput) (store.Edit, error) {
	doc, err := s.policies.Version(ctx, c.PolicyVersion)
	if err != nil {
		return store.Edit{}, Internal(err)
	}
	switch {
	case c.Kind == string(policy.KindProcurement) && in.Request != nil:
		return s.purchaseEdit(ctx, doc, u, c, *in.Request)
	case c.Kind == string(policy.KindProcurement):
		return store.Edit{}, FieldErrors{"edits": {Key: "edits_kind", Args: []any{"request"}}}.Err()
	case in.Edits == nil:
		return store.Edit{}, FieldErrors{"request": {Key: "edits_kind", Args: []any{"edits"}}}.Err()
	}
	return s.claimEdit(ctx, doc, u, c, *in.Edits)
}

// Resubmittable is nil when u may correct and resubmit c now (it was returned to them), else the
// conflict a correction form shows.
func (s *Service) Resubmittable(u store.User, c store.Case) error {
	if c.State == nil || c.State.Validate(chain.Action{Type: chain.ActResubmit, Actor: u.ID, Revision: c.Revision}, s.now()) != nil {
		return &Error{Kind: KindConflict, Code: string(chain.CodeNotAllowedNow),
			Message: "Only a case returned to you can be corrected and resubmitted."}
	}
	return nil
}

// explainGone turns "no such workflow" into what it means for the person acting: a closed
// case's workflow finishes, and Temporal then knows nothing of it, but the chain still says why
// nothing more can be done. A missing workflow of an open case is a fault of ours.
func (s *Service) explainGone(ctx context.Context, caseID string, a chain.Action, err error) error {
	var gone *serviceerror.NotFound
	if !errors.As(err, &gone) {
		return err
	}
	c, rerr := s.store.Case(ctx, caseID)
	if rerr != nil || c.State == nil || !c.State.Status.Closed() {
		return Internal(err)
	}
	if refused := c.State.Validate(a, s.now()); refused != nil {
		return refused
	}
	return Internal(err)
}

// update sends the action to the case's workflow and waits for its outcome.
func (s *Service) update(ctx context.Context, caseID string, a chain.Action, key string) error {
	var updateID string
	if key != "" {
		updateID = a.Actor + "/" + string(a.Type) + "/" + key
	}
	opts, err := s.actionUpdate(caseID, workflows.UpdateName(a.Type), updateID, a)
	if err != nil {
		return err
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
