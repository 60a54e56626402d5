package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"signoff/activities"
	"signoff/chain"
	"signoff/store"
	"signoff/testkit"
	"signoff/worker"
	"signoff/workflows"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// cst is a wall-clock time in the demo calendar's zone.
func cst(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, shanghai)
}

// claim is a case to put through the workflow.
type claim struct {
	submitter, department, category, budgetLine string
	amount                                      int64 // minor units
}

var travel1200 = claim{"zhang.wei", "sales", "travel", "2026-sales-travel", 120000}

// harness runs one Expense workflow in the time-skipping test environment with the real
// activities against a fresh Postgres database.
type harness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment // the current run's; tests register on the first
	acts    *activities.Activities
	db      *testkit.DB
	caseID  string
	start   time.Time
	actions script
	results []*result
	autoPay bool
	limits  workflows.RunLimits
	runs    int // how many runs the case took
}

type result struct {
	label string
	want  chain.Code
	err   error
	done  bool
}

func newHarness(t *testing.T, start time.Time, c claim, opts ...activities.Option) *harness {
	t.Helper()
	return newHarnessWith(t, start, c, activities.Channels{PublicURL: "http://signoff.test"}, opts...)
}

// newHarnessWith is newHarness with the notification channels given.
func newHarnessWith(t *testing.T, start time.Time, c claim, ch activities.Channels, opts ...activities.Option) *harness {
	t.Helper()
	db := testkit.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, _, err := db.Store.CreateCase(ctx, store.NewCase{
		Prefix: "EXP", Year: start.Year(), Kind: "expense", Title: "差旅费报销", Purpose: "客户拜访",
		Category: c.category, DepartmentID: c.department, BudgetLineID: c.budgetLine, Amount: c.amount,
		Currency: "CNY", SubmitterID: c.submitter, PolicyVersion: db.Version, AllowOverBudget: true,
		Lines: []store.Line{{Description: "机票", Amount: c.amount}},
	})
	if err != nil {
		t.Fatalf("create case: %v", err)
	}
	acts, err := activities.New(db.Store, db.Policies, ch, opts...)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, acts: acts, db: db, caseID: cs.ID, start: start}
	h.env = h.newEnv(start)
	return h
}

// newEnv is a time-skipping environment for one run of the case, starting at start.
func (h *harness) newEnv(start time.Time) *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.SetTestTimeout(2 * time.Minute)
	worker.Register(env, h.acts)
	return env
}

// at schedules an action at a wall-clock instant, with the revision the case has then.
func (h *harness) at(when time.Time, a chain.Action, want chain.Code) *result {
	return h.schedule(when, a, want, true)
}

// atRevision schedules an action carrying exactly a.Revision.
func (h *harness) atRevision(when time.Time, a chain.Action, want chain.Code) *result {
	return h.schedule(when, a, want, false)
}

// schedule sends the action to whichever run of the case is running at that instant.
func (h *harness) schedule(when time.Time, a chain.Action, want chain.Code, currentRevision bool) *result {
	r := &result{label: fmt.Sprintf("%s by %s at %s", a.Type, a.Actor, when.In(shanghai).Format("01-02 15:04")), want: want}
	h.results = append(h.results, r)
	id := fmt.Sprintf("u%d ", len(h.results)) + r.label
	h.actions.add(when, func(env *testsuite.TestWorkflowEnvironment) {
		if currentRevision {
			a.Revision = stateIn(h.t, env).Revision
		}
		env.UpdateWorkflow(workflows.UpdateName(a.Type), id, &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { r.err, r.done = err, true },
			OnComplete: func(_ interface{}, err error) { r.err, r.done = err, true },
		}, a)
	})
	return r
}

func (h *harness) state() *chain.State { return stateIn(h.t, h.env) }

func stateIn(t *testing.T, env *testsuite.TestWorkflowEnvironment) *chain.State {
	t.Helper()
	v, err := env.QueryWorkflow(workflows.QueryState)
	if err != nil {
		t.Fatalf("query state: %v", err)
	}
	var st chain.State
	if err := v.Get(&st); err != nil {
		t.Fatalf("decode state: %v", err)
	}
	return &st
}

// run executes the workflow to its end, run after run, and checks every scheduled action's
// outcome.
func (h *harness) run(wantStatus chain.Status) workflows.CaseResult {
	h.t.Helper()
	in := workflows.CaseInput{CaseID: h.caseID, Kind: "expense", Submitter: "x", AutoPay: h.autoPay, Limits: h.limits}
	h.env, h.runs = runChain(h.t, h.env, h.start, h.newEnv, &h.actions, workflows.ExpenseWorkflow, workflows.Expense, in)
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow error: %v", err)
	}
	for _, r := range h.results {
		if !r.done {
			h.t.Errorf("%s: never answered", r.label)
			continue
		}
		if got := codeOf(r.err); got != r.want {
			h.t.Errorf("%s: got %q (%v), want %q", r.label, got, r.err, r.want)
		}
	}
	var res workflows.CaseResult
	if err := h.env.GetWorkflowResult(&res); err != nil {
		h.t.Fatal(err)
	}
	if res.Status != string(wantStatus) {
		h.t.Errorf("status %s, want %s", res.Status, wantStatus)
	}
	return res
}

func codeOf(err error) chain.Code {
	if err == nil {
		return ""
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return chain.Code(app.Type())
	}
	return chain.Code("untyped: " + err.Error())
}

func (h *harness) seals() []store.SealRow {
	h.t.Helper()
	seals, err := h.db.Store.Seals(context.Background(), h.caseID)
	if err != nil {
		h.t.Fatal(err)
	}
	return seals
}

func (h *harness) storedCase() store.Case {
	h.t.Helper()
	c, err := h.db.Store.Case(context.Background(), h.caseID)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func (h *harness) budget(id string) store.BudgetLine {
	h.t.Helper()
	b, err := h.db.Store.BudgetLine(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// decisions renders the ledger as "decision:actor" entries, skipping system reminders.
func decisions(seals []store.SealRow) []string {
	var out []string
	for _, s := range seals {
		out = append(out, string(s.Decision)+":"+s.Actor)
	}
	return out
}

func act(t chain.ActionType, actor string) chain.Action { return chain.Action{Type: t, Actor: actor} }

func withComment(a chain.Action, c string) chain.Action { a.Comment = c; return a }
