package store

import (
	"context"
	"fmt"
)

// InboxCounts are the badges of a user's inbox tabs. Each is capped: a value above the limit
// InboxCounts was given means "more than limit" (show "99+"), not an exact count.
type InboxCounts struct {
	Todo        int `json:"todo"`         // cases the user must act on now
	TodoOverdue int `json:"todo_overdue"` // of those, the overdue ones
	Done        int `json:"done"`         // cases the user decided on
	Submitted   int `json:"submitted"`    // cases the user submitted
	Copied      int `json:"copied"`       // cases copied to the user
}

// inboxCounts counts at most $2 rows per tab, so its cost does not grow with a user's history.
const inboxCounts = `SELECT
	(SELECT count(*) FROM (SELECT 1 FROM cases WHERE assignees @> ARRAY[$1]::text[] LIMIT $2) x),
	(SELECT count(*) FROM (SELECT 1 FROM cases WHERE assignees @> ARRAY[$1]::text[] AND overdue LIMIT $2) x),
	(SELECT count(*) FROM (SELECT 1 FROM case_done WHERE user_id = $1 LIMIT $2) x),
	(SELECT count(*) FROM (SELECT 1 FROM cases WHERE submitter_id = $1 LIMIT $2) x),
	(SELECT count(*) FROM (SELECT 1 FROM case_copies WHERE user_id = $1 LIMIT $2) x)`

// InboxCounts counts a user's todo (and overdue todo), done, submitted and copied cases in
// one statement. Each count stops at limit+1: a value greater than limit means "more than
// limit". The limit must be at least 1.
func (s *Store) InboxCounts(ctx context.Context, user string, limit int) (InboxCounts, error) {
	if limit < 1 {
		return InboxCounts{}, fmt.Errorf("inbox counts: limit %d, want at least 1", limit)
	}
	var c InboxCounts
	err := s.pool.QueryRow(ctx, inboxCounts, user, int64(limit)+1).
		Scan(&c.Todo, &c.TodoOverdue, &c.Done, &c.Submitted, &c.Copied)
	if err != nil {
		return InboxCounts{}, fmt.Errorf("inbox counts of %s: %w", user, err)
	}
	return c, nil
}

// TodoCount counts the cases waiting for a user, stopping at limit+1: the badge every page
// shows, cheaper than all of InboxCounts.
func (s *Store) TodoCount(ctx context.Context, user string, limit int) (int, error) {
	const q = `SELECT count(*) FROM (SELECT 1 FROM cases WHERE assignees @> ARRAY[$1]::text[] LIMIT $2) x`
	var n int
	if err := s.pool.QueryRow(ctx, q, user, int64(limit)+1).Scan(&n); err != nil {
		return 0, fmt.Errorf("todo count of %s: %w", user, err)
	}
	return n, nil
}
