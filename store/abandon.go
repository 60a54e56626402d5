package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/chain"
)

// AbandonCase closes a case that could not be routed (no eligible signer under its policy
// version): the submission and a system rejection naming the reason go to the ledger, the
// reservation is released and the case leaves every inbox. Applying it twice is a no-op.
func (s *Store) AbandonCase(ctx context.Context, caseID, reason string, at time.Time) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var submitter string
		var version, seq int
		const cur = `SELECT submitter_id, policy_version, seq FROM cases WHERE id = $1 FOR UPDATE`
		if err := tx.QueryRow(ctx, cur, caseID).Scan(&submitter, &version, &seq); err != nil {
			return notFound(err)
		}
		if seq > 0 {
			return nil // routed or already abandoned: the ledger has begun
		}
		b := &pgx.Batch{}
		const seal = `INSERT INTO seals (case_id, seq, role, actor_id, decision, comment, policy_version, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (case_id, seq) DO NOTHING`
		b.Queue(seal, caseID, 1, "handler", submitter, string(chain.DecSubmitted), "", version, at)
		b.Queue(seal, caseID, 2, "", chain.SystemActor, string(chain.DecRejected), reason, version, at)
		if err := queueBudget(b, caseID, chain.BudgetRelease); err != nil {
			return err
		}
		const upd = `UPDATE cases SET status = $2, seq = 2, assignees = '{}', closed_at = now(), updated_at = now()
			WHERE id = $1`
		b.Queue(upd, caseID, string(chain.StatusRejected))
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("abandon %s: %w", caseID, err)
	}
	return nil
}
