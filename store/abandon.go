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
		seals, err := linkSeals(ctx, tx, caseID, version, []chain.Seal{
			{Seq: 1, Role: "handler", Actor: submitter, Decision: chain.DecSubmitted, At: at},
			{Seq: 2, Actor: chain.SystemActor, Decision: chain.DecRejected, Comment: reason, At: at},
		})
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		queueSeals(b, seals)
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
