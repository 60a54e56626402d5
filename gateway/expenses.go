package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"signoff/i18n"
	"signoff/service"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/client"

	"signoff/policy"
	"signoff/store"
	"signoff/workflows"
)

// maxIdempotencyKey bounds the Idempotency-Key header.
const maxIdempotencyKey = 200

// expensePrefix starts the business number of expense claims: EXP-2026-000123.
const expensePrefix = "EXP"

// idempotencyKey reads the optional Idempotency-Key header.
func idempotencyKey(r *http.Request) (string, error) {
	key := r.Header.Get("Idempotency-Key")
	if utf8.RuneCountInString(key) > maxIdempotencyKey {
		return "", service.FieldErrors{"Idempotency-Key": {Key: "too_long", Args: []any{maxIdempotencyKey}}}.Err()
	}
	return key, nil
}

// submitExpense files an expense claim and answers with its case page once it is routed.
// With an Idempotency-Key, a retry returns the same case.
func (s *server) submitExpense(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	key, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in claimInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	c, created, err := s.submitClaim(ctx, u, in, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerFiled(w, r, u, c, created)
}

// answerFiled answers a submission with the new case's page: 201 when it was filed now, 200
// when the idempotency key named an earlier one.
func (s *server) answerFiled(w http.ResponseWriter, r *http.Request, u store.User, c store.Case, created bool) {
	v, err := s.store.CaseView(r.Context(), c.ID, u.ID, s.now())
	if err != nil {
		s.fail(w, r, fmt.Errorf("submit %s: %w", c.ID, err))
		return
	}
	d, err := s.detail(r.Context(), u, v)
	if err != nil {
		s.fail(w, r, fmt.Errorf("submit %s: %w", c.ID, err))
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	writeJSON(w, status, d)
}

// submitClaim files an expense claim for u: it validates the claim, checks the policy can route
// it, writes the case (numbered, its amount reserved on the budget line, its attachments and
// copies linked) and starts its workflow, returning once the case is routed. The API and the
// web form both submit through it. created is false when key named an earlier submission.
func (s *server) submitClaim(ctx context.Context, u store.User, in claimInput, key string) (c store.Case, created bool, err error) {
	version, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return store.Case{}, false, service.Internal(fmt.Errorf("submit expense: %w", err))
	}
	cl, err := validateClaim(in, doc, u, "")
	if err != nil {
		return store.Case{}, false, err
	}
	facts := policy.Facts{Kind: policy.KindExpense, Category: cl.Category, Amount: cl.Total,
		Submitter: u.ID, Department: u.DepartmentID}
	route, err := doc.Route(facts)
	if err != nil {
		return store.Case{}, false, &service.NoRouteError{Err: err}
	}
	loc, err := time.LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		return store.Case{}, false, fmt.Errorf("submit expense: policy timezone: %w", err)
	}
	return s.fileCase(ctx, route, store.NewCase{
		Prefix: expensePrefix, Year: s.now().In(loc).Year(), Kind: string(policy.KindExpense),
		Title: cl.Title, Purpose: cl.Purpose, Category: cl.Category, DepartmentID: u.DepartmentID,
		BudgetLineID: cl.BudgetLineID, Amount: int64(cl.Total), Currency: doc.Currency, SubmitterID: u.ID,
		PolicyVersion: version, Lines: cl.Lines, Attachments: cl.Attachments, CC: cl.CC,
		AllowOverBudget: doc.Chains[policy.KindExpense].OverBudget == policy.OverBudgetRoute,
		IdempotencyKey:  key, RequestHash: cl.fingerprint(),
	})
}

// fileCase writes a validated case whose route was checked and starts its workflow, returning
// once the workflow has routed and recorded it. Expense claims and purchase requests are filed
// through it. created is false when the idempotency key named an earlier submission.
func (s *server) fileCase(ctx context.Context, route policy.Route, n store.NewCase) (store.Case, bool, error) {
	c, created, err := s.store.CreateCase(ctx, n)
	var attach *store.AttachmentError
	switch {
	case errors.As(err, &attach):
		return store.Case{}, false, service.FieldErrors{"attachments": {Key: "attachment_unavailable", Args: []any{strings.Join(attach.IDs, ", ")}}}.Err()
	case err != nil:
		return store.Case{}, false, fmt.Errorf("submit %s: %w", n.Kind, err)
	}
	// "submitted" means no workflow has routed the case yet: a new case, or a retry whose
	// first try wrote the case but failed to start its workflow.
	if c.Status == statusSubmitted {
		if err := s.startCase(ctx, c, route); err != nil {
			return store.Case{}, false, fmt.Errorf("submit %s: %w", c.ID, err)
		}
	}
	return c, created, nil
}

// statusSubmitted is a case's status in Postgres before its workflow has routed it.
const statusSubmitted = "submitted"

// startCase starts the case's workflow, or finds it running, and waits for the submission to be
// routed and recorded. The workflow ID is the business number; the update ID is derived from it,
// so a retry neither starts a second workflow nor submits twice.
func (s *server) startCase(ctx context.Context, c store.Case, route policy.Route) error {
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

// routePreview is what a claim would go through, and why.
type routePreview struct {
	Band       *bandView     `json:"band"`
	OverBudget bool          `json:"over_budget"`
	Remaining  policy.Money  `json:"remaining"` // the budget line's balance now
	Total      policy.Money  `json:"total"`
	Steps      []previewStep `json:"steps"`
}

type previewStep struct {
	Key       string          `json:"key"`
	Role      string          `json:"role"`
	Label     string          `json:"label"`
	Mode      string          `json:"mode"`
	K         int             `json:"k"`
	Assignees []userRef       `json:"assignees"`
	Reason    string          `json:"reason"` // in English, as the API speaks
	Why       policy.Why      `json:"-"`      // for the form to say it in its reader's language
	SLA       policy.Duration `json:"sla"`
}

// previewRoute evaluates the route a claim would take under the current policy, including the
// over-budget step when the budget line's balance is short, without writing anything.
func (s *server) previewRoute(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	var in claimInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		s.fail(w, r, service.Internal(fmt.Errorf("route preview: %w", err)))
		return
	}
	cl, err := validateClaim(in, doc, u, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.preview(ctx, doc, u, policy.KindExpense, cl.Category, cl.BudgetLineID, cl.Total)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// preview is the route a claim of total for category on a budget line would take for u, and
// why: the API's route preview and the web form's both come from here.
func (s *server) preview(ctx context.Context, doc *policy.Document, u store.User, kind policy.Kind, category, budgetLine string, total policy.Money) (routePreview, error) {
	line, err := s.store.BudgetLine(ctx, budgetLine)
	if err != nil {
		return routePreview{}, service.Internal(fmt.Errorf("route preview: %w", err))
	}
	over := int64(total) > line.Remaining
	if over && doc.Chains[kind].OverBudget != policy.OverBudgetRoute {
		return routePreview{}, &store.OverBudgetError{BudgetLine: line.ID, Requested: int64(total), Remaining: line.Remaining}
	}
	route, err := doc.Route(policy.Facts{Kind: kind, Category: category, Amount: total,
		Submitter: u.ID, Department: u.DepartmentID, OverBudget: over})
	if err != nil {
		return routePreview{}, &service.NoRouteError{Err: err}
	}
	out := routePreview{Band: bandViewOf(route.Band), OverBudget: over, Remaining: policy.Money(line.Remaining),
		Total: total, Steps: make([]previewStep, 0, len(route.Steps))}
	for _, st := range route.Steps {
		assignees := make([]userRef, 0, len(st.Assignees))
		for _, id := range st.Assignees {
			name := id
			if pu, ok := doc.User(id); ok {
				name = pu.Name
			}
			assignees = append(assignees, userRef{ID: id, Name: name})
		}
		out.Steps = append(out.Steps, previewStep{Key: st.Key, Role: string(st.Role), Label: st.Label,
			Mode: string(st.Mode), K: st.K, Assignees: assignees, Reason: st.Explain(i18n.EN), Why: st.Why, SLA: st.SLA})
	}
	return out, nil
}
