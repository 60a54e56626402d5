package notify_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"signoff/notify"
	"signoff/testkit"
)

func boundedCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// TestSMTPSend delivers messages to the test server and reads them back as a mail reader would.
func TestSMTPSend(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		to      string
		subject string
		body    string
	}{
		{"todo in Chinese", "EXP-2026-000123/2/todo/li.na/email", "li.na@example.com",
			"【Signoff】待办：EXP-2026-000123 北京出差报销 等待您处理",
			"李娜，您好：\n\n【Signoff】待办：EXP-2026-000123 北京出差报销 等待您处理\n\n查看：https://signoff.example.com/cases/EXP-2026-000123\n"},
		{"long subject spans several encoded words", "k2", "wang.fang@example.com",
			"【Signoff】督办：EXP-2026-000124 " + strings.Repeat("很长的标题", 12) + " 已超时",
			"正文\n"},
		{"ASCII subject", "k3", "a@example.com", "plain subject", "hello\n"},
		{"body lines that look like the end of data", "k4", "a@example.com", "点",
			"first\n.\n..two dots\n.hidden\nlast\n"},
		{"body without a final newline", "k5", "a@example.com", "无换行", "one line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testkit.NewMailServer(t, nil)
			s := notify.SMTP{Host: "127.0.0.1", Port: srv.Port(), From: "signoff@example.com", Timeout: 5 * time.Second}
			if !s.Enabled() {
				t.Fatal("configured SMTP reports disabled")
			}
			if err := s.Send(boundedCtx(t, 10*time.Second), tt.key, tt.to, tt.subject, tt.body); err != nil {
				t.Fatalf("send: %v", err)
			}
			m := srv.Message()
			if !strings.HasPrefix(m.From, "FROM:<signoff@example.com>") || len(m.Rcpts) != 1 || m.Rcpts[0] != "TO:<"+tt.to+">" {
				t.Errorf("envelope: MAIL %q RCPT %q", m.From, m.Rcpts)
			}
			msg, err := mail.ReadMessage(strings.NewReader(m.Data))
			if err != nil {
				t.Fatalf("parse message: %v\n%s", err, m.Data)
			}
			h := msg.Header
			rawSubject := h.Get("Subject")
			if strings.ContainsFunc(rawSubject, func(r rune) bool { return r > 127 }) {
				t.Errorf("Subject header is not ASCII: %q", rawSubject)
			}
			if rawSubject != tt.subject && !strings.HasPrefix(rawSubject, "=?UTF-8?b?") {
				t.Errorf("Subject %q is neither plain ASCII nor RFC 2047 B-encoded UTF-8", rawSubject)
			}
			dec := new(mime.WordDecoder)
			if subject, err := dec.DecodeHeader(rawSubject); err != nil || subject != tt.subject {
				t.Errorf("decoded Subject = %q, %v; want %q", subject, err, tt.subject)
			}
			if got, want := h.Get("Message-Id"), "<"+tt.key+"@signoff>"; got != want {
				t.Errorf("Message-ID = %q, want %q", got, want)
			}
			if got := h.Get("From"); got != "signoff@example.com" {
				t.Errorf("From = %q", got)
			}
			if got := h.Get("To"); got != tt.to {
				t.Errorf("To = %q, want %q", got, tt.to)
			}
			if got := h.Get("Content-Type"); got != "text/plain; charset=UTF-8" || h.Get("MIME-Version") != "1.0" {
				t.Errorf("Content-Type %q MIME-Version %q", got, h.Get("MIME-Version"))
			}
			body, err := io.ReadAll(msg.Body)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.TrimSuffix(string(body), "\n"), strings.TrimSuffix(tt.body, "\n"); got != want {
				t.Errorf("body = %q, want %q", got, want)
			}
		})
	}
}

// TestSMTPAuth: with a user name the credentials are sent with AUTH PLAIN.
func TestSMTPAuth(t *testing.T) {
	srv := testkit.NewMailServer(t, func(s *testkit.MailServer) { s.Auth = true })
	s := notify.SMTP{Host: "127.0.0.1", Port: srv.Port(), From: "signoff@example.com",
		Username: "robot", Password: "s3cret", Timeout: 5 * time.Second}
	if err := s.Send(boundedCtx(t, 10*time.Second), "k", "a@example.com", "主题", "正文"); err != nil {
		t.Fatalf("send: %v", err)
	}
	if m := srv.Message(); m.Auth != "\x00robot\x00s3cret" {
		t.Errorf("AUTH PLAIN credentials = %q", m.Auth)
	}
	// A server that offers no authentication refuses a client that needs it.
	plain := testkit.NewMailServer(t, nil)
	s.Port = plain.Port()
	if err := s.Send(boundedCtx(t, 10*time.Second), "k", "a@example.com", "主题", "正文"); err == nil {
		t.Errorf("send with credentials to a server without AUTH: no error")
	}
	plain.None()
}

// TestSMTPFailures: every way delivery can fail is reported, promptly.
func TestSMTPFailures(t *testing.T) {
	closedPort := func(t *testing.T) int {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		return p
	}
	tests := []struct {
		name    string
		server  func(*testkit.MailServer) // nil: no server at all
		timeout time.Duration
		ctx     time.Duration
		to      string
		wantIn  string
	}{
		{"recipient refused", func(s *testkit.MailServer) { s.RcptCode = 550 }, 5 * time.Second, 10 * time.Second, "ghost@example.com", "rcpt"},
		{"recipient with a line break", func(*testkit.MailServer) {}, 5 * time.Second, 10 * time.Second, "a@example.com\r\nBcc: x@evil", "rcpt"},
		{"nobody listening", nil, 2 * time.Second, 10 * time.Second, "a@example.com", "dial"},
		{"server never greets, timeout without a context deadline", func(s *testkit.MailServer) { s.Silent = true }, 300 * time.Millisecond, 0, "a@example.com", "hello"},
		{"server never greets, context deadline", func(s *testkit.MailServer) { s.Silent = true }, 10 * time.Second, 300 * time.Millisecond, "a@example.com", "hello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := notify.SMTP{Host: "127.0.0.1", From: "signoff@example.com", Timeout: tt.timeout}
			var srv *testkit.MailServer
			if tt.server != nil {
				srv = testkit.NewMailServer(t, tt.server)
				s.Port = srv.Port()
			} else {
				s.Port = closedPort(t)
			}
			ctx := context.Background() // bounded by Timeout alone
			if tt.ctx > 0 {
				ctx = boundedCtx(t, tt.ctx)
			}
			start := time.Now()
			err := s.Send(ctx, "k", tt.to, "主题", "正文")
			elapsed := time.Since(start)
			if err == nil {
				t.Fatal("send: no error")
			}
			if !strings.Contains(err.Error(), "smtp "+tt.wantIn) {
				t.Errorf("error %q does not name the failing stage %q", err, tt.wantIn)
			}
			limit := tt.timeout
			if tt.ctx > 0 {
				limit = min(limit, tt.ctx)
			}
			if limit += 2 * time.Second; elapsed > limit {
				t.Errorf("failed after %v, want within %v", elapsed, limit)
			}
			if srv != nil {
				srv.None()
			}
		})
	}
}

// TestSMTPTimeoutWithLongerContext: SMTP.Timeout bounds a send even when the caller's context
// allows longer (a Temporal activity's context typically has a deadline of minutes).
func TestSMTPTimeoutWithLongerContext(t *testing.T) {
	srv := testkit.NewMailServer(t, func(s *testkit.MailServer) { s.Silent = true })
	s := notify.SMTP{Host: "127.0.0.1", Port: srv.Port(), From: "signoff@example.com", Timeout: 300 * time.Millisecond}
	start := time.Now()
	err := s.Send(boundedCtx(t, 8*time.Second), "k", "a@example.com", "主题", "正文")
	if err == nil {
		t.Fatal("send to a silent server: no error")
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("gave up after %v, want about the 300ms Timeout", elapsed)
	}
}

// TestSMTPCancelledContext: a cancelled context stops the dial.
func TestSMTPCancelledContext(t *testing.T) {
	srv := testkit.NewMailServer(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := notify.SMTP{Host: "127.0.0.1", Port: srv.Port(), From: "signoff@example.com", Timeout: 5 * time.Second}
	err := s.Send(ctx, "k", "a@example.com", "主题", "正文")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	srv.None()
}

func TestSMTPEnabled(t *testing.T) {
	for _, tt := range []struct {
		s    notify.SMTP
		want bool
	}{
		{notify.SMTP{}, false},
		{notify.SMTP{Port: 25, From: "x@y"}, false},
		{notify.SMTP{Host: "smtp.example.com"}, true},
	} {
		if got := tt.s.Enabled(); got != tt.want {
			t.Errorf("%+v.Enabled() = %v, want %v", tt.s, got, tt.want)
		}
	}
}
