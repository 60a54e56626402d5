package store

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// Errors callers can test with errors.Is. Postgres error codes are mapped to them here, once.
var (
	ErrNotFound            = errors.New("not found")
	ErrConflict            = errors.New("conflict")
	ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request")
)

// OverBudgetError says a budget line cannot cover an amount.
type OverBudgetError struct {
	BudgetLine string
	Requested  int64
	Remaining  int64
}

func (e *OverBudgetError) Error() string {
	return fmt.Sprintf("budget line %s has %d remaining, %d requested", e.BudgetLine, e.Remaining, e.Requested)
}

// mapErr maps constraint violations to the package's sentinel errors.
func mapErr(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %s", ErrConflict, pg.ConstraintName)
		case "23503": // foreign_key_violation
			return fmt.Errorf("%w: %s", ErrNotFound, pg.ConstraintName)
		}
	}
	return err
}
