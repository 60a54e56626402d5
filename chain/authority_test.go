package chain_test

import (
	"slices"
	"testing"
	"time"

	"signoff/chain"
	"signoff/policy"
)

// The failures acceptance testing found, each a way a step's authority could pass to someone
// who does not hold it: every one is refused with a stable code and leaves the case as it was.
func TestAuthorityNeverLeaks(t *testing.T) {
	atFinanceDirector := func(t *testing.T) *chain.State {
		st := newCase(t, amountMiddle, monday10)
		approve(t, st, witness1, monday10)
		approve(t, st, reviewer1, monday10)
		approve(t, st, salesHead, monday10)
		if currentKey(st) != keyFinDir {
			t.Fatalf("current %q, want %q", currentKey(st), keyFinDir)
		}
		return st
	}
	tests := []struct {
		name    string
		fixture func(*testing.T) *chain.State
		action  chain.Action
		want    chain.Code
	}{
		{"finance director's level transferred to a department head", atFinanceDirector,
			chain.Action{Type: chain.ActTransfer, Actor: finDir, Target: engHead}, chain.CodeInvalidTarget},
		{"finance director's level transferred to the department head who signed", atFinanceDirector,
			chain.Action{Type: chain.ActTransfer, Actor: finDir, Target: salesHead}, chain.CodeInvalidTarget},
		{"department head's level transferred to another department's head", atApproval,
			chain.Action{Type: chain.ActTransfer, Actor: salesHead, Target: engHead}, chain.CodeInvalidTarget},
		{"witness step transferred to a witness of another department", atWitness,
			chain.Action{Type: chain.ActTransfer, Actor: witness1, Target: colleague}, chain.CodeInvalidTarget},
		{"transfer to a user who does not exist", atApproval,
			chain.Action{Type: chain.ActTransfer, Actor: salesHead, Target: stranger}, chain.CodeInvalidTarget},
		{"parallel signer who does not exist", atApproval,
			chain.Action{Type: chain.ActAddSigner, Actor: salesHead, Target: stranger, Position: chain.PositionParallel}, chain.CodeInvalidTarget},
		{"signer before who does not exist", atApproval,
			chain.Action{Type: chain.ActAddSigner, Actor: salesHead, Target: stranger, Position: chain.PositionBefore}, chain.CodeInvalidTarget},
		{"signer after who does not exist", atApproval,
			chain.Action{Type: chain.ActAddSigner, Actor: salesHead, Target: stranger, Position: chain.PositionAfter}, chain.CodeInvalidTarget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.fixture(t)
			before := st.Clone()
			a := tt.action
			a.Revision = st.Revision
			if got := refusalCode(t, st.Validate(a, monday10)); got != tt.want {
				t.Errorf("code %q, want %q", got, tt.want)
			}
			if !statesEqual(t, before, st) {
				t.Error("a refused action changed the case")
			}
		})
	}
}

// TestParallelSignerNeverCompletesAStepAlone: a staff member with no approver role added in
// parallel to the department head's any-of level signs, and the level still waits for the head.
func TestParallelSignerNeverCompletesAStepAlone(t *testing.T) {
	st := atApproval(t)
	do(t, st, chain.Action{Type: chain.ActAddSigner, Actor: salesHead, Target: outsider, Position: chain.PositionParallel}, monday10)
	approve(t, st, outsider, monday10)
	if currentKey(st) != keyDeptHead || !slices.Equal(st.Holders(), []string{salesHead}) {
		t.Fatalf("after the added signer signed: current %q holders %v, want %q held by %s",
			currentKey(st), st.Holders(), keyDeptHead, salesHead)
	}
	approve(t, st, salesHead, monday10)
	if currentKey(st) != keyPayment {
		t.Fatalf("after the head signed: current %q, want %q", currentKey(st), keyPayment)
	}
}

// TestAddedStepsNeverReplaceTheStep: a signer added before or after signs a step of their own;
// the step holding the authority stays and must still be signed by its holder.
func TestAddedStepsNeverReplaceTheStep(t *testing.T) {
	for _, pos := range []string{chain.PositionBefore, chain.PositionAfter} {
		t.Run(pos, func(t *testing.T) {
			st := atApproval(t)
			do(t, st, chain.Action{Type: chain.ActAddSigner, Actor: salesHead, Target: outsider, Position: pos}, monday10)
			signed := []string{}
			for currentKey(st) != keyPayment && len(signed) < 3 {
				h := st.Holders()[0]
				approve(t, st, h, monday10.Add(time.Minute))
				signed = append(signed, h)
			}
			if !slices.Contains(signed, salesHead) || !slices.Contains(signed, outsider) || len(signed) != 2 {
				t.Errorf("signed %v before payment, want the added signer and the head", signed)
			}
		})
	}
}

// TestCompat: a history from before an added signer added a signature, or before a delegate's
// signature filled only their principal's part, replays with the meaning it ran with.
func TestCompat(t *testing.T) {
	st := atApproval(t)
	a := chain.Action{Type: chain.ActAddSigner, Actor: salesHead, Target: outsider, Position: chain.PositionParallel, Revision: st.Revision}
	st.ApplyCompat(a, monday10, chain.Compat{AddedCountsAsRouted: true})
	approve(t, st, outsider, monday10)
	if currentKey(st) != keyPayment {
		t.Errorf("added counted as routed: current %q, want %q (completed by the added signer)", currentKey(st), keyPayment)
	}

	r := handRoute(policy.RouteStep{Key: "sign", Role: policy.RoleCountersigner, Mode: policy.ModeAllOf, Assignees: []string{engHead, salesHead}})
	for _, legacy := range []bool{false, true} {
		st := chain.New(caseID, submitter, 1, chain.RulesOf(policy.Demo()), r, monday10)
		a := chain.Action{Type: chain.ActApprove, Actor: engHead, OnBehalfOf: salesHead, Revision: st.Revision}
		if !st.LegacySeat(a) {
			t.Fatal("LegacySeat: false for an assignee signing for another")
		}
		st.ApplyCompat(a, monday10, chain.Compat{DelegateFillsOwnSeat: legacy})
		if got := st.Status == chain.StatusApproved; got != legacy {
			t.Errorf("legacy %v: one signature for both parts completed the countersign: %v", legacy, got)
		}
	}
}

// TestCaseKeepsTheOrganisationsMembers: the members a case checks targets against are the
// policy's users when it was submitted, and a case from before they were kept still works.
func TestCaseKeepsTheOrganisationsMembers(t *testing.T) {
	st := atApproval(t)
	if !slices.Contains(st.Members, outsider) || slices.Contains(st.Members, stranger) || !slices.IsSorted(st.Members) {
		t.Fatalf("members %v", st.Members)
	}
	st.Members = nil // an old case
	a := chain.Action{Type: chain.ActAddSigner, Actor: salesHead, Target: outsider, Position: chain.PositionParallel, Revision: st.Revision}
	if err := st.Validate(a, monday10); err != nil {
		t.Errorf("old case: add a signer: %v", err)
	}
	if !slices.Contains(st.Allowed(salesHead, "", monday10), chain.ActAddSigner) {
		t.Error("old case: add signer not offered")
	}
}

// TestCountersignSeatsStayWithTheirDepartment: a countersigner's part goes by transfer only to
// someone holding their department's authority, and stays that department's after it moved.
func TestCountersignSeatsStayWithTheirDepartment(t *testing.T) {
	r := handRoute(policy.RouteStep{Key: keyCounter, Role: policy.RoleCountersigner, Mode: policy.ModeAllOf,
		Assignees: []string{legalHead, auditHead}, Pool: []string{finDir, gm, legalHead, auditHead},
		Seats: map[string][]string{legalHead: {gm, legalHead}, auditHead: {auditHead, finDir}}})
	st := chain.New(purchaseID, requester, 1, chain.RulesOf(policy.Demo()), r, monday10)
	refused := func(actor, target string) {
		t.Helper()
		a := chain.Action{Type: chain.ActTransfer, Actor: actor, Target: target, Revision: st.Revision}
		if code := refusalCode(t, st.Validate(a, monday10)); code != chain.CodeInvalidTarget {
			t.Errorf("%s's part to %s: code %q, want %q", actor, target, code, chain.CodeInvalidTarget)
		}
	}
	refused(legalHead, finDir) // in the step's pool, but audit's authority
	do(t, st, chain.Action{Type: chain.ActTransfer, Actor: legalHead, Target: gm}, monday10)
	if !slices.Equal(st.Steps[0].Seats[gm], []string{gm, legalHead}) || st.Steps[0].Seats[legalHead] != nil {
		t.Fatalf("seats after the transfer: %v", st.Steps[0].Seats)
	}
	refused(gm, finDir) // legal's part, now his, is still legal's
	do(t, st, chain.Action{Type: chain.ActTransfer, Actor: auditHead, Target: finDir}, monday10)
}

// TestTransferTargetsAreWhatValidateAccepts: a page's choice of whom to transfer to.
func TestTransferTargetsAreWhatValidateAccepts(t *testing.T) {
	tests := []struct {
		name      string
		fixture   func(*testing.T) *chain.State
		principal string
		want      []string
	}{
		{"the department head's level: the one above her", atApproval, salesHead, []string{gm}},
		{"the sales witnesses: nobody else", atWitness, witness1, nil},
		{"not on the step", atApproval, engHead, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.fixture(t)
			got := st.TransferTargets(tt.principal)
			if !slices.Equal(got, tt.want) {
				t.Errorf("TransferTargets(%s) = %v, want %v", tt.principal, got, tt.want)
			}
			for _, to := range got {
				a := chain.Action{Type: chain.ActTransfer, Actor: tt.principal, Target: to, Revision: st.Revision}
				if err := st.Validate(a, monday10); err != nil {
					t.Errorf("offered %s, but Validate refuses: %v", to, err)
				}
			}
		})
	}
}
