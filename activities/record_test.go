package activities_test

import (
	"net/http"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"signoff/activities"
	"signoff/chain"
	"signoff/notify"
	"signoff/store"
	"signoff/testkit"
)

// monday10 is a working Monday morning in the demo calendar's zone (10:00 in Shanghai), as UTC.
var monday10 = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

// Demo budget lines (policy/demo.yaml).
const (
	salesTravel      = "2026-sales-travel"
	salesTravelTotal = 20_000_000
)

// allChannels makes Record write every notice for the inbox, e-mail and the robot. Record only
// writes the outbox; nothing is dialled, so the addresses need not answer.
var allChannels = activities.Channels{
	PublicURL: "http://signoff.test",
	Email:     notify.SMTP{Host: "127.0.0.1", Port: 1, From: "signoff@example.com", Timeout: time.Second},
	Webhook:   notify.Webhook{URL: "http://127.0.0.1:1/robot", Client: &http.Client{Timeout: time.Second}},
}

// claim writes a travel claim against the sales travel line, as the gateway does before it
// starts the workflow.
func claim(t *testing.T, db *testkit.DB, submitter, department string, amount int64) store.Case {
	t.Helper()
	c, created, err := db.Store.CreateCase(testCtx(t), store.NewCase{
		Prefix: "EXP", Year: time.Now().Year(), Kind: "expense", Title: "差旅费报销", Purpose: "客户拜访",
		Category: "travel", DepartmentID: department, BudgetLineID: salesTravel, Amount: amount, Currency: "CNY",
		SubmitterID: submitter, PolicyVersion: db.Version, AllowOverBudget: true,
		Lines: []store.Line{{Description: "机票", Amount: amount}},
	})
	if err != nil || !created {
		t.Fatalf("create claim: %v (created %v)", err, created)
	}
	return c
}

// chainOf routes a stored case with ResolveRoute, as the workflow does first, and builds its
// chain.
func chainOf(t *testing.T, env *testsuite.TestActivityEnvironment, acts *activities.Activities, c store.Case) *chain.State {
	t.Helper()
	r := mustRun[activities.RouteResult](t, env, acts.ResolveRoute, activities.RouteInput{CaseID: c.ID})
	return chain.New(c.ID, c.SubmitterID, r.PolicyVersion, r.Rules, r.Route, monday10)
}

// decide validates an action on st (with its current revision), applies it and returns what
// Record is given for it. A zero action is the submission.
func decide(t *testing.T, st *chain.State, title string, a chain.Action, at time.Time) activities.RecordInput {
	t.Helper()
	var out chain.Outcome
	if a.Type == "" {
		out = st.Submitted(at)
	} else {
		a.Revision = st.Revision
		if err := st.Validate(a, at); err != nil {
			t.Fatalf("%s by %s refused: %v", a.Type, a.Actor, err)
		}
		out = st.Apply(a, at)
	}
	return activities.RecordInput{State: st.Clone(), Outcome: out, Title: title}
}

// record decides and records an action, for setting a case up.
func record(t *testing.T, env *testsuite.TestActivityEnvironment, acts *activities.Activities, st *chain.State, a chain.Action) {
	t.Helper()
	mustRun[activities.RecordResult](t, env, acts.Record, decide(t, st, "差旅费报销", a, monday10))
}

func approve(actor string) chain.Action { return chain.Action{Type: chain.ActApprove, Actor: actor} }

// recipients counts the people an outcome's notices go to.
func recipients(out chain.Outcome) int64 {
	var n int64
	for _, x := range out.Notices {
		n += int64(len(x.Recipients))
	}
	return n
}

// TestRecordWritesEachOutcomeOnce: every outcome of a claim's life, from the submission to the
// payment (and a rejection), is written once: its seal, the decider's done inbox, the snapshot,
// the budget movement and one outbox row per recipient and channel. Recording it again, as a
// retry does, writes nothing, and a late retry of the first outcome does not roll the case back.
func TestRecordWritesEachOutcomeOnce(t *testing.T) {
	db := testkit.NewDB(t)
	acts, env := actEnv(t, db, allChannels)
	const amount = 120_000
	paid, rejected := claim(t, db, "zhang.wei", "sales", amount), claim(t, db, "zhang.wei", "sales", 30_000)
	stPaid, stRejected := chainOf(t, env, acts, paid), chainOf(t, env, acts, rejected)
	pay := chain.Action{Type: chain.ActPay, Actor: "wu.xia", Reference: "BANK-1", PaidAt: monday10.Add(time.Hour)}
	reject := chain.Action{Type: chain.ActReject, Actor: "li.na", Comment: "行程不符"}
	budgetMoved := writes{"seals": 1, "cases": 0, "case_done": 1, "budget_lines": 0, "budget_reservations": 0}
	steps := []struct {
		name string
		st   *chain.State
		act  chain.Action
		want writes // besides the notifications, counted from the outcome
	}{
		// The first seal keeps the content it attests; later seals of the same content add none.
		{"submission", stPaid, chain.Action{}, writes{"seals": 1, "seal_contents": 1, "cases": 0}},
		{"witness approves", stPaid, approve("li.na"), writes{"seals": 1, "cases": 0, "case_done": 1}},
		{"reviewer approves", stPaid, approve("sun.min"), writes{"seals": 1, "cases": 0, "case_done": 1}},
		{"approver approves", stPaid, approve("wang.fang"), writes{"seals": 1, "cases": 0, "case_done": 1}},
		{"cashier pays", stPaid, pay, budgetMoved},
		{"submission of the other", stRejected, chain.Action{}, writes{"seals": 1, "seal_contents": 1, "cases": 0}},
		{"witness rejects the other", stRejected, reject, budgetMoved},
	}
	before := budgetLine(t, db)
	var first activities.RecordInput
	for i, s := range steps {
		in := decide(t, s.st, "差旅费报销", s.act, monday10.Add(time.Duration(i)*time.Minute))
		if i == 0 {
			first = in
		}
		want := writes{}
		for k, v := range s.want {
			want[k] = v
		}
		people := recipients(in.Outcome)
		if people == 0 {
			t.Fatalf("%s: no one to notify; the step proves nothing about the outbox", s.name)
		}
		want["notifications"] = 3 * people // inbox, e-mail, robot
		res := once(t, db, s.name, func() (activities.RecordResult, error) {
			return run[activities.RecordResult](t, env, acts.Record, in)
		}, want)
		if res.ToDeliver != int(2*people) {
			t.Errorf("%s: %d to deliver, want %d (e-mail and robot for each of %d)", s.name, res.ToDeliver, 2*people, people)
		}
	}
	if got := mustCase(t, db, paid.ID); got.Status != string(chain.StatusPaid) || got.PaidReference == nil || *got.PaidReference != "BANK-1" {
		t.Fatalf("paid claim = %+v", got)
	}
	after := budgetLine(t, db)
	if after.Consumed-before.Consumed != amount || before.Reserved-after.Reserved != amount+30_000 {
		t.Errorf("budget moved from %+v to %+v: want %d consumed once and both reservations lifted once",
			before, after, amount)
	}
	// A late retry of the submission, after the payment, writes nothing.
	snap := snapshot(t, db)
	mustRun[activities.RecordResult](t, env, acts.Record, first)
	if got := snap.writes(snapshot(t, db)); len(got) != 0 {
		t.Errorf("late retry of the submission wrote %v", got)
	}
	if got := mustCase(t, db, paid.ID); got.Status != string(chain.StatusPaid) || got.State.Seq != stPaid.Seq {
		t.Errorf("late retry moved the claim back: %s at seq %d", got.Status, got.State.Seq)
	}
}

// TestRecordAppliesAnEditOnce: a resubmission's stored edit is applied with its seal in one
// transaction, moving the reservation by the change in amount; the retry finds the edit applied
// and moves nothing again.
func TestRecordAppliesAnEditOnce(t *testing.T) {
	db := testkit.NewDB(t)
	acts, env := actEnv(t, db, allChannels)
	c := claim(t, db, "zhang.wei", "sales", 100_000)
	st := chainOf(t, env, acts, c)
	record(t, env, acts, st, chain.Action{})
	record(t, env, acts, st, chain.Action{Type: chain.ActReturn, Actor: "li.na", Comment: "漏了酒店"})
	editID, err := db.Store.SaveEdit(testCtx(t), c.ID, store.Edit{Title: "差旅费报销（含酒店）", Purpose: "客户拜访",
		Category: "travel", Amount: 150_000,
		Lines: []store.Line{{Description: "机票", Amount: 100_000}, {Description: "酒店", Amount: 50_000}}})
	if err != nil {
		t.Fatal(err)
	}
	in := decide(t, st, c.Title, chain.Action{Type: chain.ActResubmit, Actor: "zhang.wei", EditID: editID}, monday10)
	before := budgetLine(t, db)
	once(t, db, "resubmission", func() (activities.RecordResult, error) {
		return run[activities.RecordResult](t, env, acts.Record, in)
	}, writes{"seals": 1, "seal_contents": 1, "cases": 0, "case_edits": 0, "case_lines": 1, "budget_lines": 0, "budget_reservations": 0,
		"notifications": 3 * recipients(in.Outcome)})
	if after := budgetLine(t, db); after.Reserved-before.Reserved != 50_000 {
		t.Errorf("reserved moved by %d, want the edit's 50000 once", after.Reserved-before.Reserved)
	}
	if got := mustCase(t, db, c.ID); got.Amount != 150_000 || got.Title != "差旅费报销（含酒店）" || got.Status != string(chain.StatusInProgress) {
		t.Errorf("resubmitted claim = %+v", got)
	}
}

// TestRecordRefusals: an outcome the database cannot take (an edit over the budget, an
// attachment no longer available, a case that does not exist) is refused with its stable
// non-retryable type, every time, and writes nothing.
func TestRecordRefusals(t *testing.T) {
	const original = 100_000
	tests := []struct {
		name string
		edit store.Edit // the resubmission's; zero: record for a case that does not exist
		code string
	}{
		{"edit beyond the budget line", store.Edit{Title: "改", Purpose: "p", Category: "travel", Amount: original + 10_001,
			Lines: []store.Line{{Description: "机票", Amount: original + 10_001}}}, activities.ErrTypeOverBudget},
		{"edit naming an upload that is gone", store.Edit{Title: "改", Purpose: "p", Category: "travel", Amount: original,
			Lines: []store.Line{{Description: "机票", Amount: original}}, Attachments: []string{"att_000000000000000000000000"}},
			activities.ErrTypeAttachment},
		{"unknown case", store.Edit{}, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := testkit.NewDB(t)
			acts, env := actEnv(t, db, allChannels)
			var in activities.RecordInput
			if tt.edit.Amount == 0 {
				// A real claim's chain, under a number no case has.
				ghost := chainOf(t, env, acts, claim(t, db, "zhang.wei", "sales", original))
				ghost.CaseID = "EXP-1999-000001"
				in = decide(t, ghost, "幽灵", chain.Action{}, monday10)
			} else {
				// Leave exactly 10,000 on the line beside this claim.
				claim(t, db, "zhang.wei", "sales", salesTravelTotal-original-10_000)
				c := claim(t, db, "zhang.wei", "sales", original)
				st := chainOf(t, env, acts, c)
				record(t, env, acts, st, chain.Action{})
				record(t, env, acts, st, chain.Action{Type: chain.ActReturn, Actor: "li.na", Comment: "金额不对"})
				editID, err := db.Store.SaveEdit(testCtx(t), c.ID, tt.edit)
				if err != nil {
					t.Fatal(err)
				}
				in = decide(t, st, c.Title, chain.Action{Type: chain.ActResubmit, Actor: "zhang.wei", EditID: editID}, monday10)
			}
			refused(t, db, tt.name, func() error {
				_, err := run[activities.RecordResult](t, env, acts.Record, in)
				return err
			}, tt.code)
		})
	}
}

// TestReadOnlyActivitiesWriteNothing: routing, finding superiors and loading the problem rules
// only read, so calling them twice leaves the database as it was and answers the same.
func TestReadOnlyActivitiesWriteNothing(t *testing.T) {
	db := testkit.NewDB(t)
	acts, env := actEnv(t, db, inAppOnly)
	c := claim(t, db, "zhang.wei", "sales", 120_000)
	tests := []struct {
		name string
		call func() (any, error)
		ok   func(any) bool
	}{
		{"ResolveRoute", func() (any, error) {
			return run[activities.RouteResult](t, env, acts.ResolveRoute, activities.RouteInput{CaseID: c.ID})
		}, func(v any) bool {
			r := v.(activities.RouteResult)
			return len(r.Route.Steps) > 0 && r.PolicyVersion == db.Version && r.Amount == 120_000
		}},
		{"Superiors", func() (any, error) {
			return run[activities.SuperiorsResult](t, env, acts.Superiors,
				activities.SuperiorsInput{PolicyVersion: db.Version, Users: []string{"li.na", "liu.yang", "li.na"}})
		}, func(v any) bool { return len(v.(activities.SuperiorsResult).Superiors) > 0 }},
		{"LoadProblemRules", func() (any, error) {
			return run[activities.ProblemRules](t, env, acts.LoadProblemRules, activities.ProblemRulesInput{PolicyVersion: db.Version})
		}, func(v any) bool { return v.(activities.ProblemRules).Calendar.Timezone == "Asia/Shanghai" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := once(t, db, tt.name, tt.call, writes{})
			if !tt.ok(got) {
				t.Errorf("%s = %+v", tt.name, got)
			}
		})
	}
}

// TestResolveRouteRefusesAnUnroutableCase: a case no one may sign under its policy (a general
// office claim by the general manager) is refused as no_route, for the workflow to abandon.
func TestResolveRouteRefusesAnUnroutableCase(t *testing.T) {
	db := testkit.NewDB(t)
	acts, env := actEnv(t, db, inAppOnly)
	c := claim(t, db, "zhao.qiang", "general", 50_000)
	refused(t, db, "route", func() error {
		_, err := run[activities.RouteResult](t, env, acts.ResolveRoute, activities.RouteInput{CaseID: c.ID})
		return err
	}, activities.ErrTypeNoRoute)
}

// TestAbandonClosesOnce: an unroutable case is closed as rejected with two seals and its
// reservation released, once; another case is abandoned on its own.
func TestAbandonClosesOnce(t *testing.T) {
	db := testkit.NewDB(t)
	acts, env := actEnv(t, db, inAppOnly)
	a, b := claim(t, db, "zhao.qiang", "general", 50_000), claim(t, db, "zhao.qiang", "general", 7_000)
	before := budgetLine(t, db)
	closes := writes{"seals": 2, "seal_contents": 1, "cases": 0, "budget_lines": 0, "budget_reservations": 0}
	for _, c := range []store.Case{a, b} {
		once(t, db, "abandon "+c.ID, func() (activities.AbandonResult, error) {
			return run[activities.AbandonResult](t, env, acts.Abandon,
				activities.AbandonInput{CaseID: c.ID, Reason: "no eligible approver", At: monday10})
		}, closes)
		if got := mustCase(t, db, c.ID); got.Status != string(chain.StatusRejected) || got.ClosedAt == nil {
			t.Errorf("abandoned %s = %s", c.ID, got.Status)
		}
	}
	if after := budgetLine(t, db); before.Reserved-after.Reserved != 57_000 {
		t.Errorf("reserved %d → %d, want both reservations released once", before.Reserved, after.Reserved)
	}
}

func budgetLine(t *testing.T, db *testkit.DB) store.BudgetLine {
	t.Helper()
	b, err := db.Store.BudgetLine(testCtx(t), salesTravel)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustCase(t *testing.T, db *testkit.DB, id string) store.Case {
	t.Helper()
	c, err := db.Store.Case(testCtx(t), id)
	if err != nil {
		t.Fatalf("case %s: %v", id, err)
	}
	return c
}
