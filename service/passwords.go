package service

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"signoff/policy"
	"signoff/store"
)

// Passwords are the password sign-in's operations: check a password, change one's own, reset
// someone else's (users.manage). The hashes live in the credentials table (store/credentials.go),
// never in the policy. Throttling is the doors' (gateway/auth_throttle.go): it counts requests
// by client address, which only a door knows.
type Passwords struct {
	svc  *Service
	rule PasswordRule
}

// PasswordRule is what a new password must be: at least MinLength characters (auth.min_password_length),
// at most 72 bytes (all bcrypt reads), and not the user's name.
type PasswordRule struct {
	MinLength int
}

// maxPasswordBytes is what bcrypt reads of a password; a longer one would be silently cut.
const maxPasswordBytes = 72

// NewPasswords returns the password operations of svc under rule.
func NewPasswords(svc *Service, rule PasswordRule) (*Passwords, error) {
	switch {
	case svc == nil:
		return nil, errors.New("passwords: Service is required")
	case rule.MinLength <= 0:
		return nil, errors.New("passwords: MinLength must be positive")
	}
	return &Passwords{svc: svc, rule: rule}, nil
}

// ErrWrongPassword is a refused password: no such user, no password, or not theirs. One error
// for all three, so that a refusal does not tell who has an account.
var ErrWrongPassword = errors.New("wrong user name or password")

// dummyHash is compared against when the user has no credential, so that a wrong user name takes
// as long to refuse as a wrong password.
var dummyHash = sync.OnceValue(func() []byte {
	h, err := bcrypt.GenerateFromPassword([]byte("signoff: no such user"), bcrypt.DefaultCost)
	if err != nil {
		panic(err) // only an invalid cost makes bcrypt fail
	}
	return h
})

// Verify returns the active user whose password this is and whether they must change it now
// (after an admin's reset), or ErrWrongPassword.
func (p *Passwords) Verify(ctx context.Context, userID, password string) (store.User, bool, error) {
	if len(userID) > 200 || len(password) > maxPasswordBytes {
		return store.User{}, false, ErrWrongPassword
	}
	c, err := p.svc.store.CredentialOf(ctx, userID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return store.User{}, false, ErrWrongPassword
	case err != nil:
		return store.User{}, false, Internal(fmt.Errorf("verify password: %w", err))
	}
	if bcrypt.CompareHashAndPassword([]byte(c.Hash), []byte(password)) != nil {
		return store.User{}, false, ErrWrongPassword
	}
	u, err := p.svc.store.UserByID(ctx, userID)
	if err != nil {
		return store.User{}, false, Internal(fmt.Errorf("verify password: %w", err))
	}
	return u, c.MustChange, nil
}

// PasswordChange is a user's change of their own password: the one they have, the new one, and
// the session they are changing it from (kept; their other sessions end).
type PasswordChange struct {
	Old       string
	New       string
	KeepToken string
}

// Change sets u's password to ch.New when ch.Old is their password now and ch.New meets the
// rule. A wrong old password is a field error of old_password, not a sign-in failure: the
// caller is signed in already.
func (p *Passwords) Change(ctx context.Context, u store.User, ch PasswordChange) error {
	bad := FieldErrors{}
	if ch.Old == "" {
		bad.Add("old_password", "required")
	}
	p.check(bad, "new_password", u, ch.New)
	if ch.New != "" && ch.New == ch.Old {
		bad.Add("new_password", "password_unchanged")
	}
	if err := bad.Err(); err != nil {
		return err
	}
	if _, _, err := p.Verify(ctx, u.ID, ch.Old); errors.Is(err, ErrWrongPassword) {
		bad.Add("old_password", "password_wrong")
		return bad.Err()
	} else if err != nil {
		return err
	}
	return p.set(ctx, u.ID, ch.New, false, ch.KeepToken)
}

// Reset gives the user userID a new random temporary password, which admin hands over and the
// user must change at their next sign-in; every session of theirs ends. It needs users.manage.
func (p *Passwords) Reset(ctx context.Context, admin store.User, userID string) (temporary string, err error) {
	if err := p.svc.Require(ctx, admin, policy.CapUsersManage); err != nil {
		return "", err
	}
	if strings.TrimSpace(userID) == "" {
		bad := FieldErrors{}
		bad.Add("user", "required")
		return "", bad.Err()
	}
	temporary = rand.Text() // 26 base32 characters, 130 bits: longer than any MinLength asks
	if err := p.set(ctx, userID, temporary, true, ""); err != nil {
		return "", err
	}
	return temporary, nil
}

// check adds what is wrong with password as a new password of u under field.
func (p *Passwords) check(bad FieldErrors, field string, u store.User, password string) {
	switch {
	case password == "":
		bad.Add(field, "required")
	case utf8.RuneCountInString(password) < p.rule.MinLength:
		bad.Add(field, "password_too_short", p.rule.MinLength)
	case len(password) > maxPasswordBytes:
		bad.Add(field, "password_too_long", maxPasswordBytes)
	case strings.EqualFold(password, u.ID) || strings.Contains(strings.ToLower(password), strings.ToLower(u.ID)):
		bad.Add(field, "password_has_name")
	}
}

func (p *Passwords) set(ctx context.Context, userID, password string, mustChange bool, keepToken string) error {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return Internal(fmt.Errorf("hash password of %s: %w", userID, err))
	}
	c := store.Credential{UserID: userID, Hash: string(h), ChangedAt: p.svc.now(), MustChange: mustChange}
	if err := p.svc.store.SetCredential(ctx, c, keepToken); errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	} else if err != nil {
		return Internal(err)
	}
	return nil
}
