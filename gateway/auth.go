package gateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"signoff/gateway/door"
	"signoff/service"
	"strings"
	"time"

	"signoff/store"
)

type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// sessionUser is the caller as the login and /me answers describe them.
type sessionUser struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	DepartmentID string   `json:"department_id"`
	Roles        []string `json:"roles"`
}

func sessionUserOf(u store.User) sessionUser {
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return sessionUser{ID: u.ID, Name: u.Name, DepartmentID: u.DepartmentID, Roles: roles}
}

type loginResponse struct {
	Token     string      `json:"token"`
	ExpiresAt time.Time   `json:"expires_at"`
	User      sessionUser `json:"user"`
	// MustChangePassword: an admin reset the password; the client should ask for a new one
	// (POST /auth/password) before anything else.
	MustChangePassword bool `json:"must_change_password"`
}

// login checks a user's password and opens a session: a random bearer token, stored hashed.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	var in loginRequest
	if err := door.DecodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	problems := service.FieldErrors{}
	in.User = strings.TrimSpace(in.User)
	if in.User == "" {
		problems.Add("user", "required")
	}
	if in.Password == "" {
		problems.Add("password", "required")
	}
	if err := problems.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	u, mustChange, err := s.signIn(ctx, r, in.User, in.Password)
	if err != nil {
		s.fail(w, r, writeRetryAfter(w, err))
		return
	}
	token, expires, err := s.openSession(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, loginResponse{Token: token, ExpiresAt: expires, User: sessionUserOf(u),
		MustChangePassword: mustChange})
}

// openSession starts a session for u: a random token, stored hashed, valid for auth.token_ttl
// and ended sooner by auth.idle_timeout of disuse (sessionUser).
func (s *server) openSession(ctx context.Context, u store.User) (token string, expires time.Time, err error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("login: token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(raw[:])
	at := s.now()
	expires = at.Add(s.auth.TokenTTL).UTC().Truncate(time.Second)
	if err := s.store.CreateSession(ctx, token, u.ID, at, expires); err != nil {
		return "", time.Time{}, fmt.Errorf("login: %w", err)
	}
	return token, expires, nil
}

// logout ends the caller's session.
func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	token, _ := bearerToken(r)
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	if err := s.store.DeleteSession(ctx, token); err != nil {
		s.fail(w, r, fmt.Errorf("logout: %w", err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type meResponse struct {
	User      sessionUser       `json:"user"`
	Email     string            `json:"email"`
	ActingFor []service.UserRef `json:"acting_for"` // delegators in force now: whom the caller may act for
}

// session returns the session of a token in force now, and marks it used: a session unused for
// auth.idle_timeout is over (store.ErrNotFound), as one past its expiry.
func (s *server) session(ctx context.Context, token string) (store.Session, error) {
	at := s.now()
	return s.store.SessionAt(ctx, token, at, at.Add(-s.auth.IdleTimeout))
}

// me describes the caller and whom they may act for now (代理).
func (s *server) me(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	actingFor, err := s.svc.ActingFor(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, meResponse{User: sessionUserOf(u), Email: u.Email, ActingFor: actingFor})
}
