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

// acts is the nil receiver through which the workflow names its activities.
var acts *activities.Activities

// View is what an Update returns: enough for the caller to know the action took and at which
// revision; the full case page comes from Postgres, which is already up to date.
type View struct {
	CaseID   string       `json:"case_id"`
	Status   chain.Status `json:"status"`
	Revision int          `json:"revision"`
	Step     string       `json:"step"`
	Holders  []string     `json:"holders"`
}

// caseRun is one case's workflow state: the chain, and the bookkeeping around it. All of it is
// touched only under mu, so an Update handler and a timer never interleave at an activity.
type caseRun struct {
	in         CaseInput
	st         *chain.State
	route      activities.RouteResult
	mu         workflow.Mutex
	setupErr   error
	changed    bool // the state changed: recompute the next alarm
	deliveries int  // notification deliveries still running
	toDeliver  int  // notifications written by the last record that wait for e-mail / webhook

	version   workflow.Version // see versionLeanAlarms
	saVersion workflow.Version // see versionAttributesOnChange
	shown     map[string]any   // the search attribute values operators last saw, by name

	alarm   workflow.Future // the armed timer, if any
	alarmAt time.Time       // when it fires
	cancel  workflow.CancelFunc
}

func newCaseRun(in CaseInput) *caseRun { return &caseRun{in: in} }

// versionLeanAlarms (version 1) keeps an alarm timer armed until its fire time moves, and
// schedules the Deliver activity only when e-mail or webhook messages wait. Cases started before
// it (DefaultVersion) re-armed the timer on every change and always scheduled Deliver.
const versionLeanAlarms = "lean-alarms"

// versionAttributesOnChange (version 1) upserts only the search attributes whose value changed,
// and nothing when none did (comments, nudges, a partial countersign): each upsert is a
// visibility write on the Temporal server. Cases started before it upserted all of them on
// every change.
const versionAttributesOnChange = "attributes-on-change"

func (w *caseRun) run(ctx workflow.Context) (CaseResult, error) {
	// Each GetVersion records a marker and a visibility write. A case new enough to have
	// attributes-on-change has lean-alarms too, so only older cases ask for it.
	w.saVersion = workflow.GetVersion(ctx, versionAttributesOnChange, workflow.DefaultVersion, 1)
	w.version = 1
	if w.saVersion == workflow.DefaultVersion {
		w.version = workflow.GetVersion(ctx, versionLeanAlarms, workflow.DefaultVersion, 1)
	}
	w.mu = workflow.NewMutex(ctx)
	if err := w.registerHandlers(ctx); err != nil {
		return CaseResult{}, err
	}
	if err := w.setup(ctx); err != nil {
		return w.abandon(ctx, err)
	}
	for !w.st.Status.Closed() {
		if w.in.AutoPay && w.st.Status == chain.StatusAwaitingPayment {
			if err := w.payByConnector(ctx); err != nil {
				return CaseResult{}, err
			}
			continue
		}
		if err := w.waitForAlarm(ctx); err != nil {
			return CaseResult{}, err
		}
	}
	if err := workflow.Await(ctx, func() bool {
		return workflow.AllHandlersFinished(ctx) && w.deliveries == 0
	}); err != nil {
		return CaseResult{}, err
	}
	return CaseResult{CaseID: w.st.CaseID, Status: string(w.st.Status), Seals: w.st.Seq}, nil
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

// setup resolves the route, snapshots the assignees and records the submission.
func (w *caseRun) setup(ctx workflow.Context) error {
	if err := w.mu.Lock(ctx); err != nil {
		return err
	}
	defer w.mu.Unlock()
	if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.ResolveRoute,
		activities.RouteInput{CaseID: w.in.CaseID}).Get(ctx, &w.route); err != nil {
		return fmt.Errorf("resolve route: %w", err)
	}
	now := workflow.Now(ctx)
	st := chain.New(w.in.CaseID, w.route.Submitter, w.route.PolicyVersion, w.route.Rules, w.route.Route, now)
	out := st.Submitted(now)
	if err := w.record(ctx, st, out); err != nil {
		return fmt.Errorf("record submission: %w", err)
	}
	w.st = st
	return w.afterChange(ctx)
}

func (w *caseRun) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (*chain.State, error) { return w.st, nil }); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateSubmit, w.awaitSubmitted); err != nil {
		return err
	}
	for _, t := range chain.Actions {
		err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateName(t),
			func(ctx workflow.Context, a chain.Action) (View, error) { return w.act(ctx, t, a) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, a chain.Action) error {
				return w.validate(ctx, t, a)
			}})
		if err != nil {
			return err
		}
	}
	return nil
}

// awaitSubmitted answers the submission's update-with-start once the case is routed and recorded.
func (w *caseRun) awaitSubmitted(ctx workflow.Context) (View, error) {
	if err := workflow.Await(ctx, func() bool { return w.st != nil || w.setupErr != nil }); err != nil {
		return View{}, err
	}
	if w.setupErr != nil {
		return View{}, w.setupErr
	}
	return w.view(), nil
}

func (w *caseRun) validate(ctx workflow.Context, t chain.ActionType, a chain.Action) error {
	if w.st == nil {
		return refusal(&chain.Refusal{Code: chain.CodeNotAllowedNow, Message: "the case is still being routed"})
	}
	a.Type = t
	if err := w.st.Validate(a, workflow.Now(ctx)); err != nil {
		return refusal(err)
	}
	return nil
}

// act carries out an accepted action: it re-checks it under the lock (another update may have
// gone first), applies it to a copy, records the copy, and only then makes it the state.
func (w *caseRun) act(ctx workflow.Context, t chain.ActionType, a chain.Action) (View, error) {
	if err := w.mu.Lock(ctx); err != nil {
		return View{}, err
	}
	defer w.mu.Unlock()
	a.Type = t
	now := workflow.Now(ctx)
	if err := w.st.Validate(a, now); err != nil {
		return View{}, refusal(err)
	}
	next := w.st.Clone()
	if t == chain.ActResubmit && a.EditID != "" {
		var rr activities.RouteResult
		if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.ResolveRoute,
			activities.RouteInput{CaseID: w.in.CaseID, EditID: a.EditID}).Get(ctx, &rr); err != nil {
			return View{}, refusalFromActivity(err)
		}
		next.Rebase(rr.Route)
		w.route.Amount, w.route.Title = rr.Amount, rr.Title
	}
	out := next.Apply(a, now)
	if err := w.record(ctx, next, out); err != nil {
		return View{}, refusalFromActivity(err)
	}
	w.st = next
	if err := w.afterChange(ctx); err != nil {
		return View{}, err
	}
	return w.view(), nil
}

// record persists an outcome before it is acknowledged (read-your-writes).
func (w *caseRun) record(ctx workflow.Context, st *chain.State, out chain.Outcome) error {
	in := activities.RecordInput{State: st, Outcome: out, Title: w.route.Title}
	var res activities.RecordResult
	err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.Record, in).Get(ctx, &res)
	w.toDeliver = res.ToDeliver
	return err
}

// afterChange publishes the new state to operators and sends notifications in the background.
func (w *caseRun) afterChange(ctx workflow.Context) error {
	w.changed = true
	if err := w.upsertSearchAttributes(ctx); err != nil {
		return err
	}
	if w.toDeliver == 0 && w.version >= 1 {
		return nil // only the in-app inbox, already written
	}
	w.deliveries++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { w.deliveries-- }()
		err := workflow.ExecuteActivity(deliverOpts(ctx), acts.Deliver,
			activities.DeliverInput{CaseID: w.in.CaseID}).Get(ctx, nil)
		if err != nil {
			workflow.GetLogger(ctx).Warn("notification delivery failed", "case", w.in.CaseID, "error", err)
		}
	})
	return nil
}

func (w *caseRun) upsertSearchAttributes(ctx workflow.Context) error {
	step := ""
	if cur := w.st.CurrentStep(); cur != nil {
		step = cur.Key
	}
	holders := w.st.Holders()
	if holders == nil {
		holders = []string{}
	}
	values := []struct {
		name  string
		value any
		set   temporal.SearchAttributeUpdate
	}{
		{AttrKind.GetName(), string(w.st.Kind), AttrKind.ValueSet(string(w.st.Kind))},
		{AttrStatus.GetName(), string(w.st.Status), AttrStatus.ValueSet(string(w.st.Status))},
		{AttrDepartment.GetName(), w.route.Department, AttrDepartment.ValueSet(w.route.Department)},
		{AttrStep.GetName(), step, AttrStep.ValueSet(step)},
		{AttrAssignees.GetName(), strings.Join(holders, ","), AttrAssignees.ValueSet(holders)},
		{AttrAmount.GetName(), w.route.Amount, AttrAmount.ValueSet(w.route.Amount)},
		{AttrOverdue.GetName(), w.st.Overdue, AttrOverdue.ValueSet(w.st.Overdue)},
	}
	var updates []temporal.SearchAttributeUpdate
	if w.shown == nil {
		// What the start set is what operators already see.
		w.shown = shownValues(workflow.GetTypedSearchAttributes(ctx))
	}
	for _, v := range values {
		if w.saVersion == workflow.DefaultVersion || w.shown[v.name] != v.value {
			updates = append(updates, v.set)
			w.shown[v.name] = v.value
		}
	}
	if len(updates) == 0 {
		return nil
	}
	return workflow.UpsertTypedSearchAttributes(ctx, updates...)
}

// waitForAlarm sleeps until the next reminder or escalation is due, or until the state
// changes. The timer stays armed across changes that do not move it.
func (w *caseRun) waitForAlarm(ctx workflow.Context) error {
	if w.version == workflow.DefaultVersion {
		return w.waitForAlarmV0(ctx)
	}
	at, fire := w.nextAlarm()
	if !at.Equal(w.alarmAt) {
		if w.cancel != nil {
			w.cancel()
		}
		w.alarm, w.alarmAt, w.cancel = nil, at, nil
		if fire != nil {
			timerCtx, cancel := workflow.WithCancel(ctx)
			w.alarm, w.cancel = workflow.NewTimer(timerCtx, max(0, at.Sub(workflow.Now(ctx)))), cancel
		}
	}
	w.changed = false
	err := workflow.Await(ctx, func() bool {
		return w.changed || w.st.Status.Closed() || (w.alarm != nil && w.alarm.IsReady())
	})
	if err != nil || w.alarm == nil || !w.alarm.IsReady() {
		return err
	}
	w.alarm, w.alarmAt, w.cancel = nil, time.Time{}, nil
	return fire(ctx)
}

// waitForAlarmV0 is the alarm loop of cases started before versionLeanAlarms: a new timer on
// every change.
func (w *caseRun) waitForAlarmV0(ctx workflow.Context) error {
	at, fire := w.nextAlarm()
	w.changed = false
	wake := func() bool { return w.changed || w.st.Status.Closed() }
	if fire == nil {
		return workflow.Await(ctx, wake)
	}
	if d := at.Sub(workflow.Now(ctx)); d > 0 {
		woke, err := workflow.AwaitWithTimeout(ctx, d, wake)
		if err != nil || woke {
			return err
		}
	}
	return fire(ctx)
}

// nextAlarm returns when the next alarm is due and what it does, or nil if none is pending.
func (w *caseRun) nextAlarm() (time.Time, func(workflow.Context) error) {
	deadline := w.st.Deadline()
	if deadline.IsZero() {
		return time.Time{}, nil
	}
	if remind := w.st.ReminderAt(); !w.st.Reminded && !remind.IsZero() && remind.Before(deadline) {
		return remind, w.remind
	}
	if !w.st.Escalated {
		return deadline, w.escalate
	}
	return time.Time{}, nil
}

func (w *caseRun) remind(ctx workflow.Context) error {
	return w.systemEvent(ctx, func(next *chain.State, now time.Time) (chain.Outcome, error) {
		return next.Remind(now), nil
	})
}

// escalate marks the case overdue and tells the holders' superiors.
func (w *caseRun) escalate(ctx workflow.Context) error {
	return w.systemEvent(ctx, func(next *chain.State, now time.Time) (chain.Outcome, error) {
		var sup activities.SuperiorsResult
		in := activities.SuperiorsInput{PolicyVersion: next.PolicyVersion, Users: next.Holders()}
		if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.Superiors, in).Get(ctx, &sup); err != nil {
			return chain.Outcome{}, err
		}
		return next.Escalate(sup.Superiors, now), nil
	})
}

// payByConnector has the payment connector pay an approved case. It holds the lock throughout,
// so a cashier's manual payment cannot race the connector's. Retries are Temporal's; a refusal
// by the connector leaves the case with the cashier, who then records the payment.
func (w *caseRun) payByConnector(ctx workflow.Context) error {
	if err := w.mu.Lock(ctx); err != nil {
		return err
	}
	defer w.mu.Unlock()
	if w.st.Status != chain.StatusAwaitingPayment {
		return nil
	}
	var receipt activities.PayResult
	err := workflow.ExecuteActivity(payOpts(ctx), acts.Pay, activities.PayInput{CaseID: w.in.CaseID}).Get(ctx, &receipt)
	if err != nil {
		workflow.GetLogger(ctx).Warn("payment connector failed; the cashier records payment", "case", w.in.CaseID, "error", err)
		w.in.AutoPay = false
		return nil
	}
	next := w.st.Clone()
	out := next.PaidByConnector(chain.Payment{Reference: receipt.Reference, PaidAt: receipt.PaidAt}, workflow.Now(ctx))
	if err := w.record(ctx, next, out); err != nil {
		return err
	}
	w.st = next
	return w.afterChange(ctx)
}

func (w *caseRun) systemEvent(ctx workflow.Context, apply func(*chain.State, time.Time) (chain.Outcome, error)) error {
	if err := w.mu.Lock(ctx); err != nil {
		return err
	}
	defer w.mu.Unlock()
	next := w.st.Clone()
	out, err := apply(next, workflow.Now(ctx))
	if err != nil {
		return err
	}
	if err := w.record(ctx, next, out); err != nil {
		return err
	}
	w.st = next
	return w.afterChange(ctx)
}

func (w *caseRun) view() View {
	v := View{CaseID: w.st.CaseID, Status: w.st.Status, Revision: w.st.Revision, Holders: w.st.Holders()}
	if cur := w.st.CurrentStep(); cur != nil {
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

// refusalFromActivity passes through an activity's typed business error (over budget, no
// route) as the Update's error.
func refusalFromActivity(err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return temporal.NewNonRetryableApplicationError(app.Message(), app.Type(), nil)
	}
	return err
}

func localOpts(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 15 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 200 * time.Millisecond, BackoffCoefficient: 2, MaximumInterval: 10 * time.Second,
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

func deliverOpts(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Minute, MaximumAttempts: 20,
		},
	})
}
