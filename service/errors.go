package service

import (
	"errors"
	"fmt"

	"signoff/i18n"
)

// The service's errors say what went wrong in the business's terms; the doors (gateway/) map
// them to HTTP statuses in one place. Field problems carry i18n keys so that the API says them
// in English and the web UI in the reader's language.

// Kind is the class of a refusal, which a door maps to its own status.
type Kind int

const (
	KindForbidden Kind = iota + 1 // the caller may not do this (403)
	KindNotFound                  // nothing here, or nothing the caller may see (404)
	KindConflict                  // not now: the thing is in another state (409)
	KindInvalid                   // well-formed but not acceptable (422)
)

// Error is a refusal with a stable code and a sentence a person can act on.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	// Details, when present, say more in machine-readable form (the capability missing, the
	// supplier's certificate that lapsed); the API sends them as its error's details.
	Details map[string]any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errors the operations return as they are.
var (
	ErrForbidden     = &Error{Kind: KindForbidden, Code: "forbidden", Message: "You are not allowed to do this."}
	ErrNotFound      = &Error{Kind: KindNotFound, Code: "not_found", Message: "There is nothing here."}
	ErrCaseNotRouted = &Error{Kind: KindConflict, Code: "not_allowed_now", Message: "The case is still being routed; try again in a moment."}
)

// Forbidden is ErrForbidden with a sentence saying why.
func Forbidden(message string) error {
	return &Error{Kind: KindForbidden, Code: ErrForbidden.Code, Message: message}
}

// Problem is what is wrong with one field: a key of the i18n catalogues ("problem." + Key) and
// its arguments.
type Problem struct {
	Key  string
	Args []any
}

// In renders the problem in lang.
func (p Problem) In(lang i18n.Lang) string { return i18n.T(lang, "problem."+p.Key, p.Args...) }

// FieldErrors collects what is wrong with a request, field by field, so that every problem is
// reported at once. Field names are JSON paths: "purpose", "lines[2].amount".
type FieldErrors map[string]Problem

// Add records a problem with a field; the first one found is kept.
func (f FieldErrors) Add(field, key string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = Problem{Key: key, Args: args}
	}
}

// Err is nil when nothing was wrong, else a *ValidationError.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}

// In renders every problem in lang, keyed by field.
func (f FieldErrors) In(lang i18n.Lang) map[string]string {
	out := make(map[string]string, len(f))
	for k, p := range f {
		out[k] = p.In(lang)
	}
	return out
}

// ValidationError is a request whose fields are wrong (invalid_input).
type ValidationError struct{ Fields FieldErrors }

func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid input: %v", e.Fields.In(i18n.EN))
}

// RefusedError is a well-formed request the business rules refuse, field by field
// (request_refused): a supplier not admitted, a quantity beyond the plan. It unwraps to its
// ValidationError, so forms show the reasons next to the fields like any other problem.
type RefusedError struct{ Fields FieldErrors }

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refused: %v", e.Fields.In(i18n.EN))
}

func (e *RefusedError) Unwrap() error { return &ValidationError{Fields: e.Fields} }

// FieldsOf returns the field problems an error carries (a validation or a refusal), or nil.
func FieldsOf(err error) FieldErrors {
	var invalid *ValidationError
	if errors.As(err, &invalid) {
		return invalid.Fields
	}
	return nil
}

// InternalError marks a failure that is ours whatever it wraps: a missing policy version or
// budget line the policy names is a broken deployment, not a 404 for the client.
type InternalError struct{ Err error }

func (e *InternalError) Error() string { return e.Err.Error() }
func (e *InternalError) Unwrap() error { return e.Err }

// Internal marks err as ours.
func Internal(err error) error { return &InternalError{Err: err} }

// NoRouteError is a case the policy cannot route.
type NoRouteError struct{ Err error }

func (e *NoRouteError) Error() string { return e.Err.Error() }
func (e *NoRouteError) Unwrap() error { return e.Err }
