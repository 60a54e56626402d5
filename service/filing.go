package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/client"

	"signoff/policy"
	"signoff/store"
	"signoff/workflows"
)

// Filing a case, whatever its kind: the case is written once (numbered, its amount reserved on
// its budget line, its attachments and copies linked) and its workflow started, returning once
// the workflow has routed it. A retry is the same filing: the store keys a submission by the
// client's idempotency key and refuses the key for a different request, told apart by the
// request's fingerprint; the workflow is started under the business number and submitted under
// an update ID derived from it, so a retry neither starts a second workflow nor submits twice.
// Expense claims (claims.go) and purchase requests (purchase.go) are filed through here.

// newCase is the case a validated header of kind makes, of total, filed by u under a policy
// version; the kind adds its number, its lines or purchase, and its idempotency key.
func newCase(kind policy.Kind, doc *policy.Document, version int, u store.User, h header, total policy.Money) store.NewCase {
	return store.NewCase{Kind: string(kind), Title: h.Title, Purpose: h.Purpose, Category: h.Category,
		DepartmentID: u.DepartmentID, BudgetLineID: h.BudgetLineID, Amount: int64(total), Currency: doc.Currency,
		SubmitterID: u.ID, PolicyVersion: version, Attachments: h.Attachments, CC: h.CC,
		AllowOverBudget: doc.RoutesOverBudget(kind)}
}

// fileCase checks that doc can route a validated case, writes it and starts its workflow,
// returning once the workflow has routed and recorded it. created is false when the
// idempotency key named an earlier submission.
func (s *Service) fileCase(ctx context.Context, doc *policy.Document, n store.NewCase) (store.Case, bool, error) {
	route, err := doc.Route(policy.Facts{Kind: policy.Kind(n.Kind), Category: n.Category, Amount: policy.Money(n.Amount),
		Submitter: n.SubmitterID, Department: n.DepartmentID})
	if err != nil {
		return store.Case{}, false, &NoRouteError{Err: err}
	}
	c, created, err := s.store.CreateCase(ctx, n)
	var attach *store.AttachmentError
	switch {
	case errors.As(err, &attach):
		return store.Case{}, false, FieldErrors{"attachments": {Key: "attachment_unavailable", Args: []any{strings.Join(attach.IDs, ", ")}}}.Err()
	case err != nil:
		return store.Case{}, false, fmt.Errorf("submit %s: %w", n.Kind, err)
	}
	// "submitted" means no workflow has routed the case yet: a new case, or a retry whose
	// first try wrote the case but failed to start its workflow.
	if c.Status == StatusSubmitted {
		if err := s.startCase(ctx, c, route); err != nil {
			return store.Case{}, false, fmt.Errorf("submit %s: %w", c.ID, err)
		}
	}
	return c, created, nil
}

// startCase starts the case's workflow, or finds it running, and waits for the submission to be
// routed and recorded.
func (s *Service) startCase(ctx context.Context, c store.Case, route policy.Route) error {
	cs := workflows.CaseStart{CaseID: c.ID, Kind: policy.Kind(c.Kind), Title: c.Title, Submitter: c.SubmitterID,
		Department: c.DepartmentID, Amount: c.Amount, Route: route, AutoPay: s.autoPay}
	start := s.temporal.NewWithStartWorkflowOperation(workflows.StartOptions(cs, s.tcfg.TaskQueue),
		workflows.WorkflowFor(cs.Kind), cs.Input())
	h, err := s.temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateName:   workflows.UpdateSubmit,
			UpdateID:     c.ID + "/submit",
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err != nil {
		return fmt.Errorf("start workflow: %w", err)
	}
	var v workflows.View
	if err := h.Get(ctx, &v); err != nil {
		return fmt.Errorf("submit update: %w", err)
	}
	return nil
}

// fingerprintOf is the SHA-256 of a request's canonical JSON, so that the same request sent
// twice matches however its JSON was spaced, ordered or its amounts written.
func fingerprintOf(canon any) string {
	b, err := json.Marshal(canon)
	if err != nil {
		panic(err) // the canonical forms hold strings, integers and times, which always marshal
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
