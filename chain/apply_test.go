package chain_test

import (
	"slices"
	"testing"
	"time"

	"signoff/chain"
	"signoff/i18n"
	"signoff/policy"
)

// TestApplyEffects applies one accepted action to the demo claim and checks everything it
// changes: revision, ledger sequence, status, holders, budget movement, notices.
func TestApplyEffects(t *testing.T) {
	at := monday10.Add(5 * time.Hour)
	tests := []struct {
		name         string
		fixture      func(*testing.T) *chain.State
		action       chain.Action
		wantRevision int // change in revision
		wantStatus   chain.Status
		wantCurrent  string // current step key ("" when none holds it)
		wantHolders  []string
		wantBudget   chain.BudgetOp
		wantNotices  []string
		wantDecision chain.Decision
	}{
		{"approve moves to the next step", atWitness,
			chain.Action{Type: chain.ActApprove, Actor: witness1},
			1, chain.StatusInProgress, keyReview, []string{reviewer1, reviewer2}, chain.BudgetNone, []string{"todo"}, chain.DecApproved},
		{"last approval awaits payment", atApproval,
			chain.Action{Type: chain.ActApprove, Actor: salesHead},
			1, chain.StatusAwaitingPayment, keyPayment, []string{cashier}, chain.BudgetNone, []string{"todo"}, chain.DecApproved},
		{"delegate approves", atWitness,
			chain.Action{Type: chain.ActApprove, Actor: colleague, OnBehalfOf: witness1},
			1, chain.StatusInProgress, keyReview, []string{reviewer1, reviewer2}, chain.BudgetNone, []string{"todo"}, chain.DecApproved},
		{"payment closes and consumes", atPayment,
			chain.Action{Type: chain.ActPay, Actor: cashier, Reference: "BANK-7", PaidAt: monday10},
			1, chain.StatusPaid, "", nil, chain.BudgetConsume, []string{"paid"}, chain.DecPaid},
		{"reject closes and releases", atReview,
			chain.Action{Type: chain.ActReject, Actor: reviewer2, Comment: "超标"},
			1, chain.StatusRejected, "", nil, chain.BudgetRelease, []string{"rejected"}, chain.DecRejected},
		{"withdraw closes and releases", atReview,
			chain.Action{Type: chain.ActWithdraw, Actor: submitter, Comment: "不报了"},
			1, chain.StatusWithdrawn, "", nil, chain.BudgetRelease, nil, chain.DecWithdrawn},
		{"return to the submitter", atReview,
			chain.Action{Type: chain.ActReturn, Actor: reviewer1, Comment: "补发票"},
			1, chain.StatusReturned, "", []string{submitter}, chain.BudgetNone, []string{"returned"}, chain.DecReturned},
		{"return to an earlier step", atApproval,
			chain.Action{Type: chain.ActReturn, Actor: salesHead, Comment: "重新证明", ToStep: keyWitness},
			1, chain.StatusInProgress, keyWitness, []string{witness1, witness2}, chain.BudgetNone, []string{"returned"}, chain.DecReturned},
		{"resubmit", returnedByWitness,
			chain.Action{Type: chain.ActResubmit, Actor: submitter, EditID: "edit-1"},
			1, chain.StatusInProgress, keyWitness, []string{witness1, witness2}, chain.BudgetNone, []string{"todo"}, chain.DecResubmitted},
		{"transfer", atApproval,
			chain.Action{Type: chain.ActTransfer, Actor: salesHead, Target: gm},
			1, chain.StatusInProgress, keyDeptHead, []string{gm}, chain.BudgetNone, []string{"todo"}, chain.DecTransferred},
		{"delegate transfers for the assignee", atApproval,
			chain.Action{Type: chain.ActTransfer, Actor: colleague, OnBehalfOf: salesHead, Target: gm},
			1, chain.StatusInProgress, keyDeptHead, []string{gm}, chain.BudgetNone, []string{"todo"}, chain.DecTransferred},
		{"add a signer in parallel", atWitness,
			chain.Action{Type: chain.ActAddSigner, Actor: witness1, Target: outsider, Position: chain.PositionParallel},
			1, chain.StatusInProgress, keyWitness, []string{witness1, witness2, outsider}, chain.BudgetNone, []string{"todo"}, chain.DecSignerAdded},
		{"add a signer before", atWitness,
			chain.Action{Type: chain.ActAddSigner, Actor: witness1, Target: outsider, Position: chain.PositionBefore},
			1, chain.StatusInProgress, "witness.added2", []string{outsider}, chain.BudgetNone, []string{"todo"}, chain.DecSignerAdded},
		{"add a signer after", atWitness,
			chain.Action{Type: chain.ActAddSigner, Actor: witness1, Target: outsider, Position: chain.PositionAfter},
			1, chain.StatusInProgress, keyWitness, []string{witness1, witness2}, chain.BudgetNone, []string{"todo"}, chain.DecSignerAdded},
		{"comment changes nothing", atWitness,
			chain.Action{Type: chain.ActComment, Actor: submitter, Comment: "请尽快"},
			0, chain.StatusInProgress, keyWitness, []string{witness1, witness2}, chain.BudgetNone, nil, chain.DecCommented},
		{"comment while returned", returnedByWitness,
			chain.Action{Type: chain.ActComment, Actor: witness1, Comment: "发票在哪"},
			0, chain.StatusReturned, "", []string{submitter}, chain.BudgetNone, nil, chain.DecCommented},
		{"nudge", atReview,
			chain.Action{Type: chain.ActNudge, Actor: witness1},
			0, chain.StatusInProgress, keyReview, []string{reviewer1, reviewer2}, chain.BudgetNone, []string{"nudge"}, chain.DecNudged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.fixture(t)
			rev, seq := st.Revision, st.Seq
			out := do(t, st, tt.action, at)
			if got := st.Revision - rev; got != tt.wantRevision {
				t.Errorf("revision moved by %d, want %d", got, tt.wantRevision)
			}
			if st.Seq != seq+1 || len(out.Seals) != 1 || out.Seals[0].Seq != st.Seq {
				t.Errorf("seq %d -> %d with seals %+v; want exactly one seal numbered %d", seq, st.Seq, out.Seals, seq+1)
			}
			if len(out.Seals) == 1 {
				s := out.Seals[0]
				if s.Decision != tt.wantDecision || s.Actor != tt.action.Actor || s.OnBehalfOf != tt.action.OnBehalfOf || !s.At.Equal(at) {
					t.Errorf("seal = %+v, want %s by %s for %q at %v", s, tt.wantDecision, tt.action.Actor, tt.action.OnBehalfOf, at)
				}
			}
			if st.Status != tt.wantStatus {
				t.Errorf("status = %s, want %s", st.Status, tt.wantStatus)
			}
			if got := currentKey(st); got != tt.wantCurrent {
				t.Errorf("current step = %q, want %q", got, tt.wantCurrent)
			}
			if got := st.Holders(); !slices.Equal(got, tt.wantHolders) {
				t.Errorf("holders = %v, want %v", got, tt.wantHolders)
			}
			if out.EditID != tt.action.EditID {
				t.Errorf("outcome edit = %q, want %q", out.EditID, tt.action.EditID)
			}
			if out.Budget != tt.wantBudget {
				t.Errorf("budget op = %q, want %q", out.Budget, tt.wantBudget)
			}
			if got := noticeKinds(out); !slices.Equal(got, tt.wantNotices) {
				t.Errorf("notices = %v, want %v", got, tt.wantNotices)
			}
			if !slices.Contains(st.Participants, tt.action.Actor) || !slices.IsSorted(st.Participants) {
				t.Errorf("participants %v: want the actor %s in a sorted list", st.Participants, tt.action.Actor)
			}
		})
	}
}

// TestApplyPayment records the payment details and closes the case.
func TestApplyPayment(t *testing.T) {
	st := atPayment(t)
	paidAt := monday10.Add(-time.Hour)
	out := do(t, st, chain.Action{Type: chain.ActPay, Actor: cashier, Reference: "ICBC-2026-0001", PaidAt: paidAt}, monday10)
	if out.Payment == nil || out.Payment.Reference != "ICBC-2026-0001" || !out.Payment.PaidAt.Equal(paidAt) {
		t.Fatalf("payment = %+v, want ICBC-2026-0001 at %v", out.Payment, paidAt)
	}
	if out.Seals[0].Target != "ICBC-2026-0001" {
		t.Errorf("seal target = %q, want the bank reference", out.Seals[0].Target)
	}
	if !st.Status.Closed() || !st.Deadline().IsZero() || !st.ReminderAt().IsZero() {
		t.Errorf("after payment: status %s deadline %v reminder %v; want closed with no clock", st.Status, st.Deadline(), st.ReminderAt())
	}
	if len(out.Notices) != 1 || !slices.Equal(out.Notices[0].Recipients, []string{submitter}) {
		t.Errorf("notices = %+v, want the submitter told", out.Notices)
	}
}

// TestSealsAreNumberedInOrder drives a whole case and checks the ledger numbers 1..n.
func TestSealsAreNumberedInOrder(t *testing.T) {
	st := chain.New(caseID, submitter, 1, chain.RulesOf(policy.Demo()), demoRoute(t, amountSmall), monday10)
	var seals []chain.Seal
	seals = append(seals, st.Submitted(monday10).Seals...)
	seals = append(seals, do(t, st, chain.Action{Type: chain.ActComment, Actor: submitter, Comment: "急"}, monday10).Seals...)
	seals = append(seals, approve(t, st, witness1, monday10).Seals...)
	seals = append(seals, st.Remind(monday10).Seals...)
	seals = append(seals, st.Escalate([]string{"qian.li"}, monday10).Seals...)
	seals = append(seals, approve(t, st, reviewer2, monday10).Seals...)
	seals = append(seals, approve(t, st, salesHead, monday10).Seals...)
	seals = append(seals, pay(t, st, monday10).Seals...)
	want := []chain.Decision{chain.DecSubmitted, chain.DecCommented, chain.DecApproved, chain.DecReminded,
		chain.DecEscalated, chain.DecApproved, chain.DecApproved, chain.DecPaid}
	if len(seals) != len(want) {
		t.Fatalf("%d seals, want %d", len(seals), len(want))
	}
	for i, s := range seals {
		if s.Seq != i+1 || s.Decision != want[i] {
			t.Errorf("seal %d = seq %d %s, want seq %d %s", i, s.Seq, s.Decision, i+1, want[i])
		}
	}
	if st.Seq != len(want) || st.Revision != 4 {
		t.Errorf("seq %d revision %d, want %d and 4 (four decisions)", st.Seq, st.Revision, len(want))
	}
	if seals[0].Role != policy.RoleHandler || seals[0].Actor != submitter {
		t.Errorf("first seal = %+v, want the submitter as handler", seals[0])
	}
}

// TestReturnToSubmitterResumesAtReturningStep: the step that returned the claim signs again
// after the resubmission, and the steps before it keep their seals.
func TestReturnToSubmitterResumesAtReturningStep(t *testing.T) {
	tests := []struct {
		name     string
		fixture  func(*testing.T) *chain.State
		returner string
		resume   string
		holders  []string
		kept     []string // steps still done after the resubmission
	}{
		{"from the witness", atWitness, witness1, keyWitness, []string{witness1, witness2}, nil},
		{"from the review", atReview, reviewer2, keyReview, []string{reviewer1, reviewer2}, []string{keyWitness}},
		{"from the approval", atApproval, salesHead, keyDeptHead, []string{salesHead}, []string{keyWitness, keyReview}},
		{"from the payment", atPayment, cashier, keyPayment, []string{cashier}, []string{keyWitness, keyReview, keyDeptHead}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.fixture(t)
			do(t, st, chain.Action{Type: chain.ActReturn, Actor: tt.returner, Comment: "请修改"}, monday10.Add(6*time.Hour))
			if st.Status != chain.StatusReturned || st.ResumeAt != tt.resume {
				t.Fatalf("after return: status %s resume %q, want returned resuming at %q", st.Status, st.ResumeAt, tt.resume)
			}
			if st.CurrentStep() != nil || !slices.Equal(st.Holders(), []string{submitter}) {
				t.Fatalf("while returned: current %v holders %v, want none and the submitter", st.CurrentStep(), st.Holders())
			}
			if len(step(t, st, tt.resume).Approvals) != 0 {
				t.Errorf("returning step keeps approvals %v", step(t, st, tt.resume).Approvals)
			}
			do(t, st, chain.Action{Type: chain.ActResubmit, Actor: submitter, Comment: "已修改"}, monday10.Add(30*time.Hour))
			wantStatus := chain.StatusInProgress
			if tt.resume == keyPayment {
				wantStatus = chain.StatusAwaitingPayment
			}
			if st.Status != wantStatus || currentKey(st) != tt.resume || st.ResumeAt != "" {
				t.Fatalf("after resubmit: status %s current %q resume %q, want %s at %q", st.Status, currentKey(st), st.ResumeAt, wantStatus, tt.resume)
			}
			if got := st.Holders(); !slices.Equal(got, tt.holders) {
				t.Errorf("holders = %v, want %v", got, tt.holders)
			}
			for _, s := range st.Steps {
				if want := slices.Contains(tt.kept, s.Key); s.Done != want || (len(s.Approvals) > 0) != want {
					t.Errorf("step %s: done %v with %d approvals, want done=%v", s.Key, s.Done, len(s.Approvals), want)
				}
			}
		})
	}
}

// TestReturnToEarlierStep: the earlier step signs again, then the case goes straight back to
// the step that returned it, without asking the steps in between again.
func TestReturnToEarlierStep(t *testing.T) {
	st := atApproval(t)
	reviewSeal := step(t, st, keyReview).Approvals
	do(t, st, chain.Action{Type: chain.ActReturn, Actor: salesHead, Comment: "证明不全", ToStep: keyWitness}, monday10.Add(3*time.Hour))
	if st.Status != chain.StatusInProgress || currentKey(st) != keyWitness || st.ResumeAt != keyDeptHead {
		t.Fatalf("after return: status %s current %q resume %q", st.Status, currentKey(st), st.ResumeAt)
	}
	if w := step(t, st, keyWitness); w.Done || len(w.Approvals) != 0 {
		t.Fatalf("witness step done=%v approvals=%v, want reopened", w.Done, w.Approvals)
	}
	if st.PausedAt != (time.Time{}) {
		t.Errorf("a return to a step does not pause the chain clock; PausedAt = %v", st.PausedAt)
	}
	approve(t, st, witness2, monday10.Add(4*time.Hour))
	if currentKey(st) != keyDeptHead || st.ResumeAt != "" {
		t.Fatalf("after the witness signs again: current %q resume %q, want %q", currentKey(st), st.ResumeAt, keyDeptHead)
	}
	if !slices.Equal(st.Holders(), []string{salesHead}) {
		t.Errorf("holders = %v, want [%s]", st.Holders(), salesHead)
	}
	if r := step(t, st, keyReview); !r.Done || !slices.Equal(approvers(r), []string{reviewer1}) || len(reviewSeal) != 1 {
		t.Errorf("review step = done %v approvals %v, want kept as signed by %s", r.Done, approvers(r), reviewer1)
	}
	approve(t, st, salesHead, monday10.Add(5*time.Hour))
	if st.Status != chain.StatusAwaitingPayment {
		t.Errorf("status = %s, want awaiting_payment", st.Status)
	}
}

// TestSignerAddedAfterIsAskedWhileRedoingAStep: a signer added "after" the reopened step must
// sign before the case jumps back to the step that returned it.
func TestSignerAddedAfterIsAskedWhileRedoingAStep(t *testing.T) {
	st := witnessRedoing(t)
	do(t, st, chain.Action{Type: chain.ActAddSigner, Actor: witness1, Target: outsider, Position: chain.PositionAfter}, monday10.Add(4*time.Hour))
	approve(t, st, witness1, monday10.Add(4*time.Hour))
	if got := st.Holders(); !slices.Equal(got, []string{outsider}) {
		t.Fatalf("after the witness signs: current %q holders %v, want the added signer [%s]", currentKey(st), got, outsider)
	}
	approve(t, st, outsider, monday10.Add(5*time.Hour))
	if currentKey(st) != keyDeptHead {
		t.Errorf("current %q, want back at %q", currentKey(st), keyDeptHead)
	}
}

// TestAddSignerPositions checks where an added signer's step goes and who holds the case after.
func TestAddSignerPositions(t *testing.T) {
	tests := []struct {
		position string
		steps    []string // step keys after adding
	}{
		{chain.PositionBefore, []string{"witness.added2", keyWitness, keyReview, keyDeptHead, keyPayment}},
		{chain.PositionAfter, []string{keyWitness, "witness.added2", keyReview, keyDeptHead, keyPayment}},
		{chain.PositionParallel, []string{keyWitness, keyReview, keyDeptHead, keyPayment}},
	}
	for _, tt := range tests {
		t.Run(tt.position, func(t *testing.T) {
			st := atWitness(t)
			do(t, st, chain.Action{Type: chain.ActAddSigner, Actor: witness1, Target: outsider, Position: tt.position, Comment: "请核实"}, monday10)
			if got := stepKeys(st); !slices.Equal(got, tt.steps) {
				t.Fatalf("steps = %v, want %v", got, tt.steps)
			}
			if !slices.Contains(st.Participants, outsider) {
				t.Errorf("participants %v lack the added signer", st.Participants)
			}
			if tt.position != chain.PositionParallel {
				added := step(t, st, "witness.added2")
				if added.AddedBy != witness1 || added.Role != policy.RoleWitness || added.Mode != policy.ModeAnyOf ||
					!slices.Equal(added.Assignees, []string{outsider}) || added.Label != "证明人" || added.Why.In(i18n.ZH) != witness1+" 加签" {
					t.Errorf("added step = %+v", added)
				}
			}
			// Sign in whatever order the chain asks, until the review is reached.
			var order []string
			for currentKey(st) != keyReview {
				h := st.Holders()
				if len(h) == 0 {
					t.Fatalf("nobody holds %q", currentKey(st))
				}
				signer := h[0]
				if slices.Contains(h, outsider) && tt.position == chain.PositionParallel {
					signer = outsider // the added signer first: the step still waits for a witness
				}
				order = append(order, signer)
				approve(t, st, signer, monday10)
				if len(order) > 3 {
					t.Fatalf("still not at review after %v", order)
				}
			}
			want := map[string][]string{
				chain.PositionBefore:   {outsider, witness1},
				chain.PositionAfter:    {witness1, outsider},
				chain.PositionParallel: {outsider, witness1},
			}[tt.position]
			if !slices.Equal(order, want) {
				t.Errorf("signing order = %v, want %v", order, want)
			}
		})
	}
}

// TestDeadlines checks the step deadline, the chain deadline and the reminder against the demo
// calendar (Asia/Shanghai, 09:00-12:00 and 13:00-18:00, 2026 holidays), by hand.
func TestDeadlines(t *testing.T) {
	tests := []struct {
		name         string
		submitted    time.Time
		wantDeadline time.Time
		wantReminder time.Time
		wantChain    time.Time
	}{
		{"Monday morning", cst(2026, 3, 2, 10, 0),
			cst(2026, 3, 2, 15, 0), cst(2026, 3, 2, 13, 0), cst(2026, 3, 4, 10, 0)},
		{"before opening counts from 09:00", cst(2026, 3, 2, 7, 30),
			cst(2026, 3, 2, 14, 0), cst(2026, 3, 2, 11, 0), cst(2026, 3, 3, 18, 0)},
		{"over lunch counts from 13:00", cst(2026, 3, 2, 12, 30),
			cst(2026, 3, 2, 17, 0), cst(2026, 3, 2, 15, 0), cst(2026, 3, 4, 12, 0)},
		{"Friday afternoon skips the weekend", cst(2026, 3, 6, 16, 0),
			cst(2026, 3, 9, 11, 0), cst(2026, 3, 9, 9, 0), cst(2026, 3, 10, 16, 0)},
		{"before Qingming skips the holiday Monday", cst(2026, 4, 3, 16, 0),
			cst(2026, 4, 7, 11, 0), cst(2026, 4, 7, 9, 0), cst(2026, 4, 8, 16, 0)},
		{"make-up Saturday is a working day", cst(2026, 2, 27, 16, 0),
			cst(2026, 2, 28, 11, 0), cst(2026, 2, 28, 9, 0), cst(2026, 3, 2, 16, 0)},
		{"Saturday evening counts from Monday", cst(2026, 3, 7, 20, 0),
			cst(2026, 3, 9, 14, 0), cst(2026, 3, 9, 11, 0), cst(2026, 3, 10, 18, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newCase(t, amountSmall, tt.submitted)
			if got := step(t, st, keyWitness).Deadline; !got.Equal(tt.wantDeadline) {
				t.Errorf("witness step deadline = %v, want %v", got.In(shanghai), tt.wantDeadline)
			}
			if got := st.Deadline(); !got.Equal(tt.wantDeadline) {
				t.Errorf("Deadline() = %v, want %v", got.In(shanghai), tt.wantDeadline)
			}
			if got := st.ReminderAt(); !got.Equal(tt.wantReminder) {
				t.Errorf("ReminderAt() = %v, want %v", got.In(shanghai), tt.wantReminder)
			}
			if !st.ChainDeadline.Equal(tt.wantChain) {
				t.Errorf("chain deadline = %v, want %v", st.ChainDeadline.In(shanghai), tt.wantChain)
			}
			if !step(t, st, keyReview).Deadline.IsZero() {
				t.Errorf("a step not yet reached has deadline %v", step(t, st, keyReview).Deadline)
			}
		})
	}
}

// TestDeadlineFollowsTheCase: each step gets its own SLA from when it starts, capped by the
// chain deadline.
func TestDeadlineFollowsTheCase(t *testing.T) {
	st := newCase(t, amountSmall, cst(2026, 3, 2, 10, 0)) // chain deadline Wednesday 10:00
	approve(t, st, witness1, cst(2026, 3, 2, 17, 0))
	if got, want := st.Deadline(), cst(2026, 3, 3, 12, 0); !got.Equal(want) {
		t.Errorf("review deadline = %v, want %v", got.In(shanghai), want)
	}
	if got, want := st.ReminderAt(), cst(2026, 3, 3, 10, 0); !got.Equal(want) {
		t.Errorf("review reminder = %v, want %v", got.In(shanghai), want)
	}
	approve(t, st, reviewer1, cst(2026, 3, 3, 17, 0))
	// The approval's own deadline (Wednesday 12:00) is later than the chain's (Wednesday 10:00).
	if got, want := step(t, st, keyDeptHead).Deadline, cst(2026, 3, 4, 12, 0); !got.Equal(want) {
		t.Errorf("approval step deadline = %v, want %v", got.In(shanghai), want)
	}
	if got, want := st.Deadline(), cst(2026, 3, 4, 10, 0); !got.Equal(want) {
		t.Errorf("effective deadline = %v, want the chain's %v", got.In(shanghai), want)
	}
	if got, want := st.ReminderAt(), cst(2026, 3, 3, 17, 0); !got.Equal(want) {
		t.Errorf("reminder = %v, want %v (two working hours before Wednesday 10:00)", got.In(shanghai), want)
	}
}

// TestTransferRestartsTheStepClock: the new holder gets a full step SLA and fresh reminder and
// escalation flags; the chain deadline does not move.
func TestTransferRestartsTheStepClock(t *testing.T) {
	st := newCase(t, amountSmall, cst(2026, 3, 2, 10, 0))
	approve(t, st, witness1, cst(2026, 3, 2, 10, 0))
	approve(t, st, reviewer1, cst(2026, 3, 2, 10, 0)) // the department head holds it from 10:00
	chainDeadline := st.ChainDeadline
	st.Remind(cst(2026, 3, 2, 13, 0))
	st.Escalate([]string{salesHead}, cst(2026, 3, 2, 15, 0))
	if !st.Reminded || !st.Escalated || !st.Overdue {
		t.Fatalf("flags after remind and escalate: %v %v %v", st.Reminded, st.Escalated, st.Overdue)
	}
	do(t, st, chain.Action{Type: chain.ActTransfer, Actor: salesHead, Target: gm}, cst(2026, 3, 2, 14, 0))
	if got, want := st.Deadline(), cst(2026, 3, 2, 18, 0); !got.Equal(want) {
		t.Errorf("deadline after transfer = %v, want %v", got.In(shanghai), want)
	}
	if st.Reminded || st.Escalated || st.Overdue {
		t.Errorf("flags after transfer: reminded %v escalated %v overdue %v, want all cleared", st.Reminded, st.Escalated, st.Overdue)
	}
	if !st.ChainDeadline.Equal(chainDeadline) {
		t.Errorf("chain deadline moved from %v to %v", chainDeadline, st.ChainDeadline)
	}
}

// TestChainDeadlinePausedWhileReturned: the working time the claim spends with the submitter
// does not count against the chain's deadline, and nobody is chased meanwhile.
func TestChainDeadlinePausedWhileReturned(t *testing.T) {
	tests := []struct {
		name        string
		returnedAt  time.Time
		resubmitted time.Time
		wantChain   time.Time // 15 working hours were left when it went back
		wantStep    time.Time
	}{
		{"back the same week", cst(2026, 3, 2, 11, 0), cst(2026, 3, 5, 10, 0),
			cst(2026, 3, 6, 18, 0), cst(2026, 3, 5, 15, 0)},
		{"back after the weekend", cst(2026, 3, 2, 11, 0), cst(2026, 3, 9, 9, 0),
			cst(2026, 3, 10, 17, 0), cst(2026, 3, 9, 14, 0)},
		{"resubmitted in the evening", cst(2026, 3, 2, 11, 0), cst(2026, 3, 2, 20, 0),
			cst(2026, 3, 4, 17, 0), cst(2026, 3, 3, 14, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newCase(t, amountSmall, cst(2026, 3, 2, 10, 0))
			do(t, st, chain.Action{Type: chain.ActReturn, Actor: witness1, Comment: "缺发票"}, tt.returnedAt)
			if !st.PausedAt.Equal(tt.returnedAt) {
				t.Errorf("PausedAt = %v, want %v", st.PausedAt, tt.returnedAt)
			}
			if !st.Deadline().IsZero() || !st.ReminderAt().IsZero() {
				t.Errorf("while returned: deadline %v reminder %v, want none", st.Deadline(), st.ReminderAt())
			}
			do(t, st, chain.Action{Type: chain.ActResubmit, Actor: submitter}, tt.resubmitted)
			if !st.ChainDeadline.Equal(tt.wantChain) {
				t.Errorf("chain deadline = %v, want %v", st.ChainDeadline.In(shanghai), tt.wantChain)
			}
			if got := step(t, st, keyWitness).Deadline; !got.Equal(tt.wantStep) {
				t.Errorf("witness deadline = %v, want %v", got.In(shanghai), tt.wantStep)
			}
			if !st.PausedAt.IsZero() {
				t.Errorf("PausedAt = %v after resubmission, want zero", st.PausedAt)
			}
		})
	}
}

// TestPaidByConnector: a payment made by the payment connector closes the case like the
// cashier's, with the connector as the actor.
func TestPaidByConnector(t *testing.T) {
	st := atPayment(t)
	rev, seq := st.Revision, st.Seq
	paidAt := monday10.Add(5 * time.Hour)
	out := st.PaidByConnector(chain.Payment{Reference: "CONN-42", PaidAt: paidAt}, paidAt.Add(time.Minute))
	if st.Status != chain.StatusPaid || st.Revision != rev+1 || st.Seq != seq+1 {
		t.Errorf("status %s revision %d seq %d, want paid, %d, %d", st.Status, st.Revision, st.Seq, rev+1, seq+1)
	}
	if len(out.Seals) != 1 || out.Seals[0].Actor != chain.ConnectorActor || out.Seals[0].Decision != chain.DecPaid ||
		out.Seals[0].Target != "CONN-42" || out.Seals[0].StepKey != keyPayment || out.Seals[0].Seq != st.Seq {
		t.Errorf("seals = %+v", out.Seals)
	}
	if out.Budget != chain.BudgetConsume || out.Payment == nil || out.Payment.Reference != "CONN-42" || !out.Payment.PaidAt.Equal(paidAt) {
		t.Errorf("budget %q payment %+v", out.Budget, out.Payment)
	}
	if len(out.Notices) != 1 || out.Notices[0].Kind != "paid" || !slices.Equal(out.Notices[0].Recipients, []string{submitter}) {
		t.Errorf("notices = %+v", out.Notices)
	}
	if p := step(t, st, keyPayment); !p.Done || !slices.Equal(approvers(p), []string{chain.ConnectorActor}) {
		t.Errorf("payment step = done %v approvals %v", p.Done, approvers(p))
	}
	a := chain.Action{Type: chain.ActPay, Actor: cashier, Reference: "BANK", PaidAt: paidAt, Revision: st.Revision}
	if code := refusalCode(t, st.Validate(a, paidAt)); code != chain.CodeCaseClosed {
		t.Errorf("cashier pays after the connector: code %q, want %q", code, chain.CodeCaseClosed)
	}
}
