package chain_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"signoff/chain"
)

// naturalAction is each action as its most plausible actor would send it on a case whose
// current step is held by holder: well-formed, so only the case's status can refuse it.
func naturalAction(typ chain.ActionType, holder string, now time.Time) chain.Action {
	a := chain.Action{Type: typ, Actor: holder, Comment: "理由"}
	switch typ {
	case chain.ActPay:
		a.Reference, a.PaidAt = "BANK-1", now
	case chain.ActTransfer:
		a.Target = colleague
	case chain.ActAddSigner:
		a.Target, a.Position = outsider, chain.PositionParallel
	case chain.ActResubmit, chain.ActWithdraw, chain.ActComment, chain.ActNudge:
		a.Actor = submitter
	}
	return a
}

// TestValidateEveryActionInEveryStatus is the matrix of what each status allows, each action
// sent by the person most likely to send it.
func TestValidateEveryActionInEveryStatus(t *testing.T) {
	const ok = chain.Code("")
	closed := map[chain.ActionType]chain.Code{}
	for _, a := range chain.Actions {
		closed[a] = chain.CodeCaseClosed
	}
	tests := []struct {
		status  chain.Status
		fixture func(*testing.T) *chain.State
		holder  string
		want    map[chain.ActionType]chain.Code
	}{
		{chain.StatusInProgress, atWitness, witness1, map[chain.ActionType]chain.Code{
			chain.ActApprove: ok, chain.ActPay: chain.CodeWrongOrder, chain.ActReject: ok, chain.ActReturn: ok,
			// A witness of another department does not hold a sales claim's witness step.
			chain.ActTransfer: chain.CodeInvalidTarget, chain.ActAddSigner: ok, chain.ActResubmit: chain.CodeNotAllowedNow,
			chain.ActWithdraw: ok, chain.ActComment: ok, chain.ActNudge: ok,
		}},
		{chain.StatusReturned, returnedByWitness, witness1, map[chain.ActionType]chain.Code{
			chain.ActApprove: chain.CodeWrongOrder, chain.ActPay: chain.CodeWrongOrder,
			chain.ActReject: chain.CodeWrongOrder, chain.ActReturn: chain.CodeWrongOrder,
			chain.ActTransfer: chain.CodeWrongOrder, chain.ActAddSigner: chain.CodeWrongOrder,
			chain.ActResubmit: ok, chain.ActWithdraw: ok, chain.ActComment: ok,
			chain.ActNudge: chain.CodeNotAllowedNow,
		}},
		{chain.StatusAwaitingPayment, atPayment, cashier, map[chain.ActionType]chain.Code{
			chain.ActApprove: chain.CodeNotAllowedNow, chain.ActPay: ok, chain.ActReject: ok, chain.ActReturn: ok,
			chain.ActTransfer:  chain.CodeInvalidTarget, // nobody else holds the cashier's post
			chain.ActAddSigner: ok, chain.ActResubmit: chain.CodeNotAllowedNow,
			chain.ActWithdraw: chain.CodeNotAllowedNow, chain.ActComment: ok, chain.ActNudge: ok,
		}},
		{chain.StatusPaid, paid, cashier, closed},
		{chain.StatusRejected, rejected, witness1, closed},
		{chain.StatusWithdrawn, withdrawn, witness1, closed},
		{chain.StatusApproved, approvedWithoutPayment, salesHead, closed},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			st := tt.fixture(t)
			if st.Status != tt.status {
				t.Fatalf("fixture status = %s, want %s", st.Status, tt.status)
			}
			now := monday10.Add(8 * time.Hour)
			for _, typ := range chain.Actions {
				a := naturalAction(typ, tt.holder, now)
				a.Revision = st.Revision
				want, listed := tt.want[typ]
				if !listed {
					t.Fatalf("no expectation for %s", typ)
				}
				if got := refusalCode(t, st.Validate(a, now)); got != want {
					t.Errorf("%s by %s: code %q, want %q", typ, a.Actor, got, want)
				}
			}
		})
	}
}

// TestValidateStaleRevision: every deciding action must carry the revision the client saw;
// comments and nudges change nothing and are accepted whatever revision they carry.
func TestValidateStaleRevision(t *testing.T) {
	st := atReview(t) // revision 1
	if st.Revision != 1 {
		t.Fatalf("revision = %d, want 1", st.Revision)
	}
	now := monday10.Add(3 * time.Hour)
	tests := []struct {
		typ  chain.ActionType
		want chain.Code // for a revision other than the current one
	}{
		{chain.ActApprove, chain.CodeStaleRevision},
		{chain.ActPay, chain.CodeStaleRevision},
		{chain.ActReject, chain.CodeStaleRevision},
		{chain.ActReturn, chain.CodeStaleRevision},
		{chain.ActTransfer, chain.CodeStaleRevision},
		{chain.ActAddSigner, chain.CodeStaleRevision},
		{chain.ActResubmit, chain.CodeStaleRevision},
		{chain.ActWithdraw, chain.CodeStaleRevision},
		{chain.ActComment, ""},
		{chain.ActNudge, ""},
	}
	if len(tests) != len(chain.Actions) {
		t.Fatalf("table covers %d actions, chain has %d", len(tests), len(chain.Actions))
	}
	for _, tt := range tests {
		for _, rev := range []int{0, 2, -1} {
			t.Run(fmt.Sprintf("%s/revision %d", tt.typ, rev), func(t *testing.T) {
				a := naturalAction(tt.typ, reviewer1, now)
				a.Revision = rev
				if got := refusalCode(t, st.Validate(a, now)); got != tt.want {
					t.Errorf("code %q, want %q", got, tt.want)
				}
			})
		}
	}
}

// TestValidateRefusals covers each reason an action is refused, one case at a time.
func TestValidateRefusals(t *testing.T) {
	now := monday10.Add(8 * time.Hour)
	tests := []struct {
		name    string
		fixture func(*testing.T) *chain.State
		action  chain.Action
		want    chain.Code
	}{
		// Malformed.
		{"no actor", atWitness, chain.Action{Type: chain.ActApprove}, chain.CodeInvalidAction},
		{"no actor on a closed case", paid, chain.Action{Type: chain.ActComment, Comment: "x"}, chain.CodeInvalidAction},
		{"unknown action", atWitness, chain.Action{Type: "sign_twice", Actor: witness1}, chain.CodeInvalidAction},
		{"comment of 2000 characters", atWitness,
			chain.Action{Type: chain.ActComment, Actor: submitter, Comment: strings.Repeat("字", chain.MaxCommentLen)}, ""},
		{"comment of 2001 characters", atWitness,
			chain.Action{Type: chain.ActComment, Actor: submitter, Comment: strings.Repeat("字", chain.MaxCommentLen+1)}, chain.CodeInvalidAction},
		{"reason of 2001 characters", atWitness,
			chain.Action{Type: chain.ActReject, Actor: witness1, Comment: strings.Repeat("x", chain.MaxCommentLen+1)}, chain.CodeInvalidAction},

		// Wrong person.
		{"stranger approves", atWitness, chain.Action{Type: chain.ActApprove, Actor: stranger}, chain.CodeNotAssignee},
		{"submitter approves own claim", atWitness, chain.Action{Type: chain.ActApprove, Actor: submitter}, chain.CodeNotAssignee},
		{"eng head approves a sales claim", atApproval, chain.Action{Type: chain.ActApprove, Actor: engHead}, chain.CodeNotAssignee},
		{"delegate for a non-assignee", atWitness, chain.Action{Type: chain.ActApprove, Actor: colleague, OnBehalfOf: outsider}, chain.CodeNotAssignee},
		{"delegate for the witness", atWitness, chain.Action{Type: chain.ActApprove, Actor: colleague, OnBehalfOf: witness1}, ""},
		{"witness who already signed rejects", atReview, chain.Action{Type: chain.ActReject, Actor: witness1, Comment: "x"}, chain.CodeNotAssignee},
		{"stranger comments", atWitness, chain.Action{Type: chain.ActComment, Actor: stranger, Comment: "x"}, chain.CodeNotAssignee},
		{"stranger nudges", atWitness, chain.Action{Type: chain.ActNudge, Actor: stranger}, chain.CodeNotAssignee},
		{"later signer comments before their turn", atWitness, chain.Action{Type: chain.ActComment, Actor: reviewer1, Comment: "x"}, chain.CodeNotAssignee},
		{"witness who signed comments", atReview, chain.Action{Type: chain.ActComment, Actor: witness1, Comment: "x"}, ""},
		{"witness resubmits", returnedByWitness, chain.Action{Type: chain.ActResubmit, Actor: witness1}, chain.CodeNotSubmitter},
		{"witness withdraws", atWitness, chain.Action{Type: chain.ActWithdraw, Actor: witness1, Comment: "x"}, chain.CodeNotSubmitter},

		// Wrong order.
		{"reviewer approves before the witness", atWitness, chain.Action{Type: chain.ActApprove, Actor: reviewer1}, chain.CodeWrongOrder},
		{"department head approves before review", atReview, chain.Action{Type: chain.ActApprove, Actor: salesHead}, chain.CodeWrongOrder},
		{"cashier pays before approval", atApproval, chain.Action{Type: chain.ActPay, Actor: cashier, Reference: "B", PaidAt: now}, chain.CodeWrongOrder},
		{"approver pays", atApproval, chain.Action{Type: chain.ActPay, Actor: salesHead, Reference: "B", PaidAt: now}, chain.CodeWrongOrder},
		{"witness approves while returned", returnedByWitness, chain.Action{Type: chain.ActApprove, Actor: witness1}, chain.CodeWrongOrder},

		// Segregation of duties (demo pairs).
		{"witness adds the submitter as a signer", atWitness,
			chain.Action{Type: chain.ActAddSigner, Actor: witness1, Target: submitter, Position: chain.PositionParallel}, chain.CodeSoDConflict},
		{"reviewer adds the cashier as a reviewer", atReview,
			chain.Action{Type: chain.ActAddSigner, Actor: reviewer1, Target: cashier, Position: chain.PositionAfter}, chain.CodeSoDConflict},
		{"reviewer adds the department head as a reviewer", atReview,
			chain.Action{Type: chain.ActAddSigner, Actor: reviewer1, Target: salesHead, Position: chain.PositionBefore}, chain.CodeSoDConflict},
		{"submitter signs as a delegate of the witness", atWitness,
			chain.Action{Type: chain.ActApprove, Actor: submitter, OnBehalfOf: witness1}, chain.CodeSoDConflict},
		{"cashier signs as a delegate of the reviewer", atReview,
			chain.Action{Type: chain.ActApprove, Actor: cashier, OnBehalfOf: reviewer1}, chain.CodeSoDConflict},
		{"approval transferred to the superior who signed the review", gmSignedReview,
			chain.Action{Type: chain.ActTransfer, Actor: salesHead, Target: gm}, chain.CodeSoDConflict},
		{"approval transferred to the superior", atApproval,
			chain.Action{Type: chain.ActTransfer, Actor: salesHead, Target: gm}, ""},

		// Reasons.
		{"reject without reason", atWitness, chain.Action{Type: chain.ActReject, Actor: witness1}, chain.CodeReasonRequired},
		{"reject with a blank reason", atWitness, chain.Action{Type: chain.ActReject, Actor: witness1, Comment: " \t\n"}, chain.CodeReasonRequired},
		{"return without reason", atWitness, chain.Action{Type: chain.ActReturn, Actor: witness1}, chain.CodeReasonRequired},
		{"withdraw without reason", atWitness, chain.Action{Type: chain.ActWithdraw, Actor: submitter}, chain.CodeReasonRequired},
		{"withdraw a returned case without reason", returnedByWitness, chain.Action{Type: chain.ActWithdraw, Actor: submitter}, chain.CodeReasonRequired},
		{"withdraw a returned case", returnedByWitness, chain.Action{Type: chain.ActWithdraw, Actor: submitter, Comment: "算了"}, ""},
		{"empty comment", atWitness, chain.Action{Type: chain.ActComment, Actor: submitter, Comment: "  "}, chain.CodeReasonRequired},
		{"approve without comment", atWitness, chain.Action{Type: chain.ActApprove, Actor: witness1}, ""},
		{"pay without reference", atPayment, chain.Action{Type: chain.ActPay, Actor: cashier, PaidAt: now}, chain.CodeReasonRequired},
		{"pay without time", atPayment, chain.Action{Type: chain.ActPay, Actor: cashier, Reference: "B"}, chain.CodeInvalidAction},

		// Targets.
		{"transfer to nobody", atWitness, chain.Action{Type: chain.ActTransfer, Actor: witness1}, chain.CodeInvalidTarget},
		{"transfer to oneself", atWitness, chain.Action{Type: chain.ActTransfer, Actor: witness1, Target: witness1}, chain.CodeInvalidTarget},
		{"delegate transfers to the one they stand in for", atWitness,
			chain.Action{Type: chain.ActTransfer, Actor: colleague, OnBehalfOf: witness1, Target: witness1}, chain.CodeInvalidTarget},
		{"transfer to a co-assignee", atWitness, chain.Action{Type: chain.ActTransfer, Actor: witness1, Target: witness2}, chain.CodeInvalidTarget},
		{"transfer outside the post", atReview, chain.Action{Type: chain.ActTransfer, Actor: reviewer1, Target: outsider}, chain.CodeInvalidTarget},
		{"witness step transferred to another department's witness", atWitness,
			chain.Action{Type: chain.ActTransfer, Actor: witness1, Target: colleague}, chain.CodeInvalidTarget},
		{"department head's level transferred to another department's head", atApproval,
			chain.Action{Type: chain.ActTransfer, Actor: salesHead, Target: engHead}, chain.CodeInvalidTarget},
		{"transfer to someone outside the organisation", atApproval,
			chain.Action{Type: chain.ActTransfer, Actor: salesHead, Target: stranger}, chain.CodeInvalidTarget},
		{"add someone outside the organisation", atWitness,
			chain.Action{Type: chain.ActAddSigner, Actor: witness1, Target: stranger, Position: chain.PositionParallel}, chain.CodeInvalidTarget},
		{"add someone outside the organisation after", atWitness,
			chain.Action{Type: chain.ActAddSigner, Actor: witness1, Target: stranger, Position: chain.PositionAfter}, chain.CodeInvalidTarget},
		{"add nobody", atWitness, chain.Action{Type: chain.ActAddSigner, Actor: witness1, Position: chain.PositionAfter}, chain.CodeInvalidTarget},
		{"add oneself", atWitness, chain.Action{Type: chain.ActAddSigner, Actor: witness1, Target: witness1, Position: chain.PositionAfter}, chain.CodeInvalidTarget},
		{"add a co-assignee", atWitness, chain.Action{Type: chain.ActAddSigner, Actor: witness1, Target: witness2, Position: chain.PositionParallel}, chain.CodeInvalidTarget},
		{"add at no position", atWitness, chain.Action{Type: chain.ActAddSigner, Actor: witness1, Target: outsider}, chain.CodeInvalidAction},
		{"add at a made-up position", atWitness, chain.Action{Type: chain.ActAddSigner, Actor: witness1, Target: outsider, Position: "instead"}, chain.CodeInvalidAction},
		{"return to an unknown step", atApproval, chain.Action{Type: chain.ActReturn, Actor: salesHead, Comment: "x", ToStep: "nope"}, chain.CodeInvalidTarget},
		{"return to the current step", atApproval, chain.Action{Type: chain.ActReturn, Actor: salesHead, Comment: "x", ToStep: keyDeptHead}, chain.CodeInvalidTarget},
		{"return to a later step", atApproval, chain.Action{Type: chain.ActReturn, Actor: salesHead, Comment: "x", ToStep: keyPayment}, chain.CodeInvalidTarget},
		{"return to an earlier step being redone", witnessRedoing,
			chain.Action{Type: chain.ActReturn, Actor: witness1, Comment: "x", ToStep: keyWitness}, chain.CodeInvalidTarget},
		{"return to an earlier step", atApproval, chain.Action{Type: chain.ActReturn, Actor: salesHead, Comment: "x", ToStep: keyWitness}, ""},

		// Status.
		{"resubmit a case in progress", atWitness, chain.Action{Type: chain.ActResubmit, Actor: submitter}, chain.CodeNotAllowedNow},
		{"withdraw after the final approval", atPayment, chain.Action{Type: chain.ActWithdraw, Actor: submitter, Comment: "x"}, chain.CodeNotAllowedNow},
		{"withdraw during approval", atApproval, chain.Action{Type: chain.ActWithdraw, Actor: submitter, Comment: "x"}, ""},
		{"cashier approves instead of paying", atPayment, chain.Action{Type: chain.ActApprove, Actor: cashier}, chain.CodeNotAllowedNow},
		{"nudge a returned case", returnedByWitness, chain.Action{Type: chain.ActNudge, Actor: submitter}, chain.CodeNotAllowedNow},
		{"comment on a closed case", paid, chain.Action{Type: chain.ActComment, Actor: submitter, Comment: "谢谢"}, chain.CodeCaseClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.fixture(t)
			a := tt.action
			a.Revision = st.Revision
			before := st.Clone()
			if got := refusalCode(t, st.Validate(a, now)); got != tt.want {
				t.Errorf("code %q, want %q", got, tt.want)
			}
			if !statesEqual(t, before, st) {
				t.Errorf("Validate changed the state")
			}
		})
	}
}

// gmSignedReview: the reviewer added the general manager (the sales head's superior) to the
// review in parallel, both signed it, and the sales head now holds the approval.
func gmSignedReview(t *testing.T) *chain.State {
	st := atReview(t)
	at := monday10.Add(2 * time.Hour)
	do(t, st, chain.Action{Type: chain.ActAddSigner, Actor: reviewer1, Target: gm, Position: chain.PositionParallel}, at)
	approve(t, st, gm, at)
	approve(t, st, reviewer1, at)
	if currentKey(st) != keyDeptHead {
		t.Fatalf("current step %q, want %q", currentKey(st), keyDeptHead)
	}
	return st
}

// witnessRedoing: the department head returned the claim to the witness step, which is open
// again.
func witnessRedoing(t *testing.T) *chain.State {
	st := atApproval(t)
	do(t, st, chain.Action{Type: chain.ActReturn, Actor: salesHead, Comment: "证明不全", ToStep: keyWitness},
		monday10.Add(3*time.Hour))
	return st
}

// TestValidateNudgeInterval: a case may be nudged once per NudgeInterval, by anyone on it.
func TestValidateNudgeInterval(t *testing.T) {
	first := monday10.Add(time.Hour)
	tests := []struct {
		name  string
		actor string
		after time.Duration
		want  chain.Code
	}{
		{"at once", submitter, 0, chain.CodeTooSoon},
		{"a minute later", submitter, time.Minute, chain.CodeTooSoon},
		{"just under the interval", submitter, chain.NudgeInterval - time.Nanosecond, chain.CodeTooSoon},
		{"another participant, too soon", witness1, 30 * time.Minute, chain.CodeTooSoon},
		{"exactly the interval", submitter, chain.NudgeInterval, ""},
		{"a day later", submitter, 24 * time.Hour, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := atWitness(t)
			out := do(t, st, chain.Action{Type: chain.ActNudge, Actor: submitter}, first)
			if !st.LastNudge.Equal(first) {
				t.Fatalf("LastNudge = %v, want %v", st.LastNudge, first)
			}
			if kinds := noticeKinds(out); !equalStrings(kinds, []string{"nudge"}) ||
				!equalStrings(out.Notices[0].Recipients, []string{witness1, witness2}) {
				t.Fatalf("notices = %+v, want one nudge to both witnesses", out.Notices)
			}
			a := chain.Action{Type: chain.ActNudge, Actor: tt.actor, Revision: st.Revision}
			if got := refusalCode(t, st.Validate(a, first.Add(tt.after))); got != tt.want {
				t.Errorf("code %q, want %q", got, tt.want)
			}
		})
	}
}
