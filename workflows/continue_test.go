package workflows_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"signoff/activities"
	"signoff/chain"
	"signoff/demo"
	"signoff/notify"
	"signoff/problem"
	"signoff/procure"
	"signoff/store"
	"signoff/testkit"
	"signoff/worker"
	"signoff/workflows"
)

// A case with many comments and nudges continues as new before its history nears Temporal's
// limits, here every three Updates. Each run hands the next the whole chain: the nudge's rate
// limit, the revision, the witness's deadline (reminded and escalated on time by a continued
// run), the policy version; the ledger and the result are those of one uninterrupted case.
func TestCaseContinuesAsNewWithItsState(t *testing.T) {
	h := newHarness(t, wed, travel1200)
	h.limits = workflows.RunLimits{Updates: 3}
	at := func(hour, min int) time.Time { return cst(2026, 11, 18, hour, min) }
	// Run 1: three Updates, then it continues at 10:30.
	h.at(at(10, 10), withComment(act(chain.ActComment, "zhang.wei"), "发票已上传"), "")
	h.at(at(10, 20), act(chain.ActNudge, "zhang.wei"), "")
	h.at(at(10, 30), withComment(act(chain.ActComment, "li.na"), "下午确认"), "")
	// Run 2: the nudge of 10:20 still counts; the witness is reminded at 13:00 and escalated at
	// 15:00 (the step's four working hours from 10:00), then signs, and the run continues.
	h.at(at(10, 40), act(chain.ActNudge, "zhang.wei"), chain.CodeTooSoon)
	h.at(at(11, 0), withComment(act(chain.ActComment, "zhang.wei"), "已补充行程单"), "")
	h.at(at(11, 30), act(chain.ActNudge, "zhang.wei"), "")
	h.at(at(15, 30), act(chain.ActApprove, "li.na"), "")
	// Run 3: a revision from before the witness signed is stale; the chain goes on to payment.
	stale := act(chain.ActApprove, "sun.min")
	stale.Revision = 0
	h.atRevision(at(15, 45), stale, chain.CodeStaleRevision)
	h.at(at(16, 0), act(chain.ActApprove, "sun.min"), "")
	h.at(at(16, 10), act(chain.ActApprove, "wang.fang"), "")
	pay := act(chain.ActPay, "wu.xia")
	pay.Reference, pay.PaidAt = "BANK-20261118-0002", at(16, 30)
	h.at(at(16, 30), pay, "")
	res := h.run(chain.StatusPaid)

	if h.runs != 3 {
		t.Errorf("the case took %d runs, want 3 (continued at 10:30 and 15:30)", h.runs)
	}
	want := []string{
		"submitted:zhang.wei@11-18 10:00",
		"commented:zhang.wei@11-18 10:10",
		"nudged:zhang.wei@11-18 10:20",
		"commented:li.na@11-18 10:30",
		"commented:zhang.wei@11-18 11:00",
		"nudged:zhang.wei@11-18 11:30",
		"reminded:system@11-18 13:00",
		"escalated:system@11-18 15:00",
		"approved:li.na@11-18 15:30",
		"approved:sun.min@11-18 16:00",
		"approved:wang.fang@11-18 16:10",
		"paid:wu.xia@11-18 16:30",
	}
	seals := h.seals()
	if got := timeline(seals); !slices.Equal(got, want) {
		t.Errorf("timeline %v\nwant %v", got, want)
	}
	if res.Seals != len(want) {
		t.Errorf("result counts %d seals, want %d", res.Seals, len(want))
	}
	for _, s := range seals {
		if s.PolicyVersion != h.db.Version {
			t.Errorf("seal %d under policy %d, want %d", s.Seq, s.PolicyVersion, h.db.Version)
		}
	}
	if b := h.budget("2026-sales-travel"); b.Consumed != 120000 || b.Reserved != 0 {
		t.Errorf("budget: consumed %d reserved %d, want 120000 and 0", b.Consumed, b.Reserved)
	}
	if c := h.storedCase(); c.Status != "paid" || c.ClosedAt == nil {
		t.Errorf("case not recorded as paid: %+v", c)
	}
}

// Each of the limits moves a run on, once it has taken an Update: the Updates it handled, the
// history's length or size at the defaults (10,000 events, 10 MB), and the server's suggestion.
// A run below all of them does not continue.
func TestCaseContinuesAtEachLimit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		limits workflows.RunLimits
		set    func(env *testsuite.TestWorkflowEnvironment)
		runs   int
	}{
		{"below every limit", workflows.RunLimits{}, func(*testsuite.TestWorkflowEnvironment) {}, 1},
		{"updates", workflows.RunLimits{Updates: 1}, func(*testsuite.TestWorkflowEnvironment) {}, 2},
		{"events", workflows.RunLimits{}, func(env *testsuite.TestWorkflowEnvironment) { env.SetCurrentHistoryLength(10_000) }, 2},
		{"bytes", workflows.RunLimits{}, func(env *testsuite.TestWorkflowEnvironment) { env.SetCurrentHistorySize(10 << 20) }, 2},
		{"suggested", workflows.RunLimits{}, func(env *testsuite.TestWorkflowEnvironment) { env.SetContinueAsNewSuggested(true) }, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, wed, travel1200)
			h.limits = tc.limits
			first := h.env
			first.RegisterDelayedCallback(func() { tc.set(first) }, 5*time.Minute)
			h.at(wed.Add(10*time.Minute), withComment(act(chain.ActComment, "zhang.wei"), "发票已上传"), "")
			h.at(wed.Add(20*time.Minute), withComment(act(chain.ActWithdraw, "zhang.wei"), "不报了"), "")
			h.run(chain.StatusWithdrawn)
			if h.runs != tc.runs {
				t.Errorf("%d runs, want %d", h.runs, tc.runs)
			}
			if got := decisions(h.seals()); !slices.Equal(got, []string{"submitted:zhang.wei", "commented:zhang.wei", "withdrawn:zhang.wei"}) {
				t.Errorf("ledger %v", got)
			}
		})
	}
}

// A problem with many progress posts and comments continues as new every two Updates and keeps
// its lifecycle: the due date of its publication, the reminder and both escalation rungs at the
// times of an uninterrupted problem (fired by continued runs, one of them between the rungs),
// the late verification counted as not on time.
func TestProblemContinuesAsNewWithItsState(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := context.Background()
	if err := demo.SeedRegistry(ctx, db.Store); err != nil {
		t.Fatal(err)
	}
	id, err := db.Store.CreateProblem(ctx, store.NewProblem{Year: 2026, Title: "总装扭矩超差", Description: "XH-7 第三批",
		Severity: "high", RaisedBy: "xu.jing", PolicyVersion: db.Version})
	if err != nil {
		t.Fatal(err)
	}
	acts, err := activities.New(db.Store, db.Policies, activities.Channels{PublicURL: "http://signoff.test"})
	if err != nil {
		t.Fatal(err)
	}
	newEnv := func(start time.Time) *testsuite.TestWorkflowEnvironment {
		var suite testsuite.WorkflowTestSuite
		suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
		env := suite.NewTestWorkflowEnvironment()
		env.SetStartTime(start)
		env.SetTestTimeout(2 * time.Minute)
		worker.Register(env, acts)
		return env
	}
	start := time.Date(2026, 3, 6, 14, 0, 0, 0, shanghai) // Friday 14:00
	center := problem.Actor{ID: "liu.yang", Center: true}
	rep := problem.Actor{ID: "huang.lei", Departments: []string{"engineering"}}
	raiser := problem.Actor{ID: "xu.jing"}
	var sc script
	var errs []error
	send := func(when time.Time, a problem.Action) {
		sc.add(when, func(env *testsuite.TestWorkflowEnvironment) {
			v, err := env.QueryWorkflow(workflows.QueryProblem)
			if err != nil {
				t.Fatalf("query: %v", err)
			}
			var st problem.State
			if err := v.Get(&st); err != nil {
				t.Fatal(err)
			}
			a.Revision = st.Revision
			env.UpdateWorkflow(string(a.Type), when.String(), &testsuite.TestUpdateCallback{
				OnAccept:   func() {},
				OnReject:   func(err error) { errs = append(errs, err) },
				OnComplete: func(_ interface{}, err error) { errs = append(errs, err) },
			}, a)
		})
	}
	day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, shanghai) }
	send(start.Add(time.Minute), problem.Action{Type: problem.ActPublish, Actor: center,
		Assignments: []problem.Assignment{{Department: "engineering", Representatives: []string{"huang.lei"}}}})
	send(day(6, 16), problem.Action{Type: problem.ActProgress, Actor: rep, Comment: "已隔离第三批"})
	send(day(6, 17), problem.Action{Type: problem.ActComment, Actor: raiser, Comment: "第四批也请检查"})
	send(day(9, 10), problem.Action{Type: problem.ActProgress, Actor: rep, Comment: "扭矩扳手送检"})
	// Due Tuesday 14:01: reminded Tuesday 09:01, escalated just after 14:01; the run that
	// continues at 17:00 climbs the second rung on Wednesday 14:01, and no rung twice.
	send(day(10, 16), problem.Action{Type: problem.ActComment, Actor: center, Comment: "请说明原因"})
	send(day(10, 17), problem.Action{Type: problem.ActProgress, Actor: rep, Comment: "备件明天到"})
	send(day(11, 16), problem.Action{Type: problem.ActComment, Actor: center, Comment: "请今天给出结论"})
	send(day(12, 10), problem.Action{Type: problem.ActSolve, Actor: rep, Comment: "更换扭矩扳手并复检"})
	send(day(13, 10), problem.Action{Type: problem.ActVerify, Actor: raiser, Comment: "复检合格"})
	in := workflows.ProblemInput{ProblemID: id, Raiser: "xu.jing", Severity: "high", PolicyVersion: db.Version,
		Limits: workflows.RunLimits{Updates: 2}}
	env, runs := runChain(t, newEnv(start), start, newEnv, &sc, workflows.ProblemWorkflow, workflows.Problem, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	if len(errs) != 9 {
		t.Errorf("%d of 9 actions answered", len(errs))
	}
	for _, err := range errs {
		if err != nil {
			t.Errorf("action refused: %v", err)
		}
	}
	if runs != 5 {
		t.Errorf("the problem took %d runs, want 5", runs)
	}
	var res workflows.ProblemResult
	if err := env.GetWorkflowResult(&res); err != nil || res.Status != string(problem.StatusClosed) || res.Seals != 13 {
		t.Errorf("result %+v (%v), want closed with 13 seals", res, err)
	}
	seals, err := db.Store.ProblemSeals(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range seals {
		got = append(got, s.Decision+"@"+s.At.In(shanghai).Format("01-02 15:04:05"))
	}
	want := []string{"raised@03-06 14:00:00", "published@03-06 14:01:00", "progress@03-06 16:00:00",
		"commented@03-06 17:00:00", "progress@03-09 10:00:00", "reminded@03-10 09:01:00",
		"escalated@03-10 14:01:01", "commented@03-10 16:00:00", "progress@03-10 17:00:00",
		"escalated@03-11 14:01:00", "commented@03-11 16:00:00",
		"solved@03-12 10:00:00", "verified@03-13 10:00:00"}
	if !slices.Equal(got, want) {
		t.Fatalf("seals %v\nwant %v", got, want)
	}
	p, err := db.Store.Problem(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != "closed" || p.Escalations != 2 {
		t.Errorf("problem %+v", p)
	}
	rates, err := db.Store.CompletionRates(ctx, "department", day(1, 0), time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai))
	if err != nil {
		t.Fatal(err)
	}
	if len(rates) != 1 || rates[0] != (store.RateRow{Key: "engineering", Due: 1, OnTime: 0}) {
		t.Errorf("rates %+v, want engineering 0 of 1", rates)
	}
}

// On a real server, with a run continuing as new after three Updates: a burst of Updates to a
// case or a problem is answered in full (what a run accepted, it answers before it continues),
// the ledger holds every post once, the run continues once the burst is over and the outcome is
// that of one run; a purchase request continued as new still issues its order.
func TestContinueAsNewOnDevServer(t *testing.T) {
	s := testkit.NewStack(t, activities.Channels{PublicURL: "http://signoff.test"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d := newDevServer(t, s, ctx)
	if err := demo.SeedRegistry(ctx, s.Store); err != nil {
		t.Fatal(err)
	}
	limits := workflows.RunLimits{Updates: 3}
	const posts = 12
	burst := func(t *testing.T, send func(i int) error) {
		t.Helper()
		errs := make(chan error, posts)
		for i := range posts {
			go func() { errs <- send(i) }()
		}
		for range posts {
			if err := <-errs; err != nil {
				t.Errorf("post: %v", err)
			}
		}
	}

	t.Run("case", func(t *testing.T) {
		cs := d.createCase(t, store.NewCase{
			Prefix: "EXP", Year: time.Now().Year(), Kind: "expense", Title: "差旅费报销", Purpose: "客户拜访",
			Category: "travel", DepartmentID: "sales", BudgetLineID: "2026-sales-travel", Amount: 120000,
			Currency: "CNY", SubmitterID: "zhang.wei", Lines: []store.Line{{Description: "机票", Amount: 120000}},
		})
		d.startCase(t, cs, workflows.ExpenseWorkflow, limits)
		first := d.runID(t, cs.ID)
		burst(t, func(i int) error {
			_, err := update(ctx, s.Client, cs.ID, chain.Action{Type: chain.ActComment, Actor: "zhang.wei", Comment: fmt.Sprint("补充说明 ", i)})
			return err
		})
		d.waitForNewRun(t, cs.ID, first) // the burst answered, the run continues
		res := d.approveToEnd(t, cs.ID)
		if want := 1 + posts + 4; res.Status != string(chain.StatusPaid) || res.Seals != want {
			t.Errorf("result %+v, want paid with %d seals", res, want)
		}
		seals, err := s.Store.Seals(ctx, cs.ID)
		if err != nil {
			t.Fatal(err)
		}
		commented := 0
		for _, s := range seals {
			if s.Decision == chain.DecCommented {
				commented++
			}
		}
		if commented != posts {
			t.Errorf("%d comments in the ledger, want %d", commented, posts)
		}
		if runs := len(d.runs(t, cs.ID)); runs < 2 {
			t.Errorf("%d runs, want at least 2", runs)
		}
	})

	// A purchase request continued as new still issues its order when it is countersigned.
	t.Run("procurement", func(t *testing.T) {
		if err := demo.SeedProcurement(ctx, s.Store); err != nil {
			t.Fatal(err)
		}
		day := time.Now().UTC().Truncate(24 * time.Hour)
		cs := d.createCase(t, store.NewCase{
			Prefix: "PR", Year: time.Now().Year(), Kind: "procurement", Title: "笔记本电脑", Purpose: "研发",
			Category: "equipment", DepartmentID: "engineering", BudgetLineID: "2026-eng-equipment", Amount: 1_600_000,
			Currency: "CNY", SubmitterID: "huang.lei",
			Purchase: &store.Purchase{SupplierID: "SUP-HUAXIN", PlanID: "PLAN-2026-ENG", DeliveryDate: day.AddDate(0, 0, 30),
				RequestedOn: day, ContractNo: "HT-2026-089",
				Items: []procure.Item{{MaterialID: "MAT-LAPTOP", Spec: "14英寸 i7/32G/1T", Quantity: 2, Unit: "台", UnitPrice: 800_000}}},
		})
		d.startCase(t, cs, workflows.ProcurementWorkflow, limits)
		first := d.runID(t, cs.ID)
		for range 2 { // the review and the first approval: three Updates with the submission
			d.act(t, cs.ID, chain.Action{Type: chain.ActApprove, Actor: d.state(t, cs.ID).Holders()[0]})
		}
		d.waitForNewRun(t, cs.ID, first)
		if res := d.approveToEnd(t, cs.ID); res.Status != string(chain.StatusApproved) {
			t.Fatalf("request ended %+v", res)
		}
		if runs := len(d.runs(t, cs.ID)); runs < 2 {
			t.Errorf("%d runs, want at least 2", runs)
		}
		o, err := s.Store.OrderOfCase(ctx, cs.ID)
		if err != nil {
			t.Fatalf("no order issued: %v", err)
		}
		desc, err := s.Client.DescribeWorkflowExecution(ctx, o.ID, "")
		if err != nil || desc.GetWorkflowExecutionInfo().GetType().GetName() != workflows.PurchaseOrderWorkflow {
			t.Errorf("the order's workflow: %v, %v", desc, err)
		}
	})

	t.Run("problem", func(t *testing.T) {
		id, err := s.Store.CreateProblem(ctx, store.NewProblem{Year: time.Now().Year(), Title: "总装扭矩超差",
			Description: "XH-7 第三批", Severity: "high", RaisedBy: "xu.jing", PolicyVersion: d.version})
		if err != nil {
			t.Fatal(err)
		}
		d.startProblem(t, workflows.ProblemInput{ProblemID: id, Raiser: "xu.jing", Severity: "high",
			PolicyVersion: d.version, Limits: limits})
		first := d.runID(t, id)
		rep := problem.Actor{ID: "huang.lei", Departments: []string{"engineering"}}
		d.actProblem(t, id, problem.Action{Type: problem.ActPublish, Actor: problem.Actor{ID: "liu.yang", Center: true},
			Assignments: []problem.Assignment{{Department: "engineering", Representatives: []string{"huang.lei"}}}})
		burst(t, func(i int) error {
			_, err := updateProblem(ctx, s.Client, id, problem.Action{Type: problem.ActProgress, Actor: rep, Comment: fmt.Sprint("进展 ", i)})
			return err
		})
		d.waitForNewRun(t, id, first)
		d.actProblem(t, id, problem.Action{Type: problem.ActSolve, Actor: rep, Comment: "已解决"})
		d.actProblem(t, id, problem.Action{Type: problem.ActVerify, Actor: problem.Actor{ID: "xu.jing"}, Comment: "复检合格"})
		var res workflows.ProblemResult
		if err := s.Client.GetWorkflow(ctx, id, "").Get(ctx, &res); err != nil {
			t.Fatal(err)
		}
		if want := 2 + posts + 2; res.Status != string(problem.StatusClosed) || res.Seals != want {
			t.Errorf("result %+v, want closed with %d seals", res, want)
		}
		if runs := len(d.runs(t, id)); runs < 2 {
			t.Errorf("%d runs, want at least 2", runs)
		}
	})
}

// A run continues as new only from a workflow task without an Update: the server refuses a
// continue-as-new whose task saw new events (here the last run's notifications being
// delivered) and would fail the Update that task carried, after its record was written.
func TestContinueAsNewNeverFailsTheUpdateBeforeIt(t *testing.T) {
	srv := httptest.NewServer(&robot{})
	t.Cleanup(srv.Close)
	s := testkit.NewStack(t, activities.Channels{PublicURL: "http://signoff.test",
		Webhook: notify.Webhook{URL: srv.URL, Client: srv.Client()}})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d := newDevServer(t, s, ctx)
	cs := d.createCase(t, store.NewCase{
		Prefix: "EXP", Year: time.Now().Year(), Kind: "expense", Title: "差旅费报销", Purpose: "客户拜访",
		Category: "travel", DepartmentID: "sales", BudgetLineID: "2026-sales-travel", Amount: 120000,
		Currency: "CNY", SubmitterID: "zhang.wei", Lines: []store.Line{{Description: "机票", Amount: 120000}},
	})
	d.startCase(t, cs, workflows.ExpenseWorkflow, workflows.RunLimits{Updates: 1})
	const rounds = 4
	for i := range rounds {
		// The witness's comment notifies the submitter by the robot: a delivery in flight.
		run := d.runID(t, cs.ID)
		d.act(t, cs.ID, chain.Action{Type: chain.ActComment, Actor: "li.na", Comment: fmt.Sprint("第", i+1, "次确认")})
		d.waitForNewRun(t, cs.ID, run)
	}
	if res := d.approveToEnd(t, cs.ID); res.Status != string(chain.StatusPaid) || res.Seals != 1+rounds+4 {
		t.Errorf("result %+v, want paid with %d seals", res, 1+rounds+4)
	}
}
