package service

import (
	"context"
	"errors"
	"fmt"

	"signoff/i18n"
	"signoff/policy"
	"signoff/store"
)

// Route previews: what a case would go through if filed now, and why, without writing
// anything. The API previews a whole request, checked as a submission is; a form previews what
// has been typed so far, as soon as it names a category, a budget line and an amount.

// RoutePreview is what a case would go through, and why.
type RoutePreview struct {
	Band       *BandView     `json:"band"`
	OverBudget bool          `json:"over_budget"`
	Remaining  policy.Money  `json:"remaining"` // the budget line's balance now
	Total      policy.Money  `json:"total"`
	Steps      []PreviewStep `json:"steps"`
}

// PreviewStep is one step of a previewed route.
type PreviewStep struct {
	Key       string          `json:"key"`
	Role      string          `json:"role"`
	Label     string          `json:"label"`
	Mode      string          `json:"mode"`
	K         int             `json:"k"`
	Assignees []UserRef       `json:"assignees"`
	Reason    string          `json:"reason"` // in English, as the API speaks
	Why       policy.Why      `json:"-"`      // for the form to say it in its reader's language
	SLA       policy.Duration `json:"sla"`
}

// PreviewClaim checks a claim as a submission would and evaluates the route it would take under
// the current policy, including the over-budget step when the budget line's balance is short.
func (s *Service) PreviewClaim(ctx context.Context, u store.User, in ClaimInput) (RoutePreview, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return RoutePreview{}, Internal(fmt.Errorf("route preview: %w", err))
	}
	today, err := s.Today(doc)
	if err != nil {
		return RoutePreview{}, err
	}
	cl, err := validateClaim(in, doc, u, today, "")
	if err != nil {
		return RoutePreview{}, err
	}
	return s.preview(ctx, doc, u, policy.KindExpense, cl.Category, cl.BudgetLineID, cl.Total)
}

// PreviewPurchase checks a purchase request as a submission would (its plan read without the
// lock) and evaluates the route it would take.
func (s *Service) PreviewPurchase(ctx context.Context, u store.User, in PurchaseInput) (RoutePreview, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return RoutePreview{}, Internal(fmt.Errorf("purchase preview: %w", err))
	}
	p, facts, err := s.validPurchase(ctx, doc, u, in, "")
	if err != nil {
		return RoutePreview{}, err
	}
	plan, err := s.store.PlanLines(ctx, p.PlanID, materialIDs(p.Items), "")
	if err != nil {
		return RoutePreview{}, fmt.Errorf("purchase preview: %w", err)
	}
	if err := checkPurchase(doc.Procurement, p, facts, plan, ""); err != nil {
		return RoutePreview{}, err
	}
	return s.preview(ctx, doc, u, policy.KindProcurement, p.Category, p.BudgetLineID, p.Total)
}

// ErrDraftIncomplete is a draft not yet previewable: it names no known category or budget line,
// or no amount.
var ErrDraftIncomplete = errors.New("route preview: a category, a budget line and an amount are needed")

// DraftPreview is the route a case of kind being typed by u would take: its category, budget
// line and total so far. It is ErrDraftIncomplete until the draft names a known category and
// budget line and an amount; policy.ErrLineDepartment or ErrLineCategory while the line does
// not take the case; a *store.OverBudgetError when the line's balance is short and the policy
// refuses over-budget cases; otherwise the route, or why the policy has none.
func (s *Service) DraftPreview(ctx context.Context, u store.User, kind policy.Kind, category, budgetLine string, total policy.Money) (RoutePreview, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return RoutePreview{}, Internal(fmt.Errorf("route preview: %w", err))
	}
	_, catOK := doc.Category(category)
	line, lineOK := doc.BudgetLine(budgetLine)
	if !catOK || !lineOK || total <= 0 {
		return RoutePreview{}, ErrDraftIncomplete
	}
	if err := line.Takes(u.DepartmentID, category); err != nil {
		return RoutePreview{}, fmt.Errorf("route preview: %w", err)
	}
	return s.preview(ctx, doc, u, kind, category, budgetLine, total)
}

// preview is the route a case of kind, of total for category on a budget line, would take for u.
func (s *Service) preview(ctx context.Context, doc *policy.Document, u store.User, kind policy.Kind, category, budgetLine string, total policy.Money) (RoutePreview, error) {
	line, err := s.store.BudgetLine(ctx, budgetLine)
	if err != nil {
		return RoutePreview{}, Internal(fmt.Errorf("route preview: %w", err))
	}
	over := int64(total) > line.Remaining
	if over && !doc.RoutesOverBudget(kind) {
		return RoutePreview{}, &store.OverBudgetError{BudgetLine: line.ID, Requested: int64(total), Remaining: line.Remaining}
	}
	route, err := doc.Route(policy.Facts{Kind: kind, Category: category, Amount: total,
		Submitter: u.ID, Department: u.DepartmentID, OverBudget: over})
	if err != nil {
		return RoutePreview{}, &NoRouteError{Err: err}
	}
	out := RoutePreview{Band: BandViewOf(route.Band), OverBudget: over, Remaining: policy.Money(line.Remaining),
		Total: total, Steps: make([]PreviewStep, 0, len(route.Steps))}
	for _, st := range route.Steps {
		assignees := make([]UserRef, 0, len(st.Assignees))
		for _, id := range st.Assignees {
			assignees = append(assignees, UserRef{ID: id, Name: UserName(doc, id)})
		}
		out.Steps = append(out.Steps, PreviewStep{Key: st.Key, Role: string(st.Role), Label: st.Label,
			Mode: string(st.Mode), K: st.K, Assignees: assignees, Reason: st.Explain(i18n.EN), Why: st.Why, SLA: st.SLA})
	}
	return out, nil
}
