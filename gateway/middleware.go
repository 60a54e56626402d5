package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"signoff/gateway/door"
	"signoff/store"
	"signoff/text"
)

// requestID names every request: the caller's X-Request-ID when it is short and plain (a proxy
// in front may have set it), else a random one. The ID is echoed in the response and logged.
func (s *server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !plainID(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(door.WithRequestID(r.Context(), id)))
	})
}

func plainID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// accessLog writes one structured line per request.
func (s *server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		id, user := door.RequestID(r.Context()), door.SignedInID(r.Context())
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		s.log.InfoContext(r.Context(), "http request",
			"request_id", id, "method", r.Method, "path", r.URL.Path, "status", status,
			"bytes", ww.BytesWritten(), "duration", time.Since(start), "user", user)
	})
}

// recoverPanics turns a panic in a handler into a logged 500.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if rec == http.ErrAbortHandler {
				panic(rec)
			}
			s.log.ErrorContext(r.Context(), "panic", "request_id", door.RequestID(r.Context()),
				"panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
			s.fail(w, r, door.ErrInternal)
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses bodies above MaxBodyBytes: at once when Content-Length says so, else when
// decoding reads past the limit.
func (s *server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.MaxBodyBytes {
			s.fail(w, r, door.ErrBodyTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// requireJSON refuses a POST whose body is not declared as application/json. A POST without a
// body (logout) needs no Content-Type.
func (s *server) requireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.ContentLength != 0 {
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				s.fail(w, r, door.ErrUnsupportedMedia)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves the bearer token to the caller, or answers 401.
func (s *server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r)
		if !ok {
			s.fail(w, r, door.ErrUnauthorized)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
		ss, err := s.session(ctx, token)
		cancel()
		switch {
		case errors.Is(err, store.ErrNotFound):
			s.fail(w, r, door.ErrUnauthorized)
			return
		case err != nil:
			s.fail(w, r, fmt.Errorf("authenticate: %w", err))
			return
		}
		ctx = door.WithUser(r.Context(), ss.User)
		if ss.MustChangePassword && !passwordChangeAllows(r) {
			s.fail(w, r.WithContext(ctx), errPasswordChangeRequired)
			return
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// bearerToken reads "Authorization: Bearer <token>".
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != "" && len(token) <= 256
}

// plainRequest refuses a path or query the text rule refuses (a %00, another control character,
// invalid UTF-8) before any handler reads it: nothing is named so, and such a byte would
// otherwise reach the store as a lookup key and fail there as a 500. A bad path is a 404 (no
// resource has that name); a bad or unreadable query is a 400 naming the parameter.
func (s *server) plainRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !text.Valid(r.URL.Path) { // decoded: a %00 or %ff is here as its byte
			s.failFor(w, r, door.ErrNotFound)
			return
		}
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			s.failFor(w, r, door.ErrMalformedQuery(""))
			return
		}
		for k, vs := range q {
			if !text.Valid(k) {
				s.failFor(w, r, door.ErrMalformedQuery(""))
				return
			}
			for _, v := range vs {
				if !text.Valid(v) {
					s.failFor(w, r, door.ErrMalformedQuery(k))
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
