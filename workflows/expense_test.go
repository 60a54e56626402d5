package workflows_test

import (
	"slices"
	"testing"
	"time"

	"signoff/chain"
)

// Wednesday 2026-11-18 10:00 in Shanghai: a plain working morning.
var wed = cst(2026, 11, 18, 10, 0)

func TestExpenseWalksTheWholeChain(t *testing.T) {
	h := newHarness(t, wed, travel1200)
	h.at(wed.Add(10*time.Minute), withComment(act(chain.ActComment, "zhang.wei"), "发票已上传"), "")
	h.at(wed.Add(20*time.Minute), act(chain.ActApprove, "li.na"), "")
	h.at(wed.Add(30*time.Minute), act(chain.ActNudge, "zhang.wei"), "")
	h.at(wed.Add(40*time.Minute), act(chain.ActApprove, "sun.min"), "")
	h.at(wed.Add(50*time.Minute), act(chain.ActApprove, "wang.fang"), "")
	pay := act(chain.ActPay, "wu.xia")
	pay.Reference, pay.PaidAt = "BANK-20261118-0001", wed.Add(time.Hour)
	h.at(wed.Add(time.Hour), pay, "")
	res := h.run(chain.StatusPaid)

	want := []string{"submitted:zhang.wei", "commented:zhang.wei", "approved:li.na", "nudged:zhang.wei",
		"approved:sun.min", "approved:wang.fang", "paid:wu.xia"}
	if got := decisions(h.seals()); !slices.Equal(got, want) {
		t.Errorf("ledger %v\nwant %v", got, want)
	}
	if res.Seals != len(want) {
		t.Errorf("result counts %d seals, want %d", res.Seals, len(want))
	}
	c := h.storedCase()
	if c.Status != "paid" || c.PaidReference == nil || *c.PaidReference != "BANK-20261118-0001" || c.ClosedAt == nil {
		t.Errorf("case not recorded as paid: %+v", c)
	}
	if len(c.Assignees) != 0 {
		t.Errorf("a paid case is in nobody's inbox, got %v", c.Assignees)
	}
	b := h.budget("2026-sales-travel")
	if b.Consumed != 120000 || b.Reserved != 0 {
		t.Errorf("budget: consumed %d reserved %d, want 120000 and 0", b.Consumed, b.Reserved)
	}
	for _, s := range h.seals() {
		if s.PolicyVersion != h.db.Version {
			t.Errorf("seal %d under policy %d, want %d", s.Seq, s.PolicyVersion, h.db.Version)
		}
	}
}

func TestExpenseRefusesBeforeHistory(t *testing.T) {
	h := newHarness(t, wed, travel1200)
	m := func(n int) time.Time { return wed.Add(time.Duration(n) * time.Minute) }
	h.at(m(1), act(chain.ActApprove, "sun.min"), chain.CodeWrongOrder)       // reviewer before witness
	h.at(m(2), act(chain.ActApprove, "xu.jing"), chain.CodeNotAssignee)      // a stranger
	h.at(m(3), act(chain.ActApprove, "zhang.wei"), chain.CodeNotAssignee)    // the submitter
	h.at(m(4), act(chain.ActReject, "li.na"), chain.CodeReasonRequired)      // no reason
	h.at(m(5), act(chain.ActReturn, "li.na"), chain.CodeReasonRequired)      // no reason
	h.at(m(6), act(chain.ActWithdraw, "li.na"), chain.CodeNotSubmitter)      // not hers
	h.at(m(7), act(chain.ActResubmit, "zhang.wei"), chain.CodeNotAllowedNow) // not returned
	h.at(m(8), act(chain.ActPay, "wu.xia"), chain.CodeWrongOrder)            // cashier before approval
	stale := act(chain.ActApprove, "li.na")
	stale.Revision = 7
	h.atRevision(m(9), stale, chain.CodeStaleRevision)
	sod := act(chain.ActAddSigner, "li.na")
	sod.Target, sod.Position = "zhang.wei", chain.PositionParallel // the handler may not witness
	h.at(m(10), sod, chain.CodeSoDConflict)
	far := act(chain.ActTransfer, "li.na")
	far.Target = "sun.min" // a reviewer, not a witness
	h.at(m(11), far, chain.CodeInvalidTarget)
	back := withComment(act(chain.ActReturn, "li.na"), "补充说明")
	back.ToStep = "review" // not an earlier step
	h.at(m(12), back, chain.CodeInvalidTarget)
	h.at(m(13), act(chain.ActNudge, "zhang.wei"), "")
	h.at(m(14), act(chain.ActNudge, "zhang.wei"), chain.CodeTooSoon)
	h.at(m(15), act(chain.ActApprove, "li.na"), "")
	h.at(m(16), act(chain.ActApprove, "li.na"), chain.CodeNotAssignee) // her step is done; reviewers hold it
	h.at(m(17), withComment(act(chain.ActReject, "zhou.jie"), "发票不合规"), "")
	h.run(chain.StatusRejected)

	want := []string{"submitted:zhang.wei", "nudged:zhang.wei", "approved:li.na", "rejected:zhou.jie"}
	if got := decisions(h.seals()); !slices.Equal(got, want) {
		t.Errorf("refused actions must leave no seal: ledger %v, want %v", got, want)
	}
	if b := h.budget("2026-sales-travel"); b.Reserved != 0 || b.Consumed != 0 {
		t.Errorf("reject must release the reservation: reserved %d consumed %d", b.Reserved, b.Consumed)
	}
}

// TestExpenseResubmitWithChangedAmountReopensTheWitness: the witness attested 4,000.00; the
// resubmission claims 6,000.00, so the witness's seal no longer covers the case and the witness
// signs again before the returning reviewer (and the levels the new amount needs).
func TestExpenseResubmitWithChangedAmountReopensTheWitness(t *testing.T) {
	h := newHarness(t, wed, claim{"zhang.wei", "sales", "travel", "2026-sales-travel", 400000})
	h.at(wed.Add(10*time.Minute), act(chain.ActApprove, "li.na"), "")
	h.at(wed.Add(20*time.Minute), withComment(act(chain.ActReturn, "sun.min"), "缺少住宿发票"), "")
	editID := ""
	h.env.RegisterDelayedCallback(func() {
		id, err := h.db.Store.SaveEdit(t.Context(), h.caseID, editOf(600000))
		if err != nil {
			t.Error(err)
		}
		editID = id
	}, 25*time.Minute)
	h.env.RegisterDelayedCallback(func() {
		st := h.state()
		if st.Status != chain.StatusReturned || !slices.Equal(st.Holders(), []string{"zhang.wei"}) {
			t.Errorf("returned case should be with the submitter: %s %v", st.Status, st.Holders())
		}
		resub := act(chain.ActResubmit, "zhang.wei")
		resub.EditID, resub.Revision = editID, st.Revision
		h.env.UpdateWorkflow("resubmit", "resubmit-1", &resultCallback{t: t, label: "resubmit"}, resub)
	}, 30*time.Minute)
	h.env.RegisterDelayedCallback(func() {
		st := h.state()
		if cur := st.CurrentStep(); cur == nil || cur.Key != "witness" {
			t.Errorf("the changed amount must re-open the witness's step, at %v", cur)
		}
		var keys []string
		for _, s := range st.Steps {
			keys = append(keys, s.Key)
		}
		want := []string{"witness", "review", "approval.department_head", "approval.finance_director", "payment"}
		if !slices.Equal(keys, want) {
			t.Errorf("6,000.00 needs two approval levels: steps %v, want %v", keys, want)
		}
	}, 35*time.Minute)
	h.at(wed.Add(37*time.Minute), act(chain.ActApprove, "li.na"), "")
	h.at(wed.Add(40*time.Minute), act(chain.ActApprove, "sun.min"), "")
	h.at(wed.Add(50*time.Minute), act(chain.ActApprove, "wang.fang"), "")
	h.at(wed.Add(55*time.Minute), act(chain.ActApprove, "qian.li"), "")
	pay := act(chain.ActPay, "wu.xia")
	pay.Reference, pay.PaidAt = "B-1", wed.Add(time.Hour)
	h.at(wed.Add(time.Hour), pay, "")
	h.run(chain.StatusPaid)

	want := []string{"submitted:zhang.wei", "approved:li.na", "returned:sun.min", "resubmitted:zhang.wei",
		"approved:li.na", "approved:sun.min", "approved:wang.fang", "approved:qian.li", "paid:wu.xia"}
	if got := decisions(h.seals()); !slices.Equal(got, want) {
		t.Errorf("ledger %v\nwant %v", got, want)
	}
	if c := h.storedCase(); c.Amount != 600000 {
		t.Errorf("edit not applied: amount %d", c.Amount)
	}
	if b := h.budget("2026-sales-travel"); b.Consumed != 600000 || b.Reserved != 0 {
		t.Errorf("budget must follow the edited amount: consumed %d reserved %d", b.Consumed, b.Reserved)
	}
}

// TestExpenseResubmitCommentOnlyKeepsTheWitness: a resubmission that changes nothing but says
// why (a comment, no edit) keeps every seal valid: it resumes at the returning reviewer and the
// witness does not sign again.
func TestExpenseResubmitCommentOnlyKeepsTheWitness(t *testing.T) {
	h := newHarness(t, wed, claim{"zhang.wei", "sales", "travel", "2026-sales-travel", 400000})
	h.at(wed.Add(10*time.Minute), act(chain.ActApprove, "li.na"), "")
	h.at(wed.Add(20*time.Minute), withComment(act(chain.ActReturn, "sun.min"), "请说明出差事由"), "")
	h.at(wed.Add(30*time.Minute), withComment(act(chain.ActResubmit, "zhang.wei"), "拜访客户签约"), "")
	h.env.RegisterDelayedCallback(func() {
		if cur := h.state().CurrentStep(); cur == nil || cur.Key != "review" {
			t.Errorf("a comment-only resubmission must resume at the reviewer, at %v", cur)
		}
	}, 35*time.Minute)
	h.at(wed.Add(40*time.Minute), act(chain.ActApprove, "sun.min"), "")
	h.at(wed.Add(50*time.Minute), act(chain.ActApprove, "wang.fang"), "")
	pay := act(chain.ActPay, "wu.xia")
	pay.Reference, pay.PaidAt = "B-1", wed.Add(time.Hour)
	h.at(wed.Add(time.Hour), pay, "")
	h.run(chain.StatusPaid)
	want := []string{"submitted:zhang.wei", "approved:li.na", "returned:sun.min", "resubmitted:zhang.wei",
		"approved:sun.min", "approved:wang.fang", "paid:wu.xia"}
	if got := decisions(h.seals()); !slices.Equal(got, want) {
		t.Errorf("ledger %v\nwant %v", got, want)
	}
}

func TestExpenseReturnToEarlierStepComesBackToTheReturner(t *testing.T) {
	h := newHarness(t, wed, travel1200)
	h.at(wed.Add(10*time.Minute), act(chain.ActApprove, "li.na"), "")
	h.at(wed.Add(20*time.Minute), act(chain.ActApprove, "sun.min"), "")
	back := withComment(act(chain.ActReturn, "wang.fang"), "请证明人确认出差日期")
	back.ToStep = "witness"
	h.at(wed.Add(30*time.Minute), back, "")
	h.at(wed.Add(35*time.Minute), act(chain.ActApprove, "wang.fang"), chain.CodeWrongOrder)
	h.at(wed.Add(40*time.Minute), act(chain.ActApprove, "liu.yang"), "")
	h.at(wed.Add(50*time.Minute), act(chain.ActApprove, "wang.fang"), "")
	h.at(wed.Add(55*time.Minute), withComment(act(chain.ActWithdraw, "zhang.wei"), "不报了"), chain.CodeNotAllowedNow)
	pay := act(chain.ActPay, "wu.xia")
	pay.Reference, pay.PaidAt = "B-2", wed.Add(time.Hour)
	h.at(wed.Add(time.Hour), pay, "")
	h.run(chain.StatusPaid)
	want := []string{"submitted:zhang.wei", "approved:li.na", "approved:sun.min", "returned:wang.fang",
		"approved:liu.yang", "approved:wang.fang", "paid:wu.xia"}
	if got := decisions(h.seals()); !slices.Equal(got, want) {
		t.Errorf("ledger %v\nwant %v", got, want)
	}
}

// TestExpenseTransferAndAddSigners: a step passes only to someone holding its authority for
// the case, and an added signer adds a signature without replacing the step's holders.
func TestExpenseTransferAndAddSigners(t *testing.T) {
	h := newHarness(t, wed, travel1200)
	m := func(n int) time.Time { return wed.Add(time.Duration(n) * time.Minute) }
	taken := withComment(act(chain.ActTransfer, "li.na"), "我出差")
	taken.Target = "liu.yang" // already on the step
	h.at(m(5), taken, chain.CodeInvalidTarget)
	across := withComment(act(chain.ActTransfer, "li.na"), "我出差，转郑宇")
	across.Target = "zheng.yu" // a witness of another department
	h.at(m(8), across, chain.CodeInvalidTarget)
	nobody := act(chain.ActAddSigner, "li.na")
	nobody.Target, nobody.Position = "nobody.here", chain.PositionParallel
	h.at(m(10), nobody, chain.CodeInvalidTarget)
	before := act(chain.ActAddSigner, "li.na")
	before.Target, before.Position = "huang.lei", chain.PositionBefore
	h.at(m(20), before, "")
	h.at(m(25), act(chain.ActApprove, "li.na"), chain.CodeWrongOrder) // the added signer goes first
	h.at(m(30), act(chain.ActApprove, "huang.lei"), "")
	h.at(m(35), act(chain.ActApprove, "li.na"), "")
	after := act(chain.ActAddSigner, "sun.min")
	after.Target, after.Position = "qian.li", chain.PositionAfter
	h.at(m(40), after, "")
	par := act(chain.ActAddSigner, "zhou.jie")
	par.Target, par.Position = "he.ping", chain.PositionParallel
	h.at(m(45), par, "")
	h.at(m(50), act(chain.ActApprove, "zhou.jie"), "")                  // one reviewer suffices, but the added signer too
	h.at(m(52), act(chain.ActApprove, "qian.li"), chain.CodeWrongOrder) // the review waits for he.ping
	h.at(m(54), act(chain.ActApprove, "he.ping"), "")                   // now the review is done
	h.at(m(55), act(chain.ActApprove, "qian.li"), "")                   // the step added after it
	away := withComment(act(chain.ActTransfer, "wang.fang"), "出差")
	away.Target = "chen.gang" // another department's head
	h.at(m(56), away, chain.CodeInvalidTarget)
	up := withComment(act(chain.ActTransfer, "wang.fang"), "出差，转赵总")
	up.Target = "zhao.qiang"
	h.at(m(57), up, "")
	h.at(m(58), act(chain.ActApprove, "zhao.qiang"), "")
	pay := act(chain.ActPay, "wu.xia")
	pay.Reference, pay.PaidAt = "B-3", wed.Add(time.Hour)
	h.at(wed.Add(time.Hour), pay, "")
	h.run(chain.StatusPaid)
	want := []string{"submitted:zhang.wei", "signer_added:li.na", "approved:huang.lei", "approved:li.na",
		"signer_added:sun.min", "signer_added:zhou.jie", "approved:zhou.jie", "approved:he.ping",
		"approved:qian.li", "transferred:wang.fang", "approved:zhao.qiang", "paid:wu.xia"}
	if got := decisions(h.seals()); !slices.Equal(got, want) {
		t.Errorf("ledger %v\nwant %v", got, want)
	}
}

func TestExpenseWithdrawReleasesBudget(t *testing.T) {
	h := newHarness(t, wed, travel1200)
	h.at(wed.Add(10*time.Minute), act(chain.ActApprove, "li.na"), "")
	h.at(wed.Add(20*time.Minute), act(chain.ActWithdraw, "zhang.wei"), chain.CodeReasonRequired)
	h.at(wed.Add(30*time.Minute), withComment(act(chain.ActWithdraw, "zhang.wei"), "行程取消"), "")
	h.run(chain.StatusWithdrawn)
	if b := h.budget("2026-sales-travel"); b.Reserved != 0 {
		t.Errorf("withdraw must release the reservation, reserved %d", b.Reserved)
	}
	if c := h.storedCase(); c.Status != "withdrawn" || c.ClosedAt == nil {
		t.Errorf("case %s closed %v", c.Status, c.ClosedAt)
	}
}
