package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"signoff/redact"
)

// How the connection to the relay is encrypted (notify.smtp.tls).
const (
	// TLSStartTLS upgrades with STARTTLS whenever the relay offers it (port 25 or 587). A relay
	// that does not offer it gets the message in clear, but never a password: net/smtp's PLAIN
	// auth refuses an unencrypted connection to anything but localhost.
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS, port 465).
	TLSImplicit = "implicit"
	// TLSNone never encrypts, even when offered: only for a relay on the same host.
	TLSNone = "none"
)

// SMTP sends e-mail through a relay.
type SMTP struct {
	Host     string
	Port     int
	From     string
	Username string
	Password string
	Timeout  time.Duration
	// TLS is TLSStartTLS (also when empty), TLSImplicit or TLSNone.
	TLS string
	// RootCAs verifies the relay's certificate; nil means the system's roots.
	RootCAs *x509.CertPool
	// Now stamps the Date header; nil means time.Now.
	Now func() time.Time
}

// Enabled reports whether a relay is configured.
func (s SMTP) Enabled() bool { return s.Host != "" }

// Send delivers one message. key is sent as the Message-ID so a relay or the reader can spot a
// repeat that slipped through after a crash between sending and marking it sent. Its error
// never shows the password, even where the relay echoes it.
func (s SMTP) Send(ctx context.Context, key, to, subject, body string) error {
	return redact.New(nil, s.Password).Error(s.send(ctx, key, to, subject, body))
}

func (s SMTP) send(ctx context.Context, key, to, subject, body string) error {
	mode := s.TLS
	if mode == "" {
		mode = TLSStartTLS
	}
	if mode != TLSStartTLS && mode != TLSImplicit && mode != TLSNone {
		return fmt.Errorf("smtp: unknown tls mode %q", s.TLS)
	}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	tlsConfig := &tls.Config{ServerName: s.Host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
	var conn net.Conn
	var err error
	if mode == TLSImplicit {
		d := tls.Dialer{NetDialer: &net.Dialer{Timeout: s.Timeout}, Config: tlsConfig}
		conn, err = d.DialContext(ctx, "tcp", addr)
	} else {
		d := net.Dialer{Timeout: s.Timeout}
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("smtp dial %s: %w", addr, err)
	}
	// The earlier of the caller's deadline and our own timeout: a relay that hangs must not hold
	// the whole activity.
	deadline := time.Now().Add(s.Timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp hello: %w", err)
	}
	defer c.Close()
	if mode == TLSStartTLS {
		if err := c.Hello("localhost"); err != nil {
			return fmt.Errorf("smtp hello: %w", err)
		}
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return fmt.Errorf("smtp starttls: %w", err)
			}
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("smtp mail from: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp rcpt %s: %w", to, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp data: %w", err)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	msg := strings.Join([]string{
		"Date: " + now().Format(time.RFC1123Z),
		"From: " + s.From,
		"To: " + to,
		"Subject: " + mime.BEncoding.Encode("UTF-8", subject),
		"Message-ID: <" + key + "@signoff>",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=UTF-8",
		"Content-Transfer-Encoding: 8bit",
		"",
		body,
	}, "\r\n")
	if _, err := w.Write([]byte(msg)); err != nil {
		return fmt.Errorf("smtp write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp end data: %w", err)
	}
	return c.Quit()
}
