package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"signoff/chain"
	"signoff/store"
	"signoff/testkit"
)

// TestNotificationOutbox: notifications are written once per key, the in-app inbox counts as
// delivered when written, and delivery attempts are recorded until one succeeds.
func TestNotificationOutbox(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	c := mustCreate(t, db, salesClaim(db, 1000))
	st := newChain(t, c)
	note := func(recipient, channel string) store.Notification {
		return store.Notification{Key: c.ID + "/1/todo/" + recipient + "/" + channel, CaseID: c.ID, Kind: "todo",
			Recipient: recipient, Channel: channel, Subject: "待办", Body: "正文"}
	}
	r := store.Record{State: st, Outcome: st.Submitted(monday10), Notifications: []store.Notification{
		note("li.na", "email"), note("li.na", "inbox"), note("liu.yang", "webhook"),
	}}
	for range 2 {
		if err := db.Store.RecordOutcome(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := db.Store.PendingNotifications(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, n := range pending {
		keys = append(keys, n.Key)
	}
	if want := []string{note("li.na", "email").Key, note("liu.yang", "webhook").Key}; !slices.Equal(keys, want) {
		t.Fatalf("pending = %v, want %v (inbox is delivered by being written)", keys, want)
	}
	inbox := note("li.na", "inbox").Key
	all, err := db.Store.Notifications(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if j := slices.IndexFunc(all, func(n store.NotificationRecord) bool { return n.Key == inbox }); j < 0 || all[j].SentAt == nil {
		t.Errorf("inbox notification %s not written as sent", inbox)
	}

	email := note("li.na", "email").Key
	steps := []struct {
		errText      string
		wantSent     bool
		wantAttempts int
		wantErr      string
	}{
		{"smtp dial: connection refused", false, 1, "smtp dial: connection refused"},
		{"smtp rcpt: 550", false, 2, "smtp rcpt: 550"},
		{"", true, 3, ""},
		{"", true, 4, ""}, // a repeat after success keeps it sent
	}
	var firstSentAt *time.Time
	for i, s := range steps {
		if err := db.Store.MarkNotification(ctx, email, s.errText); err != nil {
			t.Fatal(err)
		}
		all, err := db.Store.Notifications(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		j := slices.IndexFunc(all, func(n store.NotificationRecord) bool { return n.Key == email })
		if j < 0 {
			t.Fatalf("notification %s not listed", email)
		}
		got := all[j]
		if got.Attempts != s.wantAttempts || got.LastError != s.wantErr || (got.SentAt != nil) != s.wantSent {
			t.Errorf("step %d: %+v, want attempts %d error %q sent %v", i, got, s.wantAttempts, s.wantErr, s.wantSent)
		}
		if got.SentAt != nil {
			if firstSentAt == nil {
				firstSentAt = got.SentAt
			} else if !got.SentAt.Equal(*firstSentAt) {
				t.Errorf("sent_at moved from %v to %v", *firstSentAt, *got.SentAt)
			}
		}
	}
	if pending, err := db.Store.PendingNotifications(ctx, c.ID); err != nil || len(pending) != 1 {
		t.Errorf("pending after delivery = %+v, %v; want only the webhook", pending, err)
	}
	if all, err := db.Store.Notifications(ctx, "EXP-1999-000001"); err != nil || len(all) != 0 {
		t.Errorf("notifications of an unknown case = %v, %v", all, err)
	}
}

// TestAbandonCase: a case that cannot be routed is closed as rejected by the system, its
// reservation released, once.
func TestAbandonCase(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	c := mustCreate(t, db, salesClaim(db, 70_000))
	kept := mustCreate(t, db, salesClaim(db, 1_000))
	routed := mustCreate(t, db, salesClaim(db, 2_000))
	startChain(t, db, routed)
	const reason = "no eligible approver"
	for i := range 2 {
		if err := db.Store.AbandonCase(ctx, c.ID, reason, monday10); err != nil {
			t.Fatalf("abandon (%d): %v", i+1, err)
		}
	}
	got := mustCase(t, db, c.ID)
	if got.Status != string(chain.StatusRejected) || got.ClosedAt == nil || len(got.Assignees) != 0 {
		t.Errorf("abandoned case = %+v", got)
	}
	seals, err := db.Store.Seals(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(seals) != 2 || seals[0].Decision != chain.DecSubmitted || seals[0].Actor != "zhang.wei" ||
		seals[1].Decision != chain.DecRejected || seals[1].Actor != chain.SystemActor || seals[1].Comment != reason {
		t.Errorf("ledger = %+v", seals)
	}
	if b := budget(t, db, salesTravel); b.Reserved != kept.Amount+routed.Amount {
		t.Errorf("reserved %d, want %d (released once)", b.Reserved, kept.Amount+routed.Amount)
	}
	// A routed case is not abandoned.
	if err := db.Store.AbandonCase(ctx, routed.ID, reason, monday10); err != nil {
		t.Fatal(err)
	}
	if r := mustCase(t, db, routed.ID); r.Status != string(chain.StatusInProgress) {
		t.Errorf("routed case abandoned: status %s", r.Status)
	}
	if err := db.Store.AbandonCase(ctx, "EXP-1999-000001", reason, monday10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown case: err = %v, want ErrNotFound", err)
	}
	p, err := db.Store.ListCases(ctx, store.Filter{Status: string(chain.StatusRejected)})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != c.ID {
		t.Errorf("rejected list = %v, %v", ids(p), err)
	}
}

// TestBudgetLines lists lines with their balance, optionally of one department.
func TestBudgetLines(t *testing.T) {
	db := testkit.NewDB(t)
	mustCreate(t, db, trainingClaim(db, 250_000))
	tests := []struct {
		department string
		want       []string
	}{
		{"", []string{"2026-eng-equipment", "2026-eng-office", engTraining, "2026-eng-travel", "2026-sales-meals", salesTravel}},
		{"engineering", []string{"2026-eng-equipment", "2026-eng-office", engTraining, "2026-eng-travel"}},
		{"sales", []string{"2026-sales-meals", salesTravel}},
		{"finance", nil},
	}
	for _, tt := range tests {
		t.Run(tt.department, func(t *testing.T) {
			lines, err := db.Store.BudgetLines(testCtx(t), tt.department)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range lines {
				got = append(got, l.ID)
				if l.ID == engTraining && (l.Total != engTrainingTotal || l.Reserved != 250_000 || l.Remaining != engTrainingTotal-250_000) {
					t.Errorf("training line = %+v", l)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("lines = %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := db.Store.BudgetLine(testCtx(t), "2026-nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown line: err = %v, want ErrNotFound", err)
	}
}
