package chain_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"signoff/chain"
	"signoff/policy"
)

// The demo organisation, as the tests rely on it (policy/demo.yaml): a sales employee's travel
// claim of 1,200.00 is witnessed by li.na or liu.yang, reviewed by sun.min or zhou.jie, approved
// by the sales head wang.fang and paid by the cashier wu.xia.
const (
	caseID    = "EXP-2026-000001"
	submitter = "zhang.wei"
	witness1  = "li.na"
	witness2  = "liu.yang"
	reviewer1 = "sun.min"
	reviewer2 = "zhou.jie"
	salesHead = "wang.fang"
	finDir    = "qian.li"
	gm        = "zhao.qiang"
	cashier   = "wu.xia"
	engHead   = "chen.gang"   // on no step of a sales claim: another department's head
	colleague = "zheng.yu"    // a witness of another department: may not attest a sales claim
	outsider  = "xu.jing"     // holds no part of a sales claim
	stranger  = "nobody.here" // not in the organisation at all
)

// Step keys of the demo expense route.
const (
	keyWitness  = "witness"
	keyReview   = "review"
	keyDeptHead = "approval.department_head"
	keyFinDir   = "approval.finance_director"
	keyGM       = "approval.general_manager"
	keyPayment  = "payment"
)

// Amounts in minor units, one per authority band of the default authority.
const (
	amountSmall  policy.Money = 120000  // 1,200.00: department head
	amountMiddle policy.Money = 1200000 // 12,000.00: + finance director
	amountLarge  policy.Money = 6000000 // 60,000.00: + general manager
)

var shanghai = mustLocation("Asia/Shanghai")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// cst is a wall-clock time in the demo calendar's zone.
func cst(year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, shanghai)
}

// monday10 is a plain working Monday morning: 2026-03-02 10:00 in Shanghai.
var monday10 = cst(2026, time.March, 2, 10, 0)

func demoRoute(t *testing.T, amount policy.Money) policy.Route {
	t.Helper()
	r, err := policy.Demo().Route(policy.Facts{Kind: policy.KindExpense, Category: "travel",
		Amount: amount, Submitter: submitter, Department: "sales"})
	if err != nil {
		t.Fatalf("route %s: %v", amount, err)
	}
	return r
}

// newCase starts the demo travel claim of the given amount at now.
func newCase(t *testing.T, amount policy.Money, now time.Time) *chain.State {
	t.Helper()
	st := chain.New(caseID, submitter, 1, chain.RulesOf(policy.Demo()), demoRoute(t, amount), now)
	st.Submitted(now)
	return st
}

// handRoute builds a route by hand, to test modes the demo policy does not use.
func handRoute(steps ...policy.RouteStep) policy.Route {
	for i := range steps {
		if steps[i].SLA == 0 {
			steps[i].SLA = policy.Duration(4 * time.Hour)
		}
		if steps[i].Label == "" {
			steps[i].Label = steps[i].Key
		}
	}
	return policy.Route{Kind: policy.KindExpense, Steps: steps,
		SLA: policy.Duration(16 * time.Hour), ReminderBefore: policy.Duration(2 * time.Hour)}
}

// do validates an action (taking the case's current revision) and applies it, failing the test
// if it is refused.
func do(t *testing.T, st *chain.State, a chain.Action, now time.Time) chain.Outcome {
	t.Helper()
	a.Revision = st.Revision
	if err := st.Validate(a, now); err != nil {
		t.Fatalf("%s by %s (for %q) refused: %v", a.Type, a.Actor, a.OnBehalfOf, err)
	}
	return st.Apply(a, now)
}

func approve(t *testing.T, st *chain.State, actor string, now time.Time) chain.Outcome {
	t.Helper()
	return do(t, st, chain.Action{Type: chain.ActApprove, Actor: actor}, now)
}

func pay(t *testing.T, st *chain.State, now time.Time) chain.Outcome {
	t.Helper()
	return do(t, st, chain.Action{Type: chain.ActPay, Actor: cashier, Reference: "BANK-1", PaidAt: now}, now)
}

// refusalCode returns the code of a refusal, "" for nil, and fails on any other error.
func refusalCode(t *testing.T, err error) chain.Code {
	t.Helper()
	if err == nil {
		return ""
	}
	var r *chain.Refusal
	if !errors.As(err, &r) {
		t.Fatalf("error %v (%T) is not a *chain.Refusal", err, err)
	}
	return r.Code
}

func currentKey(st *chain.State) string {
	if cur := st.CurrentStep(); cur != nil {
		return cur.Key
	}
	return ""
}

func stepKeys(st *chain.State) []string {
	keys := make([]string, len(st.Steps))
	for i, s := range st.Steps {
		keys[i] = s.Key
	}
	return keys
}

func step(t *testing.T, st *chain.State, key string) chain.Step {
	t.Helper()
	i := st.StepIndex(key)
	if i < 0 {
		t.Fatalf("no step %q in %v", key, stepKeys(st))
	}
	return st.Steps[i]
}

func approvers(s chain.Step) []string {
	var out []string
	for _, a := range s.Approvals {
		out = append(out, a.User)
	}
	return out
}

func noticeKinds(o chain.Outcome) []string {
	var out []string
	for _, n := range o.Notices {
		out = append(out, n.Kind)
	}
	return out
}

func equalStrings(a, b []string) bool { return slices.Equal(a, b) }

// Fixtures: the demo claim at each status, built by acting on it as people would.

func atWitness(t *testing.T) *chain.State { return newCase(t, amountSmall, monday10) }

func atReview(t *testing.T) *chain.State {
	st := atWitness(t)
	approve(t, st, witness1, monday10.Add(time.Hour))
	return st
}

func atApproval(t *testing.T) *chain.State {
	st := atReview(t)
	approve(t, st, reviewer1, monday10.Add(2*time.Hour))
	return st
}

func atPayment(t *testing.T) *chain.State {
	st := atApproval(t)
	approve(t, st, salesHead, monday10.Add(3*time.Hour))
	return st
}

// returnedByWitness is the claim sent back to the submitter by the witness li.na.
func returnedByWitness(t *testing.T) *chain.State {
	st := atWitness(t)
	do(t, st, chain.Action{Type: chain.ActReturn, Actor: witness1, Comment: "缺发票"}, monday10.Add(time.Hour))
	return st
}

func paid(t *testing.T) *chain.State {
	st := atPayment(t)
	pay(t, st, monday10.Add(4*time.Hour))
	return st
}

func rejected(t *testing.T) *chain.State {
	st := atWitness(t)
	do(t, st, chain.Action{Type: chain.ActReject, Actor: witness1, Comment: "不实"}, monday10.Add(time.Hour))
	return st
}

func withdrawn(t *testing.T) *chain.State {
	st := atWitness(t)
	do(t, st, chain.Action{Type: chain.ActWithdraw, Actor: submitter, Comment: "重复提交"}, monday10.Add(time.Hour))
	return st
}

// approvedWithoutPayment runs a chain with no cashier step to its end.
func approvedWithoutPayment(t *testing.T) *chain.State {
	r := demoRoute(t, amountSmall)
	r.Steps = r.Steps[:len(r.Steps)-1] // drop the payment step
	st := chain.New(caseID, submitter, 1, chain.RulesOf(policy.Demo()), r, monday10)
	approve(t, st, witness1, monday10.Add(time.Hour))
	approve(t, st, reviewer1, monday10.Add(2*time.Hour))
	approve(t, st, salesHead, monday10.Add(3*time.Hour))
	return st
}
