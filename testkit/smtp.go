package testkit

import (
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mail is one message as the test SMTP server got it.
type Mail struct {
	Helo  string
	From  string // MAIL FROM argument
	Rcpts []string
	Auth  string // decoded AUTH PLAIN credentials, "\x00user\x00pass"
	Data  string // DATA, dot-unstuffed, with "\n" line endings
	TLS   bool   // the message (and any AUTH before it) arrived over TLS
}

// MailServer is a minimal SMTP server on 127.0.0.1 that speaks the real protocol to a real
// client and records what it receives: the other end of Signoff's e-mail in tests.
type MailServer struct {
	t        testing.TB
	ln       net.Listener
	RcptCode int  // reply to RCPT: 250 accepts
	Auth     bool // advertise and accept AUTH PLAIN
	Silent   bool // accept connections and say nothing
	// StartTLS, when set, is advertised as STARTTLS and used to upgrade the session.
	StartTLS *tls.Config
	// Implicit, when set, makes every connection TLS from its first byte (SMTPS, port 465).
	Implicit *tls.Config
	msgs     chan Mail
	wg       sync.WaitGroup
}

// NewMailServer starts a server, stopped when the test ends; configure may change its answers.
func NewMailServer(t testing.TB, configure func(*MailServer)) *MailServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := &MailServer{t: t, ln: ln, RcptCode: 250, msgs: make(chan Mail, 100)}
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

// Port is the port it listens on.
func (s *MailServer) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *MailServer) serve() {
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
			if s.Silent {
				_, _ = io.Copy(io.Discard, conn) // until the client gives up
				return
			}
			if s.Implicit != nil {
				tc := tls.Server(conn, s.Implicit)
				if tc.Handshake() != nil {
					return // a client that does not speak TLS
				}
				conn = tc
			}
			s.session(conn, true)
		}()
	}
}

// session speaks SMTP on conn; greet is false after STARTTLS, where the client speaks first.
func (s *MailServer) session(conn net.Conn, greet bool) {
	_, encrypted := conn.(*tls.Conn)
	m := Mail{TLS: encrypted}
	c := textproto.NewConn(conn)
	reply := func(format string, args ...any) bool { return c.PrintfLine(format, args...) == nil }
	if greet && !reply("220 test.local ESMTP") {
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
			m.Helo = arg
			ext := []string{"test.local", "8BITMIME", "SIZE 1000000"}
			if s.StartTLS != nil && !m.TLS {
				ext = append(ext, "STARTTLS")
			}
			if s.Auth {
				ext = append(ext, "AUTH PLAIN")
			}
			for i, e := range ext {
				sep := "-"
				if i == len(ext)-1 {
					sep = " "
				}
				if !reply("250%s%s", sep, e) {
					return
				}
			}
		case "STARTTLS":
			if s.StartTLS == nil || m.TLS {
				reply("502 not offered")
				continue
			}
			if !reply("220 2.0.0 ready to start TLS") {
				return
			}
			tc := tls.Server(conn, s.StartTLS)
			if tc.Handshake() != nil {
				return
			}
			// RFC 3207: the session starts over, forgetting what the client said in clear.
			s.session(tc, false)
			return
		case "HELO":
			m.Helo = arg
			reply("250 test.local")
		case "AUTH":
			mech, cred, _ := strings.Cut(arg, " ")
			b, err := base64.StdEncoding.DecodeString(cred)
			if !s.Auth || mech != "PLAIN" || err != nil {
				reply("504 unsupported")
				continue
			}
			m.Auth = string(b)
			reply("235 2.7.0 accepted")
		case "MAIL":
			m.From = arg
			reply("250 2.1.0 ok")
		case "RCPT":
			if s.RcptCode != 250 {
				reply("%d 5.1.1 no such user", s.RcptCode)
				continue
			}
			m.Rcpts = append(m.Rcpts, arg)
			reply("250 2.1.5 ok")
		case "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			b, err := c.ReadDotBytes()
			if err != nil {
				return
			}
			m.Data = string(b)
			s.msgs <- m
			m = Mail{Helo: m.Helo}
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

// Message returns the next message the server received, failing the test after 5 s without one.
func (s *MailServer) Message() Mail {
	s.t.Helper()
	select {
	case m := <-s.msgs:
		return m
	case <-time.After(5 * time.Second):
		s.t.Fatal("no message received")
		return Mail{}
	}
}

// None fails the test if a message is waiting.
func (s *MailServer) None() {
	s.t.Helper()
	select {
	case m := <-s.msgs:
		s.t.Errorf("unexpected message %+v", m)
	default:
	}
}
