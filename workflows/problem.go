package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"signoff/activities"
	"signoff/problem"
)

// ProblemWorkflow runs one production problem (PRB-…).
const (
	ProblemWorkflow = "Problem"
	QueryProblem    = "problem"
)

// ProblemInput starts a problem's workflow; the problem's texts stay in Postgres.
type ProblemInput struct {
	ProblemID     string `json:"problem_id"`
	Raiser        string `json:"raiser"`
	Severity      string `json:"severity"`
	PolicyVersion int    `json:"policy_version"`
	// Limits bound each run's history (see RunLimits); zero takes the defaults.
	Limits RunLimits `json:"limits,omitzero"`
	// Carry is what a run continued as new starts from; nil for a new problem.
	Carry *ProblemCarry `json:"carry,omitempty"`
}

// ProblemCarry is what one run of a problem hands the next: the problem with its rules,
// calendar, due date and ladder (the next run arms its alarm from them).
type ProblemCarry struct {
	State *problem.State `json:"state"`
	// Deliver: notifications were still being delivered when the last run ended; this run
	// delivers whatever they left.
	Deliver bool `json:"deliver,omitempty"`
}

// ProblemView is what a problem's Update returns: enough to know the action took.
type ProblemView struct {
	ProblemID string         `json:"problem_id"`
	Status    problem.Status `json:"status"`
	Revision  int            `json:"revision"`
	Holders   []string       `json:"holders"`
}

// ProblemResult is how a problem ended.
type ProblemResult struct {
	ProblemID string `json:"problem_id"`
	Status    string `json:"status"`
	Seals     int    `json:"seals"`
}

// problemRun is one problem's workflow state, touched only under mu.
type problemRun struct {
	in       ProblemInput
	st       *problem.State
	mu       workflow.Mutex
	changed  bool
	setupErr error
	shown    map[string]any
	outbox   outbox
	limit    runLimit // see versionContinueAsNew
}

// Problem runs a production problem through its lifecycle: raised → screened by the control
// center (published, rejected or merged) → tracked by the responsible departments, with a
// reminder before the due date and the escalation ladder once overdue → solved → verified or
// refused. Every human action is an Update whose validator is problem.State.Validate; every
// transition is recorded (seals, snapshot, KPI rows, notifications) before it is acknowledged.
func Problem(ctx workflow.Context, in ProblemInput) (ProblemResult, error) {
	// A continued run takes its state before its handlers: the Updates that arrived while the
	// last run drained are validated as soon as they are registered.
	p := &problemRun{in: in, limit: newRunLimit(ctx, in.Limits), mu: workflow.NewMutex(ctx),
		outbox: outbox{id: in.ProblemID, what: "problem"}}
	if in.Carry != nil {
		p.st = in.Carry.State
	}
	if err := p.registerHandlers(ctx); err != nil {
		return ProblemResult{}, err
	}
	if in.Carry == nil {
		if err := p.setup(ctx); err != nil {
			p.setupErr = err
			if werr := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); werr != nil {
				return ProblemResult{}, werr
			}
			return ProblemResult{}, err
		}
	} else if in.Carry.Deliver {
		p.outbox.deliver(ctx)
	}
	for !p.st.Status.Closed() {
		if p.limit.reached(ctx) {
			// What this run accepted, it answers; notifications still being sent are left to the
			// next run, which sends whatever they did not.
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return ProblemResult{}, err
			}
			if p.st.Status.Closed() { // an Update accepted before the drain closed it
				break
			}
			next := p.in
			next.Carry = &ProblemCarry{State: p.st, Deliver: p.outbox.running > 0}
			return ProblemResult{}, workflow.NewContinueAsNewError(ctx, ProblemWorkflow, next)
		}
		if err := p.waitForAlarm(ctx); err != nil {
			return ProblemResult{}, err
		}
	}
	if err := p.drain(ctx); err != nil {
		return ProblemResult{}, err
	}
	return ProblemResult{ProblemID: in.ProblemID, Status: string(p.st.Status), Seals: p.st.Seq}, nil
}

// drain waits until every accepted Update has been answered and every notification delivered.
func (p *problemRun) drain(ctx workflow.Context) error {
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && p.outbox.running == 0 })
}

func (p *problemRun) setup(ctx workflow.Context) error {
	if err := p.mu.Lock(ctx); err != nil {
		return err
	}
	defer p.mu.Unlock()
	var rules activities.ProblemRules
	err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.LoadProblemRules,
		activities.ProblemRulesInput{PolicyVersion: p.in.PolicyVersion}).Get(ctx, &rules)
	if err != nil {
		return fmt.Errorf("problem rules: %w", err)
	}
	st, out := problem.New(p.in.ProblemID, p.in.Raiser, p.in.Severity, rules.Rules, rules.Calendar, workflow.Now(ctx))
	if err := p.record(ctx, st, out); err != nil {
		return fmt.Errorf("record raise: %w", err)
	}
	p.st = st
	return p.publish(ctx)
}

func (p *problemRun) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryProblem, func() (*problem.State, error) { return p.st, nil }); err != nil {
		return err
	}
	err := workflow.SetUpdateHandler(ctx, UpdateSubmit, func(ctx workflow.Context) (ProblemView, error) {
		p.limit.took()
		if err := workflow.Await(ctx, func() bool { return p.st != nil || p.setupErr != nil }); err != nil {
			return ProblemView{}, err
		}
		if p.setupErr != nil {
			return ProblemView{}, p.setupErr
		}
		return p.view(), nil
	})
	if err != nil {
		return err
	}
	for _, t := range problem.Actions {
		err := workflow.SetUpdateHandlerWithOptions(ctx, string(t),
			func(ctx workflow.Context, a problem.Action) (ProblemView, error) { return p.act(ctx, t, a) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, a problem.Action) error {
				if p.st == nil {
					return problemRefusal(&problem.Refusal{Code: "not_allowed_now", Message: "the problem is still being recorded"})
				}
				a.Type = t
				return problemRefusal(p.st.Validate(a, workflow.Now(ctx)))
			}})
		if err != nil {
			return err
		}
	}
	return nil
}

// act carries out an accepted action: re-checked under the lock, applied to a copy, recorded,
// then made the state.
func (p *problemRun) act(ctx workflow.Context, t problem.ActionType, a problem.Action) (ProblemView, error) {
	p.limit.took()
	if err := p.mu.Lock(ctx); err != nil {
		return ProblemView{}, err
	}
	defer p.mu.Unlock()
	a.Type = t
	now := workflow.Now(ctx)
	if err := p.st.Validate(a, now); err != nil {
		return ProblemView{}, problemRefusal(err)
	}
	next := p.st.Clone()
	out := next.Apply(a, now)
	if err := p.record(ctx, next, out); err != nil {
		return ProblemView{}, refusalFromActivity(err)
	}
	p.st = next
	p.changed = true
	if err := p.publish(ctx); err != nil {
		return ProblemView{}, err
	}
	return p.view(), nil
}

// waitForAlarm sleeps until the next reminder or escalation rung, until the state changes, or
// until the run has reached its limits. A run continued as new arms it afresh from the state,
// at once if it is already due.
func (p *problemRun) waitForAlarm(ctx workflow.Context) error {
	at, kind, rung, ok := p.st.NextAlarm()
	p.changed = false
	wake := func() bool { return p.changed || p.st.Status.Closed() || p.limit.reached(ctx) }
	if !ok {
		return workflow.Await(ctx, wake)
	}
	if d := at.Sub(workflow.Now(ctx)); d > 0 {
		woke, err := workflow.AwaitWithTimeout(ctx, d, wake)
		if err != nil || woke {
			return err
		}
	}
	if err := p.mu.Lock(ctx); err != nil {
		return err
	}
	defer p.mu.Unlock()
	next := p.st.Clone()
	now := workflow.Now(ctx)
	var out problem.Outcome
	if kind == problem.AlarmReminder {
		out = next.Remind(now)
	} else {
		out = next.Escalate(rung, now)
	}
	if len(out.Seals) == 0 { // stale: an action moved the alarm while we waited for the lock
		return nil
	}
	if err := p.record(ctx, next, out); err != nil {
		return err
	}
	p.st = next
	return p.publish(ctx)
}

// record persists a transition before it is acknowledged (read-your-writes), then sends its
// e-mail and webhook messages in the background.
func (p *problemRun) record(ctx workflow.Context, st *problem.State, out problem.Outcome) error {
	in := activities.RecordProblemInput{State: st, Outcome: out}
	var res activities.RecordResult
	if err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.RecordProblem, in).Get(ctx, &res); err != nil {
		return err
	}
	if res.ToDeliver > 0 {
		p.outbox.deliver(ctx)
	}
	return nil
}

// publish shows the problem to operators: kind, status, severity, lead department, holders and
// whether it is overdue; only the values that changed are upserted.
func (p *problemRun) publish(ctx workflow.Context) error {
	dept := ""
	if ds := p.st.Departments(); len(ds) > 0 {
		dept = ds[0]
	}
	holders := p.st.Holders()
	if holders == nil {
		holders = []string{}
	}
	overdue := p.st.Overdue(workflow.Now(ctx))
	values := []struct {
		name  string
		value any
		set   temporal.SearchAttributeUpdate
	}{
		{AttrKind.GetName(), "problem", AttrKind.ValueSet("problem")},
		{AttrStatus.GetName(), string(p.st.Status), AttrStatus.ValueSet(string(p.st.Status))},
		{AttrSeverity.GetName(), p.st.Severity, AttrSeverity.ValueSet(p.st.Severity)},
		{AttrDepartment.GetName(), dept, AttrDepartment.ValueSet(dept)},
		{AttrAssignees.GetName(), fmt.Sprint(holders), AttrAssignees.ValueSet(holders)},
		{AttrOverdue.GetName(), overdue, AttrOverdue.ValueSet(overdue)},
	}
	if p.shown == nil {
		p.shown = map[string]any{}
	}
	var updates []temporal.SearchAttributeUpdate
	for _, v := range values {
		if old, ok := p.shown[v.name]; !ok || old != v.value {
			updates = append(updates, v.set)
			p.shown[v.name] = v.value
		}
	}
	if len(updates) == 0 {
		return nil
	}
	return workflow.UpsertTypedSearchAttributes(ctx, updates...)
}

func (p *problemRun) view() ProblemView {
	return ProblemView{ProblemID: p.st.ProblemID, Status: p.st.Status, Revision: p.st.Revision, Holders: p.st.Holders()}
}

// problemRefusal turns a lifecycle refusal into the Update's typed error.
func problemRefusal(err error) error {
	var r *problem.Refusal
	if errors.As(err, &r) {
		return temporal.NewNonRetryableApplicationError(r.Message, string(r.Code), nil)
	}
	return err
}
