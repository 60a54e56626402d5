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
	PasswordHash string   `json:"-"`
}

// UserByID returns an active user.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	var u User
	const q = `SELECT id, name, email, department_id, roles, password_hash FROM users WHERE id = $1 AND active`
	err := s.pool.QueryRow(ctx, q, id).Scan(&u.ID, &u.Name, &u.Email, &u.DepartmentID, &u.Roles, &u.PasswordHash)
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

// CreateSession stores a login session under the SHA-256 of its bearer token.
func (s *Store) CreateSession(ctx context.Context, token, userID string, expires time.Time) error {
	h := sha256.Sum256([]byte(token))
	const q = `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`
	if _, err := s.pool.Exec(ctx, q, h[:], userID, expires); err != nil {
		return fmt.Errorf("create session: %w", mapErr(err))
	}
	return nil
}

// SessionUser returns the user of an unexpired session token.
func (s *Store) SessionUser(ctx context.Context, token string) (User, error) {
	h := sha256.Sum256([]byte(token))
	var u User
	const q = `SELECT u.id, u.name, u.email, u.department_id, u.roles FROM sessions s
		JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active`
	if err := s.pool.QueryRow(ctx, q, h[:]).Scan(&u.ID, &u.Name, &u.Email, &u.DepartmentID, &u.Roles); err != nil {
		return User{}, fmt.Errorf("session: %w", notFound(err))
	}
	return u, nil
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	h := sha256.Sum256([]byte(token))
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, h[:]); err != nil {
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
