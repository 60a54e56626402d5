package gateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"signoff/config"
	"signoff/gateway/door"
	"signoff/store"
	"signoff/text"
)

// Single sign-on through the company's OpenID provider (auth.oidc.*): the authorization code
// flow with PKCE. GET /login/sso starts an attempt: a random state, nonce and PKCE verifier,
// kept in a short-lived HttpOnly, SameSite=Lax cookie scoped to /login/sso, so that only the
// browser that started the attempt can finish it. The provider sends the browser back to
// /login/sso/callback with a code; the callback refuses a state that is not the cookie's (a
// forged or replayed callback), exchanges the code with the verifier (the provider refuses a
// code used before), verifies the ID token (signature, issuer, audience, expiry; the nonce
// here), reads the configured claim (from the ID token, else from the userinfo endpoint) and
// finds the member it names. The session is then the very one a password opens; sign-out is
// the same too. Every outcome is in the audit log: sign_in with code "sso", or sign_in_failed
// with the refusal's code. Nothing here is stored server-side, so any gateway finishes an
// attempt another one started.

const (
	ssoCookie     = "signoff_sso"
	ssoCookiePath = "/login/sso"
	ssoAttemptTTL = 10 * time.Minute // time a person has at the provider's sign-in page
	ssoTimeout    = 10 * time.Second // bounds each call to the provider
	ssoAuditCode  = "sso"            // the code of an SSO sign-in's audit entry
)

// The refusals of single sign-on, each with a code that stays put.
var (
	errSSOState = &door.Error{Status: http.StatusBadRequest, Code: "sso_state",
		Message: "This single sign-on did not start in this browser or has expired; start again from the sign-in page."}
	errSSORefused = &door.Error{Status: http.StatusUnauthorized, Code: "sso_refused",
		Message: "The identity provider did not confirm who you are; start again from the sign-in page."}
	errSSOUnknownUser = &door.Error{Status: http.StatusUnauthorized, Code: "sso_unknown_user",
		Message: "The identity provider knows you, but you are not a member of this organisation in Signoff; ask an administrator."}
	errSSOUnavailable = &door.Error{Status: http.StatusBadGateway, Code: "sso_unavailable",
		Message: "The identity provider cannot be reached; try again later, or sign in with your password."}
)

// ssoClient is the provider as the gateway uses it. Its metadata is read on the first sign-in
// rather than at start, so a gateway whose provider is down still starts and takes passwords.
type ssoClient struct {
	cfg  config.OIDCConfig
	http *http.Client

	mu       sync.Mutex
	provider *oidc.Provider // nil until discovered
}

// newSSO returns the client of an enabled single sign-on, or nil.
func newSSO(cfg config.OIDCConfig) *ssoClient {
	if !cfg.Enabled() {
		return nil
	}
	return &ssoClient{cfg: cfg, http: &http.Client{Timeout: ssoTimeout}}
}

// discover reads the provider's metadata once; a failure is tried again on the next sign-in.
func (c *ssoClient) discover(ctx context.Context) (*oidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, nil
	}
	p, err := oidc.NewProvider(c.context(ctx), c.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("sso: discover %s: %w", c.cfg.Issuer, err)
	}
	c.provider = p
	return p, nil
}

// context carries the bounded HTTP client to go-oidc and oauth2.
func (c *ssoClient) context(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, c.http)
}

func (c *ssoClient) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: c.cfg.RedirectURL, Scopes: c.cfg.ScopeList()}
}

// ssoAttempt is what the attempt cookie holds between the start and the callback.
type ssoAttempt struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"next"`
}

func randomToken() string {
	var raw [32]byte
	_, _ = rand.Read(raw[:]) // crypto/rand does not fail
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

// ssoStart sends the browser to the provider with a fresh attempt.
func (s *server) ssoStart(w http.ResponseWriter, r *http.Request) {
	if s.sso == nil {
		s.web.ErrorPage(w, r, door.ErrNotFound)
		return
	}
	next := localPath(r.URL.Query().Get("next"))
	if door.SessionOf(r.Context()).User != nil {
		http.Redirect(w, r, next, http.StatusSeeOther) // signed in already, as /login does
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), ssoTimeout)
	defer cancel()
	p, err := s.sso.discover(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "sso unavailable", "request_id", door.RequestID(ctx), "error", err)
		s.web.ErrorPage(w, r, errSSOUnavailable)
		return
	}
	a := ssoAttempt{State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier(), Next: next}
	raw, err := json.Marshal(a)
	if err != nil {
		s.web.ErrorPage(w, r, fmt.Errorf("sso: attempt: %w", err))
		return
	}
	c := s.cookie(r, ssoCookie, base64.RawURLEncoding.EncodeToString(raw), int(ssoAttemptTTL.Seconds()))
	c.Path = ssoCookiePath
	http.SetCookie(w, c)
	http.Redirect(w, r, s.sso.oauth(p).AuthCodeURL(a.State, oidc.Nonce(a.Nonce), oauth2.S256ChallengeOption(a.Verifier)),
		http.StatusFound)
}

// ssoCallback finishes an attempt: the provider's code becomes a session, or a refusal page.
func (s *server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	if s.sso == nil {
		s.web.ErrorPage(w, r, door.ErrNotFound)
		return
	}
	// The attempt is used up whatever happens next.
	a, ok := s.ssoAttemptOf(r)
	gone := s.cookie(r, ssoCookie, "", -1)
	gone.Path = ssoCookiePath
	http.SetCookie(w, gone)

	ctx, cancel := context.WithTimeout(r.Context(), 3*ssoTimeout)
	defer cancel()
	q := r.URL.Query()
	if !ok || !sameToken(q.Get("state"), a.State) {
		s.ssoRefuse(w, r, "", errSSOState, errors.New("state is not this browser's attempt"))
		return
	}
	if e := q.Get("error"); e != "" {
		s.ssoRefuse(w, r, "", errSSORefused, fmt.Errorf("provider answered %q", e))
		return
	}
	u, claimed, err := s.ssoIdentify(ctx, a, q.Get("code"))
	if err != nil {
		var refusal *door.Error
		if !errors.As(err, &refusal) {
			s.web.ErrorPage(w, r, err)
			return
		}
		s.ssoRefuse(w, r, claimed, refusal, err)
		return
	}
	e := entryFor(r, store.AuditSignIn, r.Method+" "+r.URL.Path)
	e.ActorID, e.Code, e.Details = u.ID, ssoAuditCode, map[string]any{"method": "sso"}
	s.svc.RecordAudit(ctx, e)

	token, expires, err := s.openSession(ctx, u)
	if err != nil {
		s.web.ErrorPage(w, r, err)
		return
	}
	http.SetCookie(w, s.cookie(r, loginCSRFCookie, "", -1))
	c := s.cookie(r, sessionCookie, token, int(time.Until(expires).Seconds()))
	c.Expires = expires
	http.SetCookie(w, c)
	http.Redirect(w, r, localPath(a.Next), http.StatusSeeOther)
}

// ssoAttemptOf reads the attempt cookie.
func (s *server) ssoAttemptOf(r *http.Request) (ssoAttempt, bool) {
	c, err := r.Cookie(ssoCookie)
	if err != nil || len(c.Value) > 1024 {
		return ssoAttempt{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return ssoAttempt{}, false
	}
	var a ssoAttempt
	if json.Unmarshal(raw, &a) != nil || a.State == "" || a.Nonce == "" || a.Verifier == "" {
		return ssoAttempt{}, false
	}
	return a, true
}

// ssoIdentify exchanges the code and returns the member the verified ID token names, with the
// claimed name (for the audit log of a refusal). A refusal is a *door.Error wrapping its cause.
func (s *server) ssoIdentify(ctx context.Context, a ssoAttempt, code string) (store.User, string, error) {
	p, err := s.sso.discover(ctx)
	if err != nil {
		return store.User{}, "", refusal(errSSOUnavailable, err)
	}
	octx := s.sso.context(ctx)
	tok, err := s.sso.oauth(p).Exchange(octx, code, oauth2.VerifierOption(a.Verifier))
	if err != nil {
		return store.User{}, "", refusal(errSSORefused, fmt.Errorf("exchange code: %w", err))
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return store.User{}, "", refusal(errSSORefused, errors.New("no id_token in the token response"))
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: s.sso.cfg.ClientID}).Verify(octx, rawID)
	if err != nil {
		return store.User{}, "", refusal(errSSORefused, fmt.Errorf("verify id_token: %w", err))
	}
	if !sameToken(idt.Nonce, a.Nonce) {
		return store.User{}, "", refusal(errSSORefused, errors.New("id_token nonce is not this attempt's"))
	}
	claimed, err := s.sso.claimed(octx, p, idt, tok)
	if err != nil {
		return store.User{}, "", refusal(errSSORefused, err)
	}
	u, err := s.ssoMember(ctx, claimed)
	return u, claimed, err
}

// claimed reads the configured claim: from the ID token, or else from the userinfo endpoint
// (many providers put only the subject in the ID token), whose subject must be the token's.
func (c *ssoClient) claimed(ctx context.Context, p *oidc.Provider, idt *oidc.IDToken, tok *oauth2.Token) (string, error) {
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return "", fmt.Errorf("id_token claims: %w", err)
	}
	if _, ok := claims[c.cfg.UserClaim]; !ok {
		info, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return "", fmt.Errorf("userinfo: %w", err)
		}
		if info.Subject != idt.Subject {
			return "", fmt.Errorf("userinfo names subject %q, the id_token %q", info.Subject, idt.Subject)
		}
		claims = map[string]any{}
		if err := info.Claims(&claims); err != nil {
			return "", fmt.Errorf("userinfo claims: %w", err)
		}
	}
	value, _ := claims[c.cfg.UserClaim].(string)
	if c.cfg.UserClaim == config.OIDCEmailClaim {
		if verified, ok := claims["email_verified"].(bool); ok && !verified {
			return "", fmt.Errorf("e-mail %q is not verified at the provider", value)
		}
	}
	if value = strings.TrimSpace(value); value == "" {
		return "", fmt.Errorf("no %s claim", c.cfg.UserClaim)
	}
	return value, nil
}

// ssoMember finds the active member a claim names: by e-mail for the email claim, by user ID
// for any other.
func (s *server) ssoMember(ctx context.Context, claimed string) (store.User, error) {
	if !text.Valid(claimed) || len([]rune(claimed)) > maxAuditedName {
		return store.User{}, refusal(errSSOUnknownUser, errors.New("claim is not a name Signoff could hold"))
	}
	var u store.User
	var err error
	if s.sso.cfg.UserClaim == config.OIDCEmailClaim {
		u, err = s.store.UserByEmail(ctx, claimed)
	} else {
		u, err = s.store.UserByID(ctx, claimed)
	}
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrSharedEmail):
		return store.User{}, refusal(errSSOUnknownUser, err)
	case err != nil:
		return store.User{}, fmt.Errorf("sso: member: %w", err)
	}
	return u, nil
}

// refusedSSO is a refusal shown as its door.Error, with its cause kept for the log.
type refusedSSO struct {
	shown *door.Error
	cause error
}

func (e *refusedSSO) Error() string { return e.shown.Code + ": " + e.cause.Error() }

// As lets errors.As find the door.Error the page shows.
func (e *refusedSSO) As(target any) bool {
	if t, ok := target.(**door.Error); ok {
		*t = e.shown
		return true
	}
	return false
}

func (e *refusedSSO) Unwrap() error { return e.cause }

func refusal(shown *door.Error, cause error) error { return &refusedSSO{shown: shown, cause: cause} }

// ssoRefuse records a refused single sign-on, logs its cause and shows the refusal.
func (s *server) ssoRefuse(w http.ResponseWriter, r *http.Request, claimed string, shown *door.Error, cause error) {
	s.log.InfoContext(r.Context(), "sso refused", "request_id", door.RequestID(r.Context()), "code", shown.Code, "error", cause)
	e := entryFor(r, store.AuditSignInFailed, r.Method+" "+r.URL.Path)
	if text.Valid(claimed) {
		e.ActorID = truncateName(claimed)
	}
	e.Code, e.Details = shown.Code, map[string]any{"method": "sso"}
	s.svc.RecordAudit(r.Context(), e)
	s.web.ErrorPage(w, r, shown)
}
