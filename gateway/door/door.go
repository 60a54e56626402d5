// Package door is the kit both of Signoff's doors use, the JSON API (gateway/api) and the web
// pages (gateway/web), and the gateway that mounts them: who is asking (the request's ID and the
// signed-in person, put in the context by the gateway's middleware), how a request body is read
// (one strict decoder), how a response is written, and the one mapping of every error to an HTTP
// status, a stable code and a sentence (errors.go). It holds no state and no rules.
package door

import (
	"context"
	"net/http"
	"unicode/utf8"

	"signoff/service"
	"signoff/store"
	"signoff/text"
)

type ctxKey int

const (
	keyRequest ctxKey = iota
	keyUser
)

// requestInfo is what the access log and the audit trail learn while a request is served.
type requestInfo struct {
	id      string
	userID  string
	refusal *Error // the 403 the request was answered with, noted by Fail and the pages
}

// WithRequestID starts a request's context with its ID.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, keyRequest, &requestInfo{id: id})
}

// RequestID is the request's ID ("" outside a request).
func RequestID(ctx context.Context) string {
	if ri, ok := ctx.Value(keyRequest).(*requestInfo); ok {
		return ri.id
	}
	return ""
}

// SignedInID is the ID of the person the request was signed in as, for the access log ("" when
// nobody signed in).
func SignedInID(ctx context.Context) string {
	if ri, ok := ctx.Value(keyRequest).(*requestInfo); ok {
		return ri.userID
	}
	return ""
}

// NoteRefusal remembers a refusal (403) the request is answered with, for the audit trail: the
// two places that turn errors into answers (Fail and the pages' error rendering) call it.
func NoteRefusal(ctx context.Context, e *Error) {
	if ri, ok := ctx.Value(keyRequest).(*requestInfo); ok && e.Status == http.StatusForbidden {
		ri.refusal = e
	}
}

// Refusal is the refusal noted for the request (nil when none was).
func Refusal(ctx context.Context) *Error {
	if ri, ok := ctx.Value(keyRequest).(*requestInfo); ok {
		return ri.refusal
	}
	return nil
}

// WithUser records the signed-in person in the context (and for the access log).
func WithUser(ctx context.Context, u store.User) context.Context {
	if ri, ok := ctx.Value(keyRequest).(*requestInfo); ok {
		ri.userID = u.ID
	}
	return context.WithValue(ctx, keyUser, u)
}

// User is the signed-in person. Only handlers behind sign-in call it.
func User(ctx context.Context) store.User {
	u, _ := ctx.Value(keyUser).(store.User)
	return u
}

// MaxIdempotencyKey is the longest Idempotency-Key accepted, in characters.
const MaxIdempotencyKey = 200

// IdempotencyKey reads the request's Idempotency-Key header ("" when absent).
func IdempotencyKey(r *http.Request) (string, error) {
	key := r.Header.Get("Idempotency-Key")
	if utf8.RuneCountInString(key) > MaxIdempotencyKey {
		return "", service.FieldErrors{"Idempotency-Key": {Key: "too_long", Args: []any{MaxIdempotencyKey}}}.Err()
	}
	if bad := text.Check(key); bad != "" {
		return "", service.FieldErrors{"Idempotency-Key": {Key: bad}}.Err()
	}
	return key, nil
}
