package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"signoff/activities"
	"signoff/chain"
	"signoff/demo"
	"signoff/notify"
	"signoff/policy"
	"signoff/problem"
	"signoff/procure"
	"signoff/store"
	"signoff/testkit"
	"signoff/workflows"
)

// recordEnv asks TestRecordHistories to run: SIGNOFF_RECORD_HISTORIES=1 go test ./workflows
// -run TestRecordHistories. It writes each history of the table below that testdata/ lacks and
// never overwrites one: a committed history is what running workflows look like, and a change
// that breaks it must be versioned, not re-recorded.
const recordEnv = "SIGNOFF_RECORD_HISTORIES"

// The committed histories the recorder writes, by file name. A name is
// <workflow>_v<version>_<scenario>.json, the version counting the workflow.GetVersion changes
// the workflow type's code had when it ran (see "Versioning" in README.md): bump it when you add
// a versioned change, and the recorder adds the new histories beside the old ones. A workflow
// that continued as new has one file per run, _run1, _run2, ... before the extension.
//
// _signed histories carry each human action's actionsig.Proof as its Update's second argument
// (the handlers ignore it; the older files, with one argument, must replay beside them).
// v8 expenses and purchase requests keep their archive package once closed (the ArchiveCase
// activity after the main loop); receipts and settlements are not archived and stay at v4.
// v7 cases re-open the steps whose seals an edit invalidates (the expense's witness signs again
// after the corrected amount). v3 cases and v0 problems are from before continue-as-new; v4 cases and v1 problems continue
// as new every few Updates (RunLimits), so their histories end in and start from a
// continuation (v1 problems also have the cases' lean alarms and attributes).
const (
	historyExpense     = "expense_v8_signed_continued_alarms_transfer_return_reopened_archived.json"
	historyProcurement = "procurement_v8_signed_countersign_refused_archived.json"
	historyOrder       = "purchase_order_v0_signed_two_deliveries.json"
	historyReceipt     = "receipt_v4_signed_keeper_accountant.json"
	historySettlement  = "settlement_v4_signed_paid.json"
	historyProblem     = "problem_v1_signed_continued_alarms_reopened.json"
	historyReconcile   = "reconcile_v1_stale_case.json"
	historySigners     = "expense_v8_signed_added_signer_delegate_archived.json"
	historyHeads       = "ledger_heads_v0_two_days.json"
)

// recordedLimits make the recorded case and problem continue as new every four Updates.
var recordedLimits = workflows.RunLimits{Updates: 4}

// TestRecordHistories runs one realistic case of every workflow type on a real Temporal dev
// server and real Postgres, the way the gateway drives them, and writes their histories for
// TestReplayCommittedHistories. The policy is the demo's with a calendar that never rests and a
// few deadlines in seconds, so reminders and escalations fire while it runs.
func TestRecordHistories(t *testing.T) {
	if os.Getenv(recordEnv) == "" {
		t.Skipf("set %s=1 to record the committed workflow histories", recordEnv)
	}
	// A group-chat robot, so that every notification is delivered by the Deliver activity and
	// the histories hold those activities where they are scheduled.
	srv := httptest.NewServer(&robot{})
	t.Cleanup(srv.Close)
	s := testkit.NewStack(t, activities.Channels{PublicURL: "http://signoff.test",
		Webhook: notify.Webhook{URL: srv.URL, Client: srv.Client()}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r := newDevServer(t, s, ctx)
	r.loadQuickPolicy()
	t.Run("expense", r.expense)
	t.Run("procurement", r.procurement)
	t.Run("problem", r.problem)
	t.Run("reconcile", r.reconcile)
	t.Run("signers", r.signers)
	t.Run("ledger heads", r.ledgerHeads) // last: it moves every seal written so far three days back
}

// devServer drives workflows on the test binary's dev server the way the gateway does, under
// one policy version.
type devServer struct {
	t       *testing.T
	s       *testkit.Stack
	ctx     context.Context
	version int
	doc     *policy.Document
}

func newDevServer(t *testing.T, s *testkit.Stack, ctx context.Context) *devServer {
	return &devServer{t: t, s: s, ctx: ctx, version: s.Version, doc: policy.Demo()}
}

// loadQuickPolicy loads the demo policy with working time around the clock, an expense witness
// step of four seconds with its reminder two seconds before, and a problem reminder two seconds
// before the due date, as the newest version.
func (r *devServer) loadQuickPolicy() {
	doc := policy.Demo()
	doc.Calendar.WorkDays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	doc.Calendar.WorkHours = []policy.WorkPeriod{{Start: "00:00", End: "23:59"}}
	doc.Calendar.Holidays, doc.Calendar.ExtraWorkDays = nil, nil
	exp := doc.Chains[policy.KindExpense]
	exp.Steps[0].SLA = policy.Duration(4 * time.Second)
	exp.ReminderBefore = policy.Duration(2 * time.Second)
	doc.Chains[policy.KindExpense] = exp
	doc.Production.ReminderBefore = policy.Duration(2 * time.Second)
	if err := doc.Validate(); err != nil {
		r.t.Fatalf("quick policy: %v", err)
	}
	v, _, err := r.s.Store.LoadPolicy(r.ctx, doc, []byte("# the demo policy, quickened for recording histories\n"))
	if err != nil {
		r.t.Fatal(err)
	}
	r.version, r.doc = v, doc
	for _, seed := range []func(context.Context, *store.Store) error{demo.SeedProcurement, demo.SeedRegistry} {
		if err := seed(r.ctx, r.s.Store); err != nil {
			r.t.Fatal(err)
		}
	}
}

// expense: a claim commented on and nudged until its run continues as new, whose witness is
// then reminded and escalated by the timers of the next run; the step is transferred to the
// other witness, the reviewer returns it, the submitter corrects the amount and resubmits, and
// it is approved and paid, continuing as new every four Updates.
func (r *devServer) expense(t *testing.T) {
	cs := r.createCase(t, store.NewCase{
		Prefix: "EXP", Year: time.Now().Year(), Kind: "expense", Title: "差旅费报销", Purpose: "客户拜访",
		Category: "travel", DepartmentID: "sales", BudgetLineID: "2026-sales-travel", Amount: 120000,
		Currency: "CNY", SubmitterID: "zhang.wei", Lines: []store.Line{{Description: "机票", Amount: 120000}},
	})
	r.startCase(t, cs, workflows.ExpenseWorkflow, recordedLimits)
	r.act(t, cs.ID, chain.Action{Type: chain.ActComment, Actor: "zhang.wei", Comment: "发票已上传"})
	r.act(t, cs.ID, chain.Action{Type: chain.ActNudge, Actor: "zhang.wei"})
	witness := r.state(t, cs.ID).Holders()[0]
	r.act(t, cs.ID, chain.Action{Type: chain.ActComment, Actor: witness, Comment: "稍后确认"})
	r.waitForSeals(t, cs.ID, "reminded", "escalated")
	// Both sales witnesses are on the step and no other witness holds its authority (the v4
	// history was recorded when the pool was every witness): the step is transferred if
	// anyone may take it, else the witness signs.
	other := witness
	if to := r.state(t, cs.ID).TransferTargets(witness); len(to) > 0 {
		other = to[0]
		r.act(t, cs.ID, chain.Action{Type: chain.ActTransfer, Actor: witness, Target: other, Comment: "出差中"})
	}
	r.act(t, cs.ID, chain.Action{Type: chain.ActApprove, Actor: other})
	reviewer := r.state(t, cs.ID).Holders()[0]
	r.act(t, cs.ID, chain.Action{Type: chain.ActReturn, Actor: reviewer, Comment: "请补充酒店发票"})
	edit, err := r.s.Store.SaveEdit(r.ctx, cs.ID, store.Edit{Title: cs.Title, Purpose: cs.Purpose, Category: cs.Category,
		Lines: []store.Line{{Description: "机票", Amount: 120000}, {Description: "酒店", Amount: 30000}}, Amount: 150000})
	if err != nil {
		t.Fatal(err)
	}
	r.act(t, cs.ID, chain.Action{Type: chain.ActResubmit, Actor: "zhang.wei", EditID: edit, Comment: "已补充"})
	res := r.approveToEnd(t, cs.ID)
	if res.Status != string(chain.StatusPaid) {
		t.Fatalf("expense ended %+v, want paid", res)
	}
	r.write(t, cs.ID, historyExpense)
}

// signers: a claim whose witness signs as the other witness's delegate, and whose reviewer adds
// a signer in parallel who signs first; then everyone signs to the end.
func (r *devServer) signers(t *testing.T) {
	cs := r.createCase(t, store.NewCase{
		Prefix: "EXP", Year: time.Now().Year(), Kind: "expense", Title: "差旅费报销", Purpose: "客户拜访",
		Category: "travel", DepartmentID: "sales", BudgetLineID: "2026-sales-travel", Amount: 80000,
		Currency: "CNY", SubmitterID: "zhang.wei", Lines: []store.Line{{Description: "高铁", Amount: 80000}},
	})
	r.startCase(t, cs, workflows.ExpenseWorkflow, workflows.RunLimits{})
	r.act(t, cs.ID, chain.Action{Type: chain.ActApprove, Actor: "li.na", OnBehalfOf: "liu.yang", Comment: "代刘洋证明"})
	r.act(t, cs.ID, chain.Action{Type: chain.ActAddSigner, Actor: "sun.min", Target: "he.ping", Position: chain.PositionParallel, Comment: "请核对"})
	r.act(t, cs.ID, chain.Action{Type: chain.ActApprove, Actor: "he.ping"})
	if res := r.approveToEnd(t, cs.ID); res.Status != string(chain.StatusPaid) {
		t.Fatalf("claim ended %+v, want paid", res)
	}
	r.write(t, cs.ID, historySigners)
}

// procurement: a purchase request of two laptops reviewed, approved and countersigned, audit
// refusing the contract once; its order takes two deliveries of one laptop each (a receipt
// sealed by the keeper and the accountant for each), the invoice matches and the payment is
// made.
func (r *devServer) procurement(t *testing.T) {
	day := time.Now().UTC().Truncate(24 * time.Hour)
	cs := r.createCase(t, store.NewCase{
		Prefix: "PR", Year: time.Now().Year(), Kind: string(policy.KindProcurement), Title: "笔记本电脑", Purpose: "研发",
		Category: "equipment", DepartmentID: "engineering", BudgetLineID: "2026-eng-equipment", Amount: 1_600_000,
		Currency: "CNY", SubmitterID: "huang.lei",
		Purchase: &store.Purchase{SupplierID: "SUP-HUAXIN", PlanID: "PLAN-2026-ENG", DeliveryDate: day.AddDate(0, 0, 30),
			RequestedOn: day, ContractNo: "HT-2026-088",
			Items: []procure.Item{{MaterialID: "MAT-LAPTOP", Spec: "14英寸 i7/32G/1T", Quantity: 2, Unit: "台", UnitPrice: 800_000}}},
	})
	r.startCase(t, cs, workflows.ProcurementWorkflow, workflows.RunLimits{})
	refused := false
	for {
		st := r.state(t, cs.ID)
		if st.Status.Closed() {
			break
		}
		if st.Status == chain.StatusReturned {
			r.act(t, cs.ID, chain.Action{Type: chain.ActResubmit, Actor: st.Submitter, Comment: "已补充违约责任条款"})
			continue
		}
		a := chain.Action{Type: chain.ActApprove, Actor: st.Holders()[0], Comment: "同意"}
		if st.CurrentStep().Key == "countersign" && len(st.CurrentStep().Approvals) == 1 && !refused {
			a.Type, a.Comment, refused = chain.ActReject, "缺少违约责任条款", true
		}
		r.act(t, cs.ID, a)
	}
	if !refused {
		t.Fatal("the countersign was never refused")
	}
	var res workflows.CaseResult
	if err := r.s.Client.GetWorkflow(r.ctx, cs.ID, "").Get(r.ctx, &res); err != nil || res.Status != string(chain.StatusApproved) {
		t.Fatalf("procurement ended %+v, %v", res, err)
	}
	o, err := r.s.Store.OrderOfCase(r.ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	var receipts []string
	for i := range 2 {
		line := o.State.Lines[0]
		req := workflows.DeliverRequest{Actor: "he.ping", Day: day, DeliveredOn: day, NoteNo: fmt.Sprintf("SH-%d", i+1),
			Lines: []procure.DeliveryLine{{LineNo: line.LineNo, Quantity: 1, NoteQuantity: 1, Spec: line.Spec,
				UnitPrice: line.UnitPrice, SupplierID: o.SupplierID, Manufacturer: "华信电子", Batch: fmt.Sprintf("B%d", i+1)}},
			Materials: r.materials(t), Rules: r.doc.Procurement}
		var dr workflows.DeliverResult
		r.orderUpdate(t, o.ID, workflows.UpdateDeliver, req, &dr)
		if dr.ReceiptID == "" {
			t.Fatalf("delivery %d refused: %+v", i+1, dr.Verdicts)
		}
		r.awaitRouted(t, dr.ReceiptID)
		if res := r.approveToEnd(t, dr.ReceiptID); res.Status != string(chain.StatusApproved) {
			t.Fatalf("receipt %s ended %+v", dr.ReceiptID, res)
		}
		receipts = append(receipts, dr.ReceiptID)
	}
	inv := workflows.InvoiceRequest{Actor: "zhou.jie", InvoiceNo: "FP-0001", InvoicedOn: day,
		Lines: []procure.InvoiceLine{{LineNo: o.State.Lines[0].LineNo, Quantity: 2, Amount: 1_600_000}}}
	var ost procure.OrderState
	// The second receipt's seals reach the order in the background, so the invoice may find it
	// still ordered rather than received: it takes the invoice either way.
	r.orderUpdate(t, o.ID, workflows.UpdateInvoice, inv, &ost)
	settlement := r.waitFor(t, "the payment case", func() (string, bool) {
		o, err := r.s.Store.Order(r.ctx, o.ID)
		return o.State.Settlement, err == nil && o.State.Settlement != ""
	})
	r.awaitRouted(t, settlement)
	if res := r.approveToEnd(t, settlement); res.Status != string(chain.StatusPaid) {
		t.Fatalf("settlement ended %+v", res)
	}
	var ores workflows.OrderResult
	if err := r.s.Client.GetWorkflow(r.ctx, o.ID, "").Get(r.ctx, &ores); err != nil || ores.Status != procure.OrderPaid {
		t.Fatalf("order ended %+v, %v", ores, err)
	}
	r.write(t, cs.ID, historyProcurement)
	r.write(t, o.ID, historyOrder)
	r.write(t, receipts[0], historyReceipt)
	r.write(t, settlement, historySettlement)
}

// problem: raised, published due in four seconds, the representative posting progress at once;
// its run continues as new and the next one reminds and escalates it by its timers; the raiser
// comments, the center moves the due date; solved, refused by the raiser, solved again and
// verified, continuing as new every four Updates.
func (r *devServer) problem(t *testing.T) {
	id, err := r.s.Store.CreateProblem(r.ctx, store.NewProblem{Year: time.Now().Year(), Title: "总装扭矩超差",
		Description: "XH-7 第三批", Severity: "high", RaisedBy: "xu.jing", PolicyVersion: r.version})
	if err != nil {
		t.Fatal(err)
	}
	r.startProblem(t, workflows.ProblemInput{ProblemID: id, Raiser: "xu.jing", Severity: "high", PolicyVersion: r.version,
		Limits: recordedLimits})
	center := problem.Actor{ID: "liu.yang", Center: true}
	rep := problem.Actor{ID: "huang.lei", Departments: []string{"engineering"}}
	raiser := problem.Actor{ID: "xu.jing"}
	act := func(a problem.Action) { t.Helper(); r.actProblem(t, id, a) }
	act(problem.Action{Type: problem.ActPublish, Actor: center, DueAt: time.Now().Add(4 * time.Second),
		Assignments: []problem.Assignment{{Department: "engineering", Representatives: []string{"huang.lei"}}}})
	act(problem.Action{Type: problem.ActProgress, Actor: rep, Comment: "已隔离第三批"})
	act(problem.Action{Type: problem.ActComment, Actor: center, Comment: "请尽快更换扳手"})
	r.waitForProblemSeals(t, id, "reminded", "escalated")
	act(problem.Action{Type: problem.ActProgress, Actor: rep, Comment: "已更换扭矩扳手，复检中"})
	act(problem.Action{Type: problem.ActComment, Actor: raiser, Comment: "第四批也请一并检查"})
	act(problem.Action{Type: problem.ActChangeDue, Actor: center, DueAt: time.Now().Add(72 * time.Hour), Comment: "等待备件"})
	act(problem.Action{Type: problem.ActSolve, Actor: rep, Comment: "更换扭矩扳手并复检"})
	act(problem.Action{Type: problem.ActRefuse, Actor: raiser, Comment: "第四批仍超差"})
	act(problem.Action{Type: problem.ActSolve, Actor: rep, Comment: "第四批已返工"})
	act(problem.Action{Type: problem.ActVerify, Actor: raiser, Comment: "复检合格"})
	var res workflows.ProblemResult
	if err := r.s.Client.GetWorkflow(r.ctx, id, "").Get(r.ctx, &res); err != nil || res.Status != string(problem.StatusClosed) {
		t.Fatalf("problem ended %+v, %v", res, err)
	}
	r.write(t, id, historyProblem)
}

// reconcile: a claim written but never started, started by the reconciler.
func (r *devServer) reconcile(t *testing.T) {
	cs := r.createCase(t, store.NewCase{
		Prefix: "EXP", Year: time.Now().Year(), Kind: "expense", Title: "办公用品", Purpose: "补充库存",
		Category: "travel", DepartmentID: "sales", BudgetLineID: "2026-sales-travel", Amount: 5000,
		Currency: "CNY", SubmitterID: "zhang.wei", Lines: []store.Line{{Description: "文具", Amount: 5000}},
	})
	id := "reconcile-" + cs.ID
	run, err := r.s.Client.ExecuteWorkflow(r.ctx, client.StartWorkflowOptions{ID: id, TaskQueue: r.s.TaskQueue},
		workflows.ReconcileWorkflow, activities.ReconcileInput{OlderThan: 0})
	if err != nil {
		t.Fatal(err)
	}
	var res activities.ReconcileResult
	if err := run.Get(r.ctx, &res); err != nil || !slices.Contains(res.Started, cs.ID) {
		t.Fatalf("reconcile = %+v, %v; want %s started", res, err, cs.ID)
	}
	r.write(t, id, historyReconcile)
}

// startProblem starts a problem's workflow as the gateway does and waits for the raise.
func (r *devServer) startProblem(t *testing.T, in workflows.ProblemInput) {
	t.Helper()
	start := r.s.Client.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID: in.ProblemID, TaskQueue: r.s.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.ProblemWorkflow, in)
	h, err := r.s.Client.UpdateWithStartWorkflow(r.ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: workflows.UpdateSubmit, UpdateID: in.ProblemID + "/raise",
			WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err != nil {
		t.Fatal(err)
	}
	var v workflows.ProblemView
	if err := h.Get(r.ctx, &v); err != nil {
		t.Fatal(err)
	}
}

// actProblem sends a problem action with the problem's current revision.
func (r *devServer) actProblem(t *testing.T, id string, a problem.Action) {
	t.Helper()
	var st problem.State
	if err := r.query(id, workflows.QueryProblem, &st); err != nil {
		t.Fatal(err)
	}
	a.Revision = st.Revision
	if _, err := updateProblem(r.ctx, r.s.Client, id, a); err != nil {
		t.Fatalf("%s by %s: %v", a.Type, a.Actor.ID, err)
	}
}

// runs reads the histories of a workflow's runs, the first first.
func (r *devServer) runs(t *testing.T, id string) []*historypb.History {
	t.Helper()
	var runs []*historypb.History
	for run := ""; ; {
		hist := r.history(t, id, run)
		runs = append([]*historypb.History{hist}, runs...)
		run = hist.Events[0].GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId()
		if run == "" {
			return runs
		}
	}
}

// runID is the ID of a workflow's latest run.
func (r *devServer) runID(t *testing.T, id string) string {
	t.Helper()
	desc, err := r.s.Client.DescribeWorkflowExecution(r.ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	return desc.GetWorkflowExecutionInfo().GetExecution().GetRunId()
}

// waitForNewRun waits until a workflow's latest run is no longer the run given: it continued
// as new.
func (r *devServer) waitForNewRun(t *testing.T, id, run string) {
	t.Helper()
	r.waitFor(t, fmt.Sprintf("%s to continue as new", id), func() (string, bool) {
		return "", r.runID(t, id) != run
	})
}

func (r *devServer) createCase(t *testing.T, n store.NewCase) store.Case {
	t.Helper()
	n.PolicyVersion = r.version
	cs, _, err := r.s.Store.CreateCase(r.ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// startCase starts a case's workflow as the gateway does, with update-with-start, and waits for
// the route.
func (r *devServer) startCase(t *testing.T, cs store.Case, workflowType string, limits workflows.RunLimits) {
	t.Helper()
	route, err := r.doc.Route(policy.Facts{Kind: policy.Kind(cs.Kind), Category: cs.Category, Amount: policy.Money(cs.Amount),
		Submitter: cs.SubmitterID, Department: cs.DepartmentID})
	if err != nil {
		t.Fatal(err)
	}
	c := workflows.CaseStart{CaseID: cs.ID, Kind: policy.Kind(cs.Kind), Title: cs.Title, Submitter: cs.SubmitterID,
		Department: cs.DepartmentID, Amount: cs.Amount, Route: route}
	in := c.Input()
	in.Limits = limits
	start := r.s.Client.NewWithStartWorkflowOperation(workflows.StartOptions(c, r.s.TaskQueue), workflowType, in)
	h, err := r.s.Client.UpdateWithStartWorkflow(r.ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: workflows.UpdateSubmit, UpdateID: cs.ID + "/submit",
			WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err != nil {
		t.Fatal(err)
	}
	var v workflows.View
	if err := h.Get(r.ctx, &v); err != nil {
		t.Fatalf("submit %s: %v", cs.ID, err)
	}
}

// awaitRouted waits for a case started by another workflow to be routed and recorded.
func (r *devServer) awaitRouted(t *testing.T, id string) {
	t.Helper()
	h, err := r.s.Client.UpdateWorkflow(r.ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: workflows.UpdateSubmit,
		UpdateID: id + "/submit", WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		t.Fatal(err)
	}
	var v workflows.View
	if err := h.Get(r.ctx, &v); err != nil {
		t.Fatalf("routing %s: %v", id, err)
	}
}

// approveToEnd has the first holder of each step approve (the cashier pays) until the case
// closes, and returns its result.
func (r *devServer) approveToEnd(t *testing.T, id string) workflows.CaseResult {
	t.Helper()
	for st := r.state(t, id); !st.Status.Closed(); st = r.state(t, id) {
		a := chain.Action{Type: chain.ActApprove, Actor: st.Holders()[0]}
		if st.Status == chain.StatusAwaitingPayment {
			a.Type, a.Reference, a.PaidAt = chain.ActPay, "BANK-"+id, time.Now().UTC().Truncate(time.Second)
		}
		r.act(t, id, a)
	}
	var res workflows.CaseResult
	if err := r.s.Client.GetWorkflow(r.ctx, id, "").Get(r.ctx, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func (r *devServer) act(t *testing.T, id string, a chain.Action) {
	t.Helper()
	a.Revision = r.state(t, id).Revision
	if _, err := update(r.ctx, r.s.Client, id, a); err != nil {
		t.Fatalf("%s %s by %s: %v", id, a.Type, a.Actor, err)
	}
}

func (r *devServer) state(t *testing.T, id string) *chain.State {
	t.Helper()
	var st chain.State
	if err := r.query(id, workflows.QueryState, &st); err != nil {
		t.Fatal(err)
	}
	return &st
}

func (r *devServer) query(id, name string, out any) error {
	v, err := r.s.Client.QueryWorkflow(r.ctx, id, "", name)
	if err != nil {
		return fmt.Errorf("query %s of %s: %w", name, id, err)
	}
	return v.Get(out)
}

func (r *devServer) orderUpdate(t *testing.T, id, name string, arg, out any) {
	t.Helper()
	opts, err := testkit.SignedUpdate(id, name, arg)
	if err != nil {
		t.Fatal(err)
	}
	h, err := r.s.Client.UpdateWorkflow(r.ctx, opts)
	if err == nil {
		err = h.Get(r.ctx, out)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", name, id, err)
	}
}

func (r *devServer) materials(t *testing.T) map[string]procure.Material {
	t.Helper()
	ms, err := r.s.Store.Materials(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]procure.Material{}
	for _, m := range ms {
		out[m.ID] = m
	}
	return out
}

func (r *devServer) waitForSeals(t *testing.T, id string, decisions ...chain.Decision) {
	t.Helper()
	r.waitFor(t, fmt.Sprintf("%s sealed %v", id, decisions), func() (string, bool) {
		seals, err := r.s.Store.Seals(r.ctx, id)
		var got []chain.Decision
		for _, s := range seals {
			got = append(got, s.Decision)
		}
		return "", err == nil && containsAll(got, decisions)
	})
}

func (r *devServer) waitForProblemSeals(t *testing.T, id string, decisions ...string) {
	t.Helper()
	r.waitFor(t, fmt.Sprintf("%s sealed %v", id, decisions), func() (string, bool) {
		seals, err := r.s.Store.ProblemSeals(r.ctx, id)
		var got []string
		for _, s := range seals {
			got = append(got, s.Decision)
		}
		return "", err == nil && containsAll(got, decisions)
	})
}

func containsAll[T comparable](have, want []T) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// waitFor polls a condition for up to 30 seconds.
func (r *devServer) waitFor(t *testing.T, what string, cond func() (string, bool)) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if v, ok := cond(); ok {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// write saves the history of a closed workflow under testdata/, one file per run if it
// continued as new, unless a file of that name is committed already.
func (r *devServer) write(t *testing.T, id, name string) {
	t.Helper()
	runs := r.runs(t, id)
	if strings.Contains(name, "_continued_") != (len(runs) > 1) {
		t.Fatalf("%s: %d runs", name, len(runs))
	}
	for i, hist := range runs {
		file := filepath.Join("testdata", name)
		if len(runs) > 1 {
			file = filepath.Join("testdata", strings.TrimSuffix(name, ".json")+fmt.Sprintf("_run%d.json", i+1))
		}
		if _, err := os.Stat(file); err == nil {
			t.Logf("%s is committed already: not overwritten", file)
			continue
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(hist)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d events)", file, len(hist.Events))
	}
}

// history reads one run's history ("" for the latest run).
func (r *devServer) history(t *testing.T, id, run string) *historypb.History {
	t.Helper()
	it := r.s.Client.GetWorkflowHistory(r.ctx, id, run, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	hist := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		hist.Events = append(hist.Events, ev)
	}
	return hist
}

func updateProblem(ctx context.Context, c client.Client, id string, a problem.Action) (workflows.ProblemView, error) {
	opts, err := testkit.SignedUpdate(id, string(a.Type), a)
	if err != nil {
		return workflows.ProblemView{}, err
	}
	h, err := c.UpdateWorkflow(ctx, opts)
	if err != nil {
		return workflows.ProblemView{}, err
	}
	var v workflows.ProblemView
	return v, h.Get(ctx, &v)
}
