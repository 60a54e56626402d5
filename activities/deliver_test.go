package activities_test

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"signoff/activities"
	"signoff/chain"
	"signoff/notify"
	"signoff/testkit"
)

// robot is a chat-robot webhook on a real HTTP listener; it keeps the Idempotency-Key of every
// post it was sent.
type robot struct {
	mu   sync.Mutex
	keys []string
}

func (r *robot) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var msg struct {
		Text struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.NewDecoder(req.Body).Decode(&msg); err != nil || msg.Text.Content == "" {
		http.Error(w, "bad message", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.keys = append(r.keys, req.Header.Get("Idempotency-Key"))
	r.mu.Unlock()
	_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
}

func (r *robot) posts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.keys)
}

// channelsTo sends e-mail to the SMTP server at port and robot messages to srv.
func channelsTo(port int, srv *httptest.Server) activities.Channels {
	return activities.Channels{
		PublicURL: "http://signoff.test",
		Email:     notify.SMTP{Host: "127.0.0.1", Port: port, From: "signoff@example.com", Timeout: 5 * time.Second},
		Webhook:   notify.Webhook{URL: srv.URL, Client: srv.Client()},
	}
}

// received takes n messages from the mail server, fails on any more, and returns their
// Message-IDs (the outbox keys).
func received(t *testing.T, srv *testkit.MailServer, n int) []string {
	t.Helper()
	var ids []string
	for range n {
		m := srv.Message()
		msg, err := mail.ReadMessage(strings.NewReader(m.Data))
		if err != nil {
			t.Fatalf("parse message: %v", err)
		}
		ids = append(ids, strings.TrimSuffix(strings.TrimPrefix(msg.Header.Get("Message-Id"), "<"), "@signoff>"))
	}
	srv.None() // Deliver returns after the server queued each message, so none can be late
	slices.Sort(ids)
	return ids
}

// pendingKeys lists a case's unsent outbox keys of a channel.
func pendingKeys(t *testing.T, db *testkit.DB, caseID, channel string) []string {
	t.Helper()
	pending, err := db.Store.PendingNotifications(testCtx(t), caseID)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, n := range pending {
		if n.Channel == channel {
			keys = append(keys, n.Key)
		}
	}
	slices.Sort(keys)
	return keys
}

// TestDeliverSendsEachNotificationOnce: the to-dos of a submission go out once by e-mail over
// SMTP and once to the robot, each under its outbox key; delivering again (a retry) sends
// nothing and writes nothing; the next step's to-dos, under new keys, go out too.
func TestDeliverSendsEachNotificationOnce(t *testing.T) {
	db := testkit.NewDB(t)
	smtp := testkit.NewMailServer(t, nil)
	bot := &robot{}
	srv := httptest.NewServer(bot)
	t.Cleanup(srv.Close)
	acts, env := actEnv(t, db, channelsTo(smtp.Port(), srv))
	c := claim(t, db, "zhang.wei", "sales", 120_000)
	st := chainOf(t, env, acts, c)

	for _, step := range []struct {
		name string
		act  chain.Action
	}{{"submission", chain.Action{}}, {"witness approves", approve("li.na")}} {
		record(t, env, acts, st, step.act)
		emails, hooks := pendingKeys(t, db, c.ID, "email"), pendingKeys(t, db, c.ID, "webhook")
		if len(emails) == 0 || len(emails) != len(hooks) {
			t.Fatalf("%s: pending e-mails %v and robot messages %v", step.name, emails, hooks)
		}
		postsBefore := bot.posts()
		before := snapshot(t, db)
		res := mustRun[activities.DeliverResult](t, env, acts.Deliver, activities.DeliverInput{CaseID: c.ID})
		if res.Sent != len(emails)+len(hooks) {
			t.Errorf("%s: sent %d, want %d", step.name, res.Sent, len(emails)+len(hooks))
		}
		if got := received(t, smtp, len(emails)); !slices.Equal(got, emails) {
			t.Errorf("%s: mail Message-IDs %v, want the outbox keys %v", step.name, got, emails)
		}
		posted := bot.posts()[len(postsBefore):]
		slices.Sort(posted)
		if !slices.Equal(posted, hooks) {
			t.Errorf("%s: robot keys %v, want the outbox keys %v", step.name, posted, hooks)
		}
		if got := before.writes(snapshot(t, db)); !sameWrites(got, writes{"notifications": 0}) {
			t.Errorf("%s: deliver wrote %v, want the outbox rows marked", step.name, got)
		}
		if left := pendingKeys(t, db, c.ID, "email"); len(left) != 0 {
			t.Errorf("%s: still pending %v", step.name, left)
		}

		// The retry: nothing left to send, nothing written.
		before = snapshot(t, db)
		if res := mustRun[activities.DeliverResult](t, env, acts.Deliver, activities.DeliverInput{CaseID: c.ID}); res.Sent != 0 {
			t.Errorf("%s, retried: sent %d again", step.name, res.Sent)
		}
		smtp.None()
		if n := len(bot.posts()); n != len(postsBefore)+len(hooks) {
			t.Errorf("%s, retried: the robot has %d posts, want %d", step.name, n, len(postsBefore)+len(hooks))
		}
		if got := before.writes(snapshot(t, db)); len(got) != 0 {
			t.Errorf("%s, retried, wrote %v", step.name, got)
		}
	}
}

// TestDeliverRetriesOnlyWhatFailed: with the mail server down, Deliver sends the robot's
// messages, records the failed e-mails and fails retryably; the retry, with the server back,
// sends the e-mails once and does not post to the robot again.
func TestDeliverRetriesOnlyWhatFailed(t *testing.T) {
	db := testkit.NewDB(t)
	bot := &robot{}
	srv := httptest.NewServer(bot)
	t.Cleanup(srv.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there now: the connection is refused
	acts, env := actEnv(t, db, channelsTo(down, srv))
	c := claim(t, db, "zhang.wei", "sales", 120_000)
	st := chainOf(t, env, acts, c)
	record(t, env, acts, st, chain.Action{})
	emails, hooks := pendingKeys(t, db, c.ID, "email"), pendingKeys(t, db, c.ID, "webhook")

	_, err = run[activities.DeliverResult](t, env, acts.Deliver, activities.DeliverInput{CaseID: c.ID})
	retryable(t, "deliver with the mail server down", err)
	if got := pendingKeys(t, db, c.ID, "email"); !slices.Equal(got, emails) {
		t.Errorf("pending e-mails %v, want all of %v", got, emails)
	}
	notes, err := db.Store.Notifications(testCtx(t), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notes {
		switch {
		case n.Channel == "email" && (n.Attempts != 1 || n.LastError == "" || n.SentAt != nil):
			t.Errorf("failed e-mail %s: attempts %d error %q sent %v", n.Key, n.Attempts, n.LastError, n.SentAt)
		case n.Channel == "webhook" && (n.Attempts != 1 || n.SentAt == nil):
			t.Errorf("robot message %s: attempts %d sent %v", n.Key, n.Attempts, n.SentAt)
		}
	}

	// The mail server is back (a worker configured with it takes the retry).
	smtp := testkit.NewMailServer(t, nil)
	acts, env = actEnv(t, db, channelsTo(smtp.Port(), srv))
	res := mustRun[activities.DeliverResult](t, env, acts.Deliver, activities.DeliverInput{CaseID: c.ID})
	if res.Sent != len(emails) {
		t.Errorf("retry sent %d, want the %d e-mails only", res.Sent, len(emails))
	}
	if got := received(t, smtp, len(emails)); !slices.Equal(got, emails) {
		t.Errorf("mail Message-IDs %v, want %v", got, emails)
	}
	posted := bot.posts()
	slices.Sort(posted)
	if !slices.Equal(posted, hooks) {
		t.Errorf("robot keys %v, want each of %v once", posted, hooks)
	}
	if left := pendingKeys(t, db, c.ID, "email"); len(left) != 0 {
		t.Errorf("still pending %v", left)
	}
}
