package gateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"signoff/gateway/door"
	"signoff/service"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

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
}

// dummyHash is compared against when the user does not exist, so that a wrong user name takes
// as long to refuse as a wrong password and does not reveal who has an account.
var dummyHash = sync.OnceValue(func() []byte {
	h, err := bcrypt.GenerateFromPassword([]byte("signoff: no such user"), bcrypt.DefaultCost)
	if err != nil {
		panic(err) // only an invalid cost makes bcrypt fail
	}
	return h
})

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
	u, err := s.signIn(ctx, r, in.User, in.Password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	token, expires, err := s.openSession(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, loginResponse{Token: token, ExpiresAt: expires, User: sessionUserOf(u)})
}

// checkPassword returns the user whose password this is, or door.ErrInvalidCredentials. The API's
// login and the web sign-in both check through it.
func (s *server) checkPassword(ctx context.Context, userID, password string) (store.User, error) {
	if len(userID) > 200 || len(password) > 72 { // bcrypt reads at most 72 bytes
		return store.User{}, door.ErrInvalidCredentials
	}
	u, err := s.store.UserByID(ctx, userID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return store.User{}, door.ErrInvalidCredentials
	case err != nil:
		return store.User{}, fmt.Errorf("login: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return store.User{}, door.ErrInvalidCredentials
	}
	return u, nil
}

// openSession starts a session for u: a random token, stored hashed, valid for auth.token_ttl.
func (s *server) openSession(ctx context.Context, u store.User) (token string, expires time.Time, err error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("login: token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(raw[:])
	expires = s.now().Add(s.auth.TokenTTL).UTC().Truncate(time.Second)
	if err := s.store.CreateSession(ctx, token, u.ID, expires); err != nil {
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
