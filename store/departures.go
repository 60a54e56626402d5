package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Departures: a person who leaves is deactivated by an admin (service.DeactivateUser). The
// store's part is the bookkeeping, in one transaction: the departure row (which keeps them
// inactive across policy loads, see syncOrg), the users row marked inactive, their sessions
// ended and their delegations, given or received, ended at the moment of departure.

// Departure is a recorded departure.
type Departure struct {
	UserID string    `json:"user_id"`
	At     time.Time `json:"at"`
	ByID   string    `json:"by_id"`
	Reason string    `json:"reason"`
}

// Deactivate records d and ends the person's sessions and delegations. The person must be
// active or already departed (a repeat, which records d's reason); else ErrNotFound.
func (s *Store) Deactivate(ctx context.Context, d Departure) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET active = false WHERE id = $1 AND active`, d.UserID)
		if err != nil {
			return fmt.Errorf("deactivate %s: %w", d.UserID, err)
		}
		if tag.RowsAffected() == 0 {
			// Already departed: a repeat (after a failure part way) finishes the re-routing.
			var departed bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM departures WHERE user_id = $1)`, d.UserID).Scan(&departed); err != nil {
				return fmt.Errorf("deactivate %s: %w", d.UserID, err)
			}
			if !departed {
				return fmt.Errorf("deactivate %s: %w", d.UserID, ErrNotFound)
			}
		}
		const dep = `INSERT INTO departures (user_id, at, by_id, reason) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id) DO UPDATE SET at = EXCLUDED.at, by_id = EXCLUDED.by_id, reason = EXCLUDED.reason`
		if _, err := tx.Exec(ctx, dep, d.UserID, d.At, d.ByID, d.Reason); err != nil {
			return fmt.Errorf("deactivate %s: %w", d.UserID, mapErr(err))
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, d.UserID); err != nil {
			return fmt.Errorf("deactivate %s: sessions: %w", d.UserID, err)
		}
		// Delegations not yet begun are dropped; those in force end now.
		const future = `DELETE FROM delegations WHERE (delegator_id = $1 OR delegate_id = $1) AND valid_from >= $2`
		if _, err := tx.Exec(ctx, future, d.UserID, d.At); err != nil {
			return fmt.Errorf("deactivate %s: delegations: %w", d.UserID, err)
		}
		const end = `UPDATE delegations SET valid_to = $2 WHERE (delegator_id = $1 OR delegate_id = $1) AND valid_to > $2`
		if _, err := tx.Exec(ctx, end, d.UserID, d.At); err != nil {
			return fmt.Errorf("deactivate %s: delegations: %w", d.UserID, err)
		}
		return nil
	})
}

// Reactivate deletes the departure of someone who left and makes them active again. Only a
// departed person is reactivated (else ErrNotFound): someone the policy dropped comes back by a
// policy load.
func (s *Store) Reactivate(ctx context.Context, userID string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM departures WHERE user_id = $1`, userID)
		if err != nil {
			return fmt.Errorf("reactivate %s: %w", userID, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("reactivate %s: %w", userID, ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET active = true WHERE id = $1`, userID); err != nil {
			return fmt.Errorf("reactivate %s: %w", userID, err)
		}
		return nil
	})
}

// CasesHeldBy lists, oldest first, the IDs of the cases whose current step userID holds.
func (s *Store) CasesHeldBy(ctx context.Context, userID string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM cases WHERE assignees @> ARRAY[$1]::text[] ORDER BY submitted_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("cases held by %s: %w", userID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("cases held by %s: %w", userID, err)
	}
	return ids, nil
}

// ActiveAmong returns which of ids are active people.
func (s *Store) ActiveAmong(ctx context.Context, ids []string) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM users WHERE id = ANY($1) AND active`, ids)
	if err != nil {
		return nil, fmt.Errorf("active users: %w", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("active users: %w", err)
	}
	out := make(map[string]bool, len(got))
	for _, id := range got {
		out[id] = true
	}
	return out, nil
}

// UserDirectory is one person as the admin's people page lists them.
type UserDirectory struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	DepartmentID string `json:"department_id"`
	Active       bool   `json:"active"`
}

// Directory lists everyone the users table knows, by ID.
func (s *Store) Directory(ctx context.Context) ([]UserDirectory, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, department_id, active FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[UserDirectory])
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	return out, nil
}
