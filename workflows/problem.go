package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

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

// problemRun is one problem's workflow: the lifecycle, run by the skeleton cases share (see
// runner).
type problemRun struct {
	*runner[*problem.State, problem.Action, problem.Outcome, ProblemView]
	in ProblemInput
}

// Problem runs a production problem through its lifecycle: raised → screened by the control
// center (published, rejected or merged) → tracked by the responsible departments, with a
// reminder before the due date and the escalation ladder once overdue → solved → verified or
// refused. Every human action is an Update whose validator is problem.State.Validate; every
// transition is recorded (seals, snapshot, KPI rows, notifications) before it is acknowledged.
func Problem(ctx workflow.Context, in ProblemInput) (ProblemResult, error) {
	// A problem new enough to continue as new also keeps its alarm timer armed until the alarm
	// moves (one timer, not one per progress post) and upserts only the search attributes that
	// changed from what its start set, as cases do. Older problems keep a timer per wait and
	// upsert every attribute at their first change.
	limit := newRunLimit(ctx, in.Limits)
	p := &problemRun{in: in}
	p.runner = newRunner(ctx, p, "problem", in.ProblemID, limit, runOptions{leanAlarms: limit.on, attrsFromStart: limit.on})
	// A continued run takes its state before its handlers: Updates that reached it while the
	// last run was quiescing are validated as soon as the handlers are registered.
	if in.Carry != nil {
		p.st = in.Carry.State
	}
	updates := make([]string, len(problem.Actions))
	for i, t := range problem.Actions {
		updates[i] = string(t)
	}
	if err := p.register(ctx, QueryProblem, updates); err != nil {
		return ProblemResult{}, err
	}
	if in.Carry == nil {
		if err := p.setup(ctx, "raise", p.raise); err != nil {
			p.setupErr = err
			if werr := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); werr != nil {
				return ProblemResult{}, werr
			}
			return ProblemResult{}, err
		}
	} else if in.Carry.Deliver {
		p.outbox.deliver(ctx)
	}
	continueAsNew, err := p.live(ctx, nil)
	if err != nil {
		return ProblemResult{}, err
	}
	if continueAsNew {
		next := p.in
		next.Carry = &ProblemCarry{State: p.st, Deliver: p.outbox.running > 0}
		return ProblemResult{}, workflow.NewContinueAsNewError(ctx, ProblemWorkflow, next)
	}
	return ProblemResult{ProblemID: in.ProblemID, Status: string(p.st.Status), Seals: p.st.Seq}, nil
}

// raise loads the rules of the problem's policy version: the raiser's seal and the center's
// to-do.
func (p *problemRun) raise(ctx workflow.Context) (*problem.State, problem.Outcome, error) {
	var rules activities.ProblemRules
	err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.LoadProblemRules,
		activities.ProblemRulesInput{PolicyVersion: p.in.PolicyVersion}).Get(ctx, &rules)
	if err != nil {
		return nil, problem.Outcome{}, fmt.Errorf("problem rules: %w", err)
	}
	st, out := problem.New(p.in.ProblemID, p.in.Raiser, p.in.Severity, rules.Rules, rules.Calendar, workflow.Now(ctx))
	return st, out, nil
}

func (p *problemRun) clone(st *problem.State) *problem.State { return st.Clone() }

func (p *problemRun) closed(st *problem.State) bool { return st.Status.Closed() }

func (p *problemRun) typed(a problem.Action, update string) problem.Action {
	a.Type = problem.ActionType(update)
	return a
}

func (p *problemRun) validate(st *problem.State, a problem.Action, now time.Time) error {
	return problemRefusal(st.Validate(a, now))
}

func (p *problemRun) notReady() error {
	return problemRefusal(&problem.Refusal{Code: "not_allowed_now", Message: "the problem is still being recorded"})
}

func (p *problemRun) apply(_ workflow.Context, next *problem.State, a problem.Action, now time.Time) (problem.Outcome, error) {
	return next.Apply(a, now), nil
}

// record persists a transition before it is acknowledged (read-your-writes).
func (p *problemRun) record(ctx workflow.Context, st *problem.State, out problem.Outcome) (int, error) {
	in := activities.RecordProblemInput{State: st, Outcome: out}
	var res activities.RecordResult
	err := workflow.ExecuteLocalActivity(localOpts(ctx), acts.RecordProblem, in).Get(ctx, &res)
	return res.ToDeliver, err
}

// empty: a reminder or a rung that an action made stale while the timer waited for the lock.
func (p *problemRun) empty(out problem.Outcome) bool { return len(out.Seals) == 0 }

// nextAlarm: the reminder before the due date, then each rung of the escalation ladder.
func (p *problemRun) nextAlarm(st *problem.State) (time.Time, transition[*problem.State, problem.Outcome]) {
	at, kind, rung, ok := st.NextAlarm()
	switch {
	case !ok:
		return time.Time{}, nil
	case kind == problem.AlarmReminder:
		return at, func(_ workflow.Context, next *problem.State, now time.Time) (problem.Outcome, error) {
			return next.Remind(now), nil
		}
	default:
		return at, func(_ workflow.Context, next *problem.State, now time.Time) (problem.Outcome, error) {
			return next.Escalate(rung, now), nil
		}
	}
}

// attributes: kind, status, severity, lead department, holders and whether it is overdue.
func (p *problemRun) attributes(ctx workflow.Context, st *problem.State) []attribute {
	dept := ""
	if ds := st.Departments(); len(ds) > 0 {
		dept = ds[0]
	}
	holders := st.Holders()
	if holders == nil {
		holders = []string{}
	}
	overdue := st.Overdue(workflow.Now(ctx))
	return []attribute{
		{AttrKind.GetName(), "problem", AttrKind.ValueSet("problem")},
		{AttrStatus.GetName(), string(st.Status), AttrStatus.ValueSet(string(st.Status))},
		{AttrSeverity.GetName(), st.Severity, AttrSeverity.ValueSet(st.Severity)},
		{AttrDepartment.GetName(), dept, AttrDepartment.ValueSet(dept)},
		{AttrAssignees.GetName(), strings.Join(holders, ","), AttrAssignees.ValueSet(holders)},
		{AttrOverdue.GetName(), overdue, AttrOverdue.ValueSet(overdue)},
	}
}

func (p *problemRun) view(st *problem.State) ProblemView {
	return ProblemView{ProblemID: st.ProblemID, Status: st.Status, Revision: st.Revision, Holders: st.Holders()}
}

// problemRefusal turns a lifecycle refusal into the Update's typed error.
func problemRefusal(err error) error {
	var r *problem.Refusal
	if errors.As(err, &r) {
		return temporal.NewNonRetryableApplicationError(r.Message, string(r.Code), nil)
	}
	return err
}
