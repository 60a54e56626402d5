package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// BudgetLine is a budget line with its balance, in minor units.
type BudgetLine struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	DepartmentID string `json:"department_id"`
	Year         int    `json:"year"`
	Total        int64  `json:"total"`
	Reserved     int64  `json:"reserved"`
	Consumed     int64  `json:"consumed"`
	Remaining    int64  `json:"remaining"`
}

const budgetColumns = `id, name, department_id, year, total, reserved, consumed, total - reserved - consumed`

func scanBudget(r pgx.Row) (BudgetLine, error) {
	var b BudgetLine
	err := r.Scan(&b.ID, &b.Name, &b.DepartmentID, &b.Year, &b.Total, &b.Reserved, &b.Consumed, &b.Remaining)
	return b, err
}

// BudgetLine returns one line with its balance.
func (s *Store) BudgetLine(ctx context.Context, id string) (BudgetLine, error) {
	b, err := scanBudget(s.pool.QueryRow(ctx, `SELECT `+budgetColumns+` FROM budget_lines WHERE id = $1`, id))
	if err != nil {
		return BudgetLine{}, fmt.Errorf("budget line %s: %w", id, notFound(err))
	}
	return b, nil
}

// BudgetLines lists the lines, optionally of one department.
func (s *Store) BudgetLines(ctx context.Context, department string) ([]BudgetLine, error) {
	q := `SELECT ` + budgetColumns + ` FROM budget_lines WHERE $1 = '' OR department_id = $1 ORDER BY id`
	rows, err := s.pool.Query(ctx, q, department)
	if err != nil {
		return nil, fmt.Errorf("budget lines: %w", err)
	}
	lines, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (BudgetLine, error) { return scanBudget(r) })
	if err != nil {
		return nil, fmt.Errorf("budget lines: %w", err)
	}
	return lines, nil
}
