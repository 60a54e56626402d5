// Package redact is the one home of how a secret is kept out of what Signoff writes down: the
// configuration it logs, the errors it returns (which the worker logs, the outbox stores as a
// notification's last error and Temporal keeps in workflow history) and anything echoed from a
// remote server. Secrets here are passwords, tokens and signing keys, and the credentials some
// services put in a URL (a chat robot's access_token, a connector's api_key). Pure: no I/O.
package redact

import (
	"errors"
	"net/url"
	"sort"
	"strings"
)

// Mask stands in for a secret. It is what url.URL.Redacted writes for a password.
const Mask = "xxxxx"

// minQuerySecret is the shortest query value taken for a credential: shorter ones (type=1,
// lang=zh) are settings, and replacing them everywhere would garble the text around them.
const minQuerySecret = 6

// minSecret is the shortest configured secret masked in text: a one- or two-letter "secret"
// (a test's "s") guards nothing, and masking every "s" would leave no message to read.
const minSecret = 4

// URL is raw with its password and every query value masked, keeping the scheme, host, path and
// the names of the parameters so an operator still sees where it points. A value that does not
// parse is masked whole, since there is no telling where a credential in it would be.
func URL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Mask
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{Mask}
		}
		// Encode would escape the mask's letters as they are: nothing to escape.
		u.RawQuery = q.Encode()
	}
	u.Fragment, u.RawFragment = "", ""
	return u.Redacted()
}

// Scrubber removes a set of secrets from text and errors. Build it once per configured sender.
type Scrubber struct {
	urls    []string // full URLs, replaced by their URL form first
	secrets []string // longest first, so a secret containing another goes whole
}

// New returns a Scrubber for the given URLs (masked whole wherever they appear, and their
// passwords and long query values wherever those appear alone) and secrets (those shorter than
// four bytes, empty ones included, are ignored).
func New(urls []string, secrets ...string) Scrubber {
	var s Scrubber
	add := func(v string) {
		if len(v) < minSecret {
			return
		}
		for _, form := range []string{v, url.QueryEscape(v), url.PathEscape(v)} {
			s.secrets = append(s.secrets, form)
		}
	}
	for _, raw := range urls {
		if raw == "" {
			continue
		}
		s.urls = append(s.urls, raw)
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		if p, ok := u.User.Password(); ok {
			add(p)
		}
		for _, vs := range u.Query() {
			for _, v := range vs {
				if len(v) >= minQuerySecret {
					add(v)
				}
			}
		}
	}
	for _, v := range secrets {
		add(v)
	}
	sort.Slice(s.secrets, func(i, j int) bool { return len(s.secrets[i]) > len(s.secrets[j]) })
	return s
}

// Text is text with every URL and secret of s masked.
func (s Scrubber) Text(text string) string {
	for _, raw := range s.urls {
		text = strings.ReplaceAll(text, raw, URL(raw))
	}
	for _, v := range s.secrets {
		text = strings.ReplaceAll(text, v, Mask)
	}
	return text
}

// Error is err with its message scrubbed, or nil for nil. The result does not unwrap to err:
// Temporal records an error's whole Unwrap chain in workflow history, so the raw cause must
// not be reachable. errors.Is still sees through it (a deadline stays a deadline).
func (s Scrubber) Error(err error) error {
	if err == nil {
		return nil
	}
	return &scrubbed{msg: s.Text(err.Error()), cause: err}
}

type scrubbed struct {
	msg   string
	cause error
}

func (e *scrubbed) Error() string { return e.msg }

// Is reports whether the scrubbed cause is target, without exposing the cause.
func (e *scrubbed) Is(target error) bool { return errors.Is(e.cause, target) }
