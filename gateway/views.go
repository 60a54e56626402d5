package gateway

import (
	"context"
	"fmt"
	"net/url"
	"signoff/service"
	"slices"
	"strings"
	"time"

	"signoff/chain"
	"signoff/policy"
	"signoff/store"
)

// The JSON shapes of cases, shared by the case page, lists and actions. Money is always a
// policy.Money, which encodes as a decimal string ("1234.50").

// userRef names a person (the service's UserRef).
type userRef = service.UserRef

// nameBook resolves user IDs to names for one response.
type nameBook map[string]store.User

// names looks up every named user in one query.
func (s *server) names(ctx context.Context, ids []string) (nameBook, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nameBook{}, nil
	}
	users, err := s.store.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("names: %w", err)
	}
	return nameBook(users), nil
}

func (b nameBook) ref(id string) userRef {
	if u, ok := b[id]; ok && u.Name != "" {
		return userRef{ID: id, Name: u.Name}
	}
	return userRef{ID: id, Name: id} // "system", or a user since removed
}

func (b nameBook) optRef(id string) *userRef {
	if id == "" {
		return nil
	}
	r := b.ref(id)
	return &r
}

func (b nameBook) refs(ids []string) []userRef {
	out := make([]userRef, 0, len(ids))
	for _, id := range ids {
		out = append(out, b.ref(id))
	}
	return out
}

// caseSummary is a case as lists show it: every column of the read model.
type caseSummary struct {
	ID            string       `json:"id"`
	Kind          string       `json:"kind"`
	Title         string       `json:"title"`
	Purpose       string       `json:"purpose"`
	Category      string       `json:"category"`
	DepartmentID  string       `json:"department_id"`
	BudgetLineID  string       `json:"budget_line_id"`
	Amount        policy.Money `json:"amount"`
	Currency      string       `json:"currency"`
	Submitter     userRef      `json:"submitter"`
	PolicyVersion int          `json:"policy_version"`
	OverBudget    bool         `json:"over_budget"`
	Status        string       `json:"status"`
	CurrentStep   string       `json:"current_step"`
	CurrentLabel  string       `json:"current_label"`
	Assignees     []userRef    `json:"assignees"`
	Revision      int          `json:"revision"`
	Deadline      *time.Time   `json:"deadline"`
	Overdue       bool         `json:"overdue"`
	PaidReference *string      `json:"paid_reference"`
	PaidAt        *time.Time   `json:"paid_at"`
	SubmittedAt   time.Time    `json:"submitted_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	ClosedAt      *time.Time   `json:"closed_at"`
}

func summaryOf(c store.Case, names nameBook) caseSummary {
	return caseSummary{
		ID: c.ID, Kind: c.Kind, Title: c.Title, Purpose: c.Purpose, Category: c.Category,
		DepartmentID: c.DepartmentID, BudgetLineID: c.BudgetLineID, Amount: policy.Money(c.Amount),
		Currency: c.Currency, Submitter: names.ref(c.SubmitterID), PolicyVersion: c.PolicyVersion,
		OverBudget: c.OverBudget, Status: c.Status, CurrentStep: c.CurrentStep, CurrentLabel: c.CurrentLabel,
		Assignees: names.refs(c.Assignees), Revision: c.Revision, Deadline: c.Deadline, Overdue: c.Overdue,
		PaidReference: c.PaidReference, PaidAt: c.PaidAt, SubmittedAt: c.SubmittedAt, UpdatedAt: c.UpdatedAt,
		ClosedAt: c.ClosedAt,
	}
}

// caseDetail is the case page: the summary, the claim's lines, the ledger of seals, the chain's
// steps and what the caller may do now.
type caseDetail struct {
	caseSummary
	Lines             []lineView                    `json:"lines"`
	Seals             []sealView                    `json:"seals"`
	Steps             []stepView                    `json:"steps"`
	Holders           []userRef                     `json:"holders"`
	Band              *bandView                     `json:"band"`
	AllowedActions    []chain.ActionType            `json:"allowed_actions"`
	AllowedOnBehalfOf map[string][]chain.ActionType `json:"allowed_on_behalf_of"`
	Attachments       []attachmentView              `json:"attachments"`
	CC                []userRef                     `json:"cc"`
	TemporalURL       string                        `json:"temporal_url"`
	// Purchase is a purchase request's procurement part; absent on other kinds.
	Purchase *purchaseView `json:"purchase,omitempty"`
}

type lineView struct {
	No          int          `json:"no"`
	SpentOn     *string      `json:"spent_on"` // YYYY-MM-DD
	Description string       `json:"description"`
	Amount      policy.Money `json:"amount"`
	InvoiceNo   string       `json:"invoice_no"`
}

type sealView struct {
	Seq           int       `json:"seq"`
	StepKey       string    `json:"step_key"`
	Role          string    `json:"role"`
	Actor         userRef   `json:"actor"`
	OnBehalfOf    *userRef  `json:"on_behalf_of"`
	Decision      string    `json:"decision"`
	Comment       string    `json:"comment"`
	Target        string    `json:"target"`
	At            time.Time `json:"at"`
	PolicyVersion int       `json:"policy_version"`
}

type stepView struct {
	Key       string         `json:"key"`
	Role      string         `json:"role"`
	Label     string         `json:"label"`
	Mode      string         `json:"mode"`
	K         int            `json:"k"`
	Assignees []userRef      `json:"assignees"`
	Approvals []approvalView `json:"approvals"`
	Done      bool           `json:"done"`
	Current   bool           `json:"current"`
	Deadline  *time.Time     `json:"deadline"`
	AddedBy   *userRef       `json:"added_by"`
	Reason    string         `json:"reason"`
}

type approvalView struct {
	User       userRef   `json:"user"`
	OnBehalfOf *userRef  `json:"on_behalf_of"`
	At         time.Time `json:"at"`
}

// bandView explains which authority band a claim's amount fell in.
type bandView struct {
	Category string        `json:"category"`
	Above    policy.Money  `json:"above"`
	UpTo     *policy.Money `json:"up_to"` // null: unbounded
	Levels   []string      `json:"levels"`
	Reason   string        `json:"reason"`
}

func bandViewOf(b *policy.BandChoice) *bandView {
	if b == nil {
		return nil
	}
	levels := b.Levels
	if levels == nil {
		levels = []string{}
	}
	return &bandView{Category: b.Category, Above: b.Above, UpTo: b.UpTo, Levels: levels, Reason: b.Reason}
}

// hasFinanceRole is kept only for the orders pages (orders.go, web_orders.go), which call it
// until they ask the policy's orders.see_all; it reads the default grant of cases.see_all, so
// that no role name is spelled here. Delete it once nothing calls it.
func hasFinanceRole(u store.User) bool {
	g := policy.DefaultGrants()[policy.CapCasesSeeAll]
	return slices.ContainsFunc(u.Roles, func(r string) bool { return slices.Contains(g.Roles, policy.Role(r)) })
}

// visibleCase is the service's VisibleCase, for the handlers of other domains that still call it.
func (s *server) visibleCase(ctx context.Context, u store.User, id string) (store.CaseView, error) {
	return s.svc.VisibleCase(ctx, u, id)
}

// principalActions are the actions a delegate takes in an assignee's place; the others
// (comment, nudge, resubmit, withdraw) are the actor's own whoever they stand in for.
var principalActions = []chain.ActionType{chain.ActApprove, chain.ActPay, chain.ActReject, chain.ActReturn,
	chain.ActTransfer, chain.ActAddSigner}

// detail builds the case page for the caller from a case view. Names come with the view; only
// people outside the case (a delegator, say) cost a lookup.
func (s *server) detail(ctx context.Context, u store.User, v store.CaseView) (caseDetail, error) {
	c, lines, seals, delegators := v.Case, v.Lines, v.Seals, v.Delegators
	names := nameBook{}
	for id, name := range v.Names {
		names[id] = store.User{ID: id, Name: name}
	}
	// People not yet on the case (the signers of later steps, a delegator) are named from the
	// case's policy version, which is cached; only someone the policy no longer knows costs a
	// query.
	var missing []string
	want := slices.Clone(delegators)
	if c.State != nil {
		for _, step := range c.State.Steps {
			want = append(want, step.Assignees...)
		}
	}
	doc, _ := s.policies.Version(ctx, c.PolicyVersion)
	for _, id := range want {
		if _, ok := names[id]; ok {
			continue
		}
		if pu, ok := policyUser(doc, id); ok {
			names[id] = store.User{ID: id, Name: pu.Name}
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		more, err := s.names(ctx, missing)
		if err != nil {
			return caseDetail{}, err
		}
		for id, usr := range more {
			names[id] = usr
		}
	}
	st := c.State

	d := caseDetail{
		caseSummary:       summaryOf(c, names),
		Lines:             make([]lineView, 0, len(lines)),
		Seals:             make([]sealView, 0, len(seals)),
		Steps:             []stepView{},
		Holders:           []userRef{},
		AllowedActions:    []chain.ActionType{},
		AllowedOnBehalfOf: map[string][]chain.ActionType{},
		Attachments:       make([]attachmentView, 0, len(v.Attachments)),
		CC:                names.refs(v.Copies),
		TemporalURL:       s.temporalURL(c.ID),
	}
	for _, a := range v.Attachments {
		d.Attachments = append(d.Attachments, attachmentViewOf(a))
	}
	for _, l := range lines {
		lv := lineView{No: l.No, Description: l.Description, Amount: policy.Money(l.Amount), InvoiceNo: l.InvoiceNo}
		if l.SpentOn != nil {
			day := l.SpentOn.Format(time.DateOnly)
			lv.SpentOn = &day
		}
		d.Lines = append(d.Lines, lv)
	}
	for _, x := range seals {
		d.Seals = append(d.Seals, sealView{
			Seq: x.Seq, StepKey: x.StepKey, Role: string(x.Role), Actor: names.ref(x.Actor),
			OnBehalfOf: names.optRef(x.OnBehalfOf), Decision: string(x.Decision), Comment: x.Comment,
			Target: x.Target, At: x.At, PolicyVersion: x.PolicyVersion,
		})
	}
	if c.Kind == string(policy.KindProcurement) {
		pv, err := s.purchaseView(ctx, c.ID)
		if err != nil {
			return caseDetail{}, err
		}
		d.Purchase = &pv
	}
	if st == nil { // not routed yet: nothing to show or do on the chain
		return d, nil
	}
	d.Band = bandViewOf(st.Band)
	d.Holders = names.refs(st.Holders())
	cur := st.CurrentStep()
	for i, step := range st.Steps {
		sv := stepView{
			Key: step.Key, Role: string(step.Role), Label: step.Label, Mode: string(step.Mode), K: step.K,
			Assignees: names.refs(step.Assignees), Approvals: []approvalView{}, Done: step.Done,
			Current: cur != nil && i == st.Current, AddedBy: names.optRef(step.AddedBy), Reason: step.Reason,
		}
		if !step.Deadline.IsZero() && !step.Done {
			dl := step.Deadline
			sv.Deadline = &dl
		}
		for _, a := range step.Approvals {
			sv.Approvals = append(sv.Approvals, approvalView{User: names.ref(a.User), OnBehalfOf: names.optRef(a.OnBehalfOf), At: a.At})
		}
		d.Steps = append(d.Steps, sv)
	}
	now := s.now()
	if allowed := st.Allowed(u.ID, "", now); allowed != nil {
		d.AllowedActions = allowed
	}
	for _, who := range delegators {
		var acts []chain.ActionType
		for _, t := range st.Allowed(u.ID, who, now) {
			if slices.Contains(principalActions, t) {
				acts = append(acts, t)
			}
		}
		if len(acts) > 0 {
			d.AllowedOnBehalfOf[who] = acts
		}
	}
	return d, nil
}

// userName names a user of a policy document (which may be nil), or shows their ID.
func userName(doc *policy.Document, id string) string {
	if pu, ok := policyUser(doc, id); ok {
		return pu.Name
	}
	return id
}

// policyUser finds a user in a policy document, which may be nil.
func policyUser(doc *policy.Document, id string) (policy.User, bool) {
	if doc == nil {
		return policy.User{}, false
	}
	return doc.User(id)
}

// temporalURL links the case's workflow in the Temporal UI, or is "" when no UI is configured.
func (s *server) temporalURL(caseID string) string {
	if s.tcfg.UIURL == "" {
		return ""
	}
	ns := s.tcfg.Namespace
	if ns == "" {
		ns = "default"
	}
	return strings.TrimRight(s.tcfg.UIURL, "/") + "/namespaces/" + url.PathEscape(ns) + "/workflows/" + url.PathEscape(caseID)
}
