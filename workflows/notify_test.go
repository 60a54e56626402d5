package workflows_test

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"signoff/activities"
	"signoff/chain"
	"signoff/notify"
	"signoff/testkit"
)

// robot is a chat-robot webhook on a real HTTP listener that keeps what it was sent.
type robot struct {
	mu   sync.Mutex
	text []string
}

func (r *robot) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var msg struct {
		Text struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	_ = json.NewDecoder(req.Body).Decode(&msg)
	r.mu.Lock()
	r.text = append(r.text, msg.Text.Content)
	r.mu.Unlock()
	_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
}

// TestRemindersGoOutByMailAndRobot: the to-do at submission and the reminder before the
// deadline reach the witnesses by e-mail over SMTP and in the group chat, delivered by the
// Deliver activity, and each outbox row is marked sent.
func TestRemindersGoOutByMailAndRobot(t *testing.T) {
	mail := testkit.NewMailServer(t, nil)
	bot := &robot{}
	srv := httptest.NewServer(bot)
	t.Cleanup(srv.Close)
	h := newHarnessWith(t, wed, travel1200, activities.Channels{
		PublicURL: "http://signoff.test",
		Email:     notify.SMTP{Host: "127.0.0.1", Port: mail.Port(), From: "signoff@example.com", Timeout: 5 * time.Second},
		Webhook:   notify.Webhook{URL: srv.URL, Client: srv.Client()},
	})
	// The witness step is due at 15:00; the reminder goes out at 13:00.
	h.at(cst(2026, 11, 18, 13, 30), withComment(act(chain.ActWithdraw, "zhang.wei"), "不报了"), "")
	h.run(chain.StatusWithdrawn)

	got := map[string][]string{} // recipient → decoded subjects
	for range 4 {                // to-do and reminder, for li.na and liu.yang
		m := mail.Message()
		subject := ""
		for _, line := range strings.Split(m.Data, "\n") {
			if v, ok := strings.CutPrefix(line, "Subject: "); ok {
				subject, _ = new(mime.WordDecoder).DecodeHeader(v)
			}
		}
		for _, r := range m.Rcpts {
			r = strings.TrimPrefix(r, "TO:") // the raw RCPT argument, "TO:<a@b>"
			got[r] = append(got[r], subject)
		}
	}
	mail.None()
	for _, who := range []string{"<li.na@example.com>", "<liu.yang@example.com>"} {
		if len(got[who]) != 2 || !strings.Contains(got[who][0], "待办") || !strings.Contains(got[who][1], "提醒") ||
			!strings.Contains(got[who][1], h.caseID) {
			t.Errorf("mail to %s: %q, want a to-do then a reminder for %s", who, got[who], h.caseID)
		}
	}
	bot.mu.Lock()
	texts := bot.text
	bot.mu.Unlock()
	reminders := 0
	for _, text := range texts {
		if strings.Contains(text, "提醒") && strings.Contains(text, h.caseID) {
			reminders++
		}
	}
	if len(texts) != 4 || reminders != 2 {
		t.Errorf("robot got %d messages with %d reminders, want 4 with 2: %q", len(texts), reminders, texts)
	}
	notes, err := h.db.Store.Notifications(t.Context(), h.caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notes {
		if n.SentAt == nil {
			t.Errorf("notification %s not marked sent (attempts %d, %s)", n.Key, n.Attempts, n.LastError)
		}
	}
}
