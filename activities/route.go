package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"signoff/chain"
	"signoff/policy"
	"signoff/store"
)

// RouteInput names the case to route, and optionally a stored edit whose facts replace the
// case's own (a resubmission that changed the amount or category).
type RouteInput struct {
	CaseID string `json:"case_id"`
	EditID string `json:"edit_id,omitempty"`
}

// RouteResult is the evaluated route with the rules the chain keeps, and the facts that the
// workflow exposes to operators as search attributes.
type RouteResult struct {
	Route         policy.Route `json:"route"`
	Rules         chain.Rules  `json:"rules"`
	PolicyVersion int          `json:"policy_version"`
	Submitter     string       `json:"submitter"`
	Department    string       `json:"department"`
	Amount        int64        `json:"amount"`
	Title         string       `json:"title"`
	// Reopen lists the signed steps a resubmission's edit invalidates (policy.Seals.Reopened,
	// judged against store.EditAttestations): their seals cover content the edit changes, so
	// they sign again. Empty without an edit.
	Reopen []string `json:"reopen,omitempty"`
}

// ErrTypeNoRoute marks a case the policy cannot route (no eligible assignee, unknown category);
// retrying will not help.
const ErrTypeNoRoute = "no_route"

// ResolveRoute evaluates the chain of a case under the policy version it was submitted under,
// resolving every step's assignees. It only reads.
func (a *Activities) ResolveRoute(ctx context.Context, in RouteInput) (RouteResult, error) {
	c, err := a.store.Case(ctx, in.CaseID)
	if err != nil {
		return RouteResult{}, fmt.Errorf("resolve route: %w", err)
	}
	doc, err := a.policies.Version(ctx, c.PolicyVersion)
	if err != nil {
		return RouteResult{}, fmt.Errorf("resolve route: %w", err)
	}
	facts := policy.Facts{
		Kind: policy.Kind(c.Kind), Category: c.Category, Amount: policy.Money(c.Amount),
		Submitter: c.SubmitterID, Department: c.DepartmentID, OverBudget: c.OverBudget,
		Conditions: c.Conditions,
	}
	title := c.Title
	var reopen []string
	if in.EditID != "" {
		att, err := a.store.EditAttestations(ctx, in.CaseID, in.EditID)
		if err != nil {
			return RouteResult{}, fmt.Errorf("resolve route: %w", err)
		}
		reopen = doc.Seals.Reopened(att.Content, att.Signed)
		e, err := a.store.EditByID(ctx, in.CaseID, in.EditID)
		if err != nil {
			return RouteResult{}, fmt.Errorf("resolve route: %w", err)
		}
		facts.Category, facts.Amount, title = e.Category, policy.Money(e.Amount), e.Title
		if !facts.OverBudget && e.Amount > c.Amount {
			line, err := a.store.BudgetLine(ctx, c.BudgetLineID)
			if err != nil {
				return RouteResult{}, fmt.Errorf("resolve route: %w", err)
			}
			facts.OverBudget = e.Amount-c.Amount > line.Remaining
		}
	}
	route, err := doc.Route(facts)
	if err != nil {
		return RouteResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("route %s: %v", in.CaseID, err), ErrTypeNoRoute, err)
	}
	return RouteResult{
		Route: route, Rules: chain.RulesOf(doc), PolicyVersion: c.PolicyVersion,
		Submitter: c.SubmitterID, Department: c.DepartmentID, Amount: int64(facts.Amount), Title: title,
		Reopen: reopen,
	}, nil
}

// SuperiorsInput asks for the superiors of the people holding a case.
type SuperiorsInput struct {
	PolicyVersion int      `json:"policy_version"`
	Users         []string `json:"users"`
}

// SuperiorsResult lists them, without duplicates, in order.
type SuperiorsResult struct {
	Superiors []string `json:"superiors"`
}

// Superiors resolves whom an overdue step escalates to.
func (a *Activities) Superiors(ctx context.Context, in SuperiorsInput) (SuperiorsResult, error) {
	doc, err := a.policies.Version(ctx, in.PolicyVersion)
	if err != nil {
		return SuperiorsResult{}, fmt.Errorf("superiors: %w", err)
	}
	seen := map[string]bool{}
	var out []string
	for _, u := range in.Users {
		if sup := doc.Superior(u); sup != "" && !seen[sup] {
			seen[sup] = true
			out = append(out, sup)
		}
	}
	return SuperiorsResult{Superiors: out}, nil
}

// isNotFound reports a missing row, which retries will not fix.
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// AbandonInput names a case that cannot be routed, and why.
type AbandonInput struct {
	CaseID string    `json:"case_id"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// AbandonResult is empty: success is the answer.
type AbandonResult struct{}

// Abandon closes an unroutable case as rejected by the system and releases its budget.
func (a *Activities) Abandon(ctx context.Context, in AbandonInput) (AbandonResult, error) {
	return AbandonResult{}, a.store.AbandonCase(ctx, in.CaseID, in.Reason, in.At)
}
