package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Edit is a submitter's correction of a returned claim. It is stored first and applied by the
// workflow with the resubmission seal, so a refused resubmission leaves the case untouched.
type Edit struct {
	Title           string `json:"title"`
	Purpose         string `json:"purpose"`
	Category        string `json:"category"`
	Lines           []Line `json:"lines"`
	Amount          int64  `json:"amount"`
	AllowOverBudget bool   `json:"allow_over_budget"`
	// Attachments are IDs of the submitter's new uploads, linked to the case when the edit is
	// applied.
	Attachments []string `json:"attachments,omitempty"`
	// Purchase is a purchase request's revised procurement part (items, supplier, contract).
	Purchase *Purchase `json:"purchase,omitempty"`
}

// SaveEdit stores an edit for a case and returns its ID.
func (s *Store) SaveEdit(ctx context.Context, caseID string, e Edit) (string, error) {
	return saveEdit(ctx, s.pool, caseID, e)
}

// saveEdit stores an edit through q, a pool or a transaction.
func saveEdit(ctx context.Context, q interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, caseID string, e Edit) (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("save edit: %w", err)
	}
	id := hex.EncodeToString(b[:])
	payload, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("save edit: %w", err)
	}
	const ins = `INSERT INTO case_edits (id, case_id, payload) VALUES ($1, $2, $3)`
	if _, err := q.Exec(ctx, ins, id, caseID, payload); err != nil {
		return "", fmt.Errorf("save edit: %w", mapErr(err))
	}
	return id, nil
}

// EditByID returns a stored edit of a case.
func (s *Store) EditByID(ctx context.Context, caseID, id string) (Edit, error) {
	var payload []byte
	const q = `SELECT payload FROM case_edits WHERE id = $1 AND case_id = $2`
	if err := s.pool.QueryRow(ctx, q, id, caseID).Scan(&payload); err != nil {
		return Edit{}, fmt.Errorf("edit %s: %w", id, notFound(err))
	}
	var e Edit
	if err := json.Unmarshal(payload, &e); err != nil {
		return Edit{}, fmt.Errorf("edit %s: %w", id, err)
	}
	return e, nil
}

// applyEdit writes a stored edit onto the case, moves the reservation by the change in amount
// and links the edit's new attachments. Applying it twice is a no-op. An attachment that is not
// the submitter's own unlinked upload fails it with *AttachmentError; the caller's transaction
// then rolls back.
func applyEdit(ctx context.Context, tx pgx.Tx, caseID, editID string) error {
	var payload []byte
	const claim = `UPDATE case_edits SET applied_at = now() WHERE id = $1 AND case_id = $2 AND applied_at IS NULL
		RETURNING payload`
	switch err := tx.QueryRow(ctx, claim, editID, caseID).Scan(&payload); {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("apply edit: %w", err)
	}
	var e Edit
	if err := json.Unmarshal(payload, &e); err != nil {
		return fmt.Errorf("apply edit: %w", err)
	}
	var old int64
	var line, submitter string
	const cur = `SELECT amount, budget_line_id, submitter_id FROM cases WHERE id = $1 FOR UPDATE`
	if err := tx.QueryRow(ctx, cur, caseID).Scan(&old, &line, &submitter); err != nil {
		return fmt.Errorf("apply edit: %w", notFound(err))
	}
	over := false
	if delta := e.Amount - old; delta > 0 {
		var err error
		if over, err = reserve(ctx, tx, line, delta, e.AllowOverBudget); err != nil {
			return err
		}
	} else if delta < 0 {
		if _, err := tx.Exec(ctx, `UPDATE budget_lines SET reserved = reserved + $2 WHERE id = $1`, line, delta); err != nil {
			return fmt.Errorf("apply edit: release: %w", err)
		}
	}
	const upd = `UPDATE cases SET title = $2, purpose = $3, category = $4, amount = $5,
		over_budget = over_budget OR $6 WHERE id = $1`
	if _, err := tx.Exec(ctx, upd, caseID, e.Title, e.Purpose, e.Category, e.Amount, over); err != nil {
		return fmt.Errorf("apply edit: %w", err)
	}
	const res = `UPDATE budget_reservations SET amount = $2, updated_at = now() WHERE case_id = $1`
	if _, err := tx.Exec(ctx, res, caseID, e.Amount); err != nil {
		return fmt.Errorf("apply edit: reservation: %w", err)
	}
	b := &pgx.Batch{}
	if e.Purchase != nil {
		if err := queuePurchase(b, caseID, e.Purchase); err != nil {
			return fmt.Errorf("apply edit: %w", err)
		}
	}
	queueLines(b, caseID, e.Lines)
	queueLinkAttachments(b, caseID, submitter, e.Attachments)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("apply edit: lines and attachments: %w", err)
	}
	return nil
}
