package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Review results published (审核结果上墙公示): what the reviewers decided in a period, per department
// of the case, read from the seals. A decision is a seal of the given role whose decision is
// approved, returned or rejected, dated in the period; a case reviewed twice (returned, then
// approved after resubmission) counts once under each decision. Amounts are the case's amount as
// it stands now, in minor units.

// ReviewTally is one department's count of one decision in a period.
type ReviewTally struct {
	DepartmentID string
	Decision     string // approved, returned, rejected
	Decisions    int    // seals
	Cases        int    // distinct cases
	Amount       int64  // sum of the distinct cases' amounts
}

// ReviewRefusal is one returned or rejected decision with the reviewer's reason.
type ReviewRefusal struct {
	CaseID       string
	DepartmentID string
	Amount       int64
	Currency     string
	Decision     string
	Comment      string
	ActorID      string
	At           time.Time
}

// maxRefusals bounds the reasons one period lists; the counts are never bounded.
const maxRefusals = 1000

// ReviewTallies counts the decisions of role's seals in [from, to) per department and decision.
func (s *Store) ReviewTallies(ctx context.Context, role string, from, to time.Time) ([]ReviewTally, error) {
	const q = `SELECT c.department_id, d.decision, sum(d.n)::int, count(*)::int, coalesce(sum(c.amount), 0)::bigint
		FROM (SELECT case_id, decision, count(*) AS n FROM seals
		      WHERE role = $1 AND decision IN ('approved', 'returned', 'rejected') AND at >= $2 AND at < $3
		      GROUP BY case_id, decision) d
		JOIN cases c ON c.id = d.case_id
		GROUP BY c.department_id, d.decision
		ORDER BY c.department_id, d.decision`
	rows, err := s.pool.Query(ctx, q, role, from, to)
	if err != nil {
		return nil, fmt.Errorf("review tallies: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReviewTally, error) {
		var t ReviewTally
		err := row.Scan(&t.DepartmentID, &t.Decision, &t.Decisions, &t.Cases, &t.Amount)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("review tallies: %w", err)
	}
	return out, nil
}

// ReviewRefusals lists the returned and rejected decisions of role's seals in [from, to) with
// their reasons, by department and time (at most maxRefusals).
func (s *Store) ReviewRefusals(ctx context.Context, role string, from, to time.Time) ([]ReviewRefusal, error) {
	const q = `SELECT s.case_id, c.department_id, c.amount, c.currency, s.decision, s.comment, s.actor_id, s.at
		FROM seals s JOIN cases c ON c.id = s.case_id
		WHERE s.role = $1 AND s.decision IN ('returned', 'rejected') AND s.at >= $2 AND s.at < $3
		ORDER BY c.department_id, s.at, s.case_id, s.seq
		LIMIT $4`
	rows, err := s.pool.Query(ctx, q, role, from, to, maxRefusals)
	if err != nil {
		return nil, fmt.Errorf("review refusals: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReviewRefusal, error) {
		var x ReviewRefusal
		err := row.Scan(&x.CaseID, &x.DepartmentID, &x.Amount, &x.Currency, &x.Decision, &x.Comment, &x.ActorID, &x.At)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("review refusals: %w", err)
	}
	return out, nil
}
