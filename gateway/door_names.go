package gateway

import (
	"context"
	"net/http"

	"signoff/gateway/door"
	"signoff/store"
)

// The gateway's short names for the door kit (gateway/door), for the handlers that still live in
// this package. They go as each domain's handlers move to gateway/api and gateway/web.

type apiError = door.Error

var (
	errUnauthorized       = door.ErrUnauthorized
	errInvalidCredentials = door.ErrInvalidCredentials
	errForbidden          = door.ErrForbidden
	errNotFound           = door.ErrNotFound
	errMethodNotAllowed   = door.ErrMethodNotAllowed
	errUnsupportedMedia   = door.ErrUnsupportedMedia
	errBodyTooLarge       = door.ErrBodyTooLarge
	errInternal           = door.ErrInternal
	errTimeout            = door.ErrTimeout
)

const maxIdempotencyKey = door.MaxIdempotencyKey

func idempotencyKey(r *http.Request) (string, error)     { return door.IdempotencyKey(r) }
func classify(err error) *apiError                       { return door.Classify(err) }
func decodeJSON(r *http.Request, dst any) error          { return door.DecodeJSON(r, dst) }
func writeJSON(w http.ResponseWriter, status int, v any) { door.WriteJSON(w, status, v) }
func userFrom(ctx context.Context) store.User            { return door.User(ctx) }
func requestIDFrom(ctx context.Context) string           { return door.RequestID(ctx) }

func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) { door.Fail(w, r, s.log, err) }
