package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"signoff/actionsig"
	"signoff/activities"
)

// acts is the nil receiver through which the workflow names its activities.
var acts *activities.Activities

// machine is what a long-lived workflow's state machine (a case's chain, a production problem)
// tells the skeleton that runs it. S is the state (a pointer, nil until set up), A a human
// action, O the outcome of a transition (what is recorded), V what an Update returns. The
// rules themselves stay in the machine's package; these methods only adapt them.
type machine[S comparable, A, O, V any] interface {
	clone(st S) S
	closed(st S) bool
	// typed gives an action the type its Update's name says.
	typed(a A, update string) A
	// validate asks the rules whether the action may be taken now; a refusal comes back as the
	// Update's typed error.
	validate(st S, a A, now time.Time) error
	// apply carries out a validated action on a copy of the state. It may run local activities
	// (a resubmission's edit is routed afresh).
	apply(ctx workflow.Context, next S, a A, now time.Time) (O, error)
	// record persists an outcome (seals, snapshot, outbox) and says how many notifications wait
	// for e-mail or webhook.
	record(ctx workflow.Context, st S, out O) (toDeliver int, err error)
	// empty reports an outcome with nothing to record: an alarm that an action made stale.
	empty(out O) bool
	// nextAlarm is when the next reminder or escalation is due and the transition it makes, or
	// a nil transition when none is pending.
	nextAlarm(st S) (time.Time, transition[S, O])
	// attributes are the search attributes operators see for the state.
	attributes(ctx workflow.Context, st S) []attribute
	view(st S) V
	// notReady is the refusal of an action that arrives before the state is set up.
	notReady() error
}

// transition changes a copy of the state without a human action (a reminder, an escalation, a
// payment by the connector) and returns what to record.
type transition[S, O any] func(ctx workflow.Context, next S, now time.Time) (O, error)

// attribute is one search attribute: its name, its value in a comparable form, and its update.
type attribute struct {
	name  string
	value any
	set   temporal.SearchAttributeUpdate
}

// runner is the skeleton a case and a problem share: the state behind one lock, so an Update
// handler and a timer never interleave at an activity; every transition recorded before it is
// acknowledged (read-your-writes) and only then made the state; the alarm timer; the search
// attributes; the background deliveries; and the run's limits. Which of its behaviours a run has
// is decided by the versions the run started with (see the options below).
type runner[S comparable, A, O, V any] struct {
	m        machine[S, A, O, V]
	st       S
	mu       workflow.Mutex
	setupErr error // why the state could not be set up, for the waiting submission
	changed  bool  // the state changed: recompute the next alarm
	outbox   outbox
	limit    runLimit
	shown    map[string]any // the search attribute values operators last saw, by name

	alarm   workflow.Future // the armed timer, if any (lean alarms)
	alarmAt time.Time       // when it fires
	cancel  workflow.CancelFunc

	runOptions
}

// runOptions are the behaviours that changed under a version: older runs keep the ones they
// started with.
type runOptions struct {
	leanAlarms     bool // keep the alarm timer armed until its time moves; else a timer per wait
	alwaysDeliver  bool // schedule Deliver after every change, even with nothing to send
	upsertAll      bool // upsert every search attribute on every change, not only changed ones
	attrsFromStart bool // what the start set is what operators see; else the first upsert sets all
}

func newRunner[S comparable, A, O, V any](ctx workflow.Context, m machine[S, A, O, V], what, id string, limit runLimit, o runOptions) *runner[S, A, O, V] {
	return &runner[S, A, O, V]{m: m, mu: workflow.NewMutex(ctx), outbox: outbox{id: id, what: what}, limit: limit, runOptions: o}
}

// set reports whether the state is set up.
func (r *runner[S, A, O, V]) set() bool {
	var none S
	return r.st != none
}

// register sets the state query, the submission's Update (answered once the state is set up)
// and one Update per action, each with the machine's validator. An action's Update takes the
// action and its actionsig.Proof; the proof is checked by the worker's interceptor
// (SigningInterceptor) before the validator, never by the handler, which replays without a key.
// Histories from before proofs carry one argument: the proof then decodes as zero, unread.
func (r *runner[S, A, O, V]) register(ctx workflow.Context, query string, updates []string) error {
	if err := workflow.SetQueryHandler(ctx, query, func() (S, error) { return r.st, nil }); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateSubmit, r.awaitSetUp); err != nil {
		return err
	}
	for _, name := range updates {
		err := workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(ctx workflow.Context, a A, _ actionsig.Proof) (V, error) { return r.act(ctx, name, a) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, a A, _ actionsig.Proof) error {
				if !r.set() {
					return r.m.notReady()
				}
				return r.m.validate(r.st, r.m.typed(a, name), workflow.Now(ctx))
			}})
		if err != nil {
			return err
		}
	}
	return nil
}

// awaitSetUp answers a submission's update-with-start once the state is set up and recorded.
func (r *runner[S, A, O, V]) awaitSetUp(ctx workflow.Context) (V, error) {
	r.limit.took()
	var none V
	if err := workflow.Await(ctx, func() bool { return r.set() || r.setupErr != nil }); err != nil {
		return none, err
	}
	if r.setupErr != nil {
		return none, r.setupErr
	}
	return r.m.view(r.st), nil
}

// setup records the first state and its outcome (the submission, the raise) under the lock.
func (r *runner[S, A, O, V]) setup(ctx workflow.Context, what string, begin func(ctx workflow.Context) (S, O, error)) error {
	if err := r.mu.Lock(ctx); err != nil {
		return err
	}
	defer r.mu.Unlock()
	st, out, err := begin(ctx)
	if err != nil {
		return err
	}
	toDeliver, err := r.m.record(ctx, st, out)
	if err != nil {
		return fmt.Errorf("record %s: %w", what, err)
	}
	r.st = st
	return r.afterChange(ctx, toDeliver)
}

// act carries out an accepted action: it re-checks it under the lock (another Update may have
// gone first), applies it to a copy, records the copy, and only then makes it the state.
func (r *runner[S, A, O, V]) act(ctx workflow.Context, update string, a A) (V, error) {
	r.limit.took()
	var none V
	if err := r.mu.Lock(ctx); err != nil {
		return none, err
	}
	defer r.mu.Unlock()
	a = r.m.typed(a, update)
	now := workflow.Now(ctx)
	if err := r.m.validate(r.st, a, now); err != nil {
		return none, err
	}
	next := r.m.clone(r.st)
	out, err := r.m.apply(ctx, next, a, now)
	if err != nil {
		return none, refusalFromActivity(err)
	}
	toDeliver, err := r.m.record(ctx, next, out)
	if err != nil {
		return none, refusalFromActivity(err)
	}
	r.st = next
	if err := r.afterChange(ctx, toDeliver); err != nil {
		return none, err
	}
	return r.m.view(r.st), nil
}

// do makes a transition without a human action, under the lock; an outcome with nothing to
// record leaves the state as it was.
func (r *runner[S, A, O, V]) do(ctx workflow.Context, t transition[S, O]) error {
	if err := r.mu.Lock(ctx); err != nil {
		return err
	}
	defer r.mu.Unlock()
	next := r.m.clone(r.st)
	out, err := t(ctx, next, workflow.Now(ctx))
	if err != nil || r.m.empty(out) {
		return err
	}
	toDeliver, err := r.m.record(ctx, next, out)
	if err != nil {
		return err
	}
	r.st = next
	return r.afterChange(ctx, toDeliver)
}

// afterChange shows the new state to operators and sends its notifications in the background.
func (r *runner[S, A, O, V]) afterChange(ctx workflow.Context, toDeliver int) error {
	r.changed = true
	if err := r.publish(ctx); err != nil {
		return err
	}
	if toDeliver > 0 || r.alwaysDeliver { // otherwise only the in-app inbox, already written
		r.outbox.deliver(ctx)
	}
	return nil
}

// publish upserts the search attributes whose value changed, and nothing when none did
// (comments, nudges, a partial countersign): each upsert is a visibility write on the server.
func (r *runner[S, A, O, V]) publish(ctx workflow.Context) error {
	if r.shown == nil {
		r.shown = map[string]any{}
		if r.attrsFromStart {
			r.shown = shownValues(workflow.GetTypedSearchAttributes(ctx))
		}
	}
	var updates []temporal.SearchAttributeUpdate
	for _, v := range r.m.attributes(ctx, r.st) {
		if r.upsertAll || r.shown[v.name] != v.value {
			updates = append(updates, v.set)
			r.shown[v.name] = v.value
		}
	}
	if len(updates) == 0 {
		return nil
	}
	return workflow.UpsertTypedSearchAttributes(ctx, updates...)
}

// live runs the state until it closes, one step (a payment, an alarm, a change) at a time,
// and reports whether the run should rather continue as new (see quiesce). step is the
// machine's own work between alarms (the payment connector), reporting whether it did any.
// Notifications still being sent are left to the next run, which sends whatever they did not.
// A closed state's run waits for its notifications.
func (r *runner[S, A, O, V]) live(ctx workflow.Context, step func(ctx workflow.Context) (bool, error)) (continueAsNew bool, err error) {
	for !r.m.closed(r.st) {
		if r.limit.reached(ctx) {
			if err := r.quiesce(ctx); err != nil {
				return false, err
			}
			if !r.m.closed(r.st) {
				return true, nil
			}
			break // an Update accepted before it quiesced closed it
		}
		if step != nil {
			did, err := step(ctx)
			if err != nil {
				return false, err
			}
			if did {
				continue
			}
		}
		if err := r.waitForAlarm(ctx); err != nil {
			return false, err
		}
	}
	return false, workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && r.outbox.running == 0 })
}

// quiesce readies the run to continue as new: it answers every Update it accepted, then waits
// for a workflow task of its own, with no Update in it. The server refuses a continue-as-new
// when events or Updates arrived during its workflow task and fails the Updates that task
// carried, whose records were already written; a task without Updates is merely retried.
func (r *runner[S, A, O, V]) quiesce(ctx workflow.Context) error {
	for {
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
			return err
		}
		if r.m.closed(r.st) {
			return nil
		}
		taken := r.limit.updates
		if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
			return err
		}
		if r.limit.updates == taken && workflow.AllHandlersFinished(ctx) {
			return nil
		}
	}
}

// waitForAlarm sleeps until the next reminder or escalation is due, until the state changes,
// or until the run has reached its limits. With lean alarms the timer stays armed across
// changes that do not move it; a run continued as new arms it afresh from the state, at once
// if it is already due.
func (r *runner[S, A, O, V]) waitForAlarm(ctx workflow.Context) error {
	if !r.leanAlarms {
		return r.waitForAlarmPerWait(ctx)
	}
	at, fire := r.m.nextAlarm(r.st)
	if !at.Equal(r.alarmAt) {
		if r.cancel != nil {
			r.cancel()
		}
		r.alarm, r.alarmAt, r.cancel = nil, at, nil
		if fire != nil {
			timerCtx, cancel := workflow.WithCancel(ctx)
			r.alarm, r.cancel = workflow.NewTimer(timerCtx, max(0, at.Sub(workflow.Now(ctx)))), cancel
		}
	}
	r.changed = false
	err := workflow.Await(ctx, func() bool {
		return r.changed || r.m.closed(r.st) || (r.alarm != nil && r.alarm.IsReady()) || r.limit.reached(ctx)
	})
	if err != nil || r.alarm == nil || !r.alarm.IsReady() {
		return err
	}
	r.alarm, r.alarmAt, r.cancel = nil, time.Time{}, nil
	return r.do(ctx, fire)
}

// waitForAlarmPerWait is the alarm loop of runs without lean alarms: a new timer for every
// wait, cancelled when the state changes first.
func (r *runner[S, A, O, V]) waitForAlarmPerWait(ctx workflow.Context) error {
	at, fire := r.m.nextAlarm(r.st)
	r.changed = false
	wake := func() bool { return r.changed || r.m.closed(r.st) || r.limit.reached(ctx) }
	if fire == nil {
		return workflow.Await(ctx, wake)
	}
	if d := at.Sub(workflow.Now(ctx)); d > 0 {
		woke, err := workflow.AwaitWithTimeout(ctx, d, wake)
		if err != nil || woke {
			return err
		}
	}
	return r.do(ctx, fire)
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

func deliverOpts(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Minute, MaximumAttempts: 20,
		},
	})
}
