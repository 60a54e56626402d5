package service

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"signoff/chain"
	"signoff/i18n"
	"signoff/policy"
	"signoff/store"
)

// Cases (expense claims, purchase requests, receipts and payments share one chain): who may see
// one, and the case as clients read it. Seeing every case is the policy's capability
// cases.see_all; anyone else sees the cases they (or someone they stand in for) submitted, were
// ever on, or were copied to. What a reader may do to a case, and what each action's form needs,
// is the chain's answer (chain.State.Forms asks Validate), never a list kept here or in a page.
// Money is always a policy.Money, which encodes as a decimal string ("1234.50").

// maySeeCase reports whether u, holding grants, may see the case of v: the case's people (and
// their delegates, whose delegators v names) and whoever the policy lets see every case.
func maySeeCase(g Grants, u store.User, v store.CaseView) bool {
	if g.Has(policy.CapCasesSeeAll) || slices.Contains(v.Copies, u.ID) {
		return true
	}
	c := v.Case
	for _, who := range append([]string{u.ID}, v.Delegators...) {
		if who == c.SubmitterID || (c.State != nil && slices.Contains(c.State.Participants, who)) {
			return true
		}
	}
	return false
}

// VisibleCase reads the page of a case u may see, with the delegators in force for u, in one
// round trip. A case u may not see is ErrNotFound, so that its existence is not revealed.
func (s *Service) VisibleCase(ctx context.Context, u store.User, id string) (store.CaseView, error) {
	v, err := s.store.CaseView(ctx, id, u.ID, s.now())
	if err != nil {
		return store.CaseView{}, fmt.Errorf("case %s: %w", id, err)
	}
	g, err := s.GrantsToday(ctx, u)
	if err != nil {
		return store.CaseView{}, err
	}
	if !maySeeCase(g, u, v) {
		return store.CaseView{}, ErrNotFound
	}
	return v, nil
}

// StatusSubmitted is a case's status in Postgres before its workflow has routed it.
const StatusSubmitted = "submitted"

// CaseStatuses are the statuses a case may have, which a list may be filtered by.
var CaseStatuses = []string{StatusSubmitted, string(chain.StatusInProgress), string(chain.StatusReturned),
	string(chain.StatusAwaitingPayment), string(chain.StatusPaid), string(chain.StatusRejected),
	string(chain.StatusWithdrawn), string(chain.StatusApproved)}

// CaseSummary is a case as lists show it: every column of the read model.
type CaseSummary struct {
	ID            string       `json:"id"`
	Kind          string       `json:"kind"`
	Title         string       `json:"title"`
	Purpose       string       `json:"purpose"`
	Category      string       `json:"category"`
	DepartmentID  string       `json:"department_id"`
	BudgetLineID  string       `json:"budget_line_id"`
	Amount        policy.Money `json:"amount"`
	Currency      string       `json:"currency"`
	Submitter     UserRef      `json:"submitter"`
	PolicyVersion int          `json:"policy_version"`
	OverBudget    bool         `json:"over_budget"`
	Status        string       `json:"status"`
	CurrentStep   string       `json:"current_step"`
	CurrentLabel  string       `json:"current_label"`
	Assignees     []UserRef    `json:"assignees"`
	Revision      int          `json:"revision"`
	Deadline      *time.Time   `json:"deadline"`
	Overdue       bool         `json:"overdue"`
	PaidReference *string      `json:"paid_reference"`
	PaidAt        *time.Time   `json:"paid_at"`
	SubmittedAt   time.Time    `json:"submitted_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	ClosedAt      *time.Time   `json:"closed_at"`
}

// SummaryOf is a case as lists show it, its people named from names (a case view's, say).
func SummaryOf(c store.Case, names map[string]store.User) CaseSummary {
	return summaryOf(c, nameBook(names))
}

func summaryOf(c store.Case, names nameBook) CaseSummary {
	return CaseSummary{
		ID: c.ID, Kind: c.Kind, Title: c.Title, Purpose: c.Purpose, Category: c.Category,
		DepartmentID: c.DepartmentID, BudgetLineID: c.BudgetLineID, Amount: policy.Money(c.Amount),
		Currency: c.Currency, Submitter: names.ref(c.SubmitterID), PolicyVersion: c.PolicyVersion,
		OverBudget: c.OverBudget, Status: c.Status, CurrentStep: c.CurrentStep, CurrentLabel: c.CurrentLabel,
		Assignees: names.refs(c.Assignees), Revision: c.Revision, Deadline: c.Deadline, Overdue: c.Overdue,
		PaidReference: c.PaidReference, PaidAt: c.PaidAt, SubmittedAt: c.SubmittedAt, UpdatedAt: c.UpdatedAt,
		ClosedAt: c.ClosedAt,
	}
}

// ViewSummary is the case of a case view as lists show it, its people named from the view.
func ViewSummary(v store.CaseView) CaseSummary { return summaryOf(v.Case, viewNames(v)) }

// viewNames are the names a case view carries (its submitter, participants and copies).
func viewNames(v store.CaseView) nameBook {
	names := nameBook{}
	for id, name := range v.Names {
		names[id] = store.User{ID: id, Name: name}
	}
	return names
}

// CaseDetail is the case page: the summary, the claim's lines, the ledger of seals, the chain's
// steps and what the caller may do now.
type CaseDetail struct {
	CaseSummary
	Lines             []LineView                    `json:"lines"`
	Seals             []SealView                    `json:"seals"`
	Steps             []StepView                    `json:"steps"`
	Holders           []UserRef                     `json:"holders"`
	Band              *BandView                     `json:"band"`
	AllowedActions    []chain.ActionType            `json:"allowed_actions"`
	AllowedOnBehalfOf map[string][]chain.ActionType `json:"allowed_on_behalf_of"`
	Attachments       []AttachmentView              `json:"attachments"`
	CC                []UserRef                     `json:"cc"`
	TemporalURL       string                        `json:"temporal_url"`
	// Purchase is a purchase request's procurement part (purchase_view.go); absent on other
	// kinds.
	Purchase *PurchaseView `json:"purchase,omitempty"`
	// Forms are the actions of AllowedActions with what each form takes and needs, and
	// OnBehalfForms those of AllowedOnBehalfOf: what a page draws its forms from.
	Forms         []chain.Form            `json:"-"`
	OnBehalfForms map[string][]chain.Form `json:"-"`
}

// LineView is one line of a claim.
type LineView struct {
	No          int          `json:"no"`
	SpentOn     *string      `json:"spent_on"` // YYYY-MM-DD
	Description string       `json:"description"`
	Amount      policy.Money `json:"amount"`
	InvoiceNo   string       `json:"invoice_no"`
}

// SealView is one seal of a case's ledger.
type SealView struct {
	Seq           int       `json:"seq"`
	StepKey       string    `json:"step_key"`
	Role          string    `json:"role"`
	Actor         UserRef   `json:"actor"`
	OnBehalfOf    *UserRef  `json:"on_behalf_of"`
	Decision      string    `json:"decision"`
	Comment       string    `json:"comment"`
	Target        string    `json:"target"`
	At            time.Time `json:"at"`
	PolicyVersion int       `json:"policy_version"`
}

// StepView is one step of a case's chain.
type StepView struct {
	Key       string         `json:"key"`
	Role      string         `json:"role"`
	Label     string         `json:"label"`
	Mode      string         `json:"mode"`
	K         int            `json:"k"`
	Assignees []UserRef      `json:"assignees"`
	Approvals []ApprovalView `json:"approvals"`
	Done      bool           `json:"done"`
	Current   bool           `json:"current"`
	Deadline  *time.Time     `json:"deadline"`
	AddedBy   *UserRef       `json:"added_by"`
	Reason    string         `json:"reason"` // in English, as the API speaks
	Why       policy.Why     `json:"-"`      // for a page to say it in its reader's language
}

// ApprovalView is one signature on a step.
type ApprovalView struct {
	User       UserRef   `json:"user"`
	OnBehalfOf *UserRef  `json:"on_behalf_of"`
	At         time.Time `json:"at"`
}

// BandView explains which authority band a claim's amount fell in.
type BandView struct {
	Category string        `json:"category"`
	Above    policy.Money  `json:"above"`
	UpTo     *policy.Money `json:"up_to"` // null: unbounded
	Levels   []string      `json:"levels"`
	Reason   string        `json:"reason"` // in English, as the API speaks
	Why      policy.Why    `json:"-"`      // for a page to say it in its reader's language
}

// BandViewOf is the band a route chose, or nil.
func BandViewOf(b *policy.BandChoice) *BandView {
	if b == nil {
		return nil
	}
	levels := b.Levels
	if levels == nil {
		levels = []string{}
	}
	return &BandView{Category: b.Category, Above: b.Above, UpTo: b.UpTo, Levels: levels,
		Reason: b.Explain(i18n.EN), Why: b.Why}
}

// Case reads the case page of id for u.
func (s *Service) Case(ctx context.Context, u store.User, id string) (CaseDetail, error) {
	v, err := s.VisibleCase(ctx, u, id)
	if err != nil {
		return CaseDetail{}, err
	}
	return s.CaseDetailOf(ctx, u, v)
}

// CaseDetailOf builds the case page for u from a case view u may see. Names come with the view;
// only people outside the case (a delegator, say) cost a lookup.
func (s *Service) CaseDetailOf(ctx context.Context, u store.User, v store.CaseView) (CaseDetail, error) {
	c, lines, seals, delegators := v.Case, v.Lines, v.Seals, v.Delegators
	names := viewNames(v)
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
		if pu, ok := PolicyUser(doc, id); ok {
			names[id] = store.User{ID: id, Name: pu.Name}
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		more, err := s.names(ctx, missing)
		if err != nil {
			return CaseDetail{}, fmt.Errorf("case %s: %w", c.ID, err)
		}
		for id, usr := range more {
			names[id] = usr
		}
	}

	d := CaseDetail{
		CaseSummary:       summaryOf(c, names),
		Lines:             make([]LineView, 0, len(lines)),
		Seals:             make([]SealView, 0, len(seals)),
		Steps:             []StepView{},
		Holders:           []UserRef{},
		AllowedActions:    []chain.ActionType{},
		AllowedOnBehalfOf: map[string][]chain.ActionType{},
		OnBehalfForms:     map[string][]chain.Form{},
		Attachments:       make([]AttachmentView, 0, len(v.Attachments)),
		CC:                names.refs(v.Copies),
		TemporalURL:       s.WorkflowURL(c.ID),
	}
	for _, a := range v.Attachments {
		d.Attachments = append(d.Attachments, AttachmentViewOf(a))
	}
	for _, l := range lines {
		lv := LineView{No: l.No, Description: l.Description, Amount: policy.Money(l.Amount), InvoiceNo: l.InvoiceNo}
		if l.SpentOn != nil {
			day := l.SpentOn.Format(time.DateOnly)
			lv.SpentOn = &day
		}
		d.Lines = append(d.Lines, lv)
	}
	for _, x := range seals {
		d.Seals = append(d.Seals, SealView{
			Seq: x.Seq, StepKey: x.StepKey, Role: string(x.Role), Actor: names.ref(x.Actor),
			OnBehalfOf: names.optRef(x.OnBehalfOf), Decision: string(x.Decision), Comment: x.Comment,
			Target: x.Target, At: x.At, PolicyVersion: x.PolicyVersion,
		})
	}
	if c.Kind == string(policy.KindProcurement) {
		pv, err := s.PurchaseView(ctx, c.ID)
		if err != nil {
			return CaseDetail{}, err
		}
		d.Purchase = &pv
	}
	st := c.State
	if st == nil { // not routed yet: nothing to show or do on the chain
		return d, nil
	}
	d.Band = BandViewOf(st.Band)
	d.Holders = names.refs(st.Holders())
	cur := st.CurrentStep()
	for i, step := range st.Steps {
		sv := StepView{
			Key: step.Key, Role: string(step.Role), Label: step.Label, Mode: string(step.Mode), K: step.K,
			Assignees: names.refs(step.Assignees), Approvals: []ApprovalView{}, Done: step.Done,
			Current: cur != nil && i == st.Current, AddedBy: names.optRef(step.AddedBy), Reason: step.Why.Or(step.Reason, i18n.EN), Why: step.Why,
		}
		if !step.Deadline.IsZero() && !step.Done {
			dl := step.Deadline
			sv.Deadline = &dl
		}
		for _, a := range step.Approvals {
			sv.Approvals = append(sv.Approvals, ApprovalView{User: names.ref(a.User), OnBehalfOf: names.optRef(a.OnBehalfOf), At: a.At})
		}
		d.Steps = append(d.Steps, sv)
	}
	now := s.now()
	d.Forms = st.Forms(u.ID, "", now)
	for _, f := range d.Forms {
		d.AllowedActions = append(d.AllowedActions, f.Type)
	}
	for _, who := range delegators {
		// A delegate takes only the principal's part of the step; the rest is their own.
		forms := slices.DeleteFunc(st.Forms(u.ID, who, now), func(f chain.Form) bool { return !f.Type.OnStep() })
		if len(forms) == 0 {
			continue
		}
		d.OnBehalfForms[who] = forms
		for _, f := range forms {
			d.AllowedOnBehalfOf[who] = append(d.AllowedOnBehalfOf[who], f.Type)
		}
	}
	return d, nil
}

// CasePage is what the case page shows besides the case: the current step, the reader's action
// forms in their own name and for those they stand in for, and the choices the forms offer.
type CasePage struct {
	Current       *StepView
	Own           []chain.Form
	OnBehalf      []OnBehalfForms // by the ID of whom the reader stands in for
	ReturnTargets []StepView      // earlier completed steps a return may go back to
	TransferTo    []UserRef       // holders of the current step's post a transfer may go to
	People        []UserRef       // whom a signer may be added: the policy's people
	// RejectReturns: a rejection of the current step sends the case back to its submitter to
	// revise (a countersign), so a reject button says so.
	RejectReturns bool
	// Archive: the case has closed and the reader holds audit.verify, so the page links its
	// archive package (which the workflow keeps a moment after the close).
	Archive bool
}

// OnBehalfForms are the forms of the actions a reader takes for one person they stand in for.
type OnBehalfForms struct {
	Who   UserRef
	Forms []chain.Form
}

// CasePageOf is the page of a case view u may see, whose detail d is.
func (s *Service) CasePageOf(ctx context.Context, u store.User, v store.CaseView, d CaseDetail) (CasePage, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return CasePage{}, Internal(fmt.Errorf("case page %s: %w", v.Case.ID, err))
	}
	pg := CasePage{Own: d.Forms}
	if v.Case.ClosedAt != nil {
		if pg.Archive, err = s.May(ctx, u, policy.CapAuditVerify); err != nil {
			return CasePage{}, err
		}
	}
	for who, forms := range d.OnBehalfForms {
		pg.OnBehalf = append(pg.OnBehalf, OnBehalfForms{Who: UserRef{ID: who, Name: UserName(doc, who)}, Forms: forms})
	}
	slices.SortFunc(pg.OnBehalf, func(a, b OnBehalfForms) int { return strings.Compare(a.Who.ID, b.Who.ID) })
	for i := range d.Steps {
		st := d.Steps[i]
		if st.Current {
			pg.Current = &d.Steps[i]
			break
		}
		if st.Done {
			pg.ReturnTargets = append(pg.ReturnTargets, st)
		}
	}
	if st := v.Case.State; st != nil && st.CurrentStep() != nil {
		cur := st.CurrentStep()
		// Whom the reader's part, or that of whoever they stand in for, may pass to: the chain's
		// answer, so the choice offers exactly what the transfer's validator accepts.
		var to []string
		for _, who := range append([]string{u.ID}, slices.Sorted(maps.Keys(d.OnBehalfForms))...) {
			to = append(to, st.TransferTargets(who)...)
		}
		slices.Sort(to)
		for _, id := range slices.Compact(to) {
			if id != u.ID {
				pg.TransferTo = append(pg.TransferTo, UserRef{ID: id, Name: UserName(doc, id)})
			}
		}
		pg.RejectReturns = cur.RejectReturns
	}
	for _, pu := range doc.Users {
		if pu.ID != u.ID && pu.ID != v.Case.SubmitterID {
			pg.People = append(pg.People, UserRef{ID: pu.ID, Name: pu.Name})
		}
	}
	return pg, nil
}
