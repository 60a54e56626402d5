package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// RateRow is one completion rate's numbers: problems due in the period that count, and how many
// of them were closed on time.
type RateRow struct {
	Key    string `json:"key"`
	Due    int    `json:"due"`
	OnTime int    `json:"on_time"`
}

// CompletionRates counts, for one dimension (center, department or representative), the
// problems due in [from, to) and those closed on time, per key, from the rows RecordProblem keeps.
// A period of whole days (from and to at midnight in their own location, the policy's timezone
// as the kpi package builds periods) sums the daily counts; any other period counts the detail
// rows, with an index-only scan over (dimension, due_at).
func (s *Store) CompletionRates(ctx context.Context, dimension string, from, to time.Time) ([]RateRow, error) {
	q := `SELECT key, count(*)::int, count(*) FILTER (WHERE on_time)::int FROM problem_kpi
		WHERE dimension = $1 AND due_at >= $2 AND due_at < $3 GROUP BY key ORDER BY key`
	args := []any{dimension, from, to}
	if midnight(from) && midnight(to) {
		q = `SELECT key, sum(due)::int, sum(on_time)::int FROM problem_kpi_daily
			WHERE dimension = $1 AND day >= $2::date AND day < $3::date
			GROUP BY key HAVING sum(due) > 0 ORDER BY key`
		args = []any{dimension, from.Format(time.DateOnly), to.Format(time.DateOnly)}
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("completion rates: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RateRow, error) {
		var x RateRow
		err := r.Scan(&x.Key, &x.Due, &x.OnTime)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("completion rates: %w", err)
	}
	return out, nil
}

// BehindRate lists the problems behind one completion rate (a dimension and key, or the center
// with key ""), due in [from, to), with whether each was closed on time: the drill-down.
func (s *Store) BehindRate(ctx context.Context, dimension, key string, from, to time.Time, limit int) ([]Problem, []bool, error) {
	q := `SELECT ` + problemColumns + `, on_time FROM (
			SELECT p.*, k.on_time, k.due_at AS counted_due FROM problem_kpi k JOIN problems p ON p.id = k.problem_id
			WHERE k.dimension = $1 AND k.key = $2 AND k.due_at >= $3 AND k.due_at < $4) behind
		ORDER BY counted_due, id LIMIT $5`
	rows, err := s.pool.Query(ctx, q, dimension, key, from, to, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("behind rate: %w", err)
	}
	defer rows.Close()
	var ps []Problem
	var onTime []bool
	for rows.Next() {
		var ok bool
		p, err := scanProblem(rows, &ok)
		if err != nil {
			return nil, nil, fmt.Errorf("behind rate: %w", err)
		}
		ps, onTime = append(ps, p), append(onTime, ok)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("behind rate: %w", err)
	}
	return ps, onTime, nil
}

// midnight reports whether t starts a day in its own location.
func midnight(t time.Time) bool {
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}
