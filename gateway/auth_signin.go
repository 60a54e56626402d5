package gateway

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"signoff/config"
	"signoff/gateway/door"
	"signoff/service"
	"signoff/store"
)

// Password sign-in as both doors do it: throttled per account and per client address with
// counters every gateway shares (store/credentials_throttle.go, a fixed window in PostgreSQL),
// checked by service.Passwords, every outcome in the audit log:
//
//   - a locked account or address is refused before the password is looked at (sign_in_locked,
//     HTTP 429 with Retry-After), the right password included: a guesser learns nothing;
//   - a refused password counts against both keys (sign_in_failed); the failure that reaches a
//     key's limit locks it and is answered as a lockout at once (and recorded as sign_in_locked);
//   - an accepted password forgets the account's failures (sign_in). The address's are kept:
//     one account of one's own must not buy more guesses at everyone else's.

// codeSignInLocked is the stable code of a refused sign-in of a locked account or address.
const codeSignInLocked = "sign_in_locked"

// signInLocked is the refusal of a locked sign-in, answered 429; RetryAfter is whole seconds.
type signInLocked struct {
	until      time.Time
	retryAfter int
}

func (e *signInLocked) Error() string { return fmt.Sprintf("sign-in locked until %s", e.until) }

// doorError is what the client is told.
func (e *signInLocked) doorError() *door.Error {
	return &door.Error{Status: http.StatusTooManyRequests, Code: codeSignInLocked,
		Message: "Too many failed sign-ins for this account or from this address; try again after the time Retry-After gives.",
		Details: map[string]any{"retry_after_seconds": e.retryAfter}}
}

func lockedAt(until, at time.Time) *signInLocked {
	return &signInLocked{until: until, retryAfter: int(math.Ceil(until.Sub(at).Seconds()))}
}

// writeRetryAfter sets Retry-After when err is a lockout, and returns what the door says of err.
func writeRetryAfter(w http.ResponseWriter, err error) error {
	var locked *signInLocked
	if errors.As(err, &locked) {
		w.Header().Set("Retry-After", strconv.Itoa(locked.retryAfter))
		return locked.doorError()
	}
	return err
}

// throttles are the keys a sign-in as typed from addr counts against.
func (s *server) throttles(typed, addr string) (account, address store.Throttle) {
	account = store.Throttle{Key: "user:" + truncateName(typed), Limit: s.auth.MaxFailures,
		Window: s.auth.FailureWindow, Lockout: s.auth.Lockout}
	address = store.Throttle{Key: "addr:" + addr, Limit: s.auth.MaxAddressFailures,
		Window: s.auth.FailureWindow, Lockout: s.auth.Lockout}
	return account, address
}

// signIn checks a password for one of the doors under the throttle and records the outcome. It
// returns the user, whether they must change their password now, or door.ErrInvalidCredentials,
// or a *signInLocked. Failures of the store are neither: they are logged as the 500 they become.
func (s *server) signIn(ctx context.Context, r *http.Request, userID, password string) (store.User, bool, error) {
	at := s.now()
	account, address := s.throttles(userID, remoteOf(r))
	until, err := s.store.SignInLockedUntil(ctx, []string{account.Key, address.Key}, at)
	if err != nil {
		return store.User{}, false, fmt.Errorf("sign in: %w", err)
	}
	if !until.IsZero() {
		locked := lockedAt(until, at)
		s.auditLocked(ctx, r, userID, locked, false)
		return store.User{}, false, locked
	}
	u, mustChange, err := s.passwords.Verify(ctx, userID, password)
	switch {
	case err == nil:
		if err := s.store.ClearSignInFailures(ctx, account.Key); err != nil {
			return store.User{}, false, fmt.Errorf("sign in: %w", err)
		}
		e := entryFor(r, store.AuditSignIn, r.Method+" "+r.URL.Path)
		e.ActorID = u.ID
		if mustChange {
			e.Details = map[string]any{"must_change_password": true}
		}
		s.svc.RecordAudit(ctx, e)
		return u, mustChange, nil
	case errors.Is(err, service.ErrWrongPassword):
		s.auditFailedSignIn(ctx, r, userID)
		var latest time.Time
		for _, t := range []store.Throttle{account, address} {
			until, err := s.store.RecordSignInFailure(ctx, t, at)
			if err != nil {
				return store.User{}, false, fmt.Errorf("sign in: %w", err)
			}
			if until.After(latest) {
				latest = until
			}
		}
		if !latest.IsZero() {
			locked := lockedAt(latest, at)
			s.auditLocked(ctx, r, userID, locked, true)
			return store.User{}, false, locked
		}
		return store.User{}, false, door.ErrInvalidCredentials
	default:
		return store.User{}, false, err
	}
}

// auditLocked records a lockout: the failure that caused it (now) or a sign-in refused during it.
func (s *server) auditLocked(ctx context.Context, r *http.Request, typed string, locked *signInLocked, now bool) {
	e := entryFor(r, store.AuditSignInLocked, r.Method+" "+r.URL.Path)
	e.ActorID, e.Code = truncateName(typed), codeSignInLocked
	e.Details = map[string]any{"locked_until": locked.until.UTC().Format(time.RFC3339), "locked_now": now}
	s.svc.RecordAudit(ctx, e)
}

// authWithDefaults gives every zero setting of c its default of config/keys.go, so that a
// caller naming only the token's lifetime (the tests' gateways) gets the documented behaviour.
func authWithDefaults(c config.AuthConfig) (config.AuthConfig, error) {
	defaults := map[string]string{}
	for _, k := range config.Reference() {
		defaults[k.Name] = k.Default
	}
	var bad error
	duration := func(v *time.Duration, key string) {
		if *v == 0 {
			d, err := time.ParseDuration(defaults[key])
			*v, bad = d, errors.Join(bad, err)
		}
	}
	number := func(v *int, key string) {
		if *v == 0 {
			n, err := strconv.Atoi(defaults[key])
			*v, bad = n, errors.Join(bad, err)
		}
	}
	duration(&c.IdleTimeout, "auth.idle_timeout")
	duration(&c.FailureWindow, "auth.failure_window")
	duration(&c.Lockout, "auth.lockout")
	number(&c.MaxFailures, "auth.max_failures")
	number(&c.MaxAddressFailures, "auth.max_address_failures")
	number(&c.MinPasswordLength, "auth.min_password_length")
	if bad != nil {
		return c, fmt.Errorf("gateway: auth defaults: %w", bad)
	}
	return c, nil
}
