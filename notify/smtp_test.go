package notify_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"signoff/notify"
)

// received is one message as the test SMTP server got it.
type received struct {
	helo  string
	from  string // MAIL FROM argument
	rcpts []string
	auth  string // decoded AUTH PLAIN credentials, "\x00user\x00pass"
	data  string // DATA, dot-unstuffed, with "\n" line endings
}

// smtpServer is a minimal SMTP server on 127.0.0.1 that records what it receives.
type smtpServer struct {
	t        *testing.T
	ln       net.Listener
	rcptCode int  // reply to RCPT: 250 accepts
	auth     bool // advertise and accept AUTH PLAIN
	silent   bool // accept connections and say nothing
	msgs     chan received
	wg       sync.WaitGroup
}

func newSMTPServer(t *testing.T, configure func(*smtpServer)) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := &smtpServer{t: t, ln: ln, rcptCode: 250, msgs: make(chan received, 10)}
	if configure != nil {
		configure(s)
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *smtpServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *smtpServer) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			if s.silent {
				_, _ = io.Copy(io.Discard, conn) // until the client gives up
				return
			}
			s.session(textproto.NewConn(conn))
		}()
	}
}

func (s *smtpServer) session(c *textproto.Conn) {
	var m received
	reply := func(format string, args ...any) bool { return c.PrintfLine(format, args...) == nil }
	if !reply("220 test.local ESMTP") {
		return
	}
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			m.helo = arg
			ext := "250-test.local\r\n250-8BITMIME\r\n250 SIZE 1000000"
			if s.auth {
				ext = "250-test.local\r\n250-8BITMIME\r\n250 AUTH PLAIN"
			}
			reply("%s", ext)
		case "HELO":
			m.helo = arg
			reply("250 test.local")
		case "AUTH":
			mech, cred, _ := strings.Cut(arg, " ")
			b, err := base64.StdEncoding.DecodeString(cred)
			if !s.auth || mech != "PLAIN" || err != nil {
				reply("504 unsupported")
				continue
			}
			m.auth = string(b)
			reply("235 2.7.0 accepted")
		case "MAIL":
			m.from = arg
			reply("250 2.1.0 ok")
		case "RCPT":
			if s.rcptCode != 250 {
				reply("%d 5.1.1 no such user", s.rcptCode)
				continue
			}
			m.rcpts = append(m.rcpts, arg)
			reply("250 2.1.5 ok")
		case "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			b, err := c.ReadDotBytes()
			if err != nil {
				return
			}
			m.data = string(b)
			s.msgs <- m
			m = received{helo: m.helo}
			reply("250 2.0.0 queued")
		case "RSET", "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 unknown command")
		}
	}
}

// message returns the one message the server received, failing if there is none.
func (s *smtpServer) message() received {
	s.t.Helper()
	select {
	case m := <-s.msgs:
		return m
	case <-time.After(5 * time.Second):
		s.t.Fatal("no message received")
		return received{}
	}
}

func (s *smtpServer) none() {
	s.t.Helper()
	select {
	case m := <-s.msgs:
		s.t.Errorf("unexpected message %+v", m)
	default:
	}
}

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
			srv := newSMTPServer(t, nil)
			s := notify.SMTP{Host: "127.0.0.1", Port: srv.port(), From: "signoff@example.com", Timeout: 5 * time.Second}
			if !s.Enabled() {
				t.Fatal("configured SMTP reports disabled")
			}
			if err := s.Send(boundedCtx(t, 10*time.Second), tt.key, tt.to, tt.subject, tt.body); err != nil {
				t.Fatalf("send: %v", err)
			}
			m := srv.message()
			if !strings.HasPrefix(m.from, "FROM:<signoff@example.com>") || len(m.rcpts) != 1 || m.rcpts[0] != "TO:<"+tt.to+">" {
				t.Errorf("envelope: MAIL %q RCPT %q", m.from, m.rcpts)
			}
			msg, err := mail.ReadMessage(strings.NewReader(m.data))
			if err != nil {
				t.Fatalf("parse message: %v\n%s", err, m.data)
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
	srv := newSMTPServer(t, func(s *smtpServer) { s.auth = true })
	s := notify.SMTP{Host: "127.0.0.1", Port: srv.port(), From: "signoff@example.com",
		Username: "robot", Password: "s3cret", Timeout: 5 * time.Second}
	if err := s.Send(boundedCtx(t, 10*time.Second), "k", "a@example.com", "主题", "正文"); err != nil {
		t.Fatalf("send: %v", err)
	}
	if m := srv.message(); m.auth != "\x00robot\x00s3cret" {
		t.Errorf("AUTH PLAIN credentials = %q", m.auth)
	}
	// A server that offers no authentication refuses a client that needs it.
	plain := newSMTPServer(t, nil)
	s.Port = plain.port()
	if err := s.Send(boundedCtx(t, 10*time.Second), "k", "a@example.com", "主题", "正文"); err == nil {
		t.Errorf("send with credentials to a server without AUTH: no error")
	}
	plain.none()
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
		server  func(*smtpServer) // nil: no server at all
		timeout time.Duration
		ctx     time.Duration
		to      string
		wantIn  string
	}{
		{"recipient refused", func(s *smtpServer) { s.rcptCode = 550 }, 5 * time.Second, 10 * time.Second, "ghost@example.com", "rcpt"},
		{"recipient with a line break", func(*smtpServer) {}, 5 * time.Second, 10 * time.Second, "a@example.com\r\nBcc: x@evil", "rcpt"},
		{"nobody listening", nil, 2 * time.Second, 10 * time.Second, "a@example.com", "dial"},
		{"server never greets, timeout without a context deadline", func(s *smtpServer) { s.silent = true }, 300 * time.Millisecond, 0, "a@example.com", "hello"},
		{"server never greets, context deadline", func(s *smtpServer) { s.silent = true }, 10 * time.Second, 300 * time.Millisecond, "a@example.com", "hello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := notify.SMTP{Host: "127.0.0.1", From: "signoff@example.com", Timeout: tt.timeout}
			var srv *smtpServer
			if tt.server != nil {
				srv = newSMTPServer(t, tt.server)
				s.Port = srv.port()
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
				srv.none()
			}
		})
	}
}

// TestSMTPTimeoutWithLongerContext: SMTP.Timeout bounds a send even when the caller's context
// allows longer (a Temporal activity's context typically has a deadline of minutes).
func TestSMTPTimeoutWithLongerContext(t *testing.T) {
	srv := newSMTPServer(t, func(s *smtpServer) { s.silent = true })
	s := notify.SMTP{Host: "127.0.0.1", Port: srv.port(), From: "signoff@example.com", Timeout: 300 * time.Millisecond}
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
	srv := newSMTPServer(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := notify.SMTP{Host: "127.0.0.1", Port: srv.port(), From: "signoff@example.com", Timeout: 5 * time.Second}
	err := s.Send(ctx, "k", "a@example.com", "主题", "正文")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	srv.none()
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
