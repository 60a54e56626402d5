package store

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// User is a person as the gateway needs them: identity, department, posts.
type User struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Email        string   `json:"email"`
	DepartmentID string   `json:"department_id"`
	Roles        []string `json:"roles"`
}

// UserByID returns an active user.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	var u User
	const q = `SELECT id, name, email, department_id, roles FROM users WHERE id = $1 AND active`
	err := s.pool.QueryRow(ctx, q, id).Scan(&u.ID, &u.Name, &u.Email, &u.DepartmentID, &u.Roles)
	if err != nil {
		return User{}, fmt.Errorf("user %s: %w", id, notFound(err))
	}
	return u, nil
}

// UsersByIDs returns the named users that exist, keyed by ID.
func (s *Store) UsersByIDs(ctx context.Context, ids []string) (map[string]User, error) {
	const q = `SELECT id, name, email, department_id, roles FROM users WHERE id = ANY($1)`
	rows, err := s.pool.Query(ctx, q, ids)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	out := map[string]User{}
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name, &u.Email, &u.DepartmentID, &u.Roles); err != nil {
			return nil, fmt.Errorf("users: %w", err)
		}
		out[u.ID] = u
	}
	return out, rows.Err()
}

// tokenHash is how a session token is kept: its SHA-256, so that the table alone opens nothing.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession stores a login session under the SHA-256 of its bearer token, last used at.
func (s *Store) CreateSession(ctx context.Context, token, userID string, at, expires time.Time) error {
	const q = `INSERT INTO sessions (token_hash, user_id, expires_at, last_seen_at) VALUES ($1, $2, $3, $4)`
	if _, err := s.pool.Exec(ctx, q, tokenHash(token), userID, expires, at); err != nil {
		return fmt.Errorf("create session: %w", mapErr(err))
	}
	return nil
}

// Session is a session in force: its user, and whether an admin's reset left them a password
// they must change before anything else.
type Session struct {
	User               User
	MustChangePassword bool
}

// SessionAt returns the session of a token that has not expired by at and was last used after
// idleSince (the idle timeout's cutoff), and marks it used at at: each request keeps its session
// alive. A session past either limit, or of an inactive user, is ErrNotFound.
func (s *Store) SessionAt(ctx context.Context, token string, at, idleSince time.Time) (Session, error) {
	var ss Session
	u := &ss.User
	const q = `WITH used AS (
			UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, $2)
			WHERE token_hash = $1 AND expires_at > $2 AND last_seen_at > $3
			RETURNING user_id)
		SELECT u.id, u.name, u.email, u.department_id, u.roles, coalesce(c.must_change, false)
		FROM used JOIN users u ON u.id = used.user_id LEFT JOIN credentials c ON c.user_id = u.id
		WHERE u.active`
	err := s.pool.QueryRow(ctx, q, tokenHash(token), at, idleSince).
		Scan(&u.ID, &u.Name, &u.Email, &u.DepartmentID, &u.Roles, &ss.MustChangePassword)
	if err != nil {
		return Session{}, fmt.Errorf("session: %w", notFound(err))
	}
	return ss, nil
}

// SessionUser is the user of SessionAt.
func (s *Store) SessionUser(ctx context.Context, token string, at, idleSince time.Time) (User, error) {
	ss, err := s.SessionAt(ctx, token, at, idleSince)
	return ss.User, err
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash(token)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Delegation is a period during which Delegate may act for Delegator (代理).
type Delegation struct {
	ID          int64     `json:"id"`
	DelegatorID string    `json:"delegator_id"`
	DelegateID  string    `json:"delegate_id"`
	ValidFrom   time.Time `json:"valid_from"`
	ValidTo     time.Time `json:"valid_to"`
}

// CreateDelegation records a delegation.
func (s *Store) CreateDelegation(ctx context.Context, d Delegation) (Delegation, error) {
	const q = `INSERT INTO delegations (delegator_id, delegate_id, valid_from, valid_to) VALUES ($1, $2, $3, $4) RETURNING id`
	if err := s.pool.QueryRow(ctx, q, d.DelegatorID, d.DelegateID, d.ValidFrom, d.ValidTo).Scan(&d.ID); err != nil {
		return Delegation{}, fmt.Errorf("create delegation: %w", mapErr(err))
	}
	return d, nil
}

// Delegators returns whom the user may act for at the given time.
func (s *Store) Delegators(ctx context.Context, delegate string, at time.Time) ([]string, error) {
	const q = `SELECT DISTINCT delegator_id FROM delegations
		WHERE delegate_id = $1 AND valid_from <= $2 AND valid_to > $2 ORDER BY 1`
	rows, err := s.pool.Query(ctx, q, delegate, at)
	if err != nil {
		return nil, fmt.Errorf("delegators: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("delegators: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Delegates returns whom the user has delegated to at the given time.
func (s *Store) Delegates(ctx context.Context, delegator string, at time.Time) ([]string, error) {
	const q = `SELECT DISTINCT delegate_id FROM delegations
		WHERE delegator_id = $1 AND valid_from <= $2 AND valid_to > $2 ORDER BY 1`
	rows, err := s.pool.Query(ctx, q, delegator, at)
	if err != nil {
		return nil, fmt.Errorf("delegates: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("delegates: %w", err)
	}
	return ids, nil
}

// DelegationsOf lists the delegations a user gave or received that have not ended by at, the
// soonest first: what the delegation page shows.
func (s *Store) DelegationsOf(ctx context.Context, user string, at time.Time) ([]Delegation, error) {
	const q = `SELECT id, delegator_id, delegate_id, valid_from, valid_to FROM delegations
		WHERE (delegator_id = $1 OR delegate_id = $1) AND valid_to > $2
		ORDER BY valid_from, id LIMIT 100`
	rows, err := s.pool.Query(ctx, q, user, at)
	if err != nil {
		return nil, fmt.Errorf("delegations of %s: %w", user, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Delegation, error) {
		var d Delegation
		err := r.Scan(&d.ID, &d.DelegatorID, &d.DelegateID, &d.ValidFrom, &d.ValidTo)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("delegations of %s: %w", user, err)
	}
	return out, nil
}
