package chain_test

import (
	"slices"
	"testing"
	"time"

	"signoff/chain"
	"signoff/policy"
)

// Countersign (会签) of a purchase request in the demo policy: legal, finance, audit and the
// requesting department's heads must all agree; any one may refuse, which returns the request.
const (
	requester   = "huang.lei"
	legalHead   = "lin.feng"
	auditHead   = "ma.lan"
	keyCounter  = "countersign"
	purchaseID  = "PR-2026-000001"
	amountOrder = policy.Money(1_200_000)
)

func countersignCase(t *testing.T) *chain.State {
	t.Helper()
	r, err := policy.Demo().Route(policy.Facts{Kind: policy.KindProcurement, Category: "equipment",
		Amount: amountOrder, Submitter: requester})
	if err != nil {
		t.Fatal(err)
	}
	st := chain.New(purchaseID, requester, 1, chain.RulesOf(policy.Demo()), r, monday10)
	st.Submitted(monday10)
	approve(t, st, reviewer1, monday10)
	approve(t, st, engHead, monday10)
	approve(t, st, finDir, monday10)
	if currentKey(st) != keyCounter {
		t.Fatalf("at %q, want the countersign", currentKey(st))
	}
	return st
}

func TestCountersignNeedsEveryone(t *testing.T) {
	st := countersignCase(t)
	later := monday10.Add(time.Hour)
	for _, who := range []string{legalHead, finDir, auditHead} {
		approve(t, st, who, later)
		if st.Status != chain.StatusInProgress || currentKey(st) != keyCounter {
			t.Fatalf("after %s: status %s at %q, want still countersigning", who, st.Status, currentKey(st))
		}
	}
	if got := st.Holders(); !slices.Equal(got, []string{engHead}) {
		t.Errorf("holders = %v, want only the requesting department's head", got)
	}
	approve(t, st, engHead, later)
	if st.Status != chain.StatusApproved {
		t.Errorf("status = %s, want approved once all four agreed", st.Status)
	}
}

func TestCountersignRejectionReturnsToRequesterAndEveryoneSignsAgain(t *testing.T) {
	st := countersignCase(t)
	later := monday10.Add(time.Hour)
	approve(t, st, legalHead, later)
	approve(t, st, finDir, later)
	o := do(t, st, chain.Action{Type: chain.ActReject, Actor: auditHead, Comment: "违约金条款缺失"}, later)
	if st.Status != chain.StatusReturned || !slices.Equal(st.Holders(), []string{requester}) {
		t.Fatalf("after a countersigner's refusal: status %s, holders %v; want returned to the requester", st.Status, st.Holders())
	}
	if len(o.Seals) != 1 || o.Seals[0].Decision != chain.DecRejected || o.Seals[0].Comment != "违约金条款缺失" {
		t.Errorf("seal = %+v, want a rejection with its reason", o.Seals)
	}
	if o.Budget != chain.BudgetNone {
		t.Errorf("budget op = %q: a returned request keeps its reservation", o.Budget)
	}
	if got := noticeKinds(o); !slices.Equal(got, []string{"returned"}) {
		t.Errorf("notices = %v, want returned", got)
	}
	// The requester revises the contract and resubmits: the countersign starts over.
	do(t, st, chain.Action{Type: chain.ActResubmit, Actor: requester, Comment: "已补充违约金条款"}, later.Add(time.Hour))
	if currentKey(st) != keyCounter || len(step(t, st, keyCounter).Approvals) != 0 {
		t.Fatalf("after resubmission at %q with approvals %v, want the countersign afresh", currentKey(st), approvers(step(t, st, keyCounter)))
	}
	if got := st.Holders(); len(got) != 4 {
		t.Errorf("holders = %v, want all four countersigners again", got)
	}
	for _, who := range []string{legalHead, finDir, auditHead, engHead} {
		approve(t, st, who, later.Add(2*time.Hour))
	}
	if st.Status != chain.StatusApproved {
		t.Errorf("status = %s, want approved", st.Status)
	}
}

func TestCountersignAddedSignerMustAgreeToo(t *testing.T) {
	st := countersignCase(t)
	later := monday10.Add(time.Hour)
	do(t, st, chain.Action{Type: chain.ActAddSigner, Actor: legalHead, Target: gm, Position: chain.PositionParallel,
		Comment: "金额较大，请总经理一并会签"}, later)
	for _, who := range []string{legalHead, finDir, auditHead, engHead} {
		approve(t, st, who, later)
	}
	if st.Status != chain.StatusInProgress || !slices.Equal(st.Holders(), []string{gm}) {
		t.Fatalf("status %s, holders %v: the added countersigner has not agreed yet", st.Status, st.Holders())
	}
	approve(t, st, gm, later)
	if st.Status != chain.StatusApproved {
		t.Errorf("status = %s, want approved", st.Status)
	}
}

// The requester may not countersign their own request, even when added as a signer.
func TestCountersignRefusesTheRequester(t *testing.T) {
	st := countersignCase(t)
	a := chain.Action{Type: chain.ActAddSigner, Actor: legalHead, Target: requester, Position: chain.PositionParallel,
		Revision: st.Revision}
	if code := refusalCode(t, st.Validate(a, monday10)); code != chain.CodeSoDConflict && code != chain.CodeInvalidTarget {
		t.Errorf("adding the requester as countersigner: code %q, want a refusal", code)
	}
}
