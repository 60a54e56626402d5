package chain_test

import (
	"slices"
	"testing"
	"time"

	"signoff/chain"
	"signoff/policy"
)

func routeFor(t *testing.T, amount policy.Money, overBudget bool) policy.Route {
	t.Helper()
	r, err := policy.Demo().Route(policy.Facts{Kind: policy.KindExpense, Category: "travel",
		Amount: amount, Submitter: submitter, Department: "sales", OverBudget: overBudget})
	if err != nil {
		t.Fatalf("route %s: %v", amount, err)
	}
	return r
}

// TestRebase: a resubmission whose new amount falls in another band replaces the steps. Steps
// completed before the resume point keep their seals; the case resumes at the returning step if
// the new route still has it, else at the first step not yet done.
func TestRebase(t *testing.T) {
	at := monday10.Add(6 * time.Hour)
	tests := []struct {
		name       string
		fixture    func(*testing.T) *chain.State
		returner   string
		newAmount  policy.Money
		wantSteps  []string
		wantKept   map[string][]string // step -> who signed it, for steps that keep their seals
		wantResume string
		wantLevels []string
		// Who is asked, in order, after the resubmission, until payment.
		wantAsked [][]string
	}{
		{"up one band, returned at the approval", atApproval, salesHead, amountMiddle,
			[]string{keyWitness, keyReview, keyDeptHead, keyFinDir, keyPayment},
			map[string][]string{keyWitness: {witness1}, keyReview: {reviewer1}},
			keyDeptHead, []string{"department_head", "finance_director"},
			[][]string{{salesHead}, {finDir}}},
		{"up two bands, returned at the review", atReview, reviewer2, amountLarge,
			[]string{keyWitness, keyReview, keyDeptHead, keyFinDir, keyGM, keyPayment},
			map[string][]string{keyWitness: {witness1}},
			keyReview, []string{"department_head", "finance_director", "general_manager"},
			[][]string{{reviewer1, reviewer2}, {salesHead}, {finDir}, {gm}}},
		{"same band, returned at the witness", atWitness, witness1, amountSmall + 100,
			[]string{keyWitness, keyReview, keyDeptHead, keyPayment},
			map[string][]string{},
			keyWitness, []string{"department_head"},
			[][]string{{witness1, witness2}, {reviewer1, reviewer2}, {salesHead}}},
		{"down a band, the returning step is gone", middleAtFinanceDirector, finDir, amountSmall,
			[]string{keyWitness, keyReview, keyDeptHead, keyPayment},
			map[string][]string{keyWitness: {witness1}, keyReview: {reviewer1}, keyDeptHead: {salesHead}},
			keyPayment, []string{"department_head"},
			nil},
		{"steps after the resume point sign again", witnessRedoing, witness2, amountSmall,
			[]string{keyWitness, keyReview, keyDeptHead, keyPayment},
			map[string][]string{},
			keyWitness, []string{"department_head"},
			[][]string{{witness1, witness2}, {reviewer1, reviewer2}, {salesHead}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.fixture(t)
			do(t, st, chain.Action{Type: chain.ActReturn, Actor: tt.returner, Comment: "金额有误"}, at)
			st.Rebase(routeFor(t, tt.newAmount, false))
			if got := stepKeys(st); !slices.Equal(got, tt.wantSteps) {
				t.Fatalf("steps = %v, want %v", got, tt.wantSteps)
			}
			for _, s := range st.Steps {
				want, kept := tt.wantKept[s.Key]
				if s.Done != kept || !slices.Equal(approvers(s), want) {
					t.Errorf("step %s: done %v signed by %v; want done=%v signed by %v", s.Key, s.Done, approvers(s), kept, want)
				}
			}
			if st.ResumeAt != tt.wantResume {
				t.Errorf("resume at %q, want %q", st.ResumeAt, tt.wantResume)
			}
			if st.Band == nil || !slices.Equal(st.Band.Levels, tt.wantLevels) {
				t.Errorf("band = %+v, want levels %v", st.Band, tt.wantLevels)
			}
			if st.Status != chain.StatusReturned {
				t.Errorf("status = %s, want still returned until the resubmission is applied", st.Status)
			}
			do(t, st, chain.Action{Type: chain.ActResubmit, Actor: submitter, EditID: "e1"}, at.Add(time.Hour))
			for i, want := range tt.wantAsked {
				if got := st.Holders(); !slices.Equal(got, want) {
					t.Fatalf("stage %d: asked %v at %q, want %v", i, got, currentKey(st), want)
				}
				approve(t, st, want[0], at.Add(time.Hour))
			}
			if st.Status != chain.StatusAwaitingPayment || currentKey(st) != keyPayment {
				t.Errorf("finally: status %s at %q, want awaiting payment", st.Status, currentKey(st))
			}
		})
	}
}

// middleAtFinanceDirector is a 12,000.00 claim waiting for the finance director.
func middleAtFinanceDirector(t *testing.T) *chain.State {
	st := newCase(t, amountMiddle, monday10)
	approve(t, st, witness1, monday10)
	approve(t, st, reviewer1, monday10)
	approve(t, st, salesHead, monday10)
	if currentKey(st) != keyFinDir {
		t.Fatalf("current %q, want %q", currentKey(st), keyFinDir)
	}
	return st
}

// TestRebaseAsksNewStepsBeforeTheResumePoint: when the new route adds steps before the step
// that returned the claim (a higher band returned at payment, or the over-budget approval),
// those new steps must be signed before the case resumes.
func TestRebaseAsksNewStepsBeforeTheResumePoint(t *testing.T) {
	tests := []struct {
		name       string
		fixture    func(*testing.T) *chain.State
		returner   string
		route      func(*testing.T) policy.Route
		wantResume string
		wantAsked  [][]string
	}{
		{"cashier returns, amount raised to 60,000.00", atPayment, cashier,
			func(t *testing.T) policy.Route { return routeFor(t, amountLarge, false) },
			keyFinDir, [][]string{{finDir}, {gm}, {cashier}}},
		{"approver returns, claim now over budget", atApproval, salesHead,
			func(t *testing.T) policy.Route { return routeFor(t, amountSmall*2, true) },
			"over_budget", [][]string{{finDir}, {salesHead}, {cashier}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.fixture(t)
			do(t, st, chain.Action{Type: chain.ActReturn, Actor: tt.returner, Comment: "金额有误"}, monday10)
			st.Rebase(tt.route(t))
			if st.ResumeAt != tt.wantResume {
				t.Errorf("resume at %q, want %q", st.ResumeAt, tt.wantResume)
			}
			do(t, st, chain.Action{Type: chain.ActResubmit, Actor: submitter}, monday10)
			for i, want := range tt.wantAsked {
				if got := st.Holders(); !slices.Equal(got, want) {
					t.Fatalf("stage %d: asked %v at %q, want %v", i, got, currentKey(st), want)
				}
				if i < len(tt.wantAsked)-1 {
					approve(t, st, want[0], monday10)
				}
			}
		})
	}
}

// TestReopenAfterRebase: a resubmission whose edit invalidates the witness's seal (the ledger
// says which steps) re-opens that step: the case resumes at the witness, before the returning
// reviewer, and the steps not named keep their seals.
func TestReopenAfterRebase(t *testing.T) {
	at := monday10.Add(6 * time.Hour)
	st := atApproval(t)
	do(t, st, chain.Action{Type: chain.ActReturn, Actor: salesHead, Comment: "金额有误"}, at)
	st.Rebase(routeFor(t, amountMiddle, false))
	st.Reopen([]string{keyWitness, "no-such-step"})
	if st.ResumeAt != keyWitness {
		t.Errorf("resume at %q, want the re-opened witness", st.ResumeAt)
	}
	for _, s := range st.Steps {
		if s.Key == keyWitness && (s.Done || len(s.Approvals) > 0 || !slices.Contains(s.Why.Keys(), "why.reopened")) {
			t.Errorf("the witness keeps its signature or does not say it signs again: %+v", s)
		}
		if s.Key == keyReview && (!s.Done || !slices.Equal(approvers(s), []string{reviewer1})) {
			t.Errorf("the review lost its signature: %+v", s)
		}
	}
	do(t, st, chain.Action{Type: chain.ActResubmit, Actor: submitter, EditID: "e1"}, at.Add(time.Hour))
	if got := st.Holders(); !slices.Equal(got, []string{witness1, witness2}) {
		t.Errorf("asked %v at %q, want the witnesses", got, currentKey(st))
	}
}
