package chain_test

import (
	"slices"
	"testing"
	"time"

	"signoff/chain"
	"signoff/policy"
)

// TestAllowed lists what each kind of person may do at several points of the demo claim.
func TestAllowed(t *testing.T) {
	const (
		approve   = chain.ActApprove
		payA      = chain.ActPay
		reject    = chain.ActReject
		ret       = chain.ActReturn
		transfer  = chain.ActTransfer
		addSigner = chain.ActAddSigner
		resubmit  = chain.ActResubmit
		withdraw  = chain.ActWithdraw
		comment   = chain.ActComment
		nudge     = chain.ActNudge
	)
	type ask struct {
		user, onBehalfOf string
		want             []chain.ActionType
	}
	tests := []struct {
		name    string
		fixture func(*testing.T) *chain.State
		asks    []ask
	}{
		{"at the witness", atWitness, []ask{
			{submitter, "", []chain.ActionType{withdraw, comment, nudge}},
			// Both of the sales witnesses are on the step: nobody else may take it over.
			{witness1, "", []chain.ActionType{approve, reject, ret, addSigner, comment, nudge}},
			{reviewer1, "", nil}, // not on the case yet
			{stranger, "", nil},
			{colleague, witness1, []chain.ActionType{approve, reject, ret, addSigner}},
			{colleague, reviewer1, nil}, // a delegate cannot act before the principal's turn
			// The submitter may not stand in for a witness (SoD), only act as the submitter.
			{submitter, witness1, []chain.ActionType{withdraw, comment, nudge}},
		}},
		{"at the review", atReview, []ask{
			{submitter, "", []chain.ActionType{withdraw, comment, nudge}},
			{witness1, "", []chain.ActionType{comment, nudge}},
			// Nobody else holds the reviewer's post, so there is no one to transfer to.
			{reviewer1, "", []chain.ActionType{approve, reject, ret, addSigner, comment, nudge}},
			{cashier, reviewer1, nil}, // a cashier may not review (SoD)
			{salesHead, "", nil},
		}},
		{"after a nudge", nudgedAtWitness, []ask{
			{submitter, "", []chain.ActionType{withdraw, comment}},
			{witness1, "", []chain.ActionType{approve, reject, ret, addSigner, comment}},
		}},
		{"at the approval", atApproval, []ask{
			// The general manager, above the sales head, may take her level over.
			{salesHead, "", []chain.ActionType{approve, reject, ret, transfer, addSigner, comment, nudge}},
			{engHead, "", nil},
		}},
		{"returned", returnedByWitness, []ask{
			{submitter, "", []chain.ActionType{resubmit, withdraw, comment}},
			{witness1, "", []chain.ActionType{comment}},
			{witness2, "", []chain.ActionType{comment}},
			{stranger, "", nil},
		}},
		{"awaiting payment", atPayment, []ask{
			{submitter, "", []chain.ActionType{comment, nudge}},
			{cashier, "", []chain.ActionType{payA, reject, ret, addSigner, comment, nudge}},
			{salesHead, "", []chain.ActionType{comment, nudge}},
			{colleague, cashier, []chain.ActionType{payA, reject, ret, addSigner}},
		}},
		{"paid", paid, []ask{
			{submitter, "", nil},
			{cashier, "", nil},
			{witness1, "", nil},
		}},
		{"rejected", rejected, []ask{
			{submitter, "", nil},
			{witness1, "", nil},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.fixture(t)
			now := monday10.Add(90 * time.Minute)
			for _, a := range tt.asks {
				got := st.Allowed(a.user, a.onBehalfOf, now)
				if !slices.Equal(got, a.want) {
					t.Errorf("Allowed(%s, %q) = %v, want %v", a.user, a.onBehalfOf, got, a.want)
				}
				// Whatever is offered must pass Validate with a well-formed action.
				for _, typ := range got {
					if typ == chain.ActTransfer || typ == chain.ActAddSigner {
						continue // the target is for the user to choose
					}
					act := naturalAction(typ, a.user, now)
					act.Actor, act.OnBehalfOf, act.Revision = a.user, a.onBehalfOf, st.Revision
					if err := st.Validate(act, now); err != nil {
						t.Errorf("%s offers %s, but Validate refuses it: %v", a.user, typ, err)
					}
				}
			}
		})
	}
}

func nudgedAtWitness(t *testing.T) *chain.State {
	st := atWitness(t)
	do(t, st, chain.Action{Type: chain.ActNudge, Actor: submitter}, monday10.Add(time.Hour))
	return st
}

// TestAllowedOffersTransferWhenSomeoneQualifies: transfer is offered when anyone in the step's
// pool may take it over, even if the first one may not.
func TestAllowedOffersTransferWhenSomeoneQualifies(t *testing.T) {
	r := handRoute(
		policy.RouteStep{Key: keyReview, Role: policy.RoleReviewer, Mode: policy.ModeAnyOf, Assignees: []string{reviewer1}},
		policy.RouteStep{Key: keyDeptHead, Role: policy.RoleApprover, Mode: policy.ModeAnyOf,
			Assignees: []string{salesHead}, Pool: []string{engHead, "guo.hua", salesHead}},
	)
	st := chain.New(caseID, submitter, 1, chain.RulesOf(policy.Demo()), r, monday10)
	at := monday10.Add(2 * time.Hour)
	// chen.gang, first of the pool, is added to the review and signs it: he may no longer
	// approve this claim, but guo.hua still may.
	do(t, st, chain.Action{Type: chain.ActAddSigner, Actor: reviewer1, Target: engHead, Position: chain.PositionParallel}, at)
	approve(t, st, engHead, at)
	approve(t, st, reviewer1, at)
	if currentKey(st) != keyDeptHead {
		t.Fatalf("current %q, want %q", currentKey(st), keyDeptHead)
	}
	toGuo := chain.Action{Type: chain.ActTransfer, Actor: salesHead, Target: "guo.hua", Revision: st.Revision}
	if err := st.Validate(toGuo, at); err != nil {
		t.Fatalf("transfer to guo.hua refused: %v", err)
	}
	toChen := chain.Action{Type: chain.ActTransfer, Actor: salesHead, Target: engHead, Revision: st.Revision}
	if code := refusalCode(t, st.Validate(toChen, at)); code != chain.CodeSoDConflict {
		t.Fatalf("transfer to chen.gang: code %q, want %q", code, chain.CodeSoDConflict)
	}
	if got := st.Allowed(salesHead, "", at); !slices.Contains(got, chain.ActTransfer) {
		t.Errorf("Allowed(%s) = %v, want transfer offered (guo.hua may take the step)", salesHead, got)
	}
}
