package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"signoff/activities"
	"signoff/chain"
	"signoff/i18n"
)

// View is what an Update returns: enough for the caller to know the action took and at which
// revision; the full case page comes from Postgres, which is already up to date.
type View struct {
	CaseID   string       `json:"case_id"`
	Status   chain.Status `json:"status"`
	Revision int          `json:"revision"`
	Step     string       `json:"step"`
	Holders  []string     `json:"holders"`
}

// caseRun is one case's workflow: the chain, run by the shared skeleton (see runner), and the
// route the case was submitted on.
type caseRun struct {
	*runner[*chain.State, chain.Action, chain.Outcome, View]
	in    CaseInput
	route activities.RouteResult
}

// versionLeanAlarms (version 1) keeps an alarm timer armed until its fire time moves, and
// schedules the Deliver activity only when e-mail or webhook messages wait. Cases started before
// it (DefaultVersion) re-armed the timer on every change and always scheduled Deliver.
const versionLeanAlarms = "lean-alarms"

// versionAttributesOnChange (version 1) upserts only the search attributes whose value changed,
// and nothing when none did (comments, nudges, a partial countersign): each upsert is a
// visibility write on the Temporal server. Cases started before it upserted all of them on
// every change.
const versionAttributesOnChange = "attributes-on-change"

// versionAddedSignerAdds (version 1): a signer added in parallel adds a signature the step
// needs besides its own mode (chain.Step.Added), so an added signer never completes a step
// alone. Cases that added one before it (DefaultVersion) counted the added signer like a routed
// assignee; asked only when a parallel signer is added, so other cases record no marker.
const versionAddedSignerAdds = "added-signer-adds"

// versionReopenInvalidated (version 1): a resubmission's edit re-opens the signed steps whose
// seals attest content the edit changes (activities.RouteResult.Reopen), so they sign again.
// Before it, every signed step kept its signature whatever the edit changed.
const versionReopenInvalidated = "reopen-invalidated"

// versionDelegateSignsOnce (version 1): an assignee who signs as another assignee's delegate
// signs that part only. Cases before it (DefaultVersion) counted the one signature for the
// delegate's own part too; asked only when that happens.
const versionDelegateSignsOnce = "delegate-signs-once"

// versionArchiveAtClose (version 1): an expense or purchase request that closed keeps its
// archive package (activities.ArchiveCase) before its workflow ends. Cases that closed before it
// (DefaultVersion) were not archived by their workflow; asked only once the case has closed.
const versionArchiveAtClose = "archive-at-close"

// runCase runs a case's workflow: Expense, Procurement, Receipt and Settlement differ only in
// their chains (the policy) and in what Procurement does once approved.
func runCase(ctx workflow.Context, in CaseInput) (*caseRun, CaseResult, error) {
	// Each GetVersion records a marker and a visibility write. A case new enough to continue as
	// new has every earlier change too, so only older cases ask for those.
	limit := newRunLimit(ctx, in.Limits)
	o := runOptions{leanAlarms: true, attrsFromStart: true}
	if !limit.on {
		if workflow.GetVersion(ctx, versionAttributesOnChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
			o.upsertAll = true
			if workflow.GetVersion(ctx, versionLeanAlarms, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
				o.leanAlarms, o.alwaysDeliver = false, true
			}
		}
	}
	w := &caseRun{in: in}
	w.runner = newRunner(ctx, w, "case", in.CaseID, limit, o)
	// A continued run takes its state before its handlers: Updates that reached it while the
	// last run was quiescing are validated as soon as the handlers are registered.
	if c := in.Carry; c != nil {
		w.st, w.route = c.State, c.Route
	}
	updates := make([]string, len(chain.Actions))
	for i, t := range chain.Actions {
		updates[i] = UpdateName(t)
	}
	if err := w.register(ctx, QueryState, updates); err != nil {
		return w, CaseResult{}, err
	}
	if c := in.Carry; c == nil {
		if err := w.setup(ctx, "submission", w.submit); err != nil {
			res, err := w.abandon(ctx, err)
			return w, res, err
		}
	} else if c.Deliver {
		w.outbox.deliver(ctx)
	}
	continueAsNew, err := w.live(ctx, w.payByConnector)
	if err != nil {
		return w, CaseResult{}, err
	}
	if continueAsNew {
		next := w.in
		next.Carry = &CaseCarry{State: w.st, Route: w.route, Deliver: w.outbox.running > 0}
		return w, CaseResult{}, workflow.NewContinueAsNewError(ctx, workflow.GetInfo(ctx).WorkflowType.Name, next)
	}
	return w, CaseResult{CaseID: w.st.CaseID, Status: string(w.st.Status), Seals: w.st.Seq}, nil
}

// archiveAtClose keeps the archive package of the closed case. The activity is idempotent by the
// case, so a retry or a worker that died after writing leaves one package. A refusal (the case
// did not close, a misconfigured worker) is logged and does not fail the closed case's workflow.
func archiveAtClose(ctx workflow.Context, caseID string) {
	if workflow.GetVersion(ctx, versionArchiveAtClose, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	var res activities.ArchiveResult
	if err := workflow.ExecuteActivity(archiveOpts(ctx), acts.ArchiveCase, activities.ArchiveInput{CaseID: caseID}).Get(ctx, &res); err != nil {
		workflow.GetLogger(ctx).Error("archive at close failed", "case", caseID, "error", err)
	}
}

// submit resolves the route and snapshots the assignees: the submission.
func (w *caseRun) submit(ctx workflow.Context) (*chain.State, chain.Outcome, error) {
	if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.ResolveRoute,
		activities.RouteInput{CaseID: w.in.CaseID}).Get(ctx, &w.route); err != nil {
		return nil, chain.Outcome{}, fmt.Errorf("resolve route: %w", err)
	}
	now := workflow.Now(ctx)
	st := chain.New(w.in.CaseID, w.route.Submitter, w.route.PolicyVersion, w.route.Rules, w.route.Route, now)
	return st, st.Submitted(now), nil
}

// abandon closes a case whose route cannot be resolved: the system rejects it with the reason
// (its budget released), and the waiting submission is answered with a typed no_route error.
func (w *caseRun) abandon(ctx workflow.Context, cause error) (CaseResult, error) {
	msg := cause.Error()
	var app *temporal.ApplicationError
	if errors.As(cause, &app) {
		msg = app.Message()
	}
	reason := i18n.T(i18n.Default, "system.no_route", msg) // stored in the company's language; rendering is pure
	in := activities.AbandonInput{CaseID: w.in.CaseID, Reason: reason, At: workflow.Now(ctx)}
	if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.Abandon, in).Get(ctx, nil); err != nil {
		return CaseResult{}, err
	}
	w.setupErr = temporal.NewNonRetryableApplicationError(reason, activities.ErrTypeNoRoute, nil)
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return CaseResult{}, err
	}
	return CaseResult{CaseID: w.in.CaseID, Status: string(chain.StatusRejected), Seals: 2}, nil
}

func (w *caseRun) clone(st *chain.State) *chain.State { return st.Clone() }

func (w *caseRun) closed(st *chain.State) bool { return st.Status.Closed() }

func (w *caseRun) typed(a chain.Action, update string) chain.Action {
	a.Type = chain.ActionType(update)
	return a
}

func (w *caseRun) validate(st *chain.State, a chain.Action, now time.Time) error {
	return refusal(st.Validate(a, now))
}

func (w *caseRun) notReady() error {
	return refusal(&chain.Refusal{Code: chain.CodeNotAllowedNow, Message: "the case is still being routed"})
}

// apply applies an action; a resubmission with an edit is routed afresh first, keeping the
// steps already signed.
func (w *caseRun) apply(ctx workflow.Context, next *chain.State, a chain.Action, now time.Time) (chain.Outcome, error) {
	if a.Type == chain.ActResubmit && a.EditID != "" {
		var rr activities.RouteResult
		if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.ResolveRoute,
			activities.RouteInput{CaseID: w.in.CaseID, EditID: a.EditID}).Get(ctx, &rr); err != nil {
			return chain.Outcome{}, err
		}
		next.Rebase(rr.Route)
		if len(rr.Reopen) > 0 &&
			workflow.GetVersion(ctx, versionReopenInvalidated, workflow.DefaultVersion, 1) == 1 {
			next.Reopen(rr.Reopen)
		}
		w.route.Amount, w.route.Title = rr.Amount, rr.Title
	}
	var compat chain.Compat
	if a.Type == chain.ActAddSigner && a.Position == chain.PositionParallel {
		compat.AddedCountsAsRouted = workflow.GetVersion(ctx, versionAddedSignerAdds, workflow.DefaultVersion, 1) == workflow.DefaultVersion
	}
	if next.LegacySeat(a) {
		compat.DelegateFillsOwnSeat = workflow.GetVersion(ctx, versionDelegateSignsOnce, workflow.DefaultVersion, 1) == workflow.DefaultVersion
	}
	return next.ApplyCompat(a, now, compat), nil
}

// record persists an outcome before it is acknowledged (read-your-writes).
func (w *caseRun) record(ctx workflow.Context, st *chain.State, out chain.Outcome) (int, error) {
	in := activities.RecordInput{State: st, Outcome: out, Title: w.route.Title}
	var res activities.RecordResult
	err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.Record, in).Get(ctx, &res)
	return res.ToDeliver, err
}

func (w *caseRun) empty(out chain.Outcome) bool { return len(out.Seals) == 0 }

// nextAlarm: the reminder before the current deadline, then the escalation at it.
func (w *caseRun) nextAlarm(st *chain.State) (time.Time, transition[*chain.State, chain.Outcome]) {
	deadline := st.Deadline()
	if deadline.IsZero() {
		return time.Time{}, nil
	}
	if at := st.ReminderAt(); !st.Reminded && !at.IsZero() && at.Before(deadline) {
		return at, remind
	}
	if !st.Escalated {
		return deadline, escalate
	}
	return time.Time{}, nil
}

func remind(_ workflow.Context, next *chain.State, now time.Time) (chain.Outcome, error) {
	return next.Remind(now), nil
}

// escalate marks the case overdue and tells the holders' superiors.
func escalate(ctx workflow.Context, next *chain.State, now time.Time) (chain.Outcome, error) {
	var sup activities.SuperiorsResult
	in := activities.SuperiorsInput{PolicyVersion: next.PolicyVersion, Users: next.Holders()}
	if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.Superiors, in).Get(ctx, &sup); err != nil {
		return chain.Outcome{}, err
	}
	return next.Escalate(sup.Superiors, now), nil
}

// payByConnector has the payment connector pay an approved case. It holds the lock throughout,
// so a cashier's manual payment cannot race the connector's. Retries are Temporal's; a refusal
// by the connector leaves the case with the cashier, who then records the payment.
func (w *caseRun) payByConnector(ctx workflow.Context) (bool, error) {
	if !w.in.AutoPay || w.st.Status != chain.StatusAwaitingPayment {
		return false, nil
	}
	return true, w.do(ctx, func(ctx workflow.Context, next *chain.State, now time.Time) (chain.Outcome, error) {
		if next.Status != chain.StatusAwaitingPayment {
			return chain.Outcome{}, nil
		}
		var receipt activities.PayResult
		err := workflow.ExecuteActivity(payOpts(ctx), acts.Pay, activities.PayInput{CaseID: w.in.CaseID}).Get(ctx, &receipt)
		if err != nil {
			workflow.GetLogger(ctx).Warn("payment connector failed; the cashier records payment", "case", w.in.CaseID, "error", err)
			w.in.AutoPay = false
			return chain.Outcome{}, nil
		}
		return next.PaidByConnector(chain.Payment{Reference: receipt.Reference, PaidAt: receipt.PaidAt}, now), nil
	})
}

// attributes: kind, status, department, current step, holders, amount and overdue flag.
func (w *caseRun) attributes(_ workflow.Context, st *chain.State) []attribute {
	step := ""
	if cur := st.CurrentStep(); cur != nil {
		step = cur.Key
	}
	holders := st.Holders()
	if holders == nil {
		holders = []string{}
	}
	return []attribute{
		{AttrKind.GetName(), string(st.Kind), AttrKind.ValueSet(string(st.Kind))},
		{AttrStatus.GetName(), string(st.Status), AttrStatus.ValueSet(string(st.Status))},
		{AttrDepartment.GetName(), w.route.Department, AttrDepartment.ValueSet(w.route.Department)},
		{AttrStep.GetName(), step, AttrStep.ValueSet(step)},
		{AttrAssignees.GetName(), strings.Join(holders, ","), AttrAssignees.ValueSet(holders)},
		{AttrAmount.GetName(), w.route.Amount, AttrAmount.ValueSet(w.route.Amount)},
		{AttrOverdue.GetName(), st.Overdue, AttrOverdue.ValueSet(st.Overdue)},
	}
}

func (w *caseRun) view(st *chain.State) View {
	v := View{CaseID: st.CaseID, Status: st.Status, Revision: st.Revision, Holders: st.Holders()}
	if cur := st.CurrentStep(); cur != nil {
		v.Step = cur.Key
	}
	return v
}

// refusal turns a chain refusal into the error an Update caller receives, typed by its code.
func refusal(err error) error {
	var r *chain.Refusal
	if errors.As(err, &r) {
		return temporal.NewNonRetryableApplicationError(r.Message, RefusalType(r.Code), nil)
	}
	return err
}

// archiveOpts retry the archive until it is written (attachments and the voucher may be large,
// the database briefly away); only a refusal the activity marks non-retryable stops them.
func archiveOpts(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
		},
	})
}

func payOpts(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute, MaximumAttempts: 10,
			NonRetryableErrorTypes: []string{activities.ErrTypePaymentRefused},
		},
	})
}
