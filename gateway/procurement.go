package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"signoff/service"
	"time"

	"signoff/policy"
	"signoff/procure"
	"signoff/store"
)

// purchasePrefix starts the business number of purchase requests: PR-2026-000123.
const purchasePrefix = "PR"

// submitPurchaseRequest files a purchase request and answers with its case page once it is
// routed. With an Idempotency-Key, a retry returns the same case.
func (s *server) submitPurchaseRequest(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	key, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in purchaseInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	c, created, err := s.submitPurchase(ctx, u, in, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerFiled(w, r, u, c, created)
}

// previewPurchaseRoute checks a purchase request against its supplier and plan and evaluates the
// route it would take, without writing anything.
func (s *server) previewPurchaseRoute(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	var in purchaseInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	out, err := s.previewPurchase(ctx, u, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// previewPurchase is the route a request would take for u, after every check a submission makes
// (the plan read without its lock): the API's preview and the web form's both come from here.
func (s *server) previewPurchase(ctx context.Context, u store.User, in purchaseInput) (routePreview, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return routePreview{}, service.Internal(fmt.Errorf("purchase preview: %w", err))
	}
	p, facts, err := s.validPurchase(ctx, doc, u, in, "")
	if err != nil {
		return routePreview{}, err
	}
	plan, err := s.store.PlanLines(ctx, p.PlanID, materialIDs(p.Items), "")
	if err != nil {
		return routePreview{}, fmt.Errorf("purchase preview: %w", err)
	}
	if err := checkPurchase(doc.Procurement, p, facts, plan, ""); err != nil {
		return routePreview{}, err
	}
	return s.preview(ctx, doc, u, policy.KindProcurement, p.Category, p.BudgetLineID, p.Total)
}

// submitPurchase files a purchase request for u: it validates the request, checks that the
// policy can route it, and writes it, checking supplier and plan under the plan's lock so that
// two requests cannot both take the last of a plan line; then it starts its workflow.
func (s *server) submitPurchase(ctx context.Context, u store.User, in purchaseInput, key string) (store.Case, bool, error) {
	version, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return store.Case{}, false, service.Internal(fmt.Errorf("submit purchase: %w", err))
	}
	p, facts, err := s.validPurchase(ctx, doc, u, in, "")
	if err != nil {
		return store.Case{}, false, err
	}
	route, err := doc.Route(policy.Facts{Kind: policy.KindProcurement, Category: p.Category, Amount: p.Total,
		Submitter: u.ID, Department: u.DepartmentID})
	if err != nil {
		return store.Case{}, false, &service.NoRouteError{Err: err}
	}
	return s.fileCase(ctx, route, store.NewCase{
		Prefix: purchasePrefix, Year: p.RequestedOn.Year(), Kind: string(policy.KindProcurement),
		Title: p.Title, Purpose: p.Purpose, Category: p.Category, DepartmentID: u.DepartmentID,
		BudgetLineID: p.BudgetLineID, Amount: int64(p.Total), Currency: doc.Currency, SubmitterID: u.ID,
		PolicyVersion: version, Attachments: p.Attachments, CC: p.CC,
		Purchase: &p.Purchase,
		PlanCheck: func(plan map[string]procure.PlanLine) error {
			return checkPurchase(doc.Procurement, p, facts, plan, "")
		},
		AllowOverBudget: doc.Chains[policy.KindProcurement].OverBudget == policy.OverBudgetRoute,
		IdempotencyKey:  key, RequestHash: p.fingerprint(),
	})
}

// validPurchase loads the supplier and the materials a request names and validates its form.
func (s *server) validPurchase(ctx context.Context, doc *policy.Document, u store.User, in purchaseInput, prefix string) (purchase, purchaseFacts, error) {
	day, err := s.today(doc)
	if err != nil {
		return purchase{}, purchaseFacts{}, err
	}
	facts, err := s.purchaseFacts(ctx, in.SupplierID)
	if err != nil {
		return purchase{}, purchaseFacts{}, err
	}
	plans, err := s.store.Plans(ctx, u.DepartmentID)
	if err != nil {
		return purchase{}, purchaseFacts{}, fmt.Errorf("purchase facts: %w", err)
	}
	for _, p := range plans {
		facts.plans = append(facts.plans, p.ID)
	}
	p, err := validatePurchase(in, doc, u, facts, day, prefix)
	return p, facts, err
}

// purchaseFacts loads the supplier (empty when unknown) and the materials catalogue.
func (s *server) purchaseFacts(ctx context.Context, supplierID string) (purchaseFacts, error) {
	facts := purchaseFacts{materials: map[string]procure.Material{}}
	if supplierID != "" && len(supplierID) <= maxShortText {
		sup, err := s.store.Supplier(ctx, supplierID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return purchaseFacts{}, fmt.Errorf("purchase facts: %w", err)
		default:
			facts.supplier = sup
		}
	}
	materials, err := s.store.Materials(ctx)
	if err != nil {
		return purchaseFacts{}, fmt.Errorf("purchase facts: %w", err)
	}
	for _, m := range materials {
		facts.materials[m.ID] = m
	}
	return facts, nil
}

// today is the current day in the policy's timezone, as midnight UTC of that date.
func (s *server) today(doc *policy.Document) (time.Time, error) { return s.svc.Today(doc) }

func materialIDs(items []procure.Item) []string {
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.MaterialID)
	}
	return ids
}

// savePurchaseEdit checks and stores a purchase request's revision: the same form and rules as a
// submission, the plan counted without the request's own earlier quantities. Its budget line
// cannot change; its contract document may be replaced by a new upload or kept.
func (s *server) savePurchaseEdit(ctx context.Context, doc *policy.Document, u store.User, c store.Case, in purchaseInput) (string, error) {
	const prefix = "request."
	if in.BudgetLineID == "" {
		in.BudgetLineID = c.BudgetLineID
	}
	old, err := s.store.Purchase(ctx, c.ID)
	if err != nil {
		return "", fmt.Errorf("revise purchase: %w", err)
	}
	if in.Contract.AttachmentID == "" {
		in.Contract.AttachmentID = old.ContractAttachmentID
	}
	p, facts, err := s.validPurchase(ctx, doc, u, in, prefix)
	if err != nil {
		return "", err
	}
	switch {
	case p.BudgetLineID != c.BudgetLineID:
		return "", service.FieldErrors{prefix + "budget_line_id": {Key: "budget_line_fixed"}}.Err()
	case len(p.CC) > 0:
		return "", service.FieldErrors{prefix + "cc": {Key: "cc_fixed"}}.Err()
	}
	plan, err := s.store.PlanLines(ctx, p.PlanID, materialIDs(p.Items), c.ID)
	if err != nil {
		return "", fmt.Errorf("revise purchase: %w", err)
	}
	if err := checkPurchase(doc.Procurement, p, facts, plan, prefix); err != nil {
		return "", err
	}
	// Uploads already on the case (the kept contract) are not linked again.
	var uploads []string
	for _, id := range p.Attachments {
		if id != old.ContractAttachmentID {
			uploads = append(uploads, id)
		}
	}
	if err := s.checkUploads(ctx, u, uploads, prefix); err != nil {
		return "", err
	}
	return s.store.SaveEdit(ctx, c.ID, store.Edit{
		Title: p.Title, Purpose: p.Purpose, Category: p.Category, Amount: int64(p.Total),
		Attachments: uploads, Purchase: &p.Purchase,
		AllowOverBudget: doc.Chains[policy.KindProcurement].OverBudget == policy.OverBudgetRoute,
	})
}
