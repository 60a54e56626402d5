package store

import (
	"context"
	"errors"
	"fmt"
)

// ErrSharedEmail is an e-mail address two active members have: it names nobody, so single
// sign-on by e-mail refuses it rather than pick one.
var ErrSharedEmail = errors.New("e-mail address shared by several active members")

// UserByEmail returns the one active member with this e-mail address, compared without regard
// to case (as providers and people write addresses both ways). Single sign-on finds people so.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	const q = `SELECT id, name, email, department_id, roles FROM users
		WHERE active AND lower(email) = lower($1) ORDER BY id LIMIT 2`
	rows, err := s.pool.Query(ctx, q, email)
	if err != nil {
		return User{}, fmt.Errorf("user by e-mail: %w", mapErr(err))
	}
	defer rows.Close()
	var found []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name, &u.Email, &u.DepartmentID, &u.Roles); err != nil {
			return User{}, fmt.Errorf("user by e-mail: %w", err)
		}
		found = append(found, u)
	}
	if err := rows.Err(); err != nil {
		return User{}, fmt.Errorf("user by e-mail: %w", mapErr(err))
	}
	switch len(found) {
	case 0:
		return User{}, fmt.Errorf("user by e-mail: %w", ErrNotFound)
	case 1:
		return found[0], nil
	default:
		return User{}, fmt.Errorf("user by e-mail: %w", ErrSharedEmail)
	}
}
