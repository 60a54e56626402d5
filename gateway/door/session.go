package door

import (
	"context"

	"signoff/i18n"
	"signoff/service"
	"signoff/store"
)

// What the gateway's session middleware learned of a page's reader, and what the route guard
// read of their grants: put in the request's context once, read by the pages.

// Session is a web reader's session: who they are (nil before sign-in), their session token,
// the CSRF token every form of theirs carries, and the language they read.
type Session struct {
	User  *store.User
	Token string
	CSRF  string
	Lang  i18n.Lang
}

type sessionKey struct{}

// WithSession records the reader's session in the context.
func WithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionOf is the reader's session: nobody signed in, in the default language, when the
// middleware did not run.
func SessionOf(ctx context.Context) *Session {
	if s, ok := ctx.Value(sessionKey{}).(*Session); ok {
		return s
	}
	return &Session{Lang: i18n.Default}
}

type grantsKey struct{}

// WithGrants records what the route guard found the caller may do, so that one request asks
// the policy and the registry once.
func WithGrants(ctx context.Context, g service.Grants) context.Context {
	return context.WithValue(ctx, grantsKey{}, g)
}

// GrantsOf returns the grants the guard read for this request, if it read them.
func GrantsOf(ctx context.Context) (service.Grants, bool) {
	g, ok := ctx.Value(grantsKey{}).(service.Grants)
	return g, ok
}
