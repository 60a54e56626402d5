package notify_test

import (
	"net/mail"
	"strings"
	"testing"
	"time"

	"signoff/notify"
	"signoff/testkit"
)

// TestSMTPEncryption: STARTTLS is used whenever the relay offers it (with or without a password),
// never with tls none; implicit TLS speaks TLS from the first byte; a certificate the client does
// not trust stops the send before anything, credentials included, crosses in clear.
func TestSMTPEncryption(t *testing.T) {
	serverTLS, trusted := testkit.SelfSignedTLS(t)
	tests := []struct {
		name      string
		server    func(*testkit.MailServer)
		mode      string
		user      string
		untrusted bool
		wantTLS   bool
		wantErrIn string // "" = delivered
	}{
		{name: "starttls offered, no password", server: func(s *testkit.MailServer) { s.StartTLS = serverTLS },
			mode: notify.TLSStartTLS, wantTLS: true},
		{name: "starttls is the default", server: func(s *testkit.MailServer) { s.StartTLS = serverTLS }, wantTLS: true},
		{name: "starttls offered, with a password", server: func(s *testkit.MailServer) { s.StartTLS = serverTLS; s.Auth = true },
			mode: notify.TLSStartTLS, user: "robot", wantTLS: true},
		{name: "starttls not offered: clear, as the relay allows", server: func(*testkit.MailServer) {},
			mode: notify.TLSStartTLS, wantTLS: false},
		{name: "none never upgrades", server: func(s *testkit.MailServer) { s.StartTLS = serverTLS },
			mode: notify.TLSNone, wantTLS: false},
		{name: "implicit", server: func(s *testkit.MailServer) { s.Implicit = serverTLS; s.Auth = true },
			mode: notify.TLSImplicit, user: "robot", wantTLS: true},
		{name: "implicit to a clear relay", server: func(*testkit.MailServer) {},
			mode: notify.TLSImplicit, wantErrIn: "smtp dial"},
		{name: "starttls with an untrusted certificate", server: func(s *testkit.MailServer) { s.StartTLS = serverTLS; s.Auth = true },
			mode: notify.TLSStartTLS, user: "robot", untrusted: true, wantErrIn: "smtp starttls"},
		{name: "implicit with an untrusted certificate", server: func(s *testkit.MailServer) { s.Implicit = serverTLS },
			mode: notify.TLSImplicit, untrusted: true, wantErrIn: "smtp dial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testkit.NewMailServer(t, tt.server)
			s := notify.SMTP{Host: "127.0.0.1", Port: srv.Port(), From: "signoff@example.com", Timeout: 5 * time.Second,
				TLS: tt.mode, RootCAs: trusted}
			if tt.untrusted {
				s.RootCAs = nil // the system's roots do not know the test's certificate
			}
			if tt.user != "" {
				s.Username, s.Password = tt.user, "s3cret"
			}
			err := s.Send(boundedCtx(t, 10*time.Second), "k", "a@example.com", "主题", "正文")
			if tt.wantErrIn != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrIn) {
					t.Fatalf("send: %v, want an error in %q", err, tt.wantErrIn)
				}
				srv.None()
				return
			}
			if err != nil {
				t.Fatalf("send: %v", err)
			}
			m := srv.Message()
			if m.TLS != tt.wantTLS {
				t.Errorf("message over TLS = %v, want %v", m.TLS, tt.wantTLS)
			}
			if tt.user != "" && m.Auth != "\x00robot\x00s3cret" {
				t.Errorf("AUTH PLAIN credentials = %q", m.Auth)
			}
		})
	}
}

// TestSMTPDateHeader: every message says when it was sent (RFC 5322 requires Date), in a form
// mail readers parse.
func TestSMTPDateHeader(t *testing.T) {
	srv := testkit.NewMailServer(t, nil)
	sent := time.Date(2026, 3, 4, 9, 30, 15, 0, time.FixedZone("CST", 8*3600))
	s := notify.SMTP{Host: "127.0.0.1", Port: srv.Port(), From: "signoff@example.com", Timeout: 5 * time.Second,
		Now: func() time.Time { return sent }}
	if err := s.Send(boundedCtx(t, 10*time.Second), "k", "a@example.com", "主题", "正文"); err != nil {
		t.Fatalf("send: %v", err)
	}
	msg, err := mail.ReadMessage(strings.NewReader(srv.Message().Data))
	if err != nil {
		t.Fatal(err)
	}
	got, err := msg.Header.Date()
	if err != nil || !got.Equal(sent) {
		t.Errorf("Date %q = %v, %v; want %v", msg.Header.Get("Date"), got, err, sent)
	}

	// Without a clock of its own, the sender stamps the time of sending.
	s.Now = nil
	before := time.Now().Truncate(time.Second)
	if err := s.Send(boundedCtx(t, 10*time.Second), "k2", "a@example.com", "主题", "正文"); err != nil {
		t.Fatalf("send: %v", err)
	}
	msg, err = mail.ReadMessage(strings.NewReader(srv.Message().Data))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := msg.Header.Date(); err != nil || got.Before(before) || got.After(time.Now()) {
		t.Errorf("Date %q = %v, %v; want the time of sending", msg.Header.Get("Date"), got, err)
	}
}
