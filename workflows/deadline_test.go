package workflows_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"signoff/chain"
	"signoff/store"
)

// timeline renders the ledger as "decision:actor@MM-DD HH:MM" in Shanghai time.
func timeline(seals []store.SealRow) []string {
	var out []string
	for _, s := range seals {
		out = append(out, string(s.Decision)+":"+s.Actor+"@"+s.At.In(shanghai).Format("01-02 15:04"))
	}
	return out
}

func TestDeadlinesSkipTheWeekendRemindAndEscalate(t *testing.T) {
	fri := cst(2026, 11, 20, 16, 0)
	h := newHarness(t, fri, travel1200)
	h.env.RegisterDelayedCallback(func() {
		c := h.storedCase()
		if !c.Overdue || c.Deadline == nil || !c.Deadline.Equal(cst(2026, 11, 23, 11, 0)) {
			t.Errorf("after Monday 11:00 the witness step is overdue: overdue=%v deadline=%v", c.Overdue, c.Deadline)
		}
	}, cst(2026, 11, 23, 11, 30).Sub(fri))
	h.at(cst(2026, 11, 23, 14, 0), act(chain.ActApprove, "li.na"), "")
	h.env.RegisterDelayedCallback(func() {
		c := h.storedCase()
		if c.Overdue || c.Deadline == nil || !c.Deadline.Equal(cst(2026, 11, 23, 18, 0)) {
			t.Errorf("the review step has its own 4h from 14:00: overdue=%v deadline=%v", c.Overdue, c.Deadline)
		}
	}, cst(2026, 11, 23, 14, 30).Sub(fri))
	h.at(cst(2026, 11, 24, 10, 0), withComment(act(chain.ActWithdraw, "zhang.wei"), "不报了"), "")
	h.run(chain.StatusWithdrawn)

	want := []string{
		"submitted:zhang.wei@11-20 16:00",
		"reminded:system@11-23 09:00", // 2 working hours before Monday 11:00: Friday's last two hours are gone
		"escalated:system@11-23 11:00",
		"approved:li.na@11-23 14:00",
		"reminded:system@11-23 16:00",
		"escalated:system@11-23 18:00",
		"withdrawn:zhang.wei@11-24 10:00",
	}
	seals := h.seals()
	if got := timeline(seals); !slices.Equal(got, want) {
		t.Errorf("timeline %v\nwant %v", got, want)
	}
	if seals[2].Target != "[wang.fang]" || seals[5].Target != "[qian.li]" {
		t.Errorf("escalations go to the holders' superiors: %q, %q", seals[2].Target, seals[5].Target)
	}
	assertNotified(t, h, "escalation", "wang.fang")
	assertNotified(t, h, "reminder", "li.na")
}

func TestDeadlineSkipsTheNationalDayHolidays(t *testing.T) {
	start := cst(2026, 9, 30, 15, 0)
	h := newHarness(t, start, travel1200)
	h.at(cst(2026, 10, 8, 11, 0), withComment(act(chain.ActWithdraw, "zhang.wei"), "不报了"), "")
	h.run(chain.StatusWithdrawn)
	want := []string{
		"submitted:zhang.wei@09-30 15:00",
		"reminded:system@09-30 17:00",
		"escalated:system@10-08 10:00", // 3h on 09-30, 10-01..10-07 off, 1h on 10-08
		"withdrawn:zhang.wei@10-08 11:00",
	}
	if got := timeline(h.seals()); !slices.Equal(got, want) {
		t.Errorf("timeline %v\nwant %v", got, want)
	}
}

func TestTransferGivesTheNewHolderAFreshStepDeadline(t *testing.T) {
	h := newHarness(t, wed, travel1200)
	h.at(cst(2026, 11, 18, 10, 30), act(chain.ActApprove, "li.na"), "")
	// The department head holds it from 10:45: deadline 15:45, reminder 13:45.
	h.at(cst(2026, 11, 18, 10, 45), act(chain.ActApprove, "sun.min"), "")
	tr := withComment(act(chain.ActTransfer, "wang.fang"), "转赵总")
	tr.Target = "zhao.qiang" // above the sales head: holds her level's authority
	h.at(cst(2026, 11, 18, 14, 0), tr, "")
	h.at(cst(2026, 11, 19, 9, 30), withComment(act(chain.ActWithdraw, "zhang.wei"), "不报了"), "")
	h.run(chain.StatusWithdrawn)
	want := []string{
		"submitted:zhang.wei@11-18 10:00",
		"approved:li.na@11-18 10:30",
		"approved:sun.min@11-18 10:45",
		"reminded:system@11-18 13:45",
		"transferred:wang.fang@11-18 14:00",
		"reminded:system@11-18 16:00",
		"escalated:system@11-18 18:00",
		"withdrawn:zhang.wei@11-19 09:30",
	}
	if got := timeline(h.seals()); !slices.Equal(got, want) {
		t.Errorf("timeline %v\nwant %v", got, want)
	}
}

func TestReturnPausesTheChainClockUntilResubmission(t *testing.T) {
	h := newHarness(t, wed, travel1200)
	h.env.RegisterDelayedCallback(func() {
		if got, want := h.state().ChainDeadline, cst(2026, 11, 20, 10, 0); !got.Equal(want) {
			t.Errorf("chain deadline %v, want Friday 10:00 (16 working hours)", got.In(shanghai))
		}
	}, 30*time.Minute)
	h.at(cst(2026, 11, 18, 11, 0), withComment(act(chain.ActReturn, "li.na"), "请补充行程单"), "")
	h.at(cst(2026, 11, 19, 11, 0), act(chain.ActResubmit, "zhang.wei"), "")
	h.env.RegisterDelayedCallback(func() {
		st := h.state()
		// 15 working hours were left when it was returned; they restart at Thursday 11:00.
		if got, want := st.ChainDeadline, cst(2026, 11, 23, 10, 0); !got.Equal(want) {
			t.Errorf("chain deadline after resubmission %v, want Monday 10:00", got.In(shanghai))
		}
		if cur := st.CurrentStep(); cur == nil || cur.Key != "witness" || !cur.Deadline.Equal(cst(2026, 11, 19, 16, 0)) {
			t.Errorf("the witness step restarts with 4h from Thursday 11:00: %+v", cur)
		}
	}, cst(2026, 11, 19, 11, 5).Sub(wed))
	h.at(cst(2026, 11, 19, 11, 10), withComment(act(chain.ActWithdraw, "zhang.wei"), "不报了"), "")
	h.run(chain.StatusWithdrawn)
}

func assertNotified(t *testing.T, h *harness, kind, user string) {
	t.Helper()
	notes, err := h.db.Store.Notifications(context.Background(), h.caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notes {
		if n.Kind == kind && n.Recipient == user && n.Channel == "inbox" {
			return
		}
	}
	t.Errorf("no %s notification for %s", kind, user)
}
